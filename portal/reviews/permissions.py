"""Who may see and do what in review, decided in SQL.

An expert sees a proposal only while it is assigned to them, not recused, and no conflict of
interest stands between them: one query (`visible_proposals`, `visible_assignments`) in which
each conflict rule is a NOT EXISTS subquery, so that pages, exports and loaders share it.

A conflict (`CONFLICT_RULES`) exists when:
- consortium: the expert's organisation is the lead or a member of the consortium. An expert
  works at an organisation named by `User.affiliation_org_id`, or named by the affiliation they
  typed: it shares a key with one of the organisation's names (its name, short name or English
  name, with or without the legal form or region, case and width folded: portal.accounts.names;
  the keys are stored, so that SQL can compare them);
- team leader: the expert is the proposal's team leader (their account, or the same e-mail or
  name, case and surrounding spaces ignored);
- declared: the expert declared a conflict with the proposal, or with an organisation of its
  consortium (the organisation registered with the code then, or with the code now);
- requested: an officer accepted the applicant's request to avoid the expert (by account or
  e-mail) or the organisation they work at (registered with the code then or now).

Whether an expert may be assigned a proposal is `ASSIGNMENT_RULES`: the assign service asks
`assignment_problem`, and the candidate list and automatic assignment filter by `assignable`,
so that a rule added there holds in all three.

Officers and admins run the review (formal check, panels, assignment, decisions, reopening);
experts score what they may see; the lead organisation's applicants ask to avoid reviewers and
read the feedback. Every other object answers 404, so that its existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort
from sqlalchemy.orm import aliased, selectinload
from sqlmodel import and_, case, exists, false, func, or_, select
from sqlmodel.sql.expression import Select

from portal.accounts.membership import is_administrator
from portal.accounts.models import AffiliationKey, Organisation, OrganisationNameKey, User
from portal.challenges.models import Challenge
from portal.db import db
from portal.i18n import lazy_gettext as _l
from portal.proposals.models import ConsortiumMember, Proposal
from portal.reviews.models import (
    Appeal,
    Assignment,
    AvoidanceRequest,
    ConflictDeclaration,
    FormalCheck,
    PanelMember,
    Review,
)
from portal.vocabulary import (
    AssignmentStatus,
    AvoidanceStatus,
    ChallengeStatus,
    ProposalStatus,
    Role,
)

# The SQL rules below take the expert and the proposal as entities (the classes, or aliases),
# so that one expression serves one pair, a page of pairs, or a whole panel.
Rule = Callable[[Any, Any], Any]


def _exists(inner: tuple[Any, ...], *conditions: Any) -> Any:
    """EXISTS (SELECT … FROM `inner` WHERE `conditions`), every other table referred to taken
    from the enclosing queries, however deeply nested (SQLAlchemy's automatic correlation looks
    only one level up, and would repeat an outer table in an inner FROM)."""
    return exists().where(*conditions).correlate_except(*inner)


# ---- conflicts of interest ----------------------------------------------------------------------


def _works_at(expert, organisation_id) -> Any:
    """The expert works at the organisation: linked to it, or their affiliation names it."""
    mine, its = aliased(AffiliationKey), aliased(OrganisationNameKey)
    return or_(
        expert.affiliation_org_id == organisation_id,
        _exists(
            (mine, its),
            mine.user_id == expert.id,
            its.organisation_id == organisation_id,
            its.key == mine.key,
        ),
    )


def _names(holder, organisation_id) -> Any:
    """A declaration or a request (`holder`) names the organisation: the one registered with
    its credit code when it was made, or the one registered with that code now."""
    named = aliased(Organisation)
    return or_(
        holder.organisation_id == organisation_id,
        _exists(
            (named,),
            named.id == organisation_id,
            holder.credit_code != "",
            named.credit_code == holder.credit_code,
        ),
    )


def _consortium_has(proposal, holds: Callable[[Any], Any]) -> Any:
    """Whether an organisation of the proposal's consortium (the lead, or a member) satisfies
    `holds(organisation id)`."""
    lead, member = aliased(Organisation), aliased(ConsortiumMember)
    return or_(
        _exists((lead,), lead.id == proposal.lead_org_id, holds(lead.id)),
        _exists((member,), member.proposal_id == proposal.id, holds(member.organisation_id)),
    )


def _same_text(a, b) -> Any:
    return and_(func.trim(a) != "", func.lower(func.trim(a)) == func.lower(func.trim(b)))


def in_consortium(expert, proposal) -> Any:
    return _consortium_has(proposal, lambda organisation_id: _works_at(expert, organisation_id))


def is_team_leader(expert, proposal) -> Any:
    # CASE, not a bare OR: a comparison with a NULL column must read as false, never as unknown.
    return case(
        (
            or_(
                proposal.leader_user_id == expert.id,
                _same_text(proposal.leader_email, expert.email),
                _same_text(proposal.leader_name, expert.name),
            ),
            True,
        ),
        else_=False,
    )


def declared(expert, proposal) -> Any:
    declaration = aliased(ConflictDeclaration)
    return _exists(
        (declaration,),
        declaration.expert_id == expert.id,
        or_(
            declaration.proposal_id == proposal.id,
            _consortium_has(proposal, lambda organisation_id: _names(declaration, organisation_id)),
        ),
    )


def avoidance_accepted(expert, proposal) -> Any:
    request, registered = aliased(AvoidanceRequest), aliased(Organisation)
    return _exists(
        (request,),
        request.proposal_id == proposal.id,
        request.status == AvoidanceStatus.accepted,
        or_(
            request.expert_id == expert.id,
            _same_text(request.expert_email, expert.email),
            _works_at(expert, request.organisation_id),
            _exists(
                (registered,),
                request.credit_code != "",
                registered.credit_code == request.credit_code,
                _works_at(expert, registered.id),
            ),
        ),
    )


@dataclass(frozen=True)
class ConflictRule:
    reason: Any  # a lazy translated string, shown to officers
    holds: Rule


CONFLICT_RULES = (
    ConflictRule(_l("The expert's organisation is in the consortium."), in_consortium),
    ConflictRule(_l("The expert is the proposal's team leader."), is_team_leader),
    ConflictRule(_l("The expert declared a conflict."), declared),
    ConflictRule(
        _l("The applicant's request to avoid this expert was accepted."), avoidance_accepted
    ),
)


def without_conflict(expert=User, proposal=Proposal) -> Any:
    """No conflict rule holds between the expert and the proposal: NOT EXISTS, rule by rule."""
    return and_(*(~rule.holds(expert, proposal) for rule in CONFLICT_RULES))


def in_conflict(expert=User, proposal=Proposal) -> Any:
    return or_(*(rule.holds(expert, proposal) for rule in CONFLICT_RULES))


# ---- who may be assigned what -------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentRule:
    problem: Any  # a lazy translated string, shown next to the officer's choice of expert
    holds: Rule


def _is_active_expert(expert, _proposal) -> Any:
    return and_(expert.role == Role.expert, expert.active)


def _on_panel(expert, proposal) -> Any:
    member = aliased(PanelMember)
    return _exists(
        (member,), member.challenge_id == proposal.challenge_id, member.expert_id == expert.id
    )


def _not_assigned_before(expert, proposal) -> Any:
    earlier = aliased(Assignment)
    return ~_exists((earlier,), earlier.proposal_id == proposal.id, earlier.expert_id == expert.id)


ASSIGNMENT_RULES = (
    AssignmentRule(_l("Choose an active expert account."), _is_active_expert),
    AssignmentRule(_l("Add the expert to the panel first."), _on_panel),
    AssignmentRule(
        _l("This expert has a conflict of interest with the proposal."), without_conflict
    ),
    AssignmentRule(
        _l("This expert has already been assigned this proposal."), _not_assigned_before
    ),
)


def assignable(expert=User, proposal=Proposal) -> Any:
    """Every assignment rule holds: the filter of the candidate list and of automatic
    assignment."""
    return and_(*(rule.holds(expert, proposal) for rule in ASSIGNMENT_RULES))


def assignment_problem(expert: User | None, proposal: Proposal) -> str | None:
    """Why `expert` may not be assigned `proposal` (the first rule that fails), or None: one
    query, with the rules of the candidate list and of automatic assignment."""
    rules = ASSIGNMENT_RULES
    if expert is None:
        return str(rules[0].problem)
    held = db.session.exec(
        select(*(rule.holds(User, Proposal) for rule in rules))
        .select_from(User)
        .join(Proposal, Proposal.id == proposal.id)
        .where(User.id == expert.id)
    ).one()
    return next((str(rule.problem) for rule, ok in zip(rules, held, strict=True) if not ok), None)


# ---- what each person sees ----------------------------------------------------------------------


def _authenticated(user: User) -> bool:
    return getattr(user, "is_authenticated", False)


def _is_staff(user: User) -> bool:
    return _authenticated(user) and user.is_staff


def _is_expert(user: User) -> bool:
    return _authenticated(user) and user.role is Role.expert


def _standing(expert: User, entity: type[Assignment] | type[Proposal]) -> Select:
    """`entity` (the assignment or its proposal) of each of the expert's assignments that
    stand: not recused, and no conflict."""
    return (
        select(entity)
        .select_from(Assignment)
        .join(Proposal, Proposal.id == Assignment.proposal_id)
        .join(User, User.id == Assignment.expert_id)
        .where(
            Assignment.expert_id == expert.id,
            Assignment.status != AssignmentStatus.recused,
            without_conflict(User, Proposal),
        )
    )


def visible_assignments(user: User) -> Select:
    """The assignments `user` may see: staff every one, an expert their own that stand."""
    if _is_staff(user):
        return select(Assignment)
    if _is_expert(user):
        return _standing(user, Assignment)
    return select(Assignment).where(false())


def visible_proposals(user: User) -> Select:
    """The proposals `user` may open in review: staff every one handed in; an expert those
    assigned to them that stand; the lead organisation's applicants their own handed in."""
    handed_in = Proposal.status != ProposalStatus.draft
    if _is_staff(user):
        return select(Proposal).where(handed_in)
    if _is_expert(user):
        return _standing(user, Proposal)
    if _authenticated(user) and user.role is Role.applicant and user.organisation_id is not None:
        return select(Proposal).where(handed_in, Proposal.lead_org_id == user.organisation_id)
    return select(Proposal).where(false())


def visible_reviews(user: User) -> Select:
    """Staff read every review; an expert their own, while its assignment stands."""
    if _is_staff(user):
        return select(Review)
    if _is_expert(user):
        mine = visible_assignments(user).with_only_columns(Assignment.id)
        return select(Review).where(Review.assignment_id.in_(mine))
    return select(Review).where(false())


def visible_challenges(user: User) -> Select:
    """The challenges whose review `user` may open: staff every one that was published; an
    expert those with an assignment of theirs that stands."""
    if _is_staff(user):
        return select(Challenge).where(
            Challenge.status.not_in([ChallengeStatus.draft, ChallengeStatus.cancelled])
        )
    if _is_expert(user):
        mine = visible_assignments(user).with_only_columns(Assignment.challenge_id)
        return select(Challenge).where(Challenge.id.in_(mine))
    return select(Challenge).where(false())


def visible_avoidance_requests(user: User) -> Select:
    """Staff read every request; applicants those about their own proposals."""
    if _is_staff(user):
        return select(AvoidanceRequest)
    if _authenticated(user) and user.role is Role.applicant:
        own = visible_proposals(user).with_only_columns(Proposal.id)
        return select(AvoidanceRequest).where(AvoidanceRequest.proposal_id.in_(own))
    return select(AvoidanceRequest).where(false())


# ---- who may do what ----------------------------------------------------------------------------


def can_check(user: User, target: Proposal | Challenge) -> bool:
    """The formal check of a proposal, and starting a challenge's review: staff."""
    return _is_staff(user)


def can_manage_panel(user: User, target: Challenge | PanelMember) -> bool:
    return _is_staff(user)


def can_assign(user: User, target: Proposal | Challenge) -> bool:
    return _is_staff(user)


def can_decide(user: User, challenge: Challenge) -> bool:
    return _is_staff(user)


def can_reopen(user: User, review: Review) -> bool:
    return _is_staff(user)


def can_decide_avoidance(user: User, request: AvoidanceRequest) -> bool:
    return _is_staff(user)


def can_score(user: User, assignment: Assignment) -> bool:
    """The expert's own assignment, while it stands (not recused, no conflict come to light)."""
    return (
        _is_expert(user)
        and assignment.expert_id == user.id
        and _finds(visible_assignments(user).where(Assignment.id == assignment.id))
    )


def can_recuse(user: User, assignment: Assignment) -> bool:
    return _is_expert(user) and assignment.expert_id == user.id


def can_declare_conflict(user: User, proposal: Proposal | None = None) -> bool:
    """Experts declare conflicts, with an organisation or with a proposal they can see."""
    if not _is_expert(user):
        return False
    return proposal is None or _finds(visible_proposals(user).where(Proposal.id == proposal.id))


def _speaks_for_lead(user: User, proposal: Proposal) -> bool:
    return (
        _authenticated(user)
        and user.role is Role.applicant
        and user.organisation_id is not None
        and user.organisation_id == proposal.lead_org_id
    )


def can_request_avoidance(user: User, proposal: Proposal) -> bool:
    return _speaks_for_lead(user, proposal)


def can_read_feedback(user: User, proposal: Proposal) -> bool:
    return _speaks_for_lead(user, proposal)


def can_appeal(user: User, proposal: Proposal) -> bool:
    """An appeal against the formal check is the lead organisation's act: its administrators',
    as submitting is (the service checks the rejection, the window and that it is the first)."""
    return _speaks_for_lead(user, proposal) and is_administrator(user, proposal.lead_org_id)


def can_decide_appeal(user: User, appeal: Appeal) -> bool:
    """Staff other than the one who rejected the proposal at the formal check."""
    return _is_staff(user) and appeal.check.checked_by_id != user.id


def _finds(statement: Select) -> bool:
    return db.session.exec(select(statement.exists())).one()


# ---- loading one object -------------------------------------------------------------------------


def _read(_user: User, _obj: Any) -> bool:
    return True  # seeing it is enough


def _one_or_404(statement: Select, user: User, rule: Callable[[User, Any], bool]) -> Any:
    found = db.session.exec(statement).first()
    if found is None or not rule(user, found):
        abort(404)
    return found


PROPOSAL_NEEDS = {
    "read": _read,
    "check": can_check,
    "assign": can_assign,
    "request_avoidance": can_request_avoidance,
    "read_feedback": can_read_feedback,
    "appeal": can_appeal,
}
ASSIGNMENT_NEEDS = {"read": _read, "score": can_score, "recuse": can_recuse}
REVIEW_NEEDS = {"read": _read, "reopen": can_reopen}
CHALLENGE_NEEDS = {
    "read": _read,
    "check": can_check,
    "manage_panel": can_manage_panel,
    "assign": can_assign,
    "decide": can_decide,
}
AVOIDANCE_NEEDS = {"read": _read, "decide": can_decide_avoidance}


def get_proposal_or_404(proposal_id: int, user: User, need: str = "read") -> Proposal:
    """A proposal `user` may see in review and may do `need` with (PROPOSAL_NEEDS); else 404."""
    statement = visible_proposals(user).where(Proposal.id == proposal_id)
    return _one_or_404(statement, user, PROPOSAL_NEEDS[need])


def get_assignment_or_404(proposal_id: int, user: User, need: str = "read") -> Assignment:
    """The expert's assignment of a proposal, while it stands, if they may do `need` ("read",
    "score", "recuse"); otherwise 404."""
    statement = visible_assignments(user).where(
        Assignment.proposal_id == proposal_id, Assignment.expert_id == user.id
    )
    return _one_or_404(statement, user, ASSIGNMENT_NEEDS[need])


def get_review_or_404(review_id: int, user: User, need: str = "read") -> Review:
    """A review `user` may read ("read") or reopen ("reopen"); otherwise 404."""
    statement = visible_reviews(user).where(Review.id == review_id)
    return _one_or_404(statement, user, REVIEW_NEEDS[need])


def get_challenge_or_404(challenge_id: int, user: User, need: str = "read") -> Challenge:
    """A challenge whose review `user` may open and do `need` with (CHALLENGE_NEEDS); else 404."""
    statement = visible_challenges(user).where(Challenge.id == challenge_id)
    return _one_or_404(statement, user, CHALLENGE_NEEDS[need])


def get_panel_member_or_404(member_id: int, user: User) -> PanelMember:
    """A panel seat, for staff who manage panels; otherwise 404."""
    statement = select(PanelMember).where(PanelMember.id == member_id)
    return _one_or_404(statement, user, can_manage_panel)


def get_avoidance_request_or_404(
    request_id: int, user: User, need: str = "decide"
) -> AvoidanceRequest:
    """An avoidance request `user` may see and, with need="decide", decide; otherwise 404."""
    statement = visible_avoidance_requests(user).where(AvoidanceRequest.id == request_id)
    return _one_or_404(statement, user, AVOIDANCE_NEEDS[need])


def get_appeal_or_404(appeal_id: int, user: User) -> Appeal:
    """An appeal against the formal check, for staff; otherwise 404."""
    statement = (
        select(Appeal)
        .where(Appeal.id == appeal_id)
        .options(selectinload(Appeal.check).selectinload(FormalCheck.checked_by))
    )
    return _one_or_404(statement, user, lambda u, _a: _is_staff(u))
