"""Publicity and objections, confirmation and the task book, projects, milestones, acceptance and
horse races.

Each view loads through permissions.get_<thing>_or_404 and reads lists through queries.py; a
POST changes state only through a service run by form_page or submit_form
(portal/unit_of_work.py), which commits once or rolls back and shows the problems next to their
fields.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import clock, storage
from portal.access import login_required, public, roles_required, staff_required
from portal.awards import decision as decisions
from portal.awards import forms, milestones, queries, services
from portal.awards import objections as objection_rulings
from portal.awards import targets as award_targets
from portal.awards.models import Award
from portal.awards.permissions import (
    can_approve,
    can_reopen,
    can_resolve,
    get_award_or_404,
    get_challenge_or_404,
    get_decision_challenge_or_404,
    get_decision_or_404,
    get_evidence_or_404,
    get_milestone_or_404,
    get_objection_or_404,
    get_report_or_404,
    is_lead_user,
    is_staff,
)
from portal.errors import ValidationFailed
from portal.formtools import form_status
from portal.i18n import gettext as _
from portal.pagecache import cached_public_page
from portal.paging import count, list_page, paginate
from portal.unit_of_work import form_page, submit_form
from portal.vocabulary import (
    ChallengeStatus,
    DecisionStatus,
    DepartureKind,
    ObjectionStatus,
    ProposalStatus,
    ReportDecision,
    Role,
)

bp = Blueprint("awards", __name__)


@bp.context_processor
def moments():
    return {"today": queries.local_today(), "now": clock.now()}


# ---- publicity ------------------------------------------------------------------------------


@bp.get("/publicity")
@public
@cached_public_page
def publicity():
    return list_page("awards/publicity.html", queries.in_publicity(), "awards", challenge=None)


@bp.get("/publicity/<number>")
@public
def challenge_publicity(number: str):
    challenge = get_challenge_or_404(number, current_user)
    statement = queries.in_publicity(challenge.id)
    return list_page("awards/publicity.html", statement, "awards", challenge=challenge)


@bp.route("/publicity/awards/<int:award_id>/objection", methods=["GET", "POST"])
@login_required
def lodge_objection(award_id: int):
    award = get_award_or_404(award_id, current_user, need="object")
    form = forms.ObjectionForm()
    return form_page(
        form,
        lambda: services.lodge_objection(award, by=current_user, **form.to_input()),
        lambda: render_template("awards/objection_new.html", form=form, award=award),
        success=_("Your objection has been lodged. You will be told the decision."),
        to=url_for(".challenge_publicity", number=award.challenge.number),
    )


@bp.get("/objections/mine")
@login_required
def my_objections():
    return list_page("awards/my_objections.html", queries.objections_of(current_user), "objections")


@bp.get("/officer/objections")
@staff_required
def objections():
    return list_page("awards/objections.html", queries.objections(current_user), "objections")


@bp.route("/officer/objections/<int:objection_id>", methods=["GET", "POST"])
@staff_required
def objection(objection_id: int):
    """Staff read every objection; the form is shown to those who may decide it (not the
    person who proposed the decision objected to)."""
    item = get_objection_or_404(objection_id, current_user)
    form = forms.ResolveObjectionForm().offer(queries.reserve_candidates(item.award.challenge_id))
    may_resolve = item.status is ObjectionStatus.open and can_resolve(current_user, item)

    def page() -> str:
        return render_template(
            "awards/objection.html", form=form, objection=item, may_resolve=may_resolve
        )

    if item.status is not ObjectionStatus.open:
        return page(), form_status(form)
    return form_page(
        form,
        lambda: objection_rulings.resolve(item, by=current_user, **form.to_input()),
        page,
        success=_("The objection has been resolved and the objector told."),
        to=url_for(".objection", objection_id=item.id),
    )


@bp.get("/objections/<int:objection_id>/evidence")
@login_required
def objection_evidence(objection_id: int):
    item = get_objection_or_404(objection_id, current_user)
    if not item.evidence_stored_name:
        abort(404)
    return storage.send_stored(item.evidence_stored_name, item.evidence_filename)


# ---- confirmation and the task book -----------------------------------------------------------


def _project_url(award: Award) -> str:
    return url_for(".project", award_id=award.id)


def _project_form(award: Award, form, action, template: str, success: str):
    """A page whose form moves a project on (its task book, final acceptance, its end):
    `action(award, by=…, **form.to_input())`, then back to the project."""
    return form_page(
        form,
        lambda: action(award, by=current_user, **form.to_input()),
        lambda: render_template(template, form=form, award=award),
        success=success,
        to=_project_url(award),
    )


@bp.route("/officer/awards/<int:award_id>/confirm", methods=["GET", "POST"])
@staff_required
def confirm(award_id: int):
    award = get_award_or_404(award_id, current_user, need="manage")
    if not award.awaiting_confirmation(clock.now()):
        flash(
            _("Confirmation opens when the publicity period ends.")
            if award.publicity_open(clock.now())
            else _("This award is not awaiting confirmation."),
            "error",
        )
        return redirect(_project_url(award))
    form = forms.ConfirmForm.for_editing(award)
    context = {"award": award, "indicators": award_targets.proposed_targets(award)}
    if form.add_row.data:
        form.milestones.append_entry()
        return render_template("awards/confirm.html", form=form, **context)
    if form.recompute.data and form.amount.data:
        form.fill_plan(milestones.proposed_plan(award, form.amount.data))
        return render_template("awards/confirm.html", form=form, **context)
    return form_page(
        form,
        lambda: services.confirm_award(award, by=current_user, **form.to_input()),
        lambda: render_template("awards/confirm.html", form=form, **context),
        success=_(
            "The award is confirmed. Issue its award notice; the project starts when its "
            "task book is signed."
        ),
        to=_project_url(award),
    )


@bp.route("/projects/<int:award_id>/start", methods=["GET", "POST"])
@staff_required
def start(award_id: int):
    award = get_award_or_404(award_id, current_user, need="start")
    form = forms.TaskBookForm.for_editing(award)
    said = _("The task book is recorded; the project is running.")
    return _project_form(award, form, services.start_project, "awards/start.html", said)


# ---- dashboards -----------------------------------------------------------------------------


@bp.get("/officer/projects")
@staff_required
def dashboard():
    filters = forms.DashboardFilter(request.args).offer(queries.chains(), queries.PROJECT_STATUSES)
    statement = queries.projects(current_user, **filters.to_input())
    awards, page = paginate(statement)
    today = queries.local_today()
    due, late = queries.due_soon(current_user, today), queries.overdue(current_user, today)
    return render_template(
        "awards/dashboard.html",
        filters=filters,
        awards=awards,
        page=page,
        paid=queries.disbursed_by_award([a.id for a in awards]),
        totals=queries.totals(statement),
        due=queries.first_rows(due),
        due_total=count(due),
        late=queries.first_rows(late),
        late_total=count(late),
    )


@bp.get("/projects")
@roles_required(Role.applicant)
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


@bp.get("/projects/<int:award_id>")
@login_required
def project(award_id: int):
    award = get_award_or_404(award_id, current_user, load=queries.project_page())
    return render_template(
        "awards/project.html",
        award=award,
        paid=sum((d.amount for d in award.disbursements), Decimal("0.00")),
        is_lead=is_lead_user(current_user, award),
        target_form=forms.TargetForm() if is_staff(current_user) else None,
    )


@bp.get("/projects/<int:award_id>/evidence/<int:evidence_id>")
@login_required
def report_evidence(award_id: int, evidence_id: int):
    item = get_evidence_or_404(evidence_id, current_user, award_id=award_id)
    return storage.send_stored(item.stored_name, item.filename)


@bp.route("/projects/<int:award_id>/milestones/<int:milestone_id>/report", methods=["GET", "POST"])
@roles_required(Role.applicant)
def report(award_id: int, milestone_id: int):
    award = get_award_or_404(award_id, current_user, need="report", load=queries.with_indicators())
    milestone = get_milestone_or_404(milestone_id, current_user, need="report", award_id=award.id)
    form = forms.ReportForm.for_editing(award)
    return form_page(
        form,
        lambda: milestones.report_milestone(milestone, by=current_user, **form.to_input()),
        lambda: render_template(
            "awards/report_new.html", form=form, award=award, milestone=milestone
        ),
        success=_("Your report has been sent to the programme officer."),
        to=_project_url(award),
    )


@bp.route("/projects/<int:award_id>/reports/<int:report_id>", methods=["GET", "POST"])
@staff_required
def review_report(award_id: int, report_id: int):
    award = get_award_or_404(award_id, current_user, need="manage", load=queries.with_indicators())
    item = get_report_or_404(report_id, current_user, need="decide", award_id=award.id)
    form = forms.DecideReportForm.for_editing(item)

    def decide():
        if form.returning:
            return milestones.return_report(item, by=current_user, **form.to_input())
        return milestones.accept_report(item, by=current_user, **form.to_input())

    def page() -> str:
        return render_template("awards/report_review.html", form=form, award=award, report=item)

    if item.decision is not ReportDecision.pending:
        return page(), form_status(form)
    return form_page(
        form,
        decide,
        page,
        success=_("The report has been returned for a new one.")
        if form.returning
        else _("The milestone is accepted and its disbursement recorded."),
        to=_project_url(award),
    )


@bp.post("/projects/<int:award_id>/indicators/<int:indicator_id>")
@staff_required
def change_target(award_id: int, indicator_id: int):
    """The inline form of the project page: the outcome is told there."""
    award = get_award_or_404(award_id, current_user, need="manage", load=queries.with_indicators())
    indicator = next((i for i in award.indicators if i.id == indicator_id), None) or abort(404)
    form = forms.TargetForm()
    done, _changed = submit_form(
        form, lambda: award_targets.change_target(indicator, by=current_user, **form.to_input())
    )
    if done:
        flash(_("The target has been changed."), "success")
    for message in dict.fromkeys(m for messages in form.errors.values() for m in messages):
        flash(_("The target was not changed: %(problem)s", problem=message), "error")
    return redirect(_project_url(award))


@bp.route("/projects/<int:award_id>/acceptance", methods=["GET", "POST"])
@staff_required
def acceptance(award_id: int):
    indicators = queries.with_indicators()
    award = get_award_or_404(award_id, current_user, need="complete", load=indicators)
    form = forms.AcceptanceForm.for_editing(award)
    said = _("The project passed final acceptance and is completed.")
    return _project_form(award, form, services.complete_project, "awards/acceptance.html", said)


@bp.route("/projects/<int:award_id>/terminate", methods=["GET", "POST"])
@staff_required
def terminate(award_id: int):
    """Terminate a running project, or revoke the award (a confirmed one can only be revoked)."""
    award = get_award_or_404(award_id, current_user, need="end")
    form = forms.TerminateForm.for_editing(award)
    said = (
        _("The award has been revoked, and its award notices with it.")
        if form.revoke.data
        else _("The project has been terminated.")
    )
    return _project_form(award, form, services.terminate_project, "awards/terminate.html", said)


# ---- horse race -----------------------------------------------------------------------------


@bp.get("/challenges/<number>/race")
@public
def race(number: str):
    challenge = get_challenge_or_404(number, current_user, need="race")
    return render_template("awards/race.html", challenge=challenge, race=queries.race(challenge))


@bp.route("/officer/challenges/<number>/gate", methods=["GET", "POST"])
@staff_required
def stage_gate(number: str):
    challenge = get_challenge_or_404(number, current_user, need="gate")
    teams = queries.running_teams(challenge)
    form = forms.GateForm.for_editing(teams)
    return form_page(
        form,
        lambda: services.decide_stage_gate(challenge, by=current_user, **form.to_input()),
        lambda: render_template(
            "awards/gate.html", form=form, challenge=challenge, teams={a.id: a for a in teams}
        ),
        success=_("The stage gate is decided and the teams told."),
        to=url_for(".race", number=challenge.number),
    )


# ---- the funding decision ---------------------------------------------------------------------


def _decision_page(challenge, form=None, approve_form=None, reopen_form=None):
    """The decision page: the decision proposed or in effect with its ranking, reasons and
    people, and the actions this person may take; or, when there is none, the ranking with a
    choice on each row."""
    live = decisions.live_decision(challenge)
    result = decisions.ranking(challenge)
    if form is None and live is None and challenge.status is ChallengeStatus.reviewing:
        rows = [r for r in result.rows if r.proposal.status is ProposalStatus.in_review]
        form = forms.DecisionForm.from_model(rows)
    context = {
        "challenge": challenge,
        "result": result,
        "live": live,
        "history": queries.decisions_of(challenge),
        "form": form,
        "mode": decisions.approval_mode(),
        "allowed": decisions.winners_allowed(challenge),
        "may_approve": live is not None and can_approve(current_user, live),
        "may_reopen": live is not None and can_reopen(current_user, live),
        "approve_form": approve_form or forms.ApproveDecisionForm(formdata=None),
        "reopen_form": reopen_form or forms.ReopenDecisionForm(formdata=None),
        "kinds": DepartureKind,
    }
    return render_template("awards/decision.html", **context)


@bp.route("/officer/challenges/<int:challenge_id>/decision", methods=["GET", "POST"])
@staff_required
def decision(challenge_id: int):
    """The ranking with a choice on each row → the confirmation page (the resulting list, the
    money against the cap, a reason for each departure, the note) → recorded."""
    challenge = get_decision_challenge_or_404(challenge_id, current_user)
    if request.method == "GET":
        return _decision_page(challenge)
    form = forms.DecisionForm().offer()
    if not form.validate_on_submit():
        return _decision_page(challenge, form), 422
    if form.change.data:
        return _decision_page(challenge, form)
    try:
        plan = decisions.plan_decision(challenge, **form.choice_input())
    except ValidationFailed as refused:
        form.place_errors(refused)
        return _decision_page(challenge, form), 422
    form.fill_reasons(plan.departures)
    if form.record.data:
        done, made = submit_form(
            form, lambda: decisions.propose(challenge, by=current_user, **form.to_input())
        )
        if done:
            flash(
                _(
                    "The decision waits for another staff member's approval; the applicants "
                    "are told once it takes effect."
                )
                if made.status is DecisionStatus.proposed
                else _("The decision has taken effect and the applicants have been told."),
                "success",
            )
            return redirect(url_for(".decision", challenge_id=challenge.id))
    context = {"challenge": challenge, "plan": plan, "form": form, "kinds": DepartureKind}
    status = 422 if form.record.data else 200  # refused, or the confirmation shown
    return render_template("awards/decision_confirm.html", **context), status


@bp.post("/officer/decisions/<int:decision_id>/approval")
@staff_required
def approve_decision(decision_id: int):
    item = get_decision_or_404(decision_id, current_user)
    form = forms.ApproveDecisionForm()

    def act():
        if form.returning:
            return decisions.return_decision(item, by=current_user, **form.to_input())
        return decisions.approve(item, by=current_user)

    return form_page(
        form,
        act,
        lambda: _decision_page(item.challenge, approve_form=form),
        success=_("The decision has been returned to its proposer.")
        if form.returning
        else _("The decision is approved and has taken effect; the applicants have been told."),
        to=url_for(".decision", challenge_id=item.challenge_id),
    )


@bp.post("/officer/decisions/<int:decision_id>/reopen")
@staff_required
def reopen_decision(decision_id: int):
    item = get_decision_or_404(decision_id, current_user)
    form = forms.ReopenDecisionForm()
    return form_page(
        form,
        lambda: decisions.reopen(item, by=current_user, reason=form.reason.data or ""),
        lambda: _decision_page(item.challenge, reopen_form=form),
        success=_("The decision is reopened: publicity is cancelled and the applicants told."),
        to=url_for(".decision", challenge_id=item.challenge_id),
    )
