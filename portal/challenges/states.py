"""The states of a challenge: draft → published → reviewing → decided; cancelled from draft or
published. `set_status` is the only writer of Challenge.status; any module that moves a challenge
(the reviews module starts the review and records the decision) calls it.

`closed` is not a stored state: a published challenge whose deadline has passed is closed when
read (Challenge.effective_status). Storing it would need a job at every deadline and would leave
two truths, the status and the deadline, free to disagree (an amendment moves the deadline). So
the table moves from published to reviewing, and only once the deadline has passed.

The callers lock the challenge first (`db.lock`), so that two transitions at once cannot both
pass this table. CHECK constraints on the table (migration 0007) hold the columns that go with
each state, for rows written around this module too.
"""

from __future__ import annotations

from datetime import datetime

from portal.challenges.models import Challenge, DeadlineChange
from portal.i18n import gettext as _
from portal.statemachine import StateMachine
from portal.vocabulary import ChallengeStatus, DeadlineChangeStatus

S = ChallengeStatus

TRANSITIONS: dict[ChallengeStatus, frozenset[ChallengeStatus]] = {
    S.draft: frozenset({S.published, S.cancelled}),
    S.published: frozenset({S.reviewing, S.cancelled}),
    S.reviewing: frozenset({S.decided}),
    S.decided: frozenset({S.reviewing}),  # the decision reopened (portal/awards/decision.py)
    S.cancelled: frozenset(),
}


def refusal(to: ChallengeStatus) -> str:
    """What a person is told when a challenge cannot move to `to` from where it is."""
    return {
        S.published: _("Only a draft can be published."),
        S.reviewing: _("Review can start only when the challenge has closed."),
        S.decided: _("Only a challenge in review can be decided."),
        S.cancelled: _("Only a draft or a published challenge can be cancelled."),
    }.get(to, _("This cannot be done now."))


def _after_deadline(challenge: Challenge, to: ChallengeStatus, now: datetime) -> bool:
    """Review waits for the deadline: a published challenge is reviewed once it has closed."""
    if to is S.reviewing and challenge.status is S.published:
        return challenge.effective_status(now) is S.closed
    return True


MACHINE = StateMachine(
    "challenge",
    TRANSITIONS,
    stamps={S.published: "published_at", S.cancelled: "cancelled_at"},
    reasons={S.cancelled: "cancel_reason"},
    reason_required=frozenset({S.cancelled}),
    condition=_after_deadline,
    refusal=refusal,
    updated="updated_at",
)

check = MACHINE.check
"""Refuse at once, before anything else is checked, a move the table does not allow."""

set_status = MACHINE.move
"""Move a challenge: refused unless the table allows it (review after the deadline); stamps
published_at or cancelled_at, keeps the cancellation's reason, and writes the audit event
("challenge.<state>")."""


# ---- a deadline brought forward: proposed → approved | returned -------------------------------

D = DeadlineChangeStatus
DEADLINE_MACHINE: StateMachine[DeadlineChange, DeadlineChangeStatus] = StateMachine(
    "deadline_change",
    {D.proposed: frozenset({D.approved, D.returned})},
    stamps={D.approved: "decided_at", D.returned: "decided_at"},
    reasons={D.returned: "return_reason"},
    reason_required=frozenset({D.returned}),
    movers={D.approved: "decided_by_id", D.returned: "decided_by_id"},
    audit_fields=("challenge_id",),
)


set_deadline_change_status = DEADLINE_MACHINE.move
"""The only writer of DeadlineChange.status: approved or returned, by whom and when."""
