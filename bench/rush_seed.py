"""The people of the deadline rush, made through the portal's own services.

A few challenges close in two hours. Each applicant administers a verified enterprise of their own
and has started a draft on one of them, with a verified university as consortium partner whose
administrator has accepted the invitation: everything a submission needs except what the
applicant does during the rush (the sections, the PDF, the team leader's pledge). The applicant
names themself team leader, so they sign the pledge with their own password.

Call `seed` in an application context; it commits. The demo password is every account's.
"""

from __future__ import annotations

from sqlmodel import select

from bench.rush_journey import Applicant
from portal.accounts import membership
from portal.accounts.models import User
from portal.challenges.models import Challenge
from portal.db import db
from portal.demo import build
from portal.proposals import consent, drafting
from portal.vocabulary import ChallengeStatus, OrgType, Role

HOURS_LEFT = 2
INDICATORS = (  # name, comparison, target, unit, test method
    ("分辨率 Resolution", "le", "28", "nm", "SEM cross-section"),
    ("良率 Yield", "ge", "95", "%", "Three pilot lots"),
    ("国产化率 Domestic content", "ge", "80", "%", "Bill of materials audit"),
)


def _officer() -> User:
    found = db.session.exec(select(User).where(User.email == "rush-officer@rush.example")).first()
    return found or build.account("rush-officer@rush.example", "冲刺 Rush officer", Role.officer)


def rush_challenges(count: int) -> list[Challenge]:
    """`count` challenges, published a fortnight ago by an officer, closing in HOURS_LEFT."""
    officer = _officer()
    db.session.flush()
    return [
        build.challenge(
            f"冲刺榜单 {k + 1}：极紫外光刻胶 Rush challenge {k + 1}",
            ChallengeStatus.published,
            by=officer,
            published=-15,
            deadline=HOURS_LEFT / 24,
            indicators=INDICATORS,
            max_members=2,
        )
        for k in range(count)
    ]


def _code17(prefix: str, number: int) -> str:
    """The first 17 characters of a credit code of the rush's own (the scale data's are all
    digits)."""
    return f"{prefix}RU{number:013d}"


def seed(count: int, *, challenges: int = 4, first: int = 1) -> list[Applicant]:
    """`count` applicants (numbered from `first`), spread over `challenges` rush challenges."""
    opened = rush_challenges(challenges)
    made = []
    for number in range(first, first + count):
        challenge = opened[number % len(opened)]
        lead = build.organisation(
            f"冲刺{number}号科技有限公司 Rush {number} Technology",
            OrgType.enterprise,
            _code17("91", number),
            "广东省深圳市",
        )
        partner = build.organisation(
            f"冲刺{number}号大学 Rush {number} University",
            OrgType.university,
            _code17("12", number),
            "广东省广州市",
        )
        email = f"applicant{number}@rush.example"
        applicant = build.account(email, f"申请人{number} Applicant {number}", Role.applicant)
        partner_admin = build.account(
            f"partner{number}@rush.example", f"合作方{number} Partner {number}", Role.applicant
        )
        db.session.flush()
        membership.join(applicant, lead)  # nobody speaks for it yet: its administrator
        membership.join(partner_admin, partner)
        proposal = drafting.start_proposal(challenge, by=applicant)
        drafting.save_members(
            proposal,
            by=applicant,
            revision=proposal.revision,
            lead_responsibility="",
            rows=[drafting.MemberInput(credit_code=partner.credit_code)],
        )
        invited = next(m for m in proposal.members if m.organisation_id == partner.id)
        consent.accept(invited, by=partner_admin)
        made.append(
            Applicant(
                number=number,
                email=email,
                name=applicant.name,
                password=build.PASSWORD,
                proposal_id=proposal.id,
                lead_org_id=lead.id,
                partner_code=partner.credit_code,
            )
        )
    db.session.commit()
    return made


def published_numbers() -> list[str]:
    """The numbers of every published challenge: the pages visitors read."""
    return list(
        db.session.exec(
            select(Challenge.number)
            .where(Challenge.status == ChallengeStatus.published)
            .order_by(Challenge.id)
        ).all()
    )
