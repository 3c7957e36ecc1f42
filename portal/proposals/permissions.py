"""Who may see and who may change a proposal.

Approved members of the lead organisation prepare it; its administrators submit and withdraw it
(单位推荐). Users of a member organisation read it once their organisation has accepted the
lead's invitation; until then they see only the invitation. Officers and admins read every
proposal. Experts see nothing here: the review module grants them what is assigned to them.
Everything else answers 404, so that a proposal's existence is not revealed.
"""

from __future__ import annotations

from flask import abort
from sqlmodel import false, or_, select
from sqlmodel.sql.expression import Select

from portal.accounts.membership import is_administrator
from portal.accounts.models import Role, User
from portal.db import db
from portal.proposals.models import ConsentStatus, ConsortiumMember, MemberRole, Proposal


def accepted_member_of(organisation_id: int):
    """The proposals `organisation_id` has agreed to take part in, as a Select of ids."""
    return select(ConsortiumMember.proposal_id).where(
        ConsortiumMember.organisation_id == organisation_id,
        ConsortiumMember.consent == ConsentStatus.accepted,
    )


def visible_proposals(user: User) -> Select:
    """Every proposal this user may read; pages and exports build on this."""
    statement = select(Proposal)
    if not getattr(user, "is_authenticated", False):
        return statement.where(false())
    if user.is_staff:
        return statement
    if user.role is Role.applicant and user.organisation_id is not None:
        return statement.where(
            or_(
                Proposal.lead_org_id == user.organisation_id,
                Proposal.id.in_(accepted_member_of(user.organisation_id)),
            )
        )
    return statement.where(false())


def can_edit(user: User, proposal: Proposal) -> bool:
    """Only applicants of the lead organisation change a proposal (the services check state)."""
    return (
        getattr(user, "is_authenticated", False)
        and user.role is Role.applicant
        and user.organisation_id is not None
        and user.organisation_id == proposal.lead_org_id
    )


def can_submit(user: User, proposal: Proposal) -> bool:
    """Submitting and withdrawing are the lead organisation's acts: its administrators'."""
    return can_edit(user, proposal) and is_administrator(user, proposal.lead_org_id)


def get_proposal_or_404(proposal_id: int, for_user: User, editable: bool = False) -> Proposal:
    """The proposal if `for_user` may read it (and edit it, with `editable`); otherwise 404."""
    proposal = db.session.exec(
        visible_proposals(for_user).where(Proposal.id == proposal_id)
    ).first()
    if proposal is None or (editable and not can_edit(for_user, proposal)):
        abort(404)
    return proposal


def invitations_to(user: User) -> Select:
    """The invitations addressed to the user's organisation, as a Select of ConsortiumMember."""
    if user.role is not Role.applicant or user.organisation_id is None:
        return select(ConsortiumMember).where(false())
    return select(ConsortiumMember).where(
        ConsortiumMember.organisation_id == user.organisation_id,
        ConsortiumMember.role == MemberRole.member,
    )


def get_invitation_or_404(member_id: int, for_user: User) -> ConsortiumMember:
    """An invitation the user's organisation received, or sent as the lead; otherwise 404."""
    member = db.session.get(ConsortiumMember, member_id)
    organisation_id = getattr(for_user, "organisation_id", None)
    if (
        member is None
        or member.role is not MemberRole.member
        or for_user.role is not Role.applicant
        or organisation_id is None
        or organisation_id not in (member.organisation_id, member.proposal.lead_org_id)
    ):
        abort(404)
    return member
