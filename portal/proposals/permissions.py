"""Who may see and who may change a proposal: the only way a page loads one.

Approved members of the lead organisation prepare it; its administrators submit and withdraw it
(单位推荐). Users of a member organisation read it once their organisation has accepted the
lead's invitation; until then they see only the invitation. The named team leader opens the
pledge, whatever their organisation. Officers and admins read every proposal. Experts see
nothing here: the review module grants them what is assigned to them. Everything else answers
404, so that a proposal's existence is not revealed.

What a user may see is decided in SQL (`visible_proposals`, `invitations_to`, `led_by`); what
they may do with an object they see, by the `can_<verb>` rules, which the services enforce with
`require(...)` and the pages use to offer the buttons.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort
from sqlalchemy import union
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import and_, false, func, or_, select
from sqlmodel.sql.expression import Select

from portal.accounts.membership import is_administrator
from portal.accounts.models import Organisation, User
from portal.accounts.services import normalise_email
from portal.challenges.models import Challenge
from portal.db import db
from portal.i18n import gettext as _
from portal.proposals.models import (
    Attachment,
    ConsortiumMember,
    PledgeSignature,
    Proposal,
    SubmittedVersion,
)
from portal.vocabulary import ChallengeStatus, ConsentStatus, MemberRole, ProposalStatus, Role

EDITABLE = (ProposalStatus.draft, ProposalStatus.withdrawn)

# What the proposal pages read of a proposal, loaded with it (templates never start a query):
# what a proposal has one of in the same statement, what it has many of one statement each.
LOADED_WITH_PROPOSAL = (
    joinedload(Proposal.challenge).selectinload(Challenge.indicators),
    joinedload(Proposal.lead_org),
    joinedload(Proposal.leader_org),
    selectinload(Proposal.members).selectinload(ConsortiumMember.organisation),
    selectinload(Proposal.commitments),
    selectinload(Proposal.milestones),
    selectinload(Proposal.attachments),
    selectinload(Proposal.versions),
    selectinload(Proposal.signatures).selectinload(PledgeSignature.signer),
)


def _applicant_org(user: User) -> int | None:
    """The organisation an applicant speaks for (None for anyone else)."""
    if not getattr(user, "is_authenticated", False) or user.role is not Role.applicant:
        return None
    return user.organisation_id


# ---- what a user sees, in SQL ------------------------------------------------------------------


def visible_proposals(user: User) -> Select:
    """Every proposal this user may read; pages and exports build on this."""
    statement = select(Proposal)
    if getattr(user, "is_authenticated", False) and user.is_staff:
        return statement
    organisation_id = _applicant_org(user)
    if organisation_id is None:
        return statement.where(false())
    return statement.where(Proposal.id.in_(taking_part(organisation_id)))


def taking_part(organisation_id: int):
    """The ids of the proposals an organisation leads or has joined (its consent accepted).

    The ids of both kinds, each found by its index: "led OR an EXISTS on members" made the
    database test every proposal of the portal, on every applicant page."""
    led = select(Proposal.id).where(Proposal.lead_org_id == organisation_id)
    joined = select(ConsortiumMember.proposal_id).where(
        ConsortiumMember.organisation_id == organisation_id,
        ConsortiumMember.consent == ConsentStatus.accepted,
    )
    return union(led, joined)


def led_by(user: User) -> Select:
    """The proposals that name `user` as their team leader: the account they are bound to, or,
    before they are bound, the account with the leader's address."""
    if not getattr(user, "is_authenticated", False) or user.id is None:
        return select(Proposal).where(false())
    return select(Proposal).where(
        or_(
            Proposal.leader_user_id == user.id,
            and_(
                Proposal.leader_user_id.is_(None),
                func.lower(func.trim(Proposal.leader_email)) == user.email,
            ),
        )
    )


def invitations_to(user: User) -> Select:
    """The invitations addressed to the user's organisation, as a Select of ConsortiumMember."""
    organisation_id = _applicant_org(user)
    if organisation_id is None:
        return select(ConsortiumMember).where(false())
    return select(ConsortiumMember).where(
        ConsortiumMember.organisation_id == organisation_id,
        ConsortiumMember.role == MemberRole.member,
    )


def _invitations_seen_by(user: User) -> Select:
    """The invitations the user's organisation received, or sent as the lead."""
    organisation_id = _applicant_org(user)
    if organisation_id is None:
        return select(ConsortiumMember).where(false())
    return (
        select(ConsortiumMember)
        .join(Proposal, Proposal.id == ConsortiumMember.proposal_id)
        .where(
            ConsortiumMember.role == MemberRole.member,
            or_(
                ConsortiumMember.organisation_id == organisation_id,
                Proposal.lead_org_id == organisation_id,
            ),
        )
    )


# ---- what a user may do -------------------------------------------------------------------------


def can_edit(user: User, proposal: Proposal) -> bool:
    """Only applicants of the lead organisation change a proposal (the services check state)."""
    organisation_id = _applicant_org(user)
    return organisation_id is not None and organisation_id == proposal.lead_org_id


def can_submit(user: User, proposal: Proposal) -> bool:
    """Submitting is the lead organisation's act: its administrators'."""
    return can_edit(user, proposal) and is_administrator(user, proposal.lead_org_id)


def can_withdraw(user: User, proposal: Proposal) -> bool:
    """Withdrawing is the lead organisation's act too, as submitting is."""
    return can_submit(user, proposal)


def is_named_leader(user: User, proposal: Proposal) -> bool:
    """Whether `user` is the team leader the proposal names (the rule of `led_by`)."""
    if not getattr(user, "is_authenticated", False) or user.id is None:
        return False
    if proposal.leader_user_id is not None:
        return proposal.leader_user_id == user.id
    address = normalise_email(proposal.leader_email)
    return bool(address) and user.email == address


def can_sign(user: User, proposal: Proposal) -> bool:
    """Only the team leader the proposal names signs its pledge, for themself."""
    return is_named_leader(user, proposal)


def can_answer_invitation(user: User, member: ConsortiumMember) -> bool:
    """Only an administrator of the invited organisation answers for it."""
    organisation_id = _applicant_org(user)
    return (
        organisation_id is not None
        and member.role is MemberRole.member
        and is_administrator(user, member.organisation_id)
    )


def region_matches(challenge: Challenge, region: str) -> bool:
    """A challenge restricted to a region (e.g. 广东省) accepts organisations within it."""
    return not challenge.region or (region or "").strip().startswith(challenge.region.strip())


def eligibility_problem(
    challenge: Challenge, org: Organisation | None, now: datetime
) -> str | None:
    """Why `org` may not lead a proposal for `challenge` (a message), or None."""
    if org is None:
        return _("Only applicants who belong to an organisation can unveil a challenge.")
    if not challenge.accepts_proposals(now):
        return _("This challenge is not open for proposals.")
    if org.type.value not in challenge.allowed_org_types:
        return _(
            "This challenge does not accept proposals from organisations of the type “%(type)s”.",
            type=org.type.label,
        )
    if not region_matches(challenge, org.region):
        return _(
            "This challenge is open only to organisations in %(region)s.", region=challenge.region
        )
    return None


# ---- loading for a page: the object, or 404 ---------------------------------------------------


def get_proposal_or_404(proposal_id: int, user: User, need: str = "read") -> Proposal:
    """The proposal, with what its pages read, if `user` may `need` it: "read" it, "edit" it
    (prepare it: the lead organisation's applicants) or "sign" its pledge (the named team
    leader, whatever their organisation). Otherwise 404."""
    if need == "sign":
        statement = led_by(user)
    elif need in ("read", "edit"):
        statement = visible_proposals(user)
    else:
        raise ValueError(f"unknown need: {need}")
    proposal = db.session.exec(
        statement.where(Proposal.id == proposal_id).options(*LOADED_WITH_PROPOSAL)
    ).first()
    if proposal is None or (need == "edit" and not can_edit(user, proposal)):
        abort(404)
    return proposal


def _part_of(model: type[Attachment] | type[SubmittedVersion], proposal_id: int, user: User):
    """The rows of `model` that belong to proposal `proposal_id` if `user` may read it, with
    the proposal."""
    visible = visible_proposals(user).where(Proposal.id == proposal_id).subquery()
    return (
        select(model)
        .join(visible, visible.c.id == model.proposal_id)
        .options(selectinload(model.proposal))
    )


def get_attachment_or_404(
    proposal_id: int, attachment_id: int, user: User, need: str = "read"
) -> Attachment:
    """An attachment of a proposal `user` may read (or "edit"), with its proposal; else 404."""
    if need not in ("read", "edit"):
        raise ValueError(f"unknown need: {need}")
    attachment = db.session.exec(
        _part_of(Attachment, proposal_id, user).where(Attachment.id == attachment_id)
    ).first()
    if attachment is None or (need == "edit" and not can_edit(user, attachment.proposal)):
        abort(404)
    return attachment


def get_version_or_404(proposal_id: int, number: int, user: User) -> SubmittedVersion:
    """A submitted version of a proposal `user` may read, with its proposal; else 404."""
    version = db.session.exec(
        _part_of(SubmittedVersion, proposal_id, user).where(SubmittedVersion.number == number)
    ).first()
    if version is None:
        abort(404)
    return version


def get_invitation_or_404(member_id: int, user: User) -> ConsortiumMember:
    """An invitation the user's organisation received, or sent as the lead, with what its
    pages show; otherwise 404."""
    member = db.session.exec(
        _invitations_seen_by(user)
        .where(ConsortiumMember.id == member_id)
        .options(
            selectinload(ConsortiumMember.organisation),
            selectinload(ConsortiumMember.proposal).selectinload(Proposal.challenge),
            selectinload(ConsortiumMember.proposal).selectinload(Proposal.lead_org),
        )
    ).first()
    if member is None:
        abort(404)
    return member


def get_public_challenge_or_404(number: str) -> Challenge:
    """A challenge applicants may propose for or officers list submissions of: published or
    later (a draft is the officers' own, and answers 404 here)."""
    challenge = db.session.exec(select(Challenge).where(Challenge.number == number)).first()
    if challenge is None or challenge.status is ChallengeStatus.draft:
        abort(404)
    return challenge
