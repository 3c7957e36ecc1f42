"""Reads that the review pages, exports and services share: the officers' desk, the panel and
its candidates, the expert's list, and the scores. Lists are built on permissions.visible_* and
load their relations in bulk (templates never query). The ranking is in ranking.py.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import selectinload
from sqlmodel import and_, or_, select
from sqlmodel.sql.expression import Select

from portal import clock
from portal.accounts.models import Organisation, User
from portal.challenges.models import Challenge, Criterion
from portal.db import db
from portal.proposals.models import ConsortiumMember, Proposal
from portal.reviews.models import (
    Appeal,
    Assignment,
    AvoidanceRequest,
    ConflictDeclaration,
    PanelMember,
    PanelSchedule,
    Review,
    Score,
)
from portal.reviews.permissions import (
    CONFLICT_RULES,
    assignable,
    in_conflict,
    visible_assignments,
    visible_challenges,
    visible_proposals,
)
from portal.vocabulary import AssignmentStatus, ChallengeStatus, ProposalStatus, ReviewStatus, Role


def all_scores(challenge: Challenge, *, expert: User | None = None) -> list[Review]:
    """Submitted reviews with their scores, criteria, experts and proposals (for exports);
    only `expert`'s own reviews (drafts included) when given, and of those only the ones whose
    assignment stands (never one recused or in conflict)."""
    statement = (
        select(Review)
        .where(Review.challenge_id == challenge.id)
        .options(
            selectinload(Review.scores).selectinload(Score.criterion),
            selectinload(Review.assignment).selectinload(Assignment.expert),
            selectinload(Review.assignment)
            .selectinload(Assignment.proposal)
            .selectinload(Proposal.lead_org),
        )
        .order_by(Review.proposal_id, Review.id)
    )
    if expert is None:
        statement = statement.where(Review.status == ReviewStatus.submitted)
    else:
        standing = visible_assignments(expert).with_only_columns(Assignment.id)
        statement = statement.where(
            Review.expert_id == expert.id, Review.assignment_id.in_(standing)
        )
    return db.all(statement)


def criteria_of(challenge: Challenge) -> list[Criterion]:
    return db.all(
        select(Criterion)
        .where(Criterion.challenge_id == challenge.id)
        .order_by(Criterion.position, Criterion.id)
    )


def scores_of(review: Review | None) -> list[Score]:
    """A review's scores in the rubric's order, with their criteria (two queries)."""
    if review is None:
        return []
    return db.all(
        select(Score)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(Score.review_id == review.id)
        .options(selectinload(Score.criterion))
        .order_by(Criterion.position, Criterion.id)
    )


# ---- people ------------------------------------------------------------------------------------


def applicants_of(proposal: Proposal) -> list[User]:
    """The active users of the lead organisation, who are told of the review's outcomes."""
    return db.all(select(User).where(User.organisation_id == proposal.lead_org_id, User.active))


def officers() -> list[User]:
    return db.all(select(User).where(User.role == Role.officer, User.active))


def expert(expert_id: int | None) -> User | None:
    """The expert account with this id (None for any other id): what a form's choice names."""
    if expert_id is None:
        return None
    return db.session.exec(
        select(User).where(User.id == expert_id, User.role == Role.expert)
    ).first()


def expert_with_email(email: str) -> User | None:
    return db.session.exec(
        select(User).where(User.email == email, User.role == Role.expert)
    ).first()


def organisation_with_code(code: str) -> Organisation | None:
    return db.session.exec(select(Organisation).where(Organisation.credit_code == code)).first()


# ---- the officers' desk ------------------------------------------------------------------------


def desk_challenges(user: User, now: datetime) -> Select:
    """The challenges past their deadline, latest first: the review desk's list."""
    return (
        visible_challenges(user)
        .where(
            or_(
                Challenge.status.in_(
                    [ChallengeStatus.closed, ChallengeStatus.reviewing, ChallengeStatus.decided]
                ),
                and_(Challenge.status == ChallengeStatus.published, Challenge.deadline <= now),
            )
        )
        .order_by(Challenge.deadline.desc(), Challenge.id.desc())
    )


def challenge_proposals(challenge: Challenge, user: User) -> Select:
    """The proposals handed in to a challenge, with their organisations, in the order they came."""
    return (
        visible_proposals(user)
        .where(Proposal.challenge_id == challenge.id)
        .options(
            selectinload(Proposal.lead_org),
            selectinload(Proposal.members).selectinload(ConsortiumMember.organisation),
        )
        .order_by(Proposal.submitted_at, Proposal.id)
    )


def assignments_by_proposal(proposal_ids: list[int]) -> dict[int, list[Assignment]]:
    """Every assignment of these proposals, with its expert and review, by proposal."""
    found: dict[int, list[Assignment]] = {}
    for assignment in db.session.exec(
        select(Assignment)
        .where(Assignment.proposal_id.in_(proposal_ids))
        .options(selectinload(Assignment.expert), selectinload(Assignment.review))
        .order_by(Assignment.id)
    ):
        found.setdefault(assignment.proposal_id, []).append(assignment)
    return found


def panel_of(challenge: Challenge) -> list[PanelMember]:
    return db.all(
        select(PanelMember)
        .where(PanelMember.challenge_id == challenge.id)
        .options(selectinload(PanelMember.expert))
        .order_by(PanelMember.id)
    )


def panel_experts(challenge: Challenge) -> list[User]:
    """The active experts of the challenge's panel, by name."""
    return db.all(
        select(User)
        .join(PanelMember, PanelMember.expert_id == User.id)
        .where(PanelMember.challenge_id == challenge.id, User.active)
        .order_by(User.name, User.id)
    )


def experts_off_panel(challenge: Challenge) -> list[User]:
    """The active experts who may still join the challenge's panel, by name."""
    seated = select(PanelMember.expert_id).where(PanelMember.challenge_id == challenge.id)
    return db.all(
        select(User)
        .where(User.role == Role.expert, User.active, User.id.not_in(seated))
        .order_by(User.name, User.id)
    )


def detected_conflicts(
    expert_ids: list[int], proposal_ids: list[int]
) -> dict[tuple[int, int], list[str]]:
    """{(expert id, proposal id): the reasons} for every pair of these experts and proposals
    in conflict (permissions.CONFLICT_RULES): one query, whatever their numbers."""
    rules = CONFLICT_RULES
    rows = db.session.exec(
        select(User.id, Proposal.id, *(rule.holds(User, Proposal) for rule in rules))
        .join(Proposal, Proposal.id.in_(proposal_ids))
        .where(User.id.in_(expert_ids), in_conflict(User, Proposal))
    )
    return {
        (expert_id, proposal_id): [
            str(rule.reason) for rule, held in zip(rules, holds, strict=True) if held
        ]
        for expert_id, proposal_id, *holds in rows
    }


def avoidance_requests_of(challenge: Challenge) -> list[AvoidanceRequest]:
    return db.all(
        select(AvoidanceRequest)
        .join(Proposal, Proposal.id == AvoidanceRequest.proposal_id)
        .where(Proposal.challenge_id == challenge.id)
        .options(
            selectinload(AvoidanceRequest.organisation),
            selectinload(AvoidanceRequest.expert),
        )
        .order_by(AvoidanceRequest.requested_at, AvoidanceRequest.id)
    )


def avoidance_requests_for(proposal: Proposal) -> list[AvoidanceRequest]:
    return db.all(
        select(AvoidanceRequest)
        .where(AvoidanceRequest.proposal_id == proposal.id)
        .order_by(AvoidanceRequest.requested_at, AvoidanceRequest.id)
    )


# ---- assignment --------------------------------------------------------------------------------


def candidates(proposal: Proposal) -> list[User]:
    """The panel's experts who may be assigned the proposal (permissions.ASSIGNMENT_RULES)."""
    return db.all(
        select(User)
        .join(PanelMember, PanelMember.expert_id == User.id)
        .join(Proposal, Proposal.challenge_id == PanelMember.challenge_id)
        .where(Proposal.id == proposal.id, assignable(User, Proposal))
        .order_by(User.name, User.id)
    )


def assignable_pairs(challenge: Challenge) -> set[tuple[int, int]]:
    """Every (expert id, proposal id) of the challenge's panel and its proposals in review that
    the assignment rules allow: one query."""
    return set(
        db.session.exec(
            select(User.id, Proposal.id)
            .join(PanelMember, PanelMember.expert_id == User.id)
            .join(Proposal, Proposal.challenge_id == PanelMember.challenge_id)
            .where(
                PanelMember.challenge_id == challenge.id,
                Proposal.status == ProposalStatus.in_review,
                assignable(User, Proposal),
            )
        )
    )


def assignments_of(proposal: Proposal) -> list[Assignment]:
    return assignments_by_proposal([proposal.id]).get(proposal.id, [])


def challenge_assignments(challenge_id: int) -> list[Assignment]:
    return db.all(select(Assignment).where(Assignment.challenge_id == challenge_id))


def has_live_assignments(challenge_id: int, expert_id: int) -> bool:
    """Whether the expert has an assignment of the challenge that is not recused."""
    live = select(Assignment).where(
        Assignment.challenge_id == challenge_id,
        Assignment.expert_id == expert_id,
        Assignment.status != AssignmentStatus.recused,
    )
    return db.session.exec(select(live.exists())).one()


def proposals_in_review(challenge: Challenge) -> list[Proposal]:
    return db.all(
        select(Proposal)
        .where(
            Proposal.challenge_id == challenge.id,
            Proposal.status == ProposalStatus.in_review,
        )
        .order_by(Proposal.id)
    )


def proposals_chosen(challenge: Challenge, ids: list[int]) -> list[Proposal]:
    """The challenge's proposals with these ids, in the order given (unknown ids left out)."""
    found = {
        p.id: p
        for p in db.session.exec(
            select(Proposal).where(Proposal.challenge_id == challenge.id, Proposal.id.in_(ids))
        )
    }
    return [found[i] for i in ids if i in found]


def open_assignments_in_conflict(
    *, expert_ids: list[int] | None = None, proposal_ids: list[int] | None = None
) -> list[Assignment]:
    """Open assignments (of these experts, of these proposals) that a conflict now forbids."""
    statement = (
        select(Assignment)
        .join(User, User.id == Assignment.expert_id)
        .join(Proposal, Proposal.id == Assignment.proposal_id)
        .where(Assignment.status == AssignmentStatus.assigned, in_conflict(User, Proposal))
        .order_by(Assignment.id)
    )
    if expert_ids is not None:
        statement = statement.where(Assignment.expert_id.in_(expert_ids))
    if proposal_ids is not None:
        statement = statement.where(Assignment.proposal_id.in_(proposal_ids))
    return db.all(statement)


# ---- the formal check's appeals and the panel's due date ------------------------------------


def appeals_by_proposal(proposal_ids: list[int]) -> dict[int, Appeal]:
    """The appeal of each of these proposals that has one: one query."""
    if not proposal_ids:
        return {}
    rows = db.session.exec(select(Appeal).where(Appeal.proposal_id.in_(proposal_ids)))
    return {a.proposal_id: a for a in rows}


def schedule_of(challenge: Challenge) -> PanelSchedule | None:
    return db.session.exec(
        select(PanelSchedule).where(PanelSchedule.challenge_id == challenge.id)
    ).first()


def due_dates(challenge_ids: list[int]) -> dict[int, date]:
    """The review panel's due date of each of these challenges that has one: one query."""
    if not challenge_ids:
        return {}
    rows = db.session.exec(
        select(PanelSchedule.challenge_id, PanelSchedule.due_on).where(
            PanelSchedule.challenge_id.in_(challenge_ids)
        )
    )
    return dict(rows.all())


def overdue_assignments(challenge: Challenge, now: datetime) -> set[int]:
    """The ids of the challenge's assignments still open after the panel's due date."""
    schedule = schedule_of(challenge)
    if schedule is None or clock.local_date(now) <= schedule.due_on:
        return set()
    return set(
        db.all(
            select(Assignment.id).where(
                Assignment.challenge_id == challenge.id,
                Assignment.status == AssignmentStatus.assigned,
            )
        )
    )


# ---- the expert's own --------------------------------------------------------------------------


def my_assignments(user: User) -> Select:
    """The expert's assignments that stand, with their proposals, latest first."""
    return (
        visible_assignments(user)
        .options(
            selectinload(Assignment.review),
            selectinload(Assignment.proposal).selectinload(Proposal.challenge),
        )
        .order_by(Assignment.assigned_at.desc(), Assignment.id.desc())
    )


def my_proposals(user: User) -> list[Proposal]:
    """The proposals the expert may see, with their challenges (a conflict may name one)."""
    return db.all(
        visible_proposals(user).options(selectinload(Proposal.challenge)).order_by(Proposal.id)
    )


def my_declarations(user: User) -> Select:
    return (
        select(ConflictDeclaration)
        .where(ConflictDeclaration.expert_id == user.id)
        .order_by(ConflictDeclaration.declared_at.desc(), ConflictDeclaration.id.desc())
    )
