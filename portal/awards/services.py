"""Awards and projects: every change of an award's state is one function here (milestones and
their tranches are in milestones.py, the ruling on an objection in objections.py).

Publicity (公示) → objections (异议) → confirmation (立项) → the task book (任务书) signed, the
project runs → final acceptance (验收) or termination; stage gates for horse races (赛马).
Every transition locks the award first (`db.lock`) and changes its state through states.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from werkzeug.datastructures import FileStorage

from portal import audit, clock, storage
from portal.accounts.models import User
from portal.awards import milestones, queries, states
from portal.awards import targets as award_targets
from portal.awards.milestones import PlannedTranche
from portal.awards.models import Award, GateDecision, Objection, StageGate
from portal.awards.permissions import (
    can_decide_gate,
    can_manage,
    can_object,
    can_publicise,
)
from portal.awards.tell import tell_team
from portal.challenges.models import Challenge
from portal.db import db, money
from portal.errors import DomainError, ValidationFailed, given_text, require
from portal.i18n import gettext as _
from portal.notifications.services import notify
from portal.presentation import format_money, lazy_local
from portal.proposals.models import Proposal
from portal.vocabulary import AwardStatus, FundingMode, GateOutcome, ObjectionStatus, ProposalStatus

# ---- publicity and objections -------------------------------------------------------------


def start_publicity(proposal: Proposal, *, by: User | None) -> Award:
    """Publish an awarded proposal for the challenge's publicity period (公示期)."""
    require(can_publicise(by, proposal))
    if proposal.status is not ProposalStatus.awarded:
        raise DomainError(_("Only an awarded proposal can be published for publicity."))
    if queries.award_of(proposal) is not None:
        raise DomainError(_("This proposal already has an award."))
    if proposal.requested is None:
        raise DomainError(_("The proposal does not say how much funding it requests."))
    now = clock.now()
    award = Award(
        proposal_id=proposal.id,
        challenge_id=proposal.challenge_id,
        status=AwardStatus.in_publicity,
        amount=proposal.requested,
        publicity_starts_at=now,
        publicity_ends_at=now + timedelta(days=proposal.challenge.publicity_days),
        created_at=now,
    )
    award.proposal = proposal
    audit.created(by, "award.publicity_started", award)
    tell_team(
        award, "award_in_publicity", title=proposal.title, end=lazy_local(award.publicity_ends_at)
    )
    return award


def lodge_objection(
    award: Award, *, by: User, reason: str, evidence: FileStorage | None = None
) -> Objection:
    """A logged-in user objects to an award while its publicity period runs."""
    require(can_object(by, award))
    award = db.lock(award)
    now = clock.now()
    if award.status is not AwardStatus.in_publicity:
        raise DomainError(_("This award is not in publicity."))
    if not award.publicity_open(now):
        raise DomainError(_("The publicity period has ended; objections are no longer accepted."))
    reason = given_text(reason, "reason", _("Say why you object."))
    objection = Objection(award_id=award.id, objector_id=by.id, reason=reason, lodged_at=now)
    if evidence is not None and evidence.filename:
        stored = storage.store_pdf(evidence, field="evidence", folder="objections")
        objection.evidence_filename = stored.filename
        objection.evidence_stored_name = stored.stored_name
        objection.evidence_size = stored.size
        objection.evidence_sha256 = stored.sha256
    audit.created(by, "objection.lodged", objection)
    notify(
        queries.active_staff(),
        "objection_lodged",
        link=f"/officer/objections/{objection.id}",
        title=award.proposal.title,
    )
    return objection


# ---- confirmation and the task book -------------------------------------------------------


def confirm_award(
    award: Award,
    *,
    by: User,
    amount: Decimal,
    starts_on: date,
    ends_on: date,
    plan: list[PlannedTranche],
    targets: dict[int, Decimal],
) -> Award:
    """Confirm an award after its publicity (立项): its amount, execution period, milestone plan
    and indicator targets are fixed, and its award notice may be issued. The project starts
    when its task book is signed (start_project)."""
    require(can_manage(by, award))
    award = db.lock(award, Award.objections)
    now = clock.now()
    if award.status is not AwardStatus.in_publicity:
        raise DomainError(_("Only an award in publicity can be confirmed."))
    if award.publicity_open(now):
        raise DomainError(_("The publicity period has not ended yet."))
    if any(o.status is ObjectionStatus.open for o in award.objections):
        raise DomainError(_("An objection is still open; resolve it first."))
    problems: dict[str | None, str] = {}
    amount = money(amount) if amount is not None else None
    if amount is None or amount <= 0:
        problems["amount"] = _("Enter an amount above zero.")
    elif amount > award.proposal.requested:
        problems["amount"] = _("The amount may not exceed what the proposal requested.")
    if not starts_on or not ends_on or ends_on <= starts_on:
        problems["ends_on"] = _("The execution period must end after it starts.")
    plan_problem = milestones.plan_problem(plan, amount)
    if plan_problem:
        problems["milestones"] = plan_problem
    indicator_rows = award_targets.proposed_targets(award)
    target_problem = award_targets.target_problem(indicator_rows, targets)
    if target_problem:
        problems["targets"] = target_problem
    if problems:
        raise ValidationFailed(problems)
    award.amount = amount
    award.starts_on = starts_on
    award.ends_on = ends_on
    award.milestones = milestones.planned_milestones(plan)
    award.indicators = award_targets.award_indicators(indicator_rows, targets)
    states.set_status(award, AwardStatus.confirmed, by=by, now=now)
    tell_team(
        award,
        "award_confirmed",
        title=award.proposal.title,
        days=current_app.config["NOTICE_TASK_BOOK_DAYS"],
    )
    return award


def _task_book_problem(award: Award, signed_on: date | None) -> str | None:
    if signed_on is None:
        return _("Enter the day the task book was signed.")
    if award.confirmed_at is not None and signed_on < queries.local_today(award.confirmed_at):
        return _("The task book is signed after the award is confirmed.")
    if signed_on > queries.local_today():
        return _("The day may not be in the future.")
    return None


def start_project(award: Award, *, by: User, task_book_signed_on: date | None) -> Award:
    """The task book (任务书) of a confirmed award is signed: the project is running, and its
    milestones are reported from now on."""
    require(can_manage(by, award))
    award = db.lock(award)
    problem = _task_book_problem(award, task_book_signed_on)
    if problem:
        raise ValidationFailed({"task_book_signed_on": problem})
    award.task_book_signed_on = task_book_signed_on
    states.set_status(award, AwardStatus.active, by=by, action="award.started")
    tell_team(award, "project_started", title=award.proposal.title)
    return award


# ---- closing a project ----------------------------------------------------------------------


def complete_project(
    award: Award, *, by: User, achieved: dict[int, Decimal], comments: str = ""
) -> Award:
    """Final acceptance (验收): every milestone accepted and every target met closes the project."""
    require(can_manage(by, award))
    award = db.lock(award, Award.milestones, Award.indicators)
    if award.status is not AwardStatus.active:
        raise DomainError(_("Only a running project can pass final acceptance."))
    if any(m.is_open for m in award.milestones):
        raise DomainError(_("Every milestone must be accepted before the final acceptance."))
    missing = [i.name for i in award.indicators if achieved.get(i.id) is None]
    if missing:
        raise ValidationFailed(
            {"achieved": _("Enter the value achieved for: %(names)s.", names=", ".join(missing))}
        )
    for indicator in award.indicators:
        indicator.achieved = achieved[indicator.id]
    unmet = [i.name for i in award.indicators if not i.met()]
    if unmet:
        raise ValidationFailed(
            {
                "achieved": _(
                    "These targets are not met: %(names)s. The project cannot pass; "
                    "terminate it instead if it cannot reach them.",
                    names=", ".join(unmet),
                )
            }
        )
    award.acceptance_comments = (comments or "").strip()
    states.set_status(award, AwardStatus.completed, by=by)
    tell_team(award, "project_completed", title=award.proposal.title)
    return award


def terminate_project(
    award: Award,
    *,
    by: User,
    reason: str,
    refund_due: Decimal | None = None,
    revoke: bool = False,
) -> Award:
    """Stop a project: its open milestones (and their tranches) are cancelled.

    With `revoke`, the award itself is revoked (撤销立项) rather than ended: a running one, or a
    confirmed one whose task book was never signed; the notices module then marks its award
    notices revoked, so that anyone verifying one is told.
    """
    require(can_manage(by, award))
    award = db.lock(award, Award.milestones)
    to = AwardStatus.revoked if revoke else AwardStatus.terminated
    if not states.MACHINE.allowed(award.status, to) or award.status is AwardStatus.in_publicity:
        raise DomainError(
            _("Only a running project, or a confirmed award, can be revoked.")
            if revoke
            else _("Only a running project can be terminated.")
        )
    reason = (reason or "").strip()
    problems: dict[str | None, str] = {}
    if not reason:
        problems["reason"] = _("Give the reason for the termination.")
    paid = queries.disbursed_total(award.id)
    refund = money(refund_due) if refund_due is not None else Decimal("0.00")
    if refund < 0 or refund > paid:
        problems["refund_due"] = _(
            "The refund must be between zero and what was paid (%(paid)s).",
            paid=format_money(paid),
        )
    if problems:
        raise ValidationFailed(problems)
    award.refund_due = refund
    states.set_status(award, to, by=by, reason=reason)
    milestones.cancel_open_milestones(award, by=by)
    tell_team(
        award,
        "award_revoked" if revoke else "project_terminated",
        title=award.proposal.title,
        reason=reason,
    )
    return award


# ---- horse race -----------------------------------------------------------------------------


def decide_stage_gate(
    challenge: Challenge,
    *,
    by: User,
    name: str,
    outcomes: dict[int, tuple[GateOutcome, str]],
) -> StageGate:
    """At a stage gate every running team continues or is eliminated, each with a reason; an
    eliminated team's open milestones and tranches are cancelled."""
    require(can_decide_gate(by, challenge))
    if challenge.funding_mode != FundingMode.horse_race:
        raise DomainError(_("Stage gates are for horse-race challenges only."))
    teams = [db.lock(award, Award.milestones) for award in queries.running_teams(challenge)]
    teams = [award for award in teams if award.status is AwardStatus.active]
    if not teams:
        raise DomainError(_("No team of this challenge is running."))
    problems: dict[str | None, str] = {}
    name = (name or "").strip()
    if not name:
        problems["name"] = _("Name the stage gate.")
    for award in teams:
        outcome = outcomes.get(award.id)
        if outcome is None or not (outcome[1] or "").strip():
            problems["decisions"] = _("Decide every running team, with a reason.")
    if problems:
        raise ValidationFailed(problems)
    now = clock.now()
    gate = StageGate(challenge_id=challenge.id, name=name, decided_at=now, decided_by_id=by.id)
    db.session.add(gate)
    for award in teams:
        outcome, reason = outcomes[award.id]
        gate.decisions.append(
            GateDecision(award_id=award.id, outcome=outcome, reason=reason.strip())
        )
        if outcome is GateOutcome.eliminated:
            states.set_status(award, AwardStatus.eliminated, by=by, reason=reason, now=now)
            milestones.cancel_open_milestones(award, by=by)
        _tell_gate_outcome(award, name, outcome, reason)
    audit.created(by, "stage_gate.decided", gate)
    return gate


def _tell_gate_outcome(award: Award, gate: str, outcome: GateOutcome, reason: str) -> None:
    tell_team(
        award,
        "stage_gate.continued" if outcome is GateOutcome.continued else "stage_gate.eliminated",
        title=award.proposal.title,
        gate=gate,
        reason=reason,
    )
