from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload
from sqlmodel import and_, or_, select

from portal import clock
from portal.access import login_required, roles_required, staff_required
from portal.accounts.models import Role, User
from portal.challenges.models import Challenge, ChallengeStatus
from portal.db import db
from portal.errors import DomainError, ValidationFailed
from portal.formtools import first_display, form_status, place_errors, show_hidden_errors
from portal.i18n import gettext as _
from portal.pagecache import cached_private_page
from portal.paging import Page, paginate
from portal.pdfs import UnreadablePdf
from portal.proposals.models import ConsortiumMember, Proposal, ProposalStatus
from portal.reviews import exports, forms, queries, services
from portal.reviews.blind import anonymous_copy, proposal_view
from portal.reviews.labels import review_label
from portal.reviews.models import (
    Assignment,
    AssignmentStatus,
    AvoidanceRequest,
    AvoidanceStatus,
    ConflictDeclaration,
    Decision,
    PanelMember,
    Review,
    ReviewStatus,
)
from portal.reviews.permissions import (
    active_assignment,
    conflicts,
    visible_proposals_for_expert,
)
from portal.storage import send_data, send_stored
from portal.unit_of_work import perform, submit_form

bp = Blueprint("reviews", __name__, url_prefix="/reviews")
bp.add_app_template_global(review_label, "review_label")


def _challenge_or_404(challenge_id: int) -> Challenge:
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None or challenge.status in (ChallengeStatus.draft, ChallengeStatus.cancelled):
        abort(404)
    return challenge


def _proposal_or_404(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.status is ProposalStatus.draft:
        abort(404)
    return proposal


def _expert_proposal_or_404(proposal_id: int) -> tuple[Proposal, Assignment]:
    assignment = active_assignment(current_user, proposal_id)
    if assignment is None:
        abort(404)
    return assignment.proposal, assignment


# ---- officers: the review desk -----------------------------------------------------------------


@bp.get("/challenges")
@staff_required
@cached_private_page
def challenges():
    now = clock.now()
    statement = (
        select(Challenge)
        .where(
            or_(
                Challenge.status.in_(
                    [ChallengeStatus.closed, ChallengeStatus.reviewing, ChallengeStatus.decided]
                ),
                and_(Challenge.status == ChallengeStatus.published, Challenge.deadline <= now),
            )
        )
        .order_by(Challenge.deadline.desc(), Challenge.id.desc())
    )
    rows, page = paginate(statement)
    return render_template("reviews/challenges.html", challenges=rows, page=page, now=now)


@bp.get("/challenges/<int:challenge_id>")
@staff_required
@cached_private_page
def challenge(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    statement = (
        select(Proposal)
        .where(Proposal.challenge_id == challenge.id, Proposal.status != ProposalStatus.draft)
        .options(
            selectinload(Proposal.lead_org),
            selectinload(Proposal.members).selectinload(ConsortiumMember.organisation),
        )
        .order_by(Proposal.submitted_at, Proposal.id)
    )
    proposals, page = paginate(statement)
    ids = [p.id for p in proposals]
    assignments = db.session.exec(
        select(Assignment)
        .where(Assignment.proposal_id.in_(ids))
        .options(selectinload(Assignment.expert), selectinload(Assignment.review))
        .order_by(Assignment.id)
    ).all()
    by_proposal: dict[int, list[Assignment]] = {}
    for a in assignments:
        by_proposal.setdefault(a.proposal_id, []).append(a)
    panel = db.session.exec(
        select(PanelMember)
        .where(PanelMember.challenge_id == challenge.id)
        .options(selectinload(PanelMember.expert))
        .order_by(PanelMember.id)
    ).all()
    detected = conflicts([m.expert for m in panel], proposals)
    experts = {m.expert.id: m.expert for m in panel}
    requests = db.session.exec(
        select(AvoidanceRequest)
        .join(Proposal, Proposal.id == AvoidanceRequest.proposal_id)
        .where(Proposal.challenge_id == challenge.id)
        .options(
            selectinload(AvoidanceRequest.proposal),
            selectinload(AvoidanceRequest.organisation),
            selectinload(AvoidanceRequest.expert),
        )
        .order_by(AvoidanceRequest.requested_at)
    ).all()
    panel_form = forms.PanelForm()
    on_panel = set(experts)
    panel_form.expert.choices = [
        (u.id, f"{u.name} · {u.affiliation or '—'}")
        for u in db.session.exec(
            select(User).where(User.role == Role.expert, User.active).order_by(User.name)
        )
        if u.id not in on_panel
    ]
    return render_template(
        "reviews/challenge.html",
        challenge=challenge,
        proposals=proposals,
        page=page,
        by_proposal=by_proposal,
        panel=panel,
        detected=detected,
        experts=experts,
        requests=requests,
        panel_form=panel_form,
        confirm=forms.ConfirmForm(),
        effective=challenge.effective_status(clock.now()),
    )


def _back(challenge_id: int):
    return redirect(url_for(".challenge", challenge_id=challenge_id))


@bp.post("/challenges/<int:challenge_id>/start")
@staff_required
def start(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    perform(
        lambda: services.start_review(challenge, by=current_user), _("Expert review has started.")
    )
    return _back(challenge.id)


@bp.post("/proposals/<int:proposal_id>/eligible")
@staff_required
def eligible(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    perform(
        lambda: services.mark_eligible(proposal, by=current_user),
        _("The proposal passed the formal check."),
    )
    return _back(proposal.challenge_id)


@bp.route("/proposals/<int:proposal_id>/reject", methods=["GET", "POST"])
@staff_required
def reject(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    form = forms.RejectForm()
    done, _result = submit_form(
        form, lambda: services.reject_proposal(proposal, reason=form.reason.data, by=current_user)
    )
    if done:
        flash(_("The proposal was rejected at the formal check."), "success")
        return _back(proposal.challenge_id)
    return render_template("reviews/reject.html", proposal=proposal, form=form), form_status(form)


@bp.post("/challenges/<int:challenge_id>/panel")
@staff_required
def add_panel(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    form = forms.PanelForm()
    form.expert.choices = [
        (u.id, u.name)
        for u in db.session.exec(select(User).where(User.role == Role.expert, User.active))
    ]
    if not form.validate_on_submit():
        flash(_("Choose an active expert account."), "error")
        return _back(challenge.id)
    expert = db.session.get(User, form.expert.data)
    try:
        services.add_panel_member(challenge, expert, by=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("%(name)s joined the panel.", name=expert.name), "success")
    return _back(challenge.id)


@bp.post("/panel/<int:member_id>/remove")
@staff_required
def remove_panel(member_id: int):
    member = db.session.get(PanelMember, member_id)
    if member is None:
        abort(404)
    challenge_id = member.challenge_id
    perform(
        lambda: services.remove_panel_member(member, by=current_user),
        _("The expert left the panel."),
    )
    return _back(challenge_id)


def _candidates(proposal: Proposal) -> list[User]:
    """Panel experts who may review the proposal: no conflict, not assigned it before."""
    experts = services.panel_experts(proposal.challenge)
    db.session.refresh(proposal, ["members"])
    conflicted = conflicts(experts, [proposal])
    before = set(
        db.session.exec(select(Assignment.expert_id).where(Assignment.proposal_id == proposal.id))
    )
    return [e for e in experts if (e.id, proposal.id) not in conflicted and e.id not in before]


@bp.route("/proposals/<int:proposal_id>/assign", methods=["GET", "POST"])
@staff_required
def assign(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    form = forms.AssignForm()
    form.expert.choices = [(e.id, f"{e.name} · {e.expertise}") for e in _candidates(proposal)]

    def assign_expert() -> User:
        expert = db.session.get(User, form.expert.data)
        if expert is None:
            raise ValidationFailed({"expert": _("Choose an active expert account.")})
        services.assign(proposal, expert, by=current_user)
        return expert

    done, expert = submit_form(form, assign_expert)
    if done:
        flash(_("%(name)s has been assigned.", name=expert.name), "success")
        return redirect(url_for(".assign", proposal_id=proposal.id))
    assignments = db.session.exec(
        select(Assignment)
        .where(Assignment.proposal_id == proposal.id)
        .options(selectinload(Assignment.expert))
        .order_by(Assignment.id)
    ).all()
    return render_template(
        "reviews/assign.html", proposal=proposal, form=form, assignments=assignments
    ), form_status(form)


@bp.post("/challenges/<int:challenge_id>/auto-assign")
@staff_required
def auto_assign(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    done, report = perform(lambda: services.auto_assign(challenge, by=current_user))
    if not done:
        return _back(challenge.id)
    return render_template("reviews/auto_report.html", challenge=challenge, report=report)


@bp.post("/avoidance/<int:request_id>/decide")
@staff_required
def decide_avoidance(request_id: int):
    avoidance = db.session.get(AvoidanceRequest, request_id)
    if avoidance is None:
        abort(404)
    perform(
        lambda: services.decide_avoidance(
            avoidance, accept=request.form.get("accept") == "1", by=current_user
        ),
        _("The avoidance request has been decided."),
    )
    return _back(avoidance.proposal.challenge_id)


@bp.get("/challenges/<int:challenge_id>/ranking")
@staff_required
@cached_private_page
def ranking(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    result = queries.ranking(challenge)
    page = Page.from_request(len(result.rows))
    rows = result.rows[page.offset : page.offset + page.size]
    decision = db.session.exec(
        select(Decision).where(Decision.challenge_id == challenge.id)
    ).first()
    return render_template(
        "reviews/ranking.html",
        challenge=challenge,
        result=result,
        rows=rows,
        page=page,
        decision=decision,
    )


@bp.get("/challenges/<int:challenge_id>/ranking.<any(csv, xlsx):fmt>")
@staff_required
def ranking_export(challenge_id: int, fmt: str):
    challenge = _challenge_or_404(challenge_id)
    table = exports.ranking_table(queries.ranking(challenge))
    name = f"{challenge.number}-ranking"
    if fmt == "csv":
        return exports.csv_response(table, name)
    return exports.xlsx_response(table, name, _("Ranking"))


@bp.get("/challenges/<int:challenge_id>/scores.<any(csv, xlsx):fmt>")
@staff_required
def scores_export(challenge_id: int, fmt: str):
    challenge = _challenge_or_404(challenge_id)
    table = exports.scores_table(challenge)
    name = f"{challenge.number}-scores"
    if fmt == "csv":
        return exports.csv_response(table, name)
    return exports.xlsx_response(table, name, _("Scores"))


@bp.route("/challenges/<int:challenge_id>/decide", methods=["GET", "POST"])
@staff_required
def decide(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    result = queries.ranking(challenge)
    open_rows = [r for r in result.rows if r.proposal.status is ProposalStatus.in_review]
    form = forms.DecisionForm()
    choices = [
        (r.proposal.id, f"{r.rank}. {r.proposal.title} · {r.proposal.lead_org_name}")
        for r in open_rows
    ]
    form.winners.choices = choices
    form.reserve.choices = choices

    def decide_chosen():
        picked = [*form.winners.data, *form.reserve.data]
        chosen = {p.id: p for p in db.session.exec(select(Proposal).where(Proposal.id.in_(picked)))}
        return services.decide(
            challenge,
            winners=[chosen[i] for i in form.winners.data],
            reserve=[chosen[i] for i in form.reserve.data],
            note=form.note.data,
            by=current_user,
        )

    done, _decision = submit_form(form, decide_chosen)
    if done:
        flash(_("The decision has been recorded and the applicants told."), "success")
        return redirect(url_for(".ranking", challenge_id=challenge.id))
    return render_template(
        "reviews/decide.html", challenge=challenge, form=form, result=result
    ), form_status(form)


@bp.get("/reviews/<int:review_id>")
@staff_required
def review(review_id: int):
    item = db.session.get(Review, review_id)
    if item is None:
        abort(404)
    return render_template(
        "reviews/review.html",
        review=item,
        proposal=item.assignment.proposal,
        expert=item.assignment.expert,
        form=forms.ReasonForm(),
    )


@bp.post("/reviews/<int:review_id>/reopen")
@staff_required
def reopen(review_id: int):
    item = db.session.get(Review, review_id)
    if item is None:
        abort(404)
    form = forms.ReasonForm()
    done, _result = submit_form(
        form, lambda: services.reopen_review(item, reason=form.reason.data, by=current_user)
    )
    if done:
        flash(_("The review has been reopened; its expert was told."), "success")
        return redirect(url_for(".review", review_id=item.id))
    return render_template(
        "reviews/review.html",
        review=item,
        proposal=item.assignment.proposal,
        expert=item.assignment.expert,
        form=form,
    ), 422


# ---- experts -----------------------------------------------------------------------------------


@bp.get("/mine")
@roles_required(Role.expert)
@cached_private_page
def my_assignments():
    statement = (
        select(Assignment, Proposal)
        .join(Proposal, Proposal.id == Assignment.proposal_id)
        .where(
            Assignment.expert_id == current_user.id,
            Assignment.status != AssignmentStatus.recused,
            Proposal.id.in_(
                visible_proposals_for_expert(current_user).with_only_columns(Proposal.id)
            ),
        )
        .options(selectinload(Assignment.review), selectinload(Proposal.challenge))
        .order_by(Assignment.assigned_at.desc(), Assignment.id.desc())
    )
    rows, page = paginate(statement)
    return render_template("reviews/mine.html", rows=rows, page=page)


@bp.get("/mine/<int:challenge_id>.<any(csv, xlsx):fmt>")
@roles_required(Role.expert)
def my_export(challenge_id: int, fmt: str):
    challenge = _challenge_or_404(challenge_id)
    table = exports.my_scores_table(challenge, current_user)
    if not table[1]:
        abort(404)
    name = f"{challenge.number}-my-reviews"
    if fmt == "csv":
        return exports.csv_response(table, name)
    return exports.xlsx_response(table, name, _("My reviews"))


@bp.get("/proposals/<int:proposal_id>")
@login_required
@cached_private_page
def proposal(proposal_id: int):
    if current_user.is_staff:
        item = _proposal_or_404(proposal_id)
        view = proposal_view(item, blind=False)
        assignment = None
    elif current_user.role is Role.expert:
        item, assignment = _expert_proposal_or_404(proposal_id)
        view = proposal_view(item, blind=item.challenge.blind_review)
    else:
        abort(404)
    return render_template(
        "reviews/proposal.html", view=view, assignment=assignment, challenge=item.challenge
    )


@bp.get("/proposals/<int:proposal_id>/attachments/<int:number>")
@login_required
def attachment(proposal_id: int, number: int):
    if current_user.is_staff:
        item = _proposal_or_404(proposal_id)
        view = proposal_view(item, blind=False)
    elif current_user.role is Role.expert:
        item, _assignment = _expert_proposal_or_404(proposal_id)
        view = proposal_view(item, blind=item.challenge.blind_review)
    else:
        abort(404)
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


def _fill_review_form(form: forms.ReviewForm, criteria, review: Review | None) -> None:
    existing = {s.criterion_id: s for s in review.scores} if review else {}
    while len(form.scores.entries):
        form.scores.pop_entry()
    for criterion in criteria:
        score = existing.get(criterion.id)
        form.scores.append_entry(
            {
                "criterion_id": str(criterion.id),
                "value": ("" if score is None or score.value is None else f"{score.value:g}"),
                "comment": score.comment if score else "",
            }
        )
    if review is not None:
        form.overall_comment.data = review.overall_comment
        form.recommendation.data = review.recommendation.value if review.recommendation else ""


def _place_review_errors(form: forms.ReviewForm, exc: DomainError) -> None:
    problems = exc.problems if isinstance(exc, ValidationFailed) else {exc.field: exc.message}
    rows = {str(row.form.criterion_id.data): row.form for row in form.scores}
    rest = {}
    for key, message in problems.items():
        if key and key.startswith("criterion-") and key.removeprefix("criterion-") in rows:
            field = rows[key.removeprefix("criterion-")].value
            field.errors = [*field.errors, message]
        else:
            rest[key] = message
    if rest:
        place_errors(form, ValidationFailed(rest))


@bp.route("/proposals/<int:proposal_id>/review", methods=["GET", "POST"])
@roles_required(Role.expert)
def score(proposal_id: int):
    item, assignment = _expert_proposal_or_404(proposal_id)
    challenge = item.challenge
    criteria = queries.criteria_of(challenge)
    view = proposal_view(item, blind=challenge.blind_review)
    existing = assignment.review
    form = forms.ReviewForm()
    locked = existing is not None and existing.status is ReviewStatus.submitted
    if first_display(form):
        _fill_review_form(form, criteria, existing)
    elif form.validate_on_submit():
        submit = "submit" in request.form
        inputs = [
            services.ScoreInput(
                criterion_id=row.form.criterion_id.data,
                value=row.form.value.data or "",
                comment=row.form.comment.data or "",
            )
            for row in form.scores
            if row.form.criterion_id.data is not None
        ]
        try:
            services.save_review(
                assignment,
                by=current_user,
                scores=inputs,
                overall_comment=form.overall_comment.data or "",
                recommendation=form.recommendation.data or None,
                submit=submit,
            )
        except DomainError as exc:
            db.session.rollback()
            _place_review_errors(form, exc)
        else:
            db.session.commit()
            flash(
                _("Your review has been submitted.") if submit else _("Your draft has been saved."),
                "success",
            )
            return redirect(url_for(".score", proposal_id=item.id))
    else:
        show_hidden_errors(form)
    names = {c.id: c for c in criteria}
    return render_template(
        "reviews/score.html",
        view=view,
        form=form,
        criteria=names,
        review=existing,
        locked=locked,
        challenge=challenge,
    ), form_status(form)


@bp.route("/proposals/<int:proposal_id>/recuse", methods=["GET", "POST"])
@roles_required(Role.expert)
def recuse(proposal_id: int):
    item, assignment = _expert_proposal_or_404(proposal_id)
    form = forms.ReasonForm()
    done, _result = submit_form(
        form, lambda: services.recuse(assignment, reason=form.reason.data, by=current_user)
    )
    if done:
        flash(_("You have recused yourself; the officer will reassign the proposal."), "success")
        return redirect(url_for(".my_assignments"))
    view = proposal_view(item, blind=item.challenge.blind_review)
    return render_template("reviews/recuse.html", view=view, form=form), form_status(form)


@bp.route("/conflicts", methods=["GET", "POST"])
@roles_required(Role.expert)
def declare_conflict():
    form = forms.DeclareConflictForm()
    visible = db.session.exec(
        visible_proposals_for_expert(current_user).options(selectinload(Proposal.challenge))
    ).all()
    form.proposal.choices = [(0, _("— none —"))] + [
        (
            p.id,
            f"{p.challenge.number} · #{p.id} "
            + (proposal_view(p, blind=True).title if p.challenge.blind_review else p.title),
        )
        for p in visible
    ]
    if form.validate_on_submit():
        chosen = next((p for p in visible if p.id == form.proposal.data), None)
        try:
            services.declare_conflict(
                current_user,
                reason=form.reason.data,
                proposal=chosen,
                credit_code=form.credit_code.data or "",
            )
        except DomainError as exc:
            db.session.rollback()
            if isinstance(exc, ValidationFailed) and "target" in exc.problems:
                exc.problems["proposal"] = exc.problems.pop("target")
            place_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Your conflict has been recorded."), "success")
            return redirect(url_for(".declare_conflict"))
    declared, page = paginate(
        select(ConflictDeclaration)
        .where(ConflictDeclaration.expert_id == current_user.id)
        .order_by(ConflictDeclaration.declared_at.desc())
    )
    return render_template(
        "reviews/conflicts.html", form=form, declared=declared, page=page
    ), form_status(form)


# ---- applicants --------------------------------------------------------------------------------


def _own_proposal_or_404(proposal_id: int) -> Proposal:
    proposal = _proposal_or_404(proposal_id)
    if current_user.organisation_id is None or proposal.lead_org_id != current_user.organisation_id:
        abort(404)
    return proposal


@bp.route("/proposals/<int:proposal_id>/avoid", methods=["GET", "POST"])
@roles_required(Role.applicant)
def avoid(proposal_id: int):
    proposal = _own_proposal_or_404(proposal_id)
    form = forms.AvoidanceForm()

    done, _request = submit_form(
        form,
        lambda: services.request_avoidance(
            proposal,
            reason=form.reason.data,
            by=current_user,
            expert_email=form.expert_email.data,
            credit_code=form.credit_code.data or "",
        ),
    )
    if done:
        flash(_("Your request has been sent to the programme officer."), "success")
        return redirect(url_for(".avoid", proposal_id=proposal.id))
    requests = db.session.exec(
        select(AvoidanceRequest)
        .where(AvoidanceRequest.proposal_id == proposal.id)
        .order_by(AvoidanceRequest.requested_at)
    ).all()
    return render_template(
        "reviews/avoid.html",
        proposal=proposal,
        form=form,
        requests=requests,
        pending=AvoidanceStatus.pending,
    ), form_status(form)


@bp.get("/proposals/<int:proposal_id>/feedback")
@roles_required(Role.applicant)
@cached_private_page
def feedback(proposal_id: int):
    proposal = _own_proposal_or_404(proposal_id)
    challenge = proposal.challenge
    decided = challenge.status is ChallengeStatus.decided
    reviews = (
        queries.feedback_for_applicant(proposal)
        if decided and challenge.comments_to_applicants
        else []
    )
    return render_template(
        "reviews/feedback.html",
        proposal=proposal,
        challenge=challenge,
        decided=decided,
        reviews=reviews,
    )
