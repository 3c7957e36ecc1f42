"""The review pages: the officers' desk (formal check, panel, assignment, ranking, decision), the
expert's reviews and conflicts, and the applicant's avoidance requests and feedback.

Each view loads through permissions.get_<thing>_or_404, reads lists through queries, and sends
every POST through the unit of work (form_page or perform)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from portal import clock
from portal.access import login_required, roles_required, staff_required
from portal.challenges.models import Challenge
from portal.formtools import first_display
from portal.i18n import gettext as _
from portal.paging import Page, list_page, paginate
from portal.pdfs import UnreadablePdf
from portal.proposals.models import Proposal
from portal.reviews import (
    assignment,
    exports,
    formal,
    forms,
    queries,
    scoring,
    services,
)
from portal.reviews.blind import anonymous_copy, proposal_view
from portal.reviews.feedback import statement_table, summary_statement
from portal.reviews.permissions import (
    can_appeal,
    can_decide_appeal,
    get_appeal_or_404,
    get_assignment_or_404,
    get_avoidance_request_or_404,
    get_challenge_or_404,
    get_panel_member_or_404,
    get_proposal_or_404,
    get_review_or_404,
)
from portal.reviews.ranking import ranking as rank
from portal.storage import send_data, send_stored
from portal.unit_of_work import form_page, perform
from portal.vocabulary import AvoidanceStatus, ReviewStatus, Role

bp = Blueprint("reviews", __name__, url_prefix="/reviews")


# ---- officers: the review desk -----------------------------------------------------------------


@bp.get("/challenges")
@staff_required
def challenges():
    now = clock.now()
    statement = queries.desk_challenges(current_user, now)
    return list_page("reviews/challenges.html", statement, "challenges", now=now)


def _panel_form(challenge: Challenge, form: forms.PanelForm | None = None) -> forms.PanelForm:
    form = form or forms.PanelForm()
    form.offer(queries.experts_off_panel(challenge), lambda e: f"{e.name} · {e.affiliation or '—'}")
    return form


def _desk(
    challenge: Challenge,
    panel_form: forms.PanelForm,
    due_form: forms.DueDateForm | None = None,
):
    proposals, page = paginate(queries.challenge_proposals(challenge, current_user))
    ids = [p.id for p in proposals]
    panel = queries.panel_of(challenge)
    schedule = queries.schedule_of(challenge)
    if due_form is None:
        due_form = forms.DueDateForm(data={"due_on": schedule.due_on if schedule else None})
    return render_template(
        "reviews/challenge.html",
        challenge=challenge,
        proposals=proposals,
        page=page,
        by_proposal=queries.assignments_by_proposal(ids),
        panel=panel,
        detected=queries.detected_conflicts([m.expert_id for m in panel], ids),
        experts={m.expert.id: m.expert for m in panel},
        requests=queries.avoidance_requests_of(challenge),
        appeals=queries.appeals_by_proposal(ids),
        overdue=queries.overdue_assignments(challenge, clock.now()),
        schedule=schedule,
        due_form=due_form,
        panel_form=panel_form,
        effective=challenge.effective_status(clock.now()),
    )


@bp.get("/challenges/<int:challenge_id>")
@staff_required
def challenge(challenge_id: int):
    challenge = get_challenge_or_404(challenge_id, current_user)
    return _desk(challenge, _panel_form(challenge))


def _desk_url(challenge_id: int) -> str:
    return url_for(".challenge", challenge_id=challenge_id)


def _back(challenge_id: int):
    return redirect(_desk_url(challenge_id))


@bp.post("/challenges/<int:challenge_id>/start")
@staff_required
def start(challenge_id: int):
    challenge = get_challenge_or_404(challenge_id, current_user, need="check")
    perform(
        lambda: services.start_review(challenge, by=current_user), _("Expert review has started.")
    )
    return _back(challenge.id)


@bp.route("/proposals/<int:proposal_id>/check", methods=["GET", "POST"])
@staff_required
def formal_check(proposal_id: int):
    """The formal check of one proposal: the challenge's items to tick, then pass or reject."""
    proposal = get_proposal_or_404(proposal_id, current_user, need="check")
    form = forms.FormalCheckForm()
    form.offer(formal.checklist(proposal))

    def act():
        if form.reject.data:
            return formal.reject_proposal(proposal, by=current_user, **form.to_input())
        return formal.mark_eligible(proposal, by=current_user, **form.to_input())

    return form_page(
        form,
        act,
        lambda: render_template(
            "reviews/check.html",
            proposal=proposal,
            form=form,
            open=services.check_open(proposal.challenge),
        ),
        success=_("The proposal was rejected at the formal check.")
        if form.reject.data
        else _("The proposal passed the formal check."),
        to=_desk_url(proposal.challenge_id),
    )


@bp.route("/appeals/<int:appeal_id>", methods=["GET", "POST"])
@staff_required
def appeal(appeal_id: int):
    """An appeal against the formal check, decided by staff other than the checker."""
    lodged = get_appeal_or_404(appeal_id, current_user)
    proposal = get_proposal_or_404(lodged.proposal_id, current_user, need="check")
    form = forms.AppealDecisionForm()
    return form_page(
        form,
        lambda: formal.decide_appeal(lodged, by=current_user, **form.to_input()),
        lambda: render_template(
            "reviews/appeal.html",
            appeal=lodged,
            proposal=proposal,
            rows=formal.checklist(proposal),
            form=form,
            may_decide=can_decide_appeal(current_user, lodged),
        ),
        success=_("The appeal has been decided; the applicant is told."),
        to=_desk_url(proposal.challenge_id),
    )


@bp.post("/challenges/<int:challenge_id>/due")
@staff_required
def set_due(challenge_id: int):
    challenge = get_challenge_or_404(challenge_id, current_user, need="manage_panel")
    form = forms.DueDateForm()
    return form_page(
        form,
        lambda: assignment.set_due_date(challenge, by=current_user, **form.to_input()),
        lambda: _desk(challenge, _panel_form(challenge), due_form=form),
        success=_("The due date of the reviews is set; the panel is told."),
        to=_desk_url(challenge.id),
    )


@bp.post("/challenges/<int:challenge_id>/panel")
@staff_required
def add_panel(challenge_id: int):
    challenge = get_challenge_or_404(challenge_id, current_user, need="manage_panel")
    form = _panel_form(challenge, forms.PanelForm())
    return form_page(
        form,
        lambda: assignment.add_panel_member(challenge, by=current_user, **form.to_input()),
        lambda: _desk(challenge, form),
        success=lambda member: _("%(name)s joined the panel.", name=member.expert.name),
        to=_desk_url(challenge.id),
    )


@bp.post("/panel/<int:member_id>/remove")
@staff_required
def remove_panel(member_id: int):
    member = get_panel_member_or_404(member_id, current_user)
    challenge_id = member.challenge_id
    perform(
        lambda: assignment.remove_panel_member(member, by=current_user),
        _("The expert left the panel."),
    )
    return _back(challenge_id)


@bp.route("/proposals/<int:proposal_id>/assign", methods=["GET", "POST"])
@staff_required
def assign(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, current_user, need="assign")
    form = forms.AssignForm()
    form.offer(queries.candidates(proposal), lambda e: f"{e.name} · {e.expertise}")
    return form_page(
        form,
        lambda: assignment.assign(proposal, by=current_user, **form.to_input()),
        lambda: render_template(
            "reviews/assign.html",
            proposal=proposal,
            form=form,
            assignments=queries.assignments_of(proposal),
        ),
        success=lambda made: _("%(name)s has been assigned.", name=made.expert.name),
        to=url_for(".assign", proposal_id=proposal.id),
    )


@bp.post("/challenges/<int:challenge_id>/auto-assign")
@staff_required
def auto_assign(challenge_id: int):
    challenge = get_challenge_or_404(challenge_id, current_user, need="assign")
    done, report = perform(lambda: assignment.auto_assign(challenge, by=current_user))
    if not done:
        return _back(challenge.id)
    return render_template("reviews/auto_report.html", challenge=challenge, report=report)


@bp.post("/avoidance/<int:request_id>/decide")
@staff_required
def decide_avoidance(request_id: int):
    avoidance = get_avoidance_request_or_404(request_id, current_user, need="decide")
    challenge_id = avoidance.proposal.challenge_id
    accept = request.form.get("accept") == "1"
    perform(
        lambda: assignment.decide_avoidance(avoidance, accept=accept, by=current_user),
        _("The avoidance request has been decided."),
    )
    return _back(challenge_id)


@bp.get("/challenges/<int:challenge_id>/ranking")
@staff_required
def ranking(challenge_id: int):
    challenge = get_challenge_or_404(challenge_id, current_user, need="decide")
    result = rank(challenge)
    page = Page.from_request(len(result.rows))
    rows = result.rows[page.offset : page.offset + page.size]
    return render_template(
        "reviews/ranking.html",
        challenge=challenge,
        result=result,
        rows=rows,
        page=page,
    )


def _export(table: exports.Table, name: str, fmt: str, sheet: str):
    if fmt == "csv":
        return exports.csv_response(table, name)
    return exports.xlsx_response(table, name, sheet)


@bp.get("/challenges/<int:challenge_id>/ranking.<any(csv, xlsx):fmt>")
@staff_required
def ranking_export(challenge_id: int, fmt: str):
    challenge = get_challenge_or_404(challenge_id, current_user, need="decide")
    table = exports.ranking_table(rank(challenge))
    return _export(table, f"{challenge.number}-ranking", fmt, _("Ranking"))


@bp.get("/challenges/<int:challenge_id>/scores.<any(csv, xlsx):fmt>")
@staff_required
def scores_export(challenge_id: int, fmt: str):
    challenge = get_challenge_or_404(challenge_id, current_user, need="decide")
    table = exports.scores_table(challenge)
    return _export(table, f"{challenge.number}-scores", fmt, _("Scores"))


def _review_page(review, form: forms.ReasonForm):
    return render_template(
        "reviews/review.html",
        review=review,
        scores=queries.scores_of(review),
        proposal=review.assignment.proposal,
        expert=review.assignment.expert,
        form=form,
    )


@bp.get("/reviews/<int:review_id>")
@staff_required
def review(review_id: int):
    return _review_page(get_review_or_404(review_id, current_user), forms.ReasonForm())


@bp.post("/reviews/<int:review_id>/reopen")
@staff_required
def reopen(review_id: int):
    item = get_review_or_404(review_id, current_user, need="reopen")
    form = forms.ReasonForm()
    return form_page(
        form,
        lambda: scoring.reopen_review(item, by=current_user, **form.to_input()),
        lambda: _review_page(item, form),
        success=_("The review has been reopened; its expert was told."),
        to=url_for(".review", review_id=item.id),
    )


# ---- experts -----------------------------------------------------------------------------------


@bp.get("/mine")
@roles_required(Role.expert)
def my_assignments():
    rows, page = paginate(queries.my_assignments(current_user))
    return render_template(
        "reviews/mine.html",
        rows=rows,
        page=page,
        due=queries.due_dates(list({a.challenge_id for a in rows})),
        today=clock.local_date(clock.now()),
    )


@bp.get("/mine/<int:challenge_id>.<any(csv, xlsx):fmt>")
@roles_required(Role.expert)
def my_export(challenge_id: int, fmt: str):
    challenge = get_challenge_or_404(challenge_id, current_user)
    table = exports.my_scores_table(challenge, current_user)
    return _export(table, f"{challenge.number}-my-reviews", fmt, _("My reviews"))


def _reading(proposal_id: int):
    """(proposal, the expert's assignment or None, whether blind) for the one who reads it:
    an expert their assignment's proposal, staff (who check it) any proposal handed in."""
    if current_user.role is Role.expert:
        mine = get_assignment_or_404(proposal_id, current_user, need="read")
        return mine.proposal, mine, mine.proposal.challenge.blind_review
    return get_proposal_or_404(proposal_id, current_user, need="check"), None, False


@bp.get("/proposals/<int:proposal_id>")
@login_required
def proposal(proposal_id: int):
    item, mine, blind = _reading(proposal_id)
    return render_template(
        "reviews/proposal.html",
        view=proposal_view(item, blind=blind),
        assignment=mine,
        challenge=item.challenge,
    )


@bp.get("/proposals/<int:proposal_id>/attachments/<int:number>")
@login_required
def attachment(proposal_id: int, number: int):
    item, _mine, blind = _reading(proposal_id)
    view = proposal_view(item, blind=blind)
    shown = next((a for a in view.attachments if a.number == number), None)
    if shown is None:
        abort(404)
    if not view.blind:
        return send_stored(shown.attachment.stored_name, shown.name)
    try:
        copy = anonymous_copy(shown.attachment)
    except UnreadablePdf:
        message = _(
            "This attachment cannot be read, so it cannot be given out without the details of "
            "who wrote it. Ask the programme officer for it."
        )
        title = _("Attachment unavailable")
        return render_template("error.html", code=409, title=title, message=message), 409
    return send_data(copy, shown.name)


@bp.route("/proposals/<int:proposal_id>/review", methods=["GET", "POST"])
@roles_required(Role.expert)
def score(proposal_id: int):
    mine = get_assignment_or_404(proposal_id, current_user, need="score")
    item, existing = mine.proposal, mine.review
    challenge = item.challenge
    criteria = queries.criteria_of(challenge)
    form = forms.ReviewForm()
    if first_display(form):
        form = forms.ReviewForm.from_model(existing, criteria=criteria)
    return form_page(
        form,
        lambda: scoring.save_review(mine, by=current_user, **form.to_input()),
        lambda: render_template(
            "reviews/score.html",
            view=proposal_view(item, blind=challenge.blind_review),
            form=form,
            criteria={c.id: c for c in criteria},
            review=existing,
            scores=queries.scores_of(existing),
            locked=existing is not None and existing.status is ReviewStatus.submitted,
            challenge=challenge,
        ),
        success=_("Your review has been submitted.")
        if form.submit.data
        else _("Your draft has been saved."),
        to=url_for(".score", proposal_id=item.id),
    )


@bp.route("/proposals/<int:proposal_id>/recuse", methods=["GET", "POST"])
@roles_required(Role.expert)
def recuse(proposal_id: int):
    mine = get_assignment_or_404(proposal_id, current_user, need="recuse")
    form = forms.ReasonForm()
    blind = mine.proposal.challenge.blind_review
    return form_page(
        form,
        lambda: assignment.recuse(mine, by=current_user, **form.to_input()),
        lambda: render_template(
            "reviews/recuse.html", view=proposal_view(mine.proposal, blind=blind), form=form
        ),
        success=_("You have recused yourself; the officer will reassign the proposal."),
        to=url_for(".my_assignments"),
    )


def _listed_title(proposal: Proposal) -> str:
    """How the conflict form names a proposal: blind review withholds its title's names."""
    title = (
        proposal_view(proposal, blind=True).title
        if proposal.challenge.blind_review
        else proposal.title
    )
    return f"{proposal.challenge.number} · #{proposal.id} {title}"


@bp.route("/conflicts", methods=["GET", "POST"])
@roles_required(Role.expert)
def declare_conflict():
    form = forms.DeclareConflictForm()
    form.offer(queries.my_proposals(current_user), _listed_title)
    return form_page(
        form,
        lambda: assignment.declare_conflict(current_user, **form.to_input()),
        lambda: _conflicts_page(form),
        success=_("Your conflict has been recorded."),
        to=url_for(".declare_conflict"),
    )


def _conflicts_page(form: forms.DeclareConflictForm) -> str:
    statement = queries.my_declarations(current_user)
    return list_page("reviews/conflicts.html", statement, "declared", form=form)


# ---- applicants --------------------------------------------------------------------------------


@bp.route("/proposals/<int:proposal_id>/avoid", methods=["GET", "POST"])
@roles_required(Role.applicant)
def avoid(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, current_user, need="request_avoidance")
    form = forms.AvoidanceForm()
    return form_page(
        form,
        lambda: assignment.request_avoidance(proposal, by=current_user, **form.to_input()),
        lambda: render_template(
            "reviews/avoid.html",
            proposal=proposal,
            form=form,
            requests=queries.avoidance_requests_for(proposal),
            pending=AvoidanceStatus.pending,
        ),
        success=_("Your request has been sent to the programme officer."),
        to=url_for(".avoid", proposal_id=proposal.id),
    )


@bp.route("/proposals/<int:proposal_id>/appeal", methods=["GET", "POST"])
@roles_required(Role.applicant)
def appeal_check(proposal_id: int):
    """The applicant's view of the formal check: the reason, the items as ticked, and the one
    appeal, while it may be made."""
    proposal = get_proposal_or_404(proposal_id, current_user, need="read_feedback")
    form = forms.AppealForm()
    return form_page(
        form,
        lambda: formal.lodge_appeal(proposal, by=current_user, **form.to_input()),
        lambda: _appeal_page(proposal, form),
        success=_("Your appeal has been sent; another staff member will decide it."),
        to=url_for(".appeal_check", proposal_id=proposal.id),
    )


def _appeal_page(proposal: Proposal, form: forms.AppealForm) -> str:
    check = formal.latest_check(proposal)
    return render_template(
        "reviews/appeal_applicant.html",
        proposal=proposal,
        check=check,
        rows=formal.checklist(proposal),
        appeal=formal.appeal_of(proposal),
        until=formal.appeal_deadline(check) if check else None,
        problem=formal.appeal_problem(proposal),
        may_appeal=can_appeal(current_user, proposal),
        form=form,
    )


@bp.get("/proposals/<int:proposal_id>/feedback")
@roles_required(Role.applicant)
def feedback(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, current_user, need="read_feedback")
    return render_template(
        "reviews/feedback.html",
        proposal=proposal,
        challenge=proposal.challenge,
        statement=summary_statement(proposal),
    )


@bp.get("/proposals/<int:proposal_id>/feedback.csv")
@roles_required(Role.applicant)
def feedback_export(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, current_user, need="read_feedback")
    table = statement_table(summary_statement(proposal))
    return exports.csv_response(table, f"{proposal.challenge.number}-{proposal.id}-feedback")
