"""The funding decision of a challenge, made on the experts' ranking (决策留痕与复核).

- `plan_decision` reads the officer's choices against the ranking: the winners, the reserve list
  in order, the money committed against the cap, and every departure from the ranking. Nothing
  is written: the confirmation page shows the plan before anything is recorded.
- `propose` records it. Each departure needs its own written reason. A decision that needs a
  second pair of eyes (PORTAL_DECISION_APPROVAL: "departures", the default, "always" or
  "never") waits as proposed; otherwise it takes effect at once.
- `approve` (by a staff member other than the proposer) makes it effective; `return_decision`
  sends it back with a reason. Applicants hear nothing until it takes effect.
- `reopen` sets an effective decision aside, with a reason, until an award of the challenge is
  confirmed: awards in publicity are revoked, the applicants told, the proposals are in review
  again and a new decision follows the same rules.

Every step locks the challenge, then the decision (`db.lock`), so that twenty approvals at
once take effect once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app
from sqlmodel import func, select

from portal import audit, clock
from portal.accounts.models import User
from portal.awards import queries, states
from portal.awards.models import Award, Decision, Objection
from portal.awards.permissions import can_approve, can_decide, can_reopen
from portal.awards.services import start_publicity
from portal.challenges import states as challenge_states
from portal.challenges.models import Challenge
from portal.db import db, money
from portal.errors import DomainError, ValidationFailed, given_text, require
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.notifications.services import notify
from portal.presentation import format_money
from portal.proposals import states as proposal_states
from portal.proposals.models import Proposal
from portal.reviews.links import feedback_path
from portal.reviews.queries import applicants_of, proposals_in_review
from portal.reviews.ranking import ProposalStats, Ranking, ranking
from portal.vocabulary import (
    AwardStatus,
    ChallengeStatus,
    DecisionStatus,
    DepartureKind,
    FundingMode,
    ObjectionStatus,
    ProposalStatus,
)

APPROVAL_MODES = ("departures", "always", "never")
WINNER, RESERVE, NOT_FUNDED = "winner", "reserve", "not_funded"

OUTCOME_MESSAGES = {
    ProposalStatus.awarded: "proposal_decided.awarded",
    ProposalStatus.reserve: "proposal_decided.reserve",
    ProposalStatus.not_funded: "proposal_decided.not_funded",
}


@dataclass(frozen=True)
class Departure:
    """One departure from the ranking; `key` names its reason in a form."""

    kind: DepartureKind
    proposal_id: int | None  # None for the reserve order
    rank: int | None
    title: str

    @property
    def key(self) -> str:
        return f"{self.kind.value}-{self.proposal_id or 0}"


@dataclass
class Plan:
    """A decision as it would be recorded, with everything the confirmation page shows."""

    challenge: Challenge
    ranking: Ranking
    winners: list[ProposalStats]
    reserve: list[ProposalStats]
    not_funded: list[ProposalStats]
    requested: dict[int, Decimal]
    departures: list[Departure] = field(default_factory=list)

    @property
    def committed(self) -> Decimal:
        return money(sum((self.requested.get(r.proposal.id) or 0 for r in self.winners), 0))

    @property
    def cap(self) -> Decimal | None:
        return self.challenge.funding_cap

    @property
    def needs_approval(self) -> bool:
        mode = approval_mode()
        return mode == "always" or (mode == "departures" and bool(self.departures))

    def outcome_of(self, proposal_id: int) -> str:
        if any(r.proposal.id == proposal_id for r in self.winners):
            return WINNER
        if any(r.proposal.id == proposal_id for r in self.reserve):
            return RESERVE
        return NOT_FUNDED


def approval_mode() -> str:
    mode = str(current_app.config.get("DECISION_APPROVAL", "departures")).strip().lower()
    return mode if mode in APPROVAL_MODES else "departures"


def winners_allowed(challenge: Challenge) -> int:
    horse_race = FundingMode(challenge.funding_mode) is FundingMode.horse_race
    return challenge.horse_race_teams if horse_race else 1


# ---- reading the choices ----------------------------------------------------------------------


def _requested(challenge: Challenge) -> dict[int, Decimal]:
    return dict(
        db.all(
            select(Proposal.id, Proposal.requested).where(
                Proposal.challenge_id == challenge.id,
                Proposal.status == ProposalStatus.in_review,
            )
        )
    )


def departures_of(
    winners: list[ProposalStats], reserve: list[ProposalStats], rows: list[ProposalStats]
) -> list[Departure]:
    """Every departure of these choices from the ranking `rows` (in rank order)."""
    found: list[Departure] = []
    won = {r.proposal.id for r in winners}
    for row in sorted(winners, key=lambda r: r.rank):
        if not row.passes:
            found.append(
                Departure(
                    DepartureKind.below_pass_mark, row.proposal.id, row.rank, row.proposal.title
                )
            )
        if any(r.passes and r.rank < row.rank and r.proposal.id not in won for r in rows):
            found.append(
                Departure(DepartureKind.passes_over, row.proposal.id, row.rank, row.proposal.title)
            )
        if row.too_few_reviews:
            found.append(
                Departure(
                    DepartureKind.too_few_reviews, row.proposal.id, row.rank, row.proposal.title
                )
            )
    if [r.rank for r in reserve] != sorted(r.rank for r in reserve):
        found.append(Departure(DepartureKind.reserve_order, None, None, ""))
    return found


def plan_decision(challenge: Challenge, *, winners: list[int], reserve: list[int]) -> Plan:
    """The decision these choices make (winner ids; reserve ids in their order), checked: the
    number of winners, the cap, each proposal chosen once, only proposals in review. Raises
    ValidationFailed with the problems; writes nothing."""
    result = ranking(challenge)
    rows = {r.proposal.id: r for r in result.rows if r.proposal.status is ProposalStatus.in_review}
    requested = _requested(challenge)
    problems: dict[str | None, str] = {}
    allowed = winners_allowed(challenge)
    if not winners:
        problems["choices"] = _("Choose at least one winner.")
    elif len(winners) > allowed:
        problems["choices"] = (
            ngettext(
                "Choose at most %(num)s winner: the horse race funds %(num)s team.",
                "Choose at most %(num)s winners: the horse race funds %(num)s teams.",
                allowed,
            )
            if allowed > 1
            else _("Choose one winner: this challenge funds one team.")
        )
    if set(winners) & set(reserve):
        problems["choices"] = _("A winner cannot also be on the reserve list.")
    elif len(set(winners)) != len(winners) or len(set(reserve)) != len(reserve):
        problems["choices"] = _("Each proposal may be chosen once.")
    if any(pid not in rows for pid in [*winners, *reserve]):
        problems["choices"] = _(
            "Only proposals of this challenge that are in review can be chosen."
        )
    if problems:
        raise ValidationFailed(problems)
    chosen = set(winners) | set(reserve)
    plan = Plan(
        challenge=challenge,
        ranking=result,
        winners=sorted((rows[i] for i in winners), key=lambda r: r.rank),
        reserve=[rows[i] for i in reserve],
        not_funded=[r for r in rows.values() if r.proposal.id not in chosen],
        requested=requested,
    )
    if plan.cap is not None and plan.committed > plan.cap:
        raise ValidationFailed(
            {
                "choices": _(
                    "The winners request %(committed)s together, above the cap of %(cap)s.",
                    committed=format_money(plan.committed),
                    cap=format_money(plan.cap),
                )
            }
        )
    in_review = [r for r in result.rows if r.proposal.id in rows]
    plan.departures = departures_of(plan.winners, plan.reserve, in_review)
    return plan


# ---- recording it -----------------------------------------------------------------------------


def live_decision(challenge: Challenge) -> Decision | None:
    """The decision of the challenge that is proposed or in effect, if any."""
    return db.session.exec(
        select(Decision).where(
            Decision.challenge_id == challenge.id,
            Decision.status.in_([DecisionStatus.proposed, DecisionStatus.effective]),
        )
    ).first()


def _ranking_rows(plan: Plan) -> list[dict]:
    def number(value):
        return None if value is None else round(value, 2)

    return [
        {
            "id": r.proposal.id,
            "rank": r.rank,
            "title": r.proposal.title,
            "lead": r.proposal.lead_org_name,
            "score": number(r.score),
            "mean": number(r.mean),
            "trimmed_mean": number(r.trimmed_mean),
            "median": number(r.median),
            "n": r.n,
            "required": r.required,
            "passes": r.passes,
            "divergent": r.divergent,
            "requested": str(plan.requested.get(r.proposal.id) or ""),
            "outcome": plan.outcome_of(r.proposal.id),
        }
        for r in plan.ranking.rows
        if r.proposal.status is ProposalStatus.in_review
    ]


def propose(
    challenge: Challenge,
    *,
    winners: list[int],
    reserve: list[int],
    reasons: dict[str, str],
    note: str,
    by: User,
) -> Decision:
    """Record the decision: effective at once, or proposed until a second staff member approves
    it (see the module's note). Each departure needs its own reason."""
    require(can_decide(by, challenge))
    challenge = db.lock(challenge)
    if challenge.status is not ChallengeStatus.reviewing:
        raise DomainError(_("Only a challenge in review can be decided."))
    if live_decision(challenge) is not None:
        raise DomainError(
            _("A decision of this challenge is already awaiting approval or in effect.")
        )
    plan = plan_decision(challenge, winners=winners, reserve=reserve)
    problems: dict[str | None, str] = {}
    written = {}
    for i, departure in enumerate(plan.departures):  # the confirmation page's rows, in order
        reason = (reasons.get(departure.key) or "").strip()
        if not reason:
            problems[f"reasons-{i}-reason"] = _("Give the reason for this departure.")
        written[departure.key] = reason
    note = (note or "").strip()
    if not note:
        problems["note"] = _("Record the decision note.")
    if problems:
        raise ValidationFailed(problems)
    now = clock.now()
    rounds = db.session.exec(
        select(func.count()).select_from(Decision).where(Decision.challenge_id == challenge.id)
    ).one()
    decision = Decision(
        challenge_id=challenge.id,
        round=rounds + 1,
        status=DecisionStatus.proposed,
        winner_ids=[r.proposal.id for r in plan.winners],
        reserve_ids=[r.proposal.id for r in plan.reserve],
        note=note,
        ranking=_ranking_rows(plan),
        departures=[
            {
                "kind": d.kind.value,
                "proposal_id": d.proposal_id,
                "rank": d.rank,
                "title": d.title,
                "reason": written[d.key],
            }
            for d in plan.departures
        ],
        committed=plan.committed,
        needs_approval=plan.needs_approval,
        proposed_by_id=by.id,
        proposed_at=now,
    )
    audit.created(
        by,
        "decision.proposed",
        decision,
        "round",
        "winner_ids",
        "reserve_ids",
        "note",
        "ranking",
        "departures",
        "committed",
        "needs_approval",
        "proposed_by_id",
    )
    if decision.needs_approval:
        notify(
            [u for u in queries.active_staff() if u.id != by.id],
            "decision_proposed",
            link=f"/officer/challenges/{challenge.id}/decision",
            number=challenge.number,
        )
    else:
        _take_effect(challenge, decision, by=by, now=now)
    return decision


def _lock_proposed(decision: Decision, by: User, refusal: str) -> tuple[Challenge, Decision]:
    """The challenge and the decision locked, the decision still proposed and `by` a staff
    member other than its proposer; `refusal` tells the proposer."""
    require(can_decide(by, decision.challenge))
    challenge = db.lock(decision.challenge)
    decision = db.lock(decision)
    if decision.status is not DecisionStatus.proposed:
        raise DomainError(
            _(
                "This decision no longer awaits approval: it is %(state)s.",
                state=decision.status.label,
            )
        )
    if not can_approve(by, decision):
        raise DomainError(refusal)
    return challenge, decision


def approve(decision: Decision, *, by: User) -> Decision:
    """A second staff member approves a proposed decision: it takes effect."""
    challenge, decision = _lock_proposed(
        decision, by, _("You proposed this decision; another staff member must approve it.")
    )
    now = clock.now()
    states.set_decision_status(decision, DecisionStatus.effective, by=by, now=now)
    audit.record(
        by,
        "decision.approved",
        decision,
        after={
            "proposed_by_id": decision.proposed_by_id,
            "approved_by_id": by.id,
            "departures": decision.departures,
        },
    )
    _take_effect(challenge, decision, by=by, now=now, moved=True)
    return decision


def return_decision(decision: Decision, *, by: User, reason: str) -> Decision:
    """A second staff member sends a proposed decision back, with a reason; the proposer is
    told, and a new decision may be proposed."""
    _challenge, decision = _lock_proposed(
        decision, by, _("You proposed this decision; another staff member must return it.")
    )
    reason = given_text(reason, "reason", _("Say why the decision is returned."))
    states.set_decision_status(decision, DecisionStatus.returned, by=by, reason=reason)
    proposer = db.session.get(User, decision.proposed_by_id) if decision.proposed_by_id else None
    notify(
        [proposer] if proposer else [],
        "decision_returned",
        link=f"/officer/challenges/{decision.challenge_id}/decision",
        number=decision.challenge.number,
        reason=reason,
    )
    return decision


def _take_effect(
    challenge: Challenge, decision: Decision, *, by: User, now, moved: bool = False
) -> None:
    """Winners awarded and in publicity, the reserve list reserve, every other proposal in
    review not funded; the challenge decided; every applicant told."""
    if not moved:
        states.set_decision_status(decision, DecisionStatus.effective, by=by, now=now)
    proposals = proposals_in_review(challenge)
    for proposal in proposals:
        if proposal.id in decision.winner_ids:
            outcome = ProposalStatus.awarded
        elif proposal.id in decision.reserve_ids:
            outcome = ProposalStatus.reserve
        else:
            outcome = ProposalStatus.not_funded
        proposal_states.set_status(proposal, outcome, by=by, now=now)
    for proposal in proposals:
        if proposal.status is ProposalStatus.awarded:
            start_publicity(proposal, by=by)  # 公示
    challenge_states.set_status(challenge, ChallengeStatus.decided, by=by, now=now)
    for proposal in proposals:
        notify(
            applicants_of(proposal),
            OUTCOME_MESSAGES[proposal.status],
            link=feedback_path(proposal.id),
            title=proposal.title,
        )


# ---- reopening --------------------------------------------------------------------------------


def reopen(decision: Decision, *, by: User, reason: str) -> Decision:
    """Set an effective decision aside until an award of its challenge is confirmed: its awards
    in publicity are revoked (and their open objections closed), the proposals are in review
    again, the challenge is back in review and the applicants are told."""
    require(can_decide(by, decision.challenge))
    challenge = db.lock(decision.challenge)
    decision = db.lock(decision)
    reason = (reason or "").strip()
    if decision.status is not DecisionStatus.effective:
        raise DomainError(_("Only a decision in effect can be reopened."), field="reason")
    if not can_reopen(by, decision):
        raise DomainError(
            _("An award of this challenge is confirmed: the decision can no longer be reopened."),
            field="reason",
        )
    if not reason:
        raise ValidationFailed({"reason": _("Say why the decision is reopened.")})
    now = clock.now()
    states.set_decision_status(decision, DecisionStatus.reopened, by=by, reason=reason, now=now)
    awards = db.all(
        select(Award).where(
            Award.challenge_id == challenge.id, Award.status == AwardStatus.in_publicity
        )
    )
    for award in awards:
        award = db.lock(award, Award.objections)
        why = _("The decision was reopened: %(reason)s", reason=reason)
        states.set_status(award, AwardStatus.revoked, by=by, reason=why, now=now)
        for objection in award.objections:
            _close_objection(objection, by=by, reason=why, now=now)
    proposals = db.all(
        select(Proposal).where(
            Proposal.challenge_id == challenge.id,
            Proposal.status.in_(
                [ProposalStatus.awarded, ProposalStatus.reserve, ProposalStatus.not_funded]
            ),
        )
    )
    for proposal in proposals:
        proposal_states.set_status(
            proposal, ProposalStatus.in_review, by=by, now=now, action="proposal.decision_reopened"
        )
    challenge_states.set_status(challenge, ChallengeStatus.reviewing, by=by, now=now)
    for proposal in proposals:
        notify(
            applicants_of(proposal),
            "decision_reopened",
            link=feedback_path(proposal.id),
            title=proposal.title,
            number=challenge.number,
            reason=reason,
        )
    return decision


def _close_objection(objection: Objection, *, by: User, reason: str, now) -> None:
    if objection.status is ObjectionStatus.open:
        states.set_objection_status(
            objection, ObjectionStatus.upheld, by=by, reason=reason, now=now
        )
        notify([objection.objector], "objection_resolved.upheld", reason=reason)


# ---- in one step ------------------------------------------------------------------------------


def decide(
    challenge: Challenge,
    *,
    winners: Iterable[Proposal],
    reserve: Iterable[Proposal] = (),
    note: str,
    by: User,
    reasons: dict[str, str] | None = None,
) -> Decision:
    """Propose the decision on these proposals (for services, the demo and tests): effective at
    once when it needs no approval."""
    return propose(
        challenge,
        winners=[p.id for p in winners],
        reserve=[p.id for p in reserve],
        reasons=reasons or {},
        note=note,
        by=by,
    )
