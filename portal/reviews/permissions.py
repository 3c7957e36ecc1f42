"""Who may see what in review: conflicts of interest and the expert's view of proposals.

One rule decides conflicts (`conflict_reasons`), used for visibility, candidate lists and
assignment alike, so that they can never disagree. A conflict exists when:
- detected: the expert's organisation (affiliation_org_id, or the free-text affiliation naming
  an organisation by its name, short name or English name, with or without the legal form:
  portal.accounts.names) is the lead or a member of the consortium, or the expert is the named
  team leader (same e-mail, or the same name);
- declared: the expert declared a conflict with the proposal or with one of its organisations;
- requested: an officer accepted an applicant's request to avoid the expert or their organisation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import selectinload
from sqlmodel import select

from portal.accounts.models import Organisation, User
from portal.accounts.names import same_organisation
from portal.db import db
from portal.i18n import gettext as _
from portal.proposals.models import ConsortiumMember, Proposal
from portal.reviews.models import (
    Assignment,
    AssignmentStatus,
    AvoidanceRequest,
    AvoidanceStatus,
    ConflictDeclaration,
)


@dataclass
class ConflictIndex:
    """Declarations and accepted avoidance requests, loaded in bulk (two queries)."""

    declared_orgs: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    declared_proposals: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    avoided_experts: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    avoided_orgs: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))


def load_conflict_index(expert_ids: Iterable[int], proposal_ids: Iterable[int]) -> ConflictIndex:
    """Declarations and accepted requests, each with the organisation its credit code names
    now: one registered after the declaration was made is matched as well."""
    expert_ids, proposal_ids = list(set(expert_ids)), list(set(proposal_ids))
    index = ConflictIndex()
    if expert_ids:
        for d, registered_id in db.session.exec(
            select(ConflictDeclaration, Organisation.id)
            .outerjoin(Organisation, Organisation.credit_code == ConflictDeclaration.credit_code)
            .where(ConflictDeclaration.expert_id.in_(expert_ids))
        ):
            for org_id in {d.organisation_id, registered_id} - {None}:
                index.declared_orgs[d.expert_id].add(org_id)
            if d.proposal_id is not None:
                index.declared_proposals[d.expert_id].add(d.proposal_id)
    if proposal_ids:
        for r, registered_id in db.session.exec(
            select(AvoidanceRequest, Organisation.id)
            .outerjoin(Organisation, Organisation.credit_code == AvoidanceRequest.credit_code)
            .where(
                AvoidanceRequest.proposal_id.in_(proposal_ids),
                AvoidanceRequest.status == AvoidanceStatus.accepted,
            )
        ):
            if r.expert_id is not None:
                index.avoided_experts[r.proposal_id].add(r.expert_id)
            for org_id in {r.organisation_id, registered_id} - {None}:
                index.avoided_orgs[r.proposal_id].add(org_id)
    return index


def _same(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


def proposal_org_ids(proposal: Proposal) -> set[int]:
    """The lead and every member organisation (members and their organisations loaded)."""
    return {proposal.lead_org_id} | {m.organisation_id for m in proposal.members}


def conflict_reasons(expert: User, proposal: Proposal, index: ConflictIndex) -> list[str]:
    """Why `expert` may not review `proposal` (empty when there is no conflict)."""
    reasons = []
    orgs = proposal_org_ids(proposal)
    if (
        expert.affiliation_org_id is not None and expert.affiliation_org_id in orgs
    ) or same_organisation(expert.affiliation, (m.organisation for m in proposal.members)):
        reasons.append(_("The expert's organisation is in the consortium."))
    if _same(proposal.leader_email, expert.email) or _same(proposal.leader_name, expert.name):
        reasons.append(_("The expert is the proposal's team leader."))
    if proposal.id in index.declared_proposals.get(expert.id, ()) or orgs & index.declared_orgs.get(
        expert.id, set()
    ):
        reasons.append(_("The expert declared a conflict."))
    if expert.id in index.avoided_experts.get(proposal.id, ()) or (
        expert.affiliation_org_id is not None
        and expert.affiliation_org_id in index.avoided_orgs.get(proposal.id, ())
    ):
        reasons.append(_("The applicant's request to avoid this expert was accepted."))
    return reasons


def conflicts(experts: list[User], proposals: list[Proposal]) -> dict[tuple[int, int], list[str]]:
    """Every conflicting (expert id, proposal id) pair with its reasons (members loaded)."""
    index = load_conflict_index([e.id for e in experts], [p.id for p in proposals])
    found = {}
    for proposal in proposals:
        for expert in experts:
            reasons = conflict_reasons(expert, proposal, index)
            if reasons:
                found[(expert.id, proposal.id)] = reasons
    return found


def has_conflict(expert: User, proposal: Proposal) -> bool:
    return bool(conflicts([expert], [proposal]))


def visible_proposals_for_expert(user: User):
    """The proposals `user` may see as an expert: assigned, not recused, and no conflict.

    Returns a Select of Proposal that pages and exports build on.
    """
    assigned = db.session.exec(
        select(Proposal)
        .join(Assignment, Assignment.proposal_id == Proposal.id)
        .where(Assignment.expert_id == user.id, Assignment.status != AssignmentStatus.recused)
        .options(selectinload(Proposal.members).selectinload(ConsortiumMember.organisation))
    ).all()
    index = load_conflict_index([user.id], [p.id for p in assigned])
    ids = [p.id for p in assigned if not conflict_reasons(user, p, index)]
    return select(Proposal).where(Proposal.id.in_(ids))


def active_assignment(user: User, proposal_id: int) -> Assignment | None:
    """The expert's live assignment for a proposal they may see, or None."""
    visible = db.session.exec(
        visible_proposals_for_expert(user).where(Proposal.id == proposal_id)
    ).first()
    if visible is None:
        return None
    return db.session.exec(
        select(Assignment).where(
            Assignment.expert_id == user.id,
            Assignment.proposal_id == proposal_id,
            Assignment.status != AssignmentStatus.recused,
        )
    ).first()
