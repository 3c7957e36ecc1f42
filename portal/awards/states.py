"""The states of awards, milestones and objections: one table each, and the only writers of
their status columns. The services lock the award (`db.lock`) before they call these.

Award: in_publicity → confirmed (or revoked after an upheld objection) → active → completed |
terminated. Confirmed is 立项: the amount, period, plan and targets are fixed and the award
notice may be issued; the project becomes active when an officer records the task book (任务书)
signed. A confirmed award whose task book is never signed is revoked; a running one may be
revoked too (撤销立项), and a horse-race team is eliminated at a stage gate.

Milestone: planned → reported → accepted | returned; returned → reported; a milestone not yet
accepted is cancelled when its project ends early.

Decision: proposed → effective (at once, or when a second staff member approves it) | returned
(by that second person, with a reason); effective → reopened (with a reason, before any award
of the challenge is confirmed). The services lock the decision before they call these.
"""

from __future__ import annotations

from datetime import datetime

from portal.accounts.models import User
from portal.awards.models import Award, Decision, Milestone, Objection
from portal.awards.signals import award_revoked
from portal.statemachine import StateMachine
from portal.vocabulary import AwardStatus, DecisionStatus, MilestoneStatus, ObjectionStatus

A = AwardStatus
CLOSED = (A.revoked, A.terminated, A.eliminated, A.completed)
ENDED_EARLY = frozenset({A.revoked, A.terminated, A.eliminated})

TRANSITIONS = {
    A.in_publicity: {A.confirmed, A.revoked},
    A.confirmed: {A.active, A.revoked},
    A.active: {A.completed, A.terminated, A.revoked, A.eliminated},
}


def _tell_revoked(award: Award, to: AwardStatus, by: User | None, now: datetime) -> None:
    """A revoked award tells the modules above (award_revoked): its notices are revoked in the
    same transaction."""
    if to is A.revoked:
        award_revoked.send(award, by=by)


MACHINE = StateMachine(
    "award",
    TRANSITIONS,
    stamps={A.confirmed: "confirmed_at", **dict.fromkeys(CLOSED, "closed_at")},
    reasons=dict.fromkeys(ENDED_EARLY, "close_reason"),
    reason_required=ENDED_EARLY,
    movers={A.confirmed: "confirmed_by_id", **dict.fromkeys(CLOSED, "closed_by_id")},
    after=_tell_revoked,
)

set_status = MACHINE.move
"""The only writer of Award.status: checks the table, stamps when it was confirmed or closed and
by whom (the audit event names them too), keeps the reason for ending early, and tells of a
revoked award."""

M = MilestoneStatus
MILESTONE_TRANSITIONS = {
    M.planned: {M.reported, M.cancelled},
    M.reported: {M.accepted, M.returned, M.cancelled},
    M.returned: {M.reported, M.cancelled},
}
MILESTONE_MACHINE: StateMachine[Milestone, MilestoneStatus] = StateMachine(
    "milestone", MILESTONE_TRANSITIONS, stamps={M.accepted: "accepted_at"}
)

DECIDED = frozenset({ObjectionStatus.upheld, ObjectionStatus.dismissed})
OBJECTION_TRANSITIONS = {ObjectionStatus.open: DECIDED}
OBJECTION_MACHINE: StateMachine[Objection, ObjectionStatus] = StateMachine(
    "objection",
    OBJECTION_TRANSITIONS,
    stamps=dict.fromkeys(DECIDED, "resolved_at"),
    reasons=dict.fromkeys(DECIDED, "resolution"),
    reason_required=DECIDED,
    movers=dict.fromkeys(DECIDED, "resolved_by_id"),
)


set_milestone_status = MILESTONE_MACHINE.move
"""The only writer of Milestone.status (an accepted milestone keeps when it was accepted)."""

set_objection_status = OBJECTION_MACHINE.move
"""The only writer of Objection.status: the decision, its reason, when and by whom."""


D = DecisionStatus
DECISION_TRANSITIONS = {
    D.proposed: {D.effective, D.returned},
    D.effective: {D.reopened},
}


def _record_approval(decision: Decision, to: DecisionStatus, by: User, now: datetime) -> None:
    """A decision that waited for a second staff member's approval takes effect by that
    person's move: they are recorded as its approver."""
    if to is D.effective and decision.needs_approval:
        decision.approved_by_id = by.id
        decision.approved_at = now


DECISION_MACHINE = StateMachine(
    "decision",
    DECISION_TRANSITIONS,
    stamps={D.effective: "decided_at", D.returned: "returned_at", D.reopened: "reopened_at"},
    reasons={D.returned: "return_reason", D.reopened: "reopen_reason"},
    reason_required=frozenset({D.returned, D.reopened}),
    movers={
        D.effective: "decided_by_id",
        D.returned: "returned_by_id",
        D.reopened: "reopened_by_id",
    },
    after=_record_approval,
)

set_decision_status = DECISION_MACHINE.move
"""The only writer of Decision.status: checks the table, stamps when and by whom it took effect,
was returned or reopened (and approved), keeps the reason."""
