"""The states of review and the one way each changes (portal/statemachine.py).

- Assignment: assigned → recused (the expert stepped aside, or a conflict came to light; with a
  reason) | submitted (its review was submitted); submitted → assigned when an officer reopens
  the review.
- Review: draft → submitted; submitted → draft when an officer reopens it (with a reason).
- Avoidance request: pending → accepted | refused.
- Appeal against the formal check: lodged → upheld | dismissed (with the answer).

`set_status` is the only writer of these status columns; CHECK constraints (models.py, migration
0009) hold the columns that go with each state, so a row written around it is refused too.
"""

from __future__ import annotations

from datetime import datetime

from portal.accounts.models import User
from portal.reviews.models import Appeal, Assignment, AvoidanceRequest, Review
from portal.statemachine import StateMachine
from portal.vocabulary import AppealStatus, AssignmentStatus, AvoidanceStatus, ReviewStatus

ASSIGNMENT = StateMachine(
    "assignment",
    {
        AssignmentStatus.assigned: {AssignmentStatus.recused, AssignmentStatus.submitted},
        AssignmentStatus.submitted: {AssignmentStatus.assigned},
    },
    stamps={AssignmentStatus.recused: "recused_at"},
    reasons={AssignmentStatus.recused: "recusal_reason"},
    reason_required=frozenset({AssignmentStatus.recused}),
    actions={AssignmentStatus.assigned: "assignment.reopened"},
)
REVIEW = StateMachine(
    "review",
    {
        ReviewStatus.draft: {ReviewStatus.submitted},
        ReviewStatus.submitted: {ReviewStatus.draft},
    },
    stamps={ReviewStatus.submitted: "submitted_at", ReviewStatus.draft: "reopened_at"},
    reasons={ReviewStatus.draft: "reopen_reason"},
    reason_required=frozenset({ReviewStatus.draft}),
    actions={ReviewStatus.draft: "review.reopened"},
)
AVOIDANCE = StateMachine(
    "avoidance",
    {AvoidanceStatus.pending: {AvoidanceStatus.accepted, AvoidanceStatus.refused}},
    stamps={AvoidanceStatus.accepted: "decided_at", AvoidanceStatus.refused: "decided_at"},
    movers={AvoidanceStatus.accepted: "decided_by_id", AvoidanceStatus.refused: "decided_by_id"},
    actions={
        AvoidanceStatus.accepted: "avoidance.decided",
        AvoidanceStatus.refused: "avoidance.decided",
    },
)
APPEAL = StateMachine(
    "appeal",
    {AppealStatus.lodged: {AppealStatus.upheld, AppealStatus.dismissed}},
    stamps={AppealStatus.upheld: "decided_at", AppealStatus.dismissed: "decided_at"},
    reasons={AppealStatus.upheld: "answer", AppealStatus.dismissed: "answer"},
    reason_required=frozenset({AppealStatus.upheld, AppealStatus.dismissed}),
    movers={AppealStatus.upheld: "decided_by_id", AppealStatus.dismissed: "decided_by_id"},
    audit_fields=("proposal_id",),
)
MACHINES: dict[type, StateMachine] = {
    Assignment: ASSIGNMENT,
    Review: REVIEW,
    AvoidanceRequest: AVOIDANCE,
    Appeal: APPEAL,
}


def set_status(
    obj: Assignment | Review | AvoidanceRequest | Appeal,
    to: AssignmentStatus | ReviewStatus | AvoidanceStatus | AppealStatus,
    *,
    by: User,
    reason: str = "",
    now: datetime | None = None,
):
    """Move an assignment, a review, an avoidance request or an appeal to `to`: refused unless
    its table allows it; stamps, reason and mover columns set; one audit event."""
    return MACHINES[type(obj)].move(obj, to, by=by, reason=reason, now=now)
