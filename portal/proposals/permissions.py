"""Who may see and who may change a proposal.

Users of the lead organisation edit it; users of member organisations read it; officers and
admins read every proposal. Experts see nothing here: the review module grants them what is
assigned to them. Everything else answers 404, so that a proposal's existence is not revealed.
"""

from __future__ import annotations

from flask import abort
from sqlmodel import false, or_, select
from sqlmodel.sql.expression import Select

from portal.accounts.models import Role, User
from portal.db import db
from portal.proposals.models import ConsortiumMember, Proposal


def visible_proposals(user: User) -> Select:
    """Every proposal this user may read; pages and exports build on this."""
    statement = select(Proposal)
    if not getattr(user, "is_authenticated", False):
        return statement.where(false())
    if user.is_staff:
        return statement
    if user.role is Role.applicant and user.organisation_id is not None:
        member_of = select(ConsortiumMember.proposal_id).where(
            ConsortiumMember.organisation_id == user.organisation_id
        )
        return statement.where(
            or_(Proposal.lead_org_id == user.organisation_id, Proposal.id.in_(member_of))
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


def get_proposal_or_404(proposal_id: int, for_user: User, editable: bool = False) -> Proposal:
    """The proposal if `for_user` may read it (and edit it, with `editable`); otherwise 404."""
    proposal = db.session.exec(
        visible_proposals(for_user).where(Proposal.id == proposal_id)
    ).first()
    if proposal is None or (editable and not can_edit(for_user, proposal)):
        abort(404)
    return proposal
