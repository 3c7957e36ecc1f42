"""The builders the demos share: accounts, organisations, a chain link, challenges (through the
services, on a clock set back) and the proposals a demo needs handed in, in a state that the
services reach only through a whole review (in review, awarded, reserve): those are written as
rows, with every consent and signature a real submission has, and frozen by submission's own
snapshot.

Every demo account's password is `portal-demo`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import func, select

from portal import clock
from portal.accounts import creditcode, passwords
from portal.accounts import states as account_states
from portal.accounts.membership import administrators
from portal.accounts.models import Organisation, User
from portal.challenges import services as challenge_services
from portal.challenges import states as challenge_states
from portal.challenges.content import DEFAULT_RUBRIC, ChallengeData, CriterionRow, IndicatorRow
from portal.challenges.models import Chain, ChainLink, Challenge
from portal.db import db
from portal.proposals import models as proposal_rows
from portal.proposals import signature, submission
from portal.proposals.models import Proposal
from portal.proposals.states import set_consent
from portal.reviews import services as review_services
from portal.vocabulary import (
    ChallengeStatus,
    ConsentStatus,
    MemberRole,
    MembershipStatus,
    OrgStatus,
    OrgType,
    ProposalStatus,
    Role,
    Stage,
)

PASSWORD = "portal-demo"
# Team leaders with an account of their own; others get leaderN@.
LEADER_EMAILS = {"李明": "liming@example.com", "张华": "zhanghua@example.com"}
_hashed: list[str] = []


def account(email: str, name: str, role: Role, **fields) -> User:
    """A demo account, its address confirmed, with the demo password."""
    if not _hashed:
        _hashed.append(passwords.hashed(PASSWORD))
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=_hashed[0],
        created_at=clock.now(),
        email_verified_at=clock.now(),
        **fields,
    )
    db.session.add(user)
    return user


def organisation(
    name: str, type_: OrgType, code17: str, region: str, verified: bool = True
) -> Organisation:
    """An organisation, verified by platform staff unless `verified` says otherwise."""
    org = Organisation(
        name=name,
        type=type_,
        credit_code=creditcode.complete(code17),
        region=region,
        created_at=clock.now(),
        status=OrgStatus.verified if verified else OrgStatus.unverified,
        verified_at=clock.now() if verified else None,
    )
    db.session.add(org)
    return org


def chain_link(
    chain_name: str = "集成电路", name: str = "材料与设备", stage: Stage = Stage.upstream
) -> ChainLink:
    """The link `name` of the chain `chain_name`, made when it is not there yet."""
    chain = db.session.exec(select(Chain).where(Chain.name == chain_name)).first()
    if chain is None:
        chain = Chain(name=chain_name, leader_title=f"{chain_name}产业链链长")
        db.session.add(chain)
        db.session.flush()
    link = db.session.exec(
        select(ChainLink).where(ChainLink.chain_id == chain.id, ChainLink.name == name)
    ).first()
    if link is None:
        link = ChainLink(chain_id=chain.id, stage=stage, name=name)
        db.session.add(link)
        db.session.flush()
    return link


def challenge(
    title: str,
    status: ChallengeStatus,
    *,
    by: User,
    published: int,
    deadline: int,
    link: ChainLink | None = None,
    indicators: Iterable[tuple],
    criteria: Iterable[tuple[str, int]] | None = None,
    **fields,
) -> Challenge:
    """A challenge drafted and published by the officer `by` through the challenges services
    `published` days ago (negative: in the past), its deadline `deadline` days from now, with
    indicators (name, comparison, target, unit, test method) and criteria (name, weight); in
    review or decided, when `status` says so, through the review service and the state table.
    The criteria default to the default rubric, in Chinese. Other fields of ChallengeData
    (`blind_review`, `feedback`, …) pass through. It sets the clock back itself: call it on the
    running clock (frozen_at does not nest)."""
    now = clock.now()
    criteria = criteria or [(item.zh, item.weight) for item in DEFAULT_RUBRIC]
    data = ChallengeData(
        title=title,
        chain_link_id=(link or chain_link()).id,
        statement="国内供给不足 5%，长期依赖进口。",
        deliverable="中试线与第三方检测报告",
        funding_cap=Decimal("30000000.00"),
        duration_months=36,
        deadline=now + timedelta(days=deadline),
        indicators=[IndicatorRow(n, c, Decimal(t), u, m) for n, c, t, u, m in indicators],
        criteria=[CriterionRow(name, weight) for name, weight in criteria],
        **fields,
    )
    with clock.frozen_at(now + timedelta(days=published)):
        made = challenge_services.create_draft(data, by=by)
        challenge_services.publish(made, by=by)
    if status in (ChallengeStatus.reviewing, ChallengeStatus.decided):
        review_services.start_review(made, by=by)
    if status is ChallengeStatus.decided:
        challenge_states.set_status(made, status, by=by)
    db.session.flush()
    return made


def leader_account(name: str, org: Organisation) -> User:
    """The demo account of the team leader called `name` (made once, an approved member of
    `org`)."""
    found = db.session.exec(
        select(User).where(User.name == name, User.role == Role.applicant)
    ).first()
    if found is not None:
        return found
    email = LEADER_EMAILS.get(name)
    if email is None:
        taken = db.session.exec(
            select(func.count()).select_from(User).where(User.email.like("leader%@example.com"))
        ).one()
        email = f"leader{taken + 1}@example.com"
    user = account(email, name, Role.applicant)
    db.session.flush()
    account_states.new_membership(
        user, org.id, MembershipStatus.approved, by=user, action="membership.approved"
    )
    return user


def handed_in(proposal: Proposal, at: datetime) -> None:
    """A proposal built as already handed in (flushed, before its version is frozen): every
    member accepted the invitation, and the team leader (an account named like `leader_name`)
    signed the pledge for what the proposal says."""
    db.session.flush()
    for member in proposal.members:
        admins = administrators(member.organisation_id)
        member.invited_at = at
        set_consent(member, ConsentStatus.accepted, by=admins[0] if admins else None, now=at)
    organisation = db.session.get(Organisation, proposal.leader_org_id or proposal.lead_org_id)
    signature.record_signature(proposal, leader_account(proposal.leader_name, organisation), at)
    db.session.flush()


def proposal(
    on: Challenge,
    team: Sequence[Organisation],
    title: str,
    leader: str,
    *,
    status: ProposalStatus = ProposalStatus.submitted,
    at: datetime,
    stages: Iterable[tuple[str, str, int]] = (),
    due: Sequence[date] = (),
    **fields,
) -> Proposal:
    """A proposal of the consortium `team` (the lead first) handed in `at`, committing to each
    indicator's target (`fields["commitments"]` says otherwise), with planned milestones
    (`stages`: title, deliverable, share; `due`: their dates), and its first version frozen."""
    requested = fields.pop("requested", Decimal("20000000.00"))
    made = Proposal(
        challenge_id=on.id,
        lead_org_id=team[0].id,
        status=status,
        title=title,
        leader_name=leader,
        leader_title="首席科学家",
        leader_org_id=team[0].id,
        requested=requested,
        approach=fields.pop("approach", "分三阶段建设中试线，联合下游验证。"),
        innovation=fields.pop("innovation", "自主工艺与国产原料。"),
        created_at=at - timedelta(days=10),
        updated_at=at,
        submitted_at=at,
        **fields,
    )
    made.members = [
        proposal_rows.ConsortiumMember(
            organisation_id=org.id,
            role=MemberRole.lead if i == 0 else MemberRole.member,
            responsibility="研发与验证",
            position=i,
            budget_share=requested if len(team) == 1 else None,
        )
        for i, org in enumerate(team)
    ]
    made.commitments = made.commitments or [
        proposal_rows.Commitment(indicator_id=indicator.id, value=indicator.target)
        for indicator in on.indicators
    ]
    made.milestones = [
        proposal_rows.PlannedMilestone(
            position=i,
            title=name,
            due_date=day,
            deliverable=deliverable,
            verification="现场核查",
            share_percent=Decimal(share),
        )
        for i, ((name, deliverable, share), day) in enumerate(zip(stages, due, strict=True))
    ]
    db.session.add(made)
    handed_in(made, at)
    submission.freeze(made, by=db.session.get(User, made.leader_user_id), now=at)
    return made
