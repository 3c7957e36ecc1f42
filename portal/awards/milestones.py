"""Milestones and their tranches (拨付): the plan confirmed with the award, reports by the lead
organisation, and the officer's decision that releases a tranche or asks for a new report.

Every transition locks the award first (`db.lock`): reports, decisions and payments of one
project are serialised, and the sum paid can never exceed the award.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from werkzeug.datastructures import FileStorage

from portal import audit, clock, storage
from portal.accounts.models import User
from portal.awards import queries, states
from portal.awards.models import Award, Disbursement, Milestone, MilestoneReport, ReportEvidence
from portal.awards.permissions import can_manage, can_report
from portal.awards.tell import project_link, tell_team
from portal.db import db, money
from portal.errors import DomainError, ValidationFailed, given_text, require
from portal.i18n import gettext as _
from portal.notifications.services import notify
from portal.presentation import format_money, lazy_money
from portal.vocabulary import AwardStatus, MilestoneStatus, ReportDecision

CENT = Decimal("0.01")


@dataclass
class PlannedTranche:
    """A row of the milestone plan an officer confirms."""

    title: str
    due_date: date | None
    tranche: Decimal | None
    deliverable: str = ""
    verification: str = ""


def split_tranches(amount: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Tranches of `amount` by percentage shares, rounded to the cent and summing exactly to
    `amount`: each is rounded down, and the cents left over go to the largest remainders."""
    total_share = sum(shares) or Decimal(1)
    exact = [amount * share / total_share for share in shares]
    floors = [value.quantize(CENT, rounding=ROUND_DOWN) for value in exact]
    left = int(((amount - sum(floors)) / CENT).to_integral_value())
    order = sorted(range(len(shares)), key=lambda i: (floors[i] - exact[i], i))
    for i in order[:left]:
        floors[i] += CENT
    return floors


def proposed_plan(award: Award, amount: Decimal | None = None) -> list[PlannedTranche]:
    """The proposal's milestone plan with tranches for `amount` (default: the award's)."""
    planned = award.proposal.milestones
    amounts = split_tranches(
        money(amount if amount is not None else award.amount),
        [m.share_percent or Decimal(0) for m in planned],
    )
    return [
        PlannedTranche(m.title, m.due_date, value, m.deliverable, m.verification)
        for m, value in zip(planned, amounts, strict=True)
    ]


def plan_problem(plan: list[PlannedTranche], amount: Decimal | None) -> str | None:
    """What is wrong with a milestone plan for `amount`, if anything (rows without a title are
    dropped)."""
    rows = [row for row in plan if row.title.strip()]
    if not rows:
        return _("Plan at least one milestone.")
    if any(row.due_date is None or row.tranche is None or row.tranche < 0 for row in rows):
        return _("Every milestone needs a due date and a tranche of zero or more.")
    total = sum(money(r.tranche) for r in rows)
    if amount is not None and total != amount:
        return _(
            "The tranches add up to %(sum)s but the amount is %(amount)s; they must be equal.",
            sum=total,
            amount=amount,
        )
    return None


def planned_milestones(plan: list[PlannedTranche]) -> list[Milestone]:
    """The milestones of a confirmed plan (rows without a title are dropped)."""
    rows = [row for row in plan if row.title.strip()]
    return [
        Milestone(
            position=i,
            title=row.title.strip(),
            due_date=row.due_date,
            deliverable=row.deliverable,
            verification=row.verification,
            tranche=money(row.tranche),
        )
        for i, row in enumerate(rows)
    ]


def report_milestone(
    milestone: Milestone,
    *,
    by: User,
    progress: str,
    values: dict[int, Decimal],
    evidence: list[FileStorage] = (),
) -> MilestoneReport:
    """The lead organisation reports a milestone (first time or after it was returned)."""
    require(can_report(by, milestone))
    award = db.lock(milestone.award, Award.milestones, Award.indicators)
    if award.status is not AwardStatus.active:
        raise DomainError(_("Only a running project's milestones can be reported."))
    if milestone.status not in (MilestoneStatus.planned, MilestoneStatus.returned):
        raise DomainError(_("This milestone cannot be reported now."))
    progress = given_text(progress, "progress", _("Describe the progress made."))
    known = {i.id for i in award.indicators}
    report = MilestoneReport(
        milestone_id=milestone.id,
        number=queries.next_report_number(milestone),
        progress=progress,
        indicator_values={str(k): str(v) for k, v in values.items() if k in known},
        submitted_by_id=by.id,
        submitted_at=clock.now(),
    )
    for upload in evidence:
        if upload is not None and upload.filename:
            stored = storage.store_pdf(upload, field="evidence", folder="reports")
            report.evidence.append(ReportEvidence(**asdict(stored)))
    db.session.add(report)
    states.set_milestone_status(milestone, MilestoneStatus.reported, by=by)
    if award.confirmed_by_id:
        officer = db.session.get(User, award.confirmed_by_id)
        notify([officer], "milestone_reported", link=project_link(award), title=milestone.title)
    return report


def _decidable(report: MilestoneReport, by: User) -> tuple[Award, Milestone]:
    """Lock the project and read the report again; refuse one decided meanwhile."""
    award = db.lock(report.milestone.award, Award.milestones)
    db.session.refresh(report)
    require(can_manage(by, award))
    milestone = report.milestone
    if award.status is not AwardStatus.active:
        raise DomainError(_("Only a running project's milestones can be decided."))
    if milestone.status is not MilestoneStatus.reported or (
        report.decision is not ReportDecision.pending
    ):
        raise DomainError(_("This report has already been decided."))
    return award, milestone


def _decide(report: MilestoneReport, decision: ReportDecision, *, by: User, comments: str):
    report.decision = decision
    report.comments = comments
    report.decided_by_id = by.id
    report.decided_at = clock.now()


def accept_report(
    report: MilestoneReport, *, by: User, paid_on: date, comments: str = ""
) -> Disbursement:
    """Accept a milestone report and record the disbursement of its tranche; the sum paid
    never exceeds the award."""
    award, milestone = _decidable(report, by)
    if paid_on is None:
        raise ValidationFailed({"paid_on": _("Enter the date of the disbursement.")})
    paid = queries.disbursed_total(award.id)
    if paid + milestone.tranche > award.amount:
        raise DomainError(
            _(
                "Paying %(tranche)s would bring the disbursed total to more than the award "
                "(%(paid)s of %(amount)s already paid).",
                tranche=format_money(milestone.tranche),
                paid=format_money(paid),
                amount=format_money(award.amount),
            )
        )
    _decide(report, ReportDecision.accepted, by=by, comments=(comments or "").strip())
    states.set_milestone_status(milestone, MilestoneStatus.accepted, by=by)
    disbursement = Disbursement(
        award_id=award.id,
        milestone_id=milestone.id,
        amount=milestone.tranche,
        paid_on=paid_on,
        recorded_by_id=by.id,
        recorded_at=clock.now(),
    )
    audit.created(by, "disbursement.recorded", disbursement)
    tell_team(
        award, "milestone_accepted", title=milestone.title, amount=lazy_money(disbursement.amount)
    )
    return disbursement


def return_report(report: MilestoneReport, *, by: User, comments: str) -> MilestoneReport:
    """Send a report back with comments; the lead organisation reports again."""
    award, milestone = _decidable(report, by)
    comments = given_text(comments, "comments", _("Say what must change in a new report."))
    _decide(report, ReportDecision.returned, by=by, comments=comments)
    states.set_milestone_status(milestone, MilestoneStatus.returned, by=by)
    tell_team(award, "milestone_returned", title=milestone.title, reason=comments)
    return report


def cancel_open_milestones(award: Award, *, by: User) -> list[Milestone]:
    """A project ended early (the award locked by the caller): every milestone not yet
    accepted is cancelled with its tranche, and a report still awaiting a decision is returned
    with the reason the project ended."""
    for report in queries.pending_reports(award):
        _decide(report, ReportDecision.returned, by=by, comments=award.close_reason)
    cancelled = [m for m in award.milestones if m.is_open]
    for milestone in cancelled:
        states.set_milestone_status(milestone, MilestoneStatus.cancelled, by=by)
    return cancelled
