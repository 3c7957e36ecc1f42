"""The funding decision of a challenge: winners (the awards module publishes them, through
signals.proposal_awarded), the reserve list, and every other proposal in review not funded;
each applicant is told."""

from __future__ import annotations

from portal import audit, clock
from portal.accounts.models import User
from portal.challenges import states as challenge_states
from portal.challenges.models import Challenge, ChallengeStatus, FundingMode
from portal.db import db
from portal.errors import DomainError, ValidationFailed, require
from portal.i18n import gettext as _
from portal.notifications.services import notify
from portal.proposals import states as proposal_states
from portal.proposals.models import Proposal, ProposalStatus
from portal.reviews import queries, signals
from portal.reviews.links import feedback_path
from portal.reviews.models import Decision
from portal.reviews.permissions import can_decide

OUTCOME_TITLES = {
    ProposalStatus.awarded: lambda t: _("Your proposal “%(title)s” has been selected", title=t),
    ProposalStatus.reserve: lambda t: _(
        "Your proposal “%(title)s” is on the reserve list", title=t
    ),
    ProposalStatus.not_funded: lambda t: _(
        "Your proposal “%(title)s” was not selected for funding", title=t
    ),
}


def _choice_problems(
    challenge: Challenge, winners: list[Proposal], reserve: list[Proposal], note: str
) -> dict[str | None, str]:
    problems: dict[str | None, str] = {}
    horse_race = FundingMode(challenge.funding_mode) is FundingMode.horse_race
    allowed = challenge.horse_race_teams if horse_race else 1
    if not winners:
        problems["winners"] = _("Choose at least one winner.")
    elif len(winners) > allowed:
        problems["winners"] = _("Choose at most %(n)s winners.", n=allowed)
    win_ids = [p.id for p in winners]
    reserve_ids = [p.id for p in reserve]
    if set(win_ids) & set(reserve_ids):
        problems["reserve"] = _("A winner cannot also be on the reserve list.")
    if len(set(win_ids)) != len(win_ids) or len(set(reserve_ids)) != len(reserve_ids):
        problems["winners"] = _("Each proposal may be chosen once.")
    if any(
        p.challenge_id != challenge.id or p.status is not ProposalStatus.in_review
        for p in [*winners, *reserve]
    ):
        problems[None] = _("Only proposals of this challenge that are in review can be chosen.")
    if not (note or "").strip():
        problems["note"] = _("Record the decision note.")
    return problems


def decide(
    challenge: Challenge,
    *,
    winners: list[Proposal],
    reserve: list[Proposal],
    note: str,
    by: User,
) -> Decision:
    """Winners become awarded, the reserve list reserve, every other proposal in review not
    funded; the challenge is decided and every applicant told."""
    require(can_decide(by, challenge))
    challenge = db.lock(challenge)
    if challenge.status is not ChallengeStatus.reviewing:
        raise DomainError(_("Only a challenge in review can be decided."))
    problems = _choice_problems(challenge, winners, reserve, note)
    if problems:
        raise ValidationFailed(problems)
    win_ids = [p.id for p in winners]
    reserve_ids = [p.id for p in reserve]
    proposals = queries.proposals_in_review(challenge)
    now = clock.now()
    for proposal in proposals:
        if proposal.id in win_ids:
            outcome = ProposalStatus.awarded
        elif proposal.id in reserve_ids:
            outcome = ProposalStatus.reserve
        else:
            outcome = ProposalStatus.not_funded
        proposal_states.set_status(proposal, outcome, by=by, now=now)
    for proposal in proposals:
        if proposal.status is ProposalStatus.awarded:
            signals.proposal_awarded.send(proposal, by=by)  # awards: publicity (公示)
    decision = Decision(
        challenge_id=challenge.id,
        winner_ids=win_ids,
        reserve_ids=reserve_ids,
        note=note.strip(),
        decided_by_id=by.id,
        decided_at=now,
    )
    db.session.add(decision)
    challenge_states.set_status(challenge, ChallengeStatus.decided, by=by, now=now)
    audit.record(
        by,
        "decision.recorded",
        decision,
        after={
            "winners": win_ids,
            "reserve": reserve_ids,
            "not_funded": [p.id for p in proposals if p.id not in win_ids + reserve_ids],
        },
    )
    for proposal in proposals:
        message, title = OUTCOME_TITLES[proposal.status], proposal.title
        notify(
            queries.applicants_of(proposal),
            "proposal_decided",
            lambda m=message, t=title: m(t),
            link=feedback_path(proposal.id),
        )
    return decision
