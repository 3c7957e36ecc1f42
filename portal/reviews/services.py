"""The formal check (形式审查) of proposals handed in, and the start of expert review. Each
function checks who may act and its guard, changes the rows, audits and notifies; the unit of
work commits.

The rest of review has a module per state machine: assignment.py (panels, assignment,
recusal, conflicts and avoidance), scoring.py (reviews and their scores) and decision.py.
"""

from __future__ import annotations

from portal import clock
from portal.accounts.models import User
from portal.challenges import states as challenge_states
from portal.challenges.models import Challenge, ChallengeStatus
from portal.db import db
from portal.errors import DomainError, ValidationFailed, require
from portal.i18n import gettext as _
from portal.notifications.services import notify
from portal.proposals import states as proposal_states
from portal.proposals.models import Proposal, ProposalStatus
from portal.reviews.permissions import can_check
from portal.reviews.queries import applicants_of


def _checkable(challenge: Challenge) -> None:
    status = challenge.effective_status(clock.now())
    if status not in (ChallengeStatus.closed, ChallengeStatus.reviewing):
        raise DomainError(_("The formal check starts when the challenge has closed."))


def mark_eligible(proposal: Proposal, *, by: User) -> Proposal:
    """The proposal passed the formal check and goes to expert review."""
    require(can_check(by, proposal))
    proposal = db.lock(proposal)
    _checkable(proposal.challenge)
    if proposal.status is not ProposalStatus.submitted:
        raise DomainError(_("Only a submitted proposal can pass the formal check."))
    proposal_states.set_status(
        proposal, ProposalStatus.in_review, by=by, action="proposal.eligible"
    )
    title = proposal.title
    notify(
        applicants_of(proposal),
        "proposal_eligible",
        lambda: _("Your proposal “%(title)s” passed the formal check", title=title),
        lambda: _("It now goes to expert review."),
    )
    return proposal


def reject_proposal(proposal: Proposal, *, reason: str, by: User) -> Proposal:
    """The proposal failed the formal check; the reason is shown to the applicant."""
    require(can_check(by, proposal))
    proposal = db.lock(proposal)
    _checkable(proposal.challenge)
    if proposal.status is not ProposalStatus.submitted:
        raise DomainError(_("Only a submitted proposal can be rejected at the formal check."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Give the reason for the rejection.")})
    proposal_states.set_status(proposal, ProposalStatus.rejected, by=by, reason=reason)
    title = proposal.title
    notify(
        applicants_of(proposal),
        "proposal_rejected",
        lambda: _("Your proposal “%(title)s” did not pass the formal check", title=title),
        lambda: _("Reason: %(reason)s", reason=reason),
    )
    return proposal


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
