"""Publicity and objections, confirmation, projects, milestones, acceptance and horse races."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload
from sqlmodel import select

from portal import clock, storage
from portal.access import login_required, public, roles_required, staff_required
from portal.accounts.models import Role
from portal.awards import forms, queries, services
from portal.awards.models import (
    Award,
    AwardStatus,
    GateOutcome,
    MilestoneReport,
    Objection,
    ObjectionStatus,
    ReportDecision,
    ReportEvidence,
)
from portal.challenges.models import Chain, FundingMode
from portal.db import db
from portal.errors import DomainError
from portal.formtools import first_display, form_status
from portal.i18n import gettext as _
from portal.pagecache import cached_private_page, cached_public_page
from portal.paging import count, paginate
from portal.parsing import parse_id
from portal.proposals.models import Proposal
from portal.unit_of_work import submit_form

bp = Blueprint("awards", __name__)


@bp.context_processor
def labels():
    return {
        "award_status": forms.AWARD_STATUS_LABELS,
        "milestone_status": forms.MILESTONE_STATUS_LABELS,
        "objection_status": forms.OBJECTION_STATUS_LABELS,
        "report_decision": forms.REPORT_DECISION_LABELS,
        "gate_outcome": forms.GATE_OUTCOME_LABELS,
        "today": services.local_today(),
        "now": clock.now(),
    }


# ---- publicity ------------------------------------------------------------------------------


@bp.get("/publicity")
@public
@cached_public_page
@cached_private_page
def publicity():
    awards, page = paginate(queries.in_publicity())
    return render_template("awards/publicity.html", awards=awards, page=page, challenge=None)


@bp.get("/publicity/<number>")
@public
@cached_private_page
def challenge_publicity(number: str):
    challenge = queries.public_challenge(number) or abort(404)
    awards, page = paginate(queries.in_publicity(challenge.id))
    return render_template("awards/publicity.html", awards=awards, page=page, challenge=challenge)


def _award_in_publicity_or_404(award_id: int) -> Award:
    award = db.session.get(Award, award_id)
    if award is None or award.status is not AwardStatus.in_publicity:
        abort(404)
    return award


@bp.route("/publicity/awards/<int:award_id>/objection", methods=["GET", "POST"])
@login_required
def lodge_objection(award_id: int):
    award = _award_in_publicity_or_404(award_id)
    form = forms.ObjectionForm()
    done, _objection = submit_form(
        form,
        lambda: services.lodge_objection(
            award, by=current_user, reason=form.reason.data, evidence=form.evidence.data
        ),
    )
    if done:
        flash(_("Your objection has been lodged. You will be told the decision."), "success")
        return redirect(url_for(".challenge_publicity", number=award.challenge.number))
    return render_template("awards/objection_new.html", form=form, award=award), form_status(form)


@bp.get("/objections/mine")
@login_required
@cached_private_page
def my_objections():
    objections, page = paginate(queries.objections_of(current_user))
    return render_template("awards/my_objections.html", objections=objections, page=page)


@bp.get("/officer/objections")
@staff_required
@cached_private_page
def objections():
    rows, page = paginate(queries.open_objections())
    return render_template("awards/objections.html", objections=rows, page=page)


def _objection_or_404(objection_id: int) -> Objection:
    return db.session.get(Objection, objection_id) or abort(404)


def _resolve_form(objection: Objection) -> forms.ResolveObjectionForm:
    form = forms.ResolveObjectionForm()
    form.promote.choices = [("", _("None"))] + [
        (str(p.id), f"{p.title} — {p.lead_org.name}")
        for p in services.reserve_candidates(objection.award.challenge_id)
    ]
    return form


@bp.route("/officer/objections/<int:objection_id>", methods=["GET", "POST"])
@staff_required
def objection(objection_id: int):
    item = _objection_or_404(objection_id)
    form = _resolve_form(item)

    def resolve():
        promote_id = parse_id(form.promote.data)
        promote = db.session.get(Proposal, promote_id) if promote_id else None
        return services.resolve_objection(
            item,
            by=current_user,
            upheld=form.decision.data == "upheld",
            reason=form.reason.data,
            promote=promote,
        )

    done, _resolved = (
        submit_form(form, resolve) if item.status is ObjectionStatus.open else (False, None)
    )
    if done:
        flash(_("The objection has been resolved and the objector told."), "success")
        return redirect(url_for(".objection", objection_id=item.id))
    return render_template("awards/objection.html", form=form, objection=item), form_status(form)


@bp.get("/objections/<int:objection_id>/evidence")
@login_required
def objection_evidence(objection_id: int):
    item = _objection_or_404(objection_id)
    if not (current_user.is_staff or item.objector_id == current_user.id):
        abort(404)
    if not item.evidence_stored_name:
        abort(404)
    return storage.send_stored(item.evidence_stored_name, item.evidence_filename)


# ---- confirmation ---------------------------------------------------------------------------


def _fill_plan(form: forms.ConfirmForm, plan: list[services.PlannedTranche]) -> None:
    while form.milestones.entries:
        form.milestones.pop_entry()
    for row in plan:
        form.milestones.append_entry(
            {
                "title": row.title,
                "due_date": row.due_date,
                "tranche": row.tranche,
                "deliverable": row.deliverable,
                "verification": row.verification,
            }
        )


def _plan_of(form: forms.ConfirmForm) -> list[services.PlannedTranche]:
    return [
        services.PlannedTranche(
            title=row.title.data or "",
            due_date=row.due_date.data,
            tranche=row.tranche.data,
            deliverable=row.deliverable.data or "",
            verification=row.verification.data or "",
        )
        for row in form.milestones
    ]


@bp.route("/officer/awards/<int:award_id>/confirm", methods=["GET", "POST"])
@staff_required
def confirm(award_id: int):
    award = db.session.get(Award, award_id) or abort(404)
    if award.status is not AwardStatus.in_publicity:
        flash(_("This award is not awaiting confirmation."), "error")
        return redirect(url_for(".project", award_id=award.id))
    if award.publicity_open(clock.now()):
        flash(_("Confirmation opens when the publicity period ends."), "error")
        return redirect(url_for(".project", award_id=award.id))
    indicators = services.proposed_targets(award)
    form = forms.ConfirmForm()
    if first_display(form):
        form.amount.data = award.amount
        form.starts_on.data = services.local_today()
        form.ends_on.data = max(
            (m.due_date for m in award.proposal.milestones if m.due_date),
            default=services.local_today() + timedelta(days=365),
        )
        _fill_plan(form, services.proposed_plan(award))
        for row in indicators:
            form.targets.append_entry({"indicator_id": row.indicator_id, "target": row.target})
    context = {"award": award, "indicators": indicators}
    if form.add_row.data:
        form.milestones.append_entry()
        return render_template("awards/confirm.html", form=form, **context)
    if form.recompute.data and form.amount.data:
        _fill_plan(form, services.proposed_plan(award, form.amount.data))
        return render_template("awards/confirm.html", form=form, **context)

    def confirm_award():
        targets = {
            row.indicator_id.data: row.target.data
            for row in form.targets
            if row.indicator_id.data is not None and row.target.data is not None
        }
        return services.confirm_award(
            award,
            by=current_user,
            amount=form.amount.data,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            plan=_plan_of(form),
            targets=targets,
        )

    done, _confirmed = submit_form(form, confirm_award)
    if done:
        flash(_("The award is confirmed; the project is running."), "success")
        return redirect(url_for(".project", award_id=award.id))
    return render_template("awards/confirm.html", form=form, **context), form_status(form)


# ---- dashboards -----------------------------------------------------------------------------

FOCUS_LIMIT = 20


@bp.get("/officer/projects")
@staff_required
@cached_private_page
def dashboard():
    filters = forms.DashboardFilter(request.args)
    chains = db.session.exec(select(Chain).order_by(Chain.name)).all()
    filters.chain.choices = [("", _("All chains"))] + [(str(c.id), c.name) for c in chains]
    filters.status.choices = [("", _("All statuses"))] + [
        (s.value, forms.AWARD_STATUS_LABELS[s]) for s in queries.PROJECT_STATUSES
    ]
    filters.validate()
    chain_id = None if filters.chain.errors else parse_id(filters.chain.data)
    status = (
        AwardStatus(filters.status.data)
        if filters.status.data in {s.value for s in queries.PROJECT_STATUSES}
        else None
    )
    statement = queries.projects(current_user, chain_id=chain_id, status=status)
    awards, page = paginate(statement)
    today = services.local_today()
    due, due_page = paginate_focus(queries.due_soon(today))
    late, late_page = paginate_focus(queries.overdue(today))
    return render_template(
        "awards/dashboard.html",
        filters=filters,
        awards=awards,
        page=page,
        paid=queries.disbursed_by_award([a.id for a in awards]),
        totals=queries.totals(statement),
        due=due,
        due_total=due_page,
        late=late,
        late_total=late_page,
    )


def paginate_focus(statement):
    """The first FOCUS_LIMIT milestones of a list, and how many there are in all."""
    return db.session.exec(statement.limit(FOCUS_LIMIT)).all(), count(statement)


@bp.get("/projects")
@roles_required(Role.applicant)
@cached_private_page
def my_projects():
    awards, page = paginate(queries.applicant_awards(current_user))
    return render_template(
        "awards/my_projects.html",
        awards=awards,
        page=page,
        paid=queries.disbursed_by_award([a.id for a in awards]),
        next_milestone=queries.next_milestone,
    )


# ---- a project ------------------------------------------------------------------------------


def _project_or_404(award_id: int) -> Award:
    return queries.award_for(current_user, award_id) or abort(404)


@bp.get("/projects/<int:award_id>")
@login_required
@cached_private_page
def project(award_id: int):
    award = _project_or_404(award_id)
    return render_template(
        "awards/project.html",
        award=award,
        paid=sum((d.amount for d in award.disbursements), Decimal("0.00")),
        is_lead=services.is_lead_user(current_user, award),
        target_form=forms.TargetForm() if current_user.is_staff else None,
    )


@bp.get("/projects/<int:award_id>/evidence/<int:evidence_id>")
@login_required
def report_evidence(award_id: int, evidence_id: int):
    award = _project_or_404(award_id)
    item = db.session.get(ReportEvidence, evidence_id)
    if item is None or item.report.milestone.award_id != award.id:
        abort(404)
    return storage.send_stored(item.stored_name, item.filename)


def _milestone_of(award: Award, milestone_id: int):
    milestone = next((m for m in award.milestones if m.id == milestone_id), None)
    return milestone or abort(404)


@bp.route("/projects/<int:award_id>/milestones/<int:milestone_id>/report", methods=["GET", "POST"])
@roles_required(Role.applicant)
def report(award_id: int, milestone_id: int):
    award = _project_or_404(award_id)
    if not services.is_lead_user(current_user, award):
        abort(404)
    milestone = _milestone_of(award, milestone_id)
    form = forms.ReportForm()
    if first_display(form):
        for indicator in award.indicators:
            form.values.append_entry({"indicator_id": indicator.id})
    context = {"award": award, "milestone": milestone}

    def report():
        values = {
            row.indicator_id.data: row.value.data
            for row in form.values
            if row.indicator_id.data is not None and row.value.data is not None
        }
        return services.report_milestone(
            milestone,
            by=current_user,
            progress=form.progress.data,
            values=values,
            evidence=form.evidence.data or [],
        )

    done, _report = submit_form(form, report)
    if done:
        flash(_("Your report has been sent to the programme officer."), "success")
        return redirect(url_for(".project", award_id=award.id))
    return render_template("awards/report_new.html", form=form, **context), form_status(form)


@bp.route("/projects/<int:award_id>/reports/<int:report_id>", methods=["GET", "POST"])
@staff_required
def review_report(award_id: int, report_id: int):
    award = _project_or_404(award_id)
    item = db.session.get(MilestoneReport, report_id)
    if item is None or item.milestone.award_id != award.id:
        abort(404)
    form = forms.DecideReportForm()
    if first_display(form):
        form.paid_on.data = services.local_today()
    context = {"award": award, "report": item}
    pending = item.decision is ReportDecision.pending

    def decide() -> str:
        if form.send_back.data:
            services.return_report(item, by=current_user, comments=form.comments.data)
            return _("The report has been returned for a new one.")
        services.accept_report(
            item, by=current_user, paid_on=form.paid_on.data, comments=form.comments.data
        )
        return _("The milestone is accepted and its disbursement recorded.")

    done, message = submit_form(form, decide) if pending else (False, None)
    if done:
        flash(message, "success")
        return redirect(url_for(".project", award_id=award.id))
    return render_template("awards/report_review.html", form=form, **context), form_status(form)


@bp.post("/projects/<int:award_id>/indicators/<int:indicator_id>")
@staff_required
def change_target(award_id: int, indicator_id: int):
    award = _project_or_404(award_id)
    indicator = next((i for i in award.indicators if i.id == indicator_id), None) or abort(404)
    form = forms.TargetForm()
    if not form.validate_on_submit():
        flash(_("Enter a number for the new target."), "error")
        return redirect(url_for(".project", award_id=award.id))
    try:
        services.change_target(indicator, by=current_user, value=form.target.data)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".project", award_id=award.id))
    db.session.commit()
    flash(_("The target has been changed."), "success")
    return redirect(url_for(".project", award_id=award.id))


@bp.route("/projects/<int:award_id>/acceptance", methods=["GET", "POST"])
@staff_required
def acceptance(award_id: int):
    award = _project_or_404(award_id)
    if award.status is not AwardStatus.active:
        abort(404)
    form = forms.AcceptanceForm()
    if first_display(form):
        for indicator in award.indicators:
            form.achieved.append_entry({"indicator_id": indicator.id})

    def complete():
        achieved = {
            row.indicator_id.data: row.value.data
            for row in form.achieved
            if row.indicator_id.data is not None and row.value.data is not None
        }
        return services.complete_project(
            award, by=current_user, achieved=achieved, comments=form.comments.data
        )

    done, _completed = submit_form(form, complete)
    if done:
        flash(_("The project passed final acceptance and is completed."), "success")
        return redirect(url_for(".project", award_id=award.id))
    return render_template("awards/acceptance.html", form=form, award=award), form_status(form)


@bp.route("/projects/<int:award_id>/terminate", methods=["GET", "POST"])
@staff_required
def terminate(award_id: int):
    award = _project_or_404(award_id)
    if award.status is not AwardStatus.active:
        abort(404)
    form = forms.TerminateForm()
    done, _ended = submit_form(
        form,
        lambda: services.terminate_project(
            award,
            by=current_user,
            reason=form.reason.data,
            refund_due=form.refund_due.data,
            revoke=form.revoke.data,
        ),
    )
    if done:
        flash(
            _("The award has been revoked, and its award notices with it.")
            if form.revoke.data
            else _("The project has been terminated."),
            "success",
        )
        return redirect(url_for(".project", award_id=award.id))
    return render_template("awards/terminate.html", form=form, award=award), form_status(form)


# ---- horse race -----------------------------------------------------------------------------


@bp.get("/challenges/<number>/race")
@public
@cached_private_page
def race(number: str):
    challenge = queries.public_challenge(number)
    if challenge is None or challenge.funding_mode is not FundingMode.horse_race:
        abort(404)
    return render_template("awards/race.html", challenge=challenge, race=queries.race(challenge))


@bp.route("/officer/challenges/<number>/gate", methods=["GET", "POST"])
@staff_required
def stage_gate(number: str):
    challenge = queries.public_challenge(number)
    if challenge is None or challenge.funding_mode is not FundingMode.horse_race:
        abort(404)
    teams = db.session.exec(
        select(Award)
        .where(Award.challenge_id == challenge.id, Award.status == AwardStatus.active)
        .options(selectinload(Award.proposal).selectinload(Proposal.lead_org))
        .order_by(Award.id)
    ).all()
    by_id = {a.id: a for a in teams}
    form = forms.GateForm()
    if first_display(form):
        for award in teams:
            form.decisions.append_entry({"award_id": award.id, "outcome": "continued"})
    context = {"challenge": challenge, "teams": by_id}

    def decide_gate():
        outcomes = {
            row.award_id.data: (GateOutcome(row.outcome.data), row.reason.data or "")
            for row in form.decisions
            if row.award_id.data is not None
        }
        return services.decide_stage_gate(
            challenge, by=current_user, name=form.name.data, outcomes=outcomes
        )

    done, _gate = submit_form(form, decide_gate)
    if done:
        flash(_("The stage gate is decided and the teams told."), "success")
        return redirect(url_for(".race", number=challenge.number))
    return render_template("awards/gate.html", form=form, **context), form_status(form)
