"""The start of expert review, and when the formal check may be made. Each function checks who
may act and its guard, changes the rows, audits and notifies; the unit of work commits.

The rest of review has a module per state machine: formal.py (the formal check and its
appeal), assignment.py (panels, assignment, recusal, conflicts and avoidance), scoring.py
(reviews and their scores) and decision.py.
"""

from __future__ import annotations

from portal import clock
from portal.accounts.models import User
from portal.challenges import states as challenge_states
from portal.challenges.models import Challenge
from portal.db import db
from portal.errors import DomainError, require
from portal.i18n import gettext as _
from portal.reviews.permissions import can_check
from portal.vocabulary import ChallengeStatus


def check_open(challenge: Challenge) -> bool:
    """Whether the formal check may be made now: once the deadline has passed, and during
    review (the pages show its buttons only then)."""
    status = challenge.effective_status(clock.now())
    return status in (ChallengeStatus.closed, ChallengeStatus.reviewing)


def checkable(challenge: Challenge) -> None:
    """Refuse the formal check before the deadline."""
    if not check_open(challenge):
        raise DomainError(_("The formal check starts when the challenge has closed."))


def start_review(challenge: Challenge, *, by: User) -> Challenge:
    """closed → reviewing. Also done by the first assignment."""
    require(can_check(by, challenge))
    challenge = db.lock(challenge)
    if challenge.status is ChallengeStatus.reviewing:
        return challenge
    if challenge.effective_status(clock.now()) is not ChallengeStatus.closed:
        raise DomainError(_("Review can start only when the challenge has closed."))
    challenge_states.set_status(challenge, ChallengeStatus.reviewing, by=by)
    return challenge
