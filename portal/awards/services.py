"""Awards and projects: every change of state is one function here.

Publicity (公示) → objections (异议) → confirmation → milestone reports and tranches (拨付) →
final acceptance (验收) or termination; stage gates for horse races (赛马).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import format_datetime
from sqlmodel import func, select
from werkzeug.datastructures import FileStorage

from portal import audit, clock, storage
from portal.accounts.models import Role, User
from portal.awards.models import (
    Award,
    AwardIndicator,
    AwardStatus,
    Disbursement,
    GateDecision,
    GateOutcome,
    Milestone,
    MilestoneReport,
    MilestoneStatus,
    Objection,
    ObjectionStatus,
    ReportDecision,
    ReportEvidence,
    StageGate,
)
from portal.challenges.models import Challenge, Comparison, FundingMode
from portal.db import db, money
from portal.errors import DomainError, NotAllowed, ValidationFailed
from portal.i18n import gettext as _
from portal.notices.services import revoke_notices_for
from portal.notifications.services import notify
from portal.proposals.models import Proposal, ProposalStatus
from portal.proposals.states import set_status

CENT = Decimal("0.01")


def local_today(now: datetime | None = None) -> date:
    """Today's date where the programme runs (due dates are local dates)."""
    zone = current_app.config["TIME_ZONE"] if has_app_context() else "Asia/Shanghai"
    return (now or clock.now()).astimezone(ZoneInfo(zone)).date()


def _require_staff(user: User) -> None:
    if not user.is_staff:
        raise NotAllowed()


def _lead_users(award: Award) -> list[User]:
    return list(
        db.session.exec(
            select(User).where(
                User.organisation_id == award.proposal.lead_org_id, User.role == Role.applicant
            )
        ).all()
    )


def _project_link(award: Award) -> str:
    return f"/projects/{award.id}"


def is_lead_user(user: User, award: Award) -> bool:
    return (
        user.role is Role.applicant
        and user.organisation_id is not None
        and user.organisation_id == award.proposal.lead_org_id
    )


# ---- publicity and objections -------------------------------------------------------------


def start_publicity(proposal: Proposal, *, by: User | None) -> Award:
    """Publish an awarded proposal for the challenge's publicity period (公示期)."""
    if proposal.status is not ProposalStatus.awarded:
        raise DomainError(_("Only an awarded proposal can be published for publicity."))
    existing = db.session.exec(select(Award).where(Award.proposal_id == proposal.id)).first()
    if existing is not None:
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
    db.session.add(award)
    audit.record(by, "award.publicity_started", award, after=audit.snapshot(award))
    title = proposal.title
    notify(
        _lead_users(award),
        "award_in_publicity",
        lambda: _("Your project %(title)s is in publicity", title=title),
        lambda: _(
            "The publicity period ends %(end)s.",
            end=format_datetime(award.publicity_ends_at, "yyyy-MM-dd HH:mm"),
        ),
        link=_project_link(award),
    )
    return award


def lodge_objection(
    award: Award, *, by: User, reason: str, evidence: FileStorage | None = None
) -> Objection:
    """A logged-in user objects to an award while its publicity period runs."""
    now = clock.now()
    if award.status is not AwardStatus.in_publicity:
        raise DomainError(_("This award is not in publicity."))
    if not award.publicity_open(now):
        raise DomainError(_("The publicity period has ended; objections are no longer accepted."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Say why you object.")})
    objection = Objection(award_id=award.id, objector_id=by.id, reason=reason, lodged_at=now)
    if evidence is not None and evidence.filename:
        stored = storage.store_pdf(evidence, field="evidence", folder="objections")
        objection.evidence_filename = stored.filename
        objection.evidence_stored_name = stored.stored_name
        objection.evidence_size = stored.size
        objection.evidence_sha256 = stored.sha256
    db.session.add(objection)
    audit.record(by, "objection.lodged", objection, after=audit.snapshot(objection))
    staff = db.session.exec(
        select(User).where(User.role.in_([Role.officer, Role.admin]), User.active)
    ).all()
    title = award.proposal.title
    notify(
        staff,
        "objection_lodged",
        lambda: _("Objection lodged against %(title)s", title=title),
        link=f"/officer/objections/{objection.id}",
    )
    return objection


def resolve_objection(
    objection: Objection,
    *,
    by: User,
    upheld: bool,
    reason: str,
    promote: Proposal | None = None,
) -> Objection:
    """Uphold (the award is revoked, a reserve may be promoted) or dismiss an objection."""
    _require_staff(by)
    if objection.status is not ObjectionStatus.open:
        raise DomainError(_("This objection has already been resolved."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Give the reason for the decision.")})
    if promote is not None and not upheld:
        raise ValidationFailed(
            {"promote": _("A reserve proposal can only be promoted when the objection is upheld.")}
        )
    award = lock_project(objection.award)
    if objection.status is not ObjectionStatus.open:
        raise DomainError(_("This objection has already been resolved."))
    now = clock.now()
    before = audit.snapshot(objection)
    objection.status = ObjectionStatus.upheld if upheld else ObjectionStatus.dismissed
    objection.resolution = reason
    objection.resolved_by_id = by.id
    objection.resolved_at = now
    audit.record(
        by,
        f"objection.{objection.status.value}",
        objection,
        before=before,
        after=audit.snapshot(objection),
    )
    if upheld:
        _revoke(award, by=by, reason=reason, cause=objection)
    notify(
        [objection.objector],
        "objection_resolved",
        lambda: _("Your objection was upheld") if upheld else _("Your objection was dismissed"),
        lambda: reason,
        link=f"/publicity/{award.challenge.number}",
    )
    if promote is not None:
        promote_reserve(promote, by=by, replacing=award)
    return objection


def _revoke(award: Award, *, by: User, reason: str, cause: Objection) -> None:
    if award.status is not AwardStatus.in_publicity:
        raise DomainError(_("Only an award in publicity can be revoked."))
    before = audit.snapshot(award)
    award.status = AwardStatus.revoked
    award.close_reason = reason
    award.closed_at = clock.now()
    award.closed_by_id = by.id
    set_status(award.proposal, ProposalStatus.not_funded, by=by, now=award.closed_at)
    for other in award.objections:
        if other is not cause and other.status is ObjectionStatus.open:
            other.status = ObjectionStatus.upheld
            other.resolution = reason
            other.resolved_by_id = by.id
            other.resolved_at = award.closed_at
            notify(
                [other.objector],
                "objection_resolved",
                lambda: _("Your objection was upheld"),
                lambda: reason,
            )
    audit.record(by, "award.revoked", award, before=before, after=audit.snapshot(award))
    title = award.proposal.title
    notify(
        _lead_users(award),
        "award_revoked",
        lambda: _("The award of %(title)s has been revoked", title=title),
        lambda: reason,
        link=_project_link(award),
    )


def reserve_candidates(challenge_id: int) -> list[Proposal]:
    return list(
        db.session.exec(
            select(Proposal)
            .where(Proposal.challenge_id == challenge_id, Proposal.status == ProposalStatus.reserve)
            .order_by(Proposal.id)
        ).all()
    )


def promote_reserve(proposal: Proposal, *, by: User, replacing: Award) -> Award:
    """A reserve proposal takes a revoked award's place and gets its own publicity period."""
    _require_staff(by)
    if replacing.status is not AwardStatus.revoked:
        raise DomainError(_("A reserve proposal can only replace a revoked award."))
    if proposal.status is not ProposalStatus.reserve or (
        proposal.challenge_id != replacing.challenge_id
    ):
        raise ValidationFailed({"promote": _("Choose a reserve proposal of the same challenge.")})
    set_status(proposal, ProposalStatus.awarded, by=by, action="proposal.promoted")
    return start_publicity(proposal, by=by)


# ---- confirmation -------------------------------------------------------------------------


@dataclass
class PlannedTranche:
    title: str
    due_date: date | None
    tranche: Decimal | None
    deliverable: str = ""
    verification: str = ""


@dataclass
class TargetRow:
    indicator_id: int | None
    name: str
    comparison: Comparison
    unit: str
    committed: Decimal
    target: Decimal | None


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


def proposed_targets(award: Award) -> list[TargetRow]:
    """The indicators with what the proposal committed to (the challenge target if blank)."""
    committed = {c.indicator_id: c.value for c in award.proposal.commitments}
    rows = []
    for indicator in award.challenge.indicators:
        promised = committed.get(indicator.id)
        promised = indicator.target if promised is None else promised
        rows.append(
            TargetRow(
                indicator.id,
                indicator.name,
                indicator.comparison,
                indicator.unit,
                promised,
                promised,
            )
        )
    return rows


def lowers(comparison: Comparison, committed: Decimal, value: Decimal) -> bool:
    """Whether `value` is a weaker target than `committed` (不得降低考核指标)."""
    if comparison is Comparison.ge:
        return value < committed
    if comparison is Comparison.le:
        return value > committed
    return value != committed


def _lowered_message(name: str, comparison: Comparison, committed: Decimal) -> str:
    return _(
        "The target for %(name)s may not be lowered below what the proposal promised "
        "(%(sign)s %(value)s).",
        name=name,
        sign=comparison.symbol,
        value=_plain_number(committed),
    )


def _plain_number(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


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
    """Confirm an award after its publicity: it becomes an active project with its milestones
    and the indicator targets it must reach."""
    _require_staff(by)
    award = lock_project(award)
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
    rows = [row for row in plan if row.title.strip()]
    if not rows:
        problems["milestones"] = _("Plan at least one milestone.")
    elif any(row.due_date is None or row.tranche is None or row.tranche < 0 for row in rows):
        problems["milestones"] = _(
            "Every milestone needs a due date and a tranche of zero or more."
        )
    elif amount is not None and sum(money(r.tranche) for r in rows) != amount:
        problems["milestones"] = _(
            "The tranches add up to %(sum)s but the amount is %(amount)s; they must be equal.",
            sum=sum(money(r.tranche) for r in rows),
            amount=amount,
        )
    indicator_rows = proposed_targets(award)
    for row in indicator_rows:
        value = targets.get(row.indicator_id)
        if value is None:
            problems["targets"] = _("Enter a target for every indicator.")
        elif lowers(row.comparison, row.committed, value):
            problems["targets"] = _lowered_message(row.name, row.comparison, row.committed)
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(award)
    award.amount = amount
    award.starts_on = starts_on
    award.ends_on = ends_on
    award.status = AwardStatus.active
    award.confirmed_at = now
    award.confirmed_by_id = by.id
    award.milestones = [
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
    award.indicators = [
        AwardIndicator(
            indicator_id=row.indicator_id,
            position=i,
            name=row.name,
            comparison=row.comparison,
            unit=row.unit,
            committed=row.committed,
            target=targets[row.indicator_id],
        )
        for i, row in enumerate(indicator_rows)
    ]
    audit.record(by, "award.confirmed", award, before=before, after=audit.snapshot(award))
    title = award.proposal.title
    notify(
        _lead_users(award),
        "award_confirmed",
        lambda: _("Your project %(title)s is confirmed", title=title),
        link=_project_link(award),
    )
    return award


def change_target(indicator: AwardIndicator, *, by: User, value: Decimal) -> AwardIndicator:
    """Raise a running project's indicator target; lowering it below the promise is refused."""
    _require_staff(by)
    if indicator.award.status is not AwardStatus.active:
        raise DomainError(_("Only a running project's targets can change."))
    if lowers(indicator.comparison, indicator.committed, value):
        raise ValidationFailed(
            {"target": _lowered_message(indicator.name, indicator.comparison, indicator.committed)}
        )
    before = audit.snapshot(indicator)
    indicator.target = value
    audit.record(
        by, "award_indicator.changed", indicator, before=before, after=audit.snapshot(indicator)
    )
    return indicator


# ---- milestones and tranches --------------------------------------------------------------


def report_milestone(
    milestone: Milestone,
    *,
    by: User,
    progress: str,
    values: dict[int, Decimal],
    evidence: list[FileStorage] = (),
) -> MilestoneReport:
    """The lead organisation reports a milestone (first time or after it was returned)."""
    if not is_lead_user(by, milestone.award):
        raise NotAllowed()
    award = lock_project(milestone.award)
    if award.status is not AwardStatus.active:
        raise DomainError(_("Only a running project's milestones can be reported."))
    if milestone.status not in (MilestoneStatus.planned, MilestoneStatus.returned):
        raise DomainError(_("This milestone cannot be reported now."))
    progress = (progress or "").strip()
    if not progress:
        raise ValidationFailed({"progress": _("Describe the progress made.")})
    known = {i.id for i in award.indicators}
    number = (
        db.session.exec(
            select(func.max(MilestoneReport.number)).where(
                MilestoneReport.milestone_id == milestone.id
            )
        ).one()
        or 0
    ) + 1
    report = MilestoneReport(
        milestone_id=milestone.id,
        number=number,
        progress=progress,
        indicator_values={str(k): str(v) for k, v in values.items() if k in known},
        submitted_by_id=by.id,
        submitted_at=clock.now(),
    )
    for upload in evidence:
        if upload is not None and upload.filename:
            stored = storage.store_pdf(upload, field="evidence", folder="reports")
            report.evidence.append(
                ReportEvidence(
                    filename=stored.filename,
                    stored_name=stored.stored_name,
                    size=stored.size,
                    sha256=stored.sha256,
                )
            )
    db.session.add(report)
    before = audit.snapshot(milestone, "status")
    milestone.status = MilestoneStatus.reported
    audit.record(
        by,
        "milestone.reported",
        milestone,
        before=before,
        after={"status": "reported", "report": number},
    )
    if award.confirmed_by_id:
        officer = db.session.get(User, award.confirmed_by_id)
        title = milestone.title
        notify(
            [officer],
            "milestone_reported",
            lambda: _("Milestone reported: %(title)s", title=title),
            link=_project_link(award),
        )
    return report


def lock_award(award_id: int) -> Award:
    """The award row, locked until the transaction ends, with fresh values.

    PostgreSQL: SELECT … FOR UPDATE. SQLite has no row locks: a no-op UPDATE makes sure we
    hold the database's write lock (a transaction that may write already begins with it, see
    portal.db.sqlite_begin), so the reads that follow see every earlier commit and nobody else
    writes until ours ends.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        table = Award.__table__
        db.session.execute(
            sa.update(table).where(table.c.id == award_id).values(status=table.c.status)
        )
        statement = select(Award).where(Award.id == award_id)
    else:
        statement = select(Award).where(Award.id == award_id).with_for_update()
    return db.session.exec(statement.execution_options(populate_existing=True)).one()


def disbursed_total(award_id: int) -> Decimal:
    total = db.session.exec(
        select(func.coalesce(func.sum(Disbursement.amount), 0)).where(
            Disbursement.award_id == award_id
        )
    ).one()
    return money(total)


def lock_project(award: Award) -> Award:
    """Lock an award and read again its milestones, reports and objections, so that a decision
    is taken on what is committed now, not on what this request loaded earlier."""
    locked = lock_award(award.id)
    fresh = {"populate_existing": True}
    db.session.exec(
        select(Milestone).where(Milestone.award_id == award.id).execution_options(**fresh)
    ).all()
    db.session.exec(
        select(MilestoneReport)
        .join(Milestone, Milestone.id == MilestoneReport.milestone_id)
        .where(Milestone.award_id == award.id)
        .execution_options(**fresh)
    ).all()
    db.session.exec(
        select(Objection).where(Objection.award_id == award.id).execution_options(**fresh)
    ).all()
    db.session.expire(locked, ["milestones", "objections"])
    return locked


def accept_report(
    report: MilestoneReport, *, by: User, paid_on: date, comments: str = ""
) -> Disbursement:
    """Accept a milestone report and record the disbursement of its tranche.

    The award row is locked first and everything is read again: two officers accepting at once
    are serialised, and the sum paid can never exceed the award.
    """
    _require_staff(by)
    award = lock_project(report.milestone.award)
    milestone = report.milestone
    if award.status is not AwardStatus.active:
        raise DomainError(_("Only a running project's milestones can be accepted."))
    if milestone.status is not MilestoneStatus.reported or report.decision is not (
        ReportDecision.pending
    ):
        raise DomainError(_("This report has already been decided."))
    if paid_on is None:
        raise ValidationFailed({"paid_on": _("Enter the date of the disbursement.")})
    paid = disbursed_total(award.id)
    if paid + milestone.tranche > award.amount:
        raise DomainError(
            _(
                "Paying %(tranche)s would bring the disbursed total to more than the award "
                "(%(paid)s of %(amount)s already paid).",
                tranche=milestone.tranche,
                paid=paid,
                amount=award.amount,
            )
        )
    now = clock.now()
    report.decision = ReportDecision.accepted
    report.comments = (comments or "").strip()
    report.decided_by_id = by.id
    report.decided_at = now
    milestone.status = MilestoneStatus.accepted
    milestone.accepted_at = now
    disbursement = Disbursement(
        award_id=award.id,
        milestone_id=milestone.id,
        amount=milestone.tranche,
        paid_on=paid_on,
        recorded_by_id=by.id,
        recorded_at=now,
    )
    db.session.add(disbursement)
    audit.record(by, "milestone.accepted", milestone, after=audit.snapshot(milestone))
    audit.record(by, "disbursement.recorded", disbursement, after=audit.snapshot(disbursement))
    title = milestone.title
    notify(
        _lead_users(award),
        "milestone_accepted",
        lambda: _("Milestone accepted: %(title)s", title=title),
        lambda: _("The tranche of %(amount)s is released.", amount=disbursement.amount),
        link=_project_link(award),
    )
    return disbursement


def return_report(report: MilestoneReport, *, by: User, comments: str) -> MilestoneReport:
    """Send a report back with comments; the lead organisation reports again."""
    _require_staff(by)
    lock_project(report.milestone.award)
    milestone = report.milestone
    if milestone.award.status is not AwardStatus.active:
        raise DomainError(_("Only a running project's milestones can be returned."))
    if milestone.status is not MilestoneStatus.reported or (
        report.decision is not ReportDecision.pending
    ):
        raise DomainError(_("This report has already been decided."))
    comments = (comments or "").strip()
    if not comments:
        raise ValidationFailed({"comments": _("Say what must change in a new report.")})
    report.decision = ReportDecision.returned
    report.comments = comments
    report.decided_by_id = by.id
    report.decided_at = clock.now()
    milestone.status = MilestoneStatus.returned
    audit.record(
        by, "milestone.returned", milestone, after={"status": "returned", "comments": comments}
    )
    title = milestone.title
    notify(
        _lead_users(milestone.award),
        "milestone_returned",
        lambda: _("Milestone report returned: %(title)s", title=title),
        lambda: comments,
        link=_project_link(milestone.award),
    )
    return report


# ---- closing a project ----------------------------------------------------------------------


def complete_project(
    award: Award, *, by: User, achieved: dict[int, Decimal], comments: str = ""
) -> Award:
    """Final acceptance (验收): every milestone accepted and every target met closes the project."""
    _require_staff(by)
    award = lock_project(award)
    if award.status is not AwardStatus.active:
        raise DomainError(_("Only a running project can pass final acceptance."))
    if any(m.is_open for m in award.milestones):
        raise DomainError(_("Every milestone must be accepted before the final acceptance."))
    problems: dict[str | None, str] = {}
    missing = [i.name for i in award.indicators if achieved.get(i.id) is None]
    if missing:
        problems["achieved"] = _(
            "Enter the value achieved for: %(names)s.", names=", ".join(missing)
        )
        raise ValidationFailed(problems)
    before = audit.snapshot(award)
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
    award.status = AwardStatus.completed
    award.closed_at = clock.now()
    award.closed_by_id = by.id
    award.acceptance_comments = (comments or "").strip()
    audit.record(by, "award.completed", award, before=before, after=audit.snapshot(award))
    title = award.proposal.title
    notify(
        _lead_users(award),
        "project_completed",
        lambda: _("Project %(title)s passed final acceptance", title=title),
        link=_project_link(award),
    )
    return award


def _cancel_open_milestones(award: Award) -> list[Milestone]:
    cancelled = [m for m in award.milestones if m.is_open]
    for milestone in cancelled:
        milestone.status = MilestoneStatus.cancelled
        for report in milestone.reports:
            if report.decision is ReportDecision.pending:
                report.decision = ReportDecision.returned
                report.comments = award.close_reason
    return cancelled


def terminate_project(
    award: Award,
    *,
    by: User,
    reason: str,
    refund_due: Decimal | None = None,
    revoke: bool = False,
) -> Award:
    """Stop a running project: its open milestones (and their tranches) are cancelled.

    With `revoke`, the award itself is revoked (撤销立项) rather than ended, and its award
    notices are marked revoked so that anyone verifying one is told.
    """
    _require_staff(by)
    award = lock_project(award)
    if award.status is not AwardStatus.active:
        raise DomainError(_("Only a running project can be terminated."))
    reason = (reason or "").strip()
    problems: dict[str | None, str] = {}
    if not reason:
        problems["reason"] = _("Give the reason for the termination.")
    paid = disbursed_total(award.id)
    refund = money(refund_due) if refund_due is not None else Decimal("0.00")
    if refund < 0 or refund > paid:
        problems["refund_due"] = _(
            "The refund must be between zero and what was paid (%(paid)s).", paid=paid
        )
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(award)
    award.status = AwardStatus.revoked if revoke else AwardStatus.terminated
    award.close_reason = reason
    award.closed_at = clock.now()
    award.closed_by_id = by.id
    award.refund_due = refund
    cancelled = _cancel_open_milestones(award)
    audit.record(
        by,
        "award.revoked" if revoke else "award.terminated",
        award,
        before=before,
        after={**audit.snapshot(award), "cancelled": [m.id for m in cancelled]},
    )
    if revoke:
        revoke_notices_for(award, by=by)
    title = award.proposal.title
    notify(
        _lead_users(award),
        "award_revoked" if revoke else "project_terminated",
        (lambda: _("The award of %(title)s has been revoked", title=title))
        if revoke
        else (lambda: _("Project %(title)s has been terminated", title=title)),
        lambda: reason,
        link=_project_link(award),
    )
    return award


# ---- horse race -----------------------------------------------------------------------------


def running_teams(challenge: Challenge) -> list[Award]:
    return list(
        db.session.exec(
            select(Award)
            .where(Award.challenge_id == challenge.id, Award.status == AwardStatus.active)
            .order_by(Award.id)
        ).all()
    )


def decide_stage_gate(
    challenge: Challenge,
    *,
    by: User,
    name: str,
    outcomes: dict[int, tuple[GateOutcome, str]],
) -> StageGate:
    """At a stage gate every running team continues or is eliminated, each with a reason; an
    eliminated team's open milestones and tranches are cancelled."""
    _require_staff(by)
    if challenge.funding_mode != FundingMode.horse_race:
        raise DomainError(_("Stage gates are for horse-race challenges only."))
    teams = [lock_project(award) for award in running_teams(challenge)]
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
            before = audit.snapshot(award)
            award.status = AwardStatus.eliminated
            award.close_reason = reason.strip()
            award.closed_at = now
            award.closed_by_id = by.id
            _cancel_open_milestones(award)
            audit.record(by, "award.eliminated", award, before=before, after=audit.snapshot(award))
        _tell_gate_outcome(award, name, outcome, reason)
    audit.record(by, "stage_gate.decided", gate, after=audit.snapshot(gate))
    return gate


def _tell_gate_outcome(award: Award, gate: str, outcome: GateOutcome, reason: str) -> None:
    title = award.proposal.title
    notify(
        _lead_users(award),
        "stage_gate",
        lambda: (
            _("%(title)s continues after %(gate)s", title=title, gate=gate)
            if outcome is GateOutcome.continued
            else _("%(title)s was eliminated at %(gate)s", title=title, gate=gate)
        ),
        lambda: reason,
        link=_project_link(award),
    )
