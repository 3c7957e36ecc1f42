"""The public catalogue of challenges, each challenge's page and versions, clarifications, and the
officers' pages to draft, publish, amend and cancel challenges and to manage chains."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import selectinload
from sqlmodel import select

from portal import clock, storage
from portal.access import public, roles_required, staff_required
from portal.accounts.forms import ORG_TYPE_LABELS
from portal.accounts.models import Role
from portal.challenges import forms, queries, services
from portal.challenges.models import (
    Chain,
    ChainLink,
    Challenge,
    ChallengeAttachment,
    ChallengeStatus,
    Clarification,
    Comparison,
    Stage,
)
from portal.db import db
from portal.errors import DomainError, ValidationFailed
from portal.formtools import first_display, form_status, place_errors
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.pagecache import cached_private_page, cached_public_page
from portal.paging import paginate
from portal.unit_of_work import perform, submit_form

bp = Blueprint("challenges", __name__)


@bp.app_template_filter("fromiso")
def from_iso(text: str | None) -> datetime | None:
    """A moment frozen in a version's JSON, back to an aware datetime."""
    return datetime.fromisoformat(text) if text else None


def zone() -> str:
    return current_app.config["TIME_ZONE"]


def countdown(deadline: datetime | None, now: datetime) -> str:
    """Time left before the deadline, in words, computed on the server."""
    if deadline is None:
        return ""
    left = deadline - now
    if left <= timedelta(0):
        return _("Closed: the deadline has passed.")
    if left >= timedelta(days=1):
        return ngettext("%(num)s day left", "%(num)s days left", left.days)
    hours = int(left.total_seconds() // 3600)
    if hours >= 1:
        return ngettext("%(num)s hour left", "%(num)s hours left", hours)
    minutes = max(1, int(left.total_seconds() // 60))
    return ngettext("%(num)s minute left", "%(num)s minutes left", minutes)


def labels() -> dict:
    """Words the challenge templates show for stored values."""
    return {
        "status": forms.STATUS_LABELS,
        "stage": forms.STAGE_LABELS,
        "mode": forms.FUNDING_MODE_LABELS,
        "aggregation": forms.AGGREGATION_LABELS,
        "org_type": ORG_TYPE_LABELS,
        "symbol": {c.value: c.symbol for c in Comparison},
        "field": FIELD_LABELS,
    }


FIELD_LABELS = {
    "title": forms.ChallengeForm.title.args[0],
    "chain": forms.CatalogueForm.chain.args[0],
    "link": forms.ChallengeForm.chain_link_id.args[0],
    "statement": forms.ChallengeForm.statement.args[0],
    "background": forms.ChallengeForm.background.args[0],
    "deliverable": forms.ChallengeForm.deliverable.args[0],
    "funding_cap": forms.ChallengeForm.funding_cap.args[0],
    "cofunding": forms.ChallengeForm.cofunding.args[0],
    "duration_months": forms.ChallengeForm.duration_months.args[0],
    "deadline": forms.ChallengeForm.deadline.args[0],
    "funding_mode": forms.ChallengeForm.funding_mode.args[0],
    "horse_race_teams": forms.ChallengeForm.horse_race_teams.args[0],
    "allowed_org_types": forms.ChallengeForm.allowed_org_types.args[0],
    "region": forms.ChallengeForm.region.args[0],
    "max_members": forms.ChallengeForm.max_members.args[0],
    "aggregation": forms.ChallengeForm.aggregation.args[0],
    "reviewers_per_proposal": forms.ChallengeForm.reviewers_per_proposal.args[0],
    "pass_mark": forms.ChallengeForm.pass_mark.args[0],
    "publicity_days": forms.ChallengeForm.publicity_days.args[0],
}


def _page_values(challenge: Challenge, now: datetime) -> dict:
    """What the public page of a challenge shows (also its officer preview)."""
    versions = queries.versions(challenge)
    history = []
    for previous, version in zip([None, *versions], versions, strict=False):
        changes = queries.changes_between(previous.content, version.content) if previous else None
        history.append((version, changes))
    return {
        "challenge": challenge,
        "content": services.content_of(challenge),
        "status": challenge.effective_status(now),
        "deadline": challenge.deadline,
        "countdown": countdown(challenge.deadline, now),
        "history": list(reversed(history)),
        "clarifications": queries.answered_clarifications(challenge),
        "attachments": queries.attachments(challenge),
        "labels": labels(),
    }


# ---- the public catalogue -------------------------------------------------------------------


def _catalogue_filters(form: forms.CatalogueForm, chains: list[Chain], staff: bool):
    statuses = list(forms.STATUS_LABELS.items())
    if not staff:
        statuses = [(k, v) for k, v in statuses if k != "draft"]
    form.status.choices = [("", _("Any status")), *statuses]
    form.chain.choices = [("", _("Any chain")), *[(c.id, c.name) for c in chains]]
    form.link.choices = [
        ("", _("Any link")),
        *[(link.id, f"{c.name} · {link.name}") for c in chains for link in c.links],
    ]
    filters = queries.CatalogueFilters()
    form.validate()
    if not form.q.errors:
        filters.q = (form.q.data or "").strip()
    if not form.chain.errors:
        filters.chain_id = form.chain.data
    if not form.link.errors:
        filters.link_id = form.link.data
    if not form.status.errors and form.status.data:
        filters.status = ChallengeStatus(form.status.data)
    if not form.deadline_from.errors and form.deadline_from.data:
        filters.deadline_from = forms.local_day_start(form.deadline_from.data, zone())
    if not form.deadline_to.errors and form.deadline_to.data:
        filters.deadline_to = forms.local_day_start(form.deadline_to.data, zone()) + timedelta(
            days=1
        )
    if not form.funding_min.errors and form.funding_min.data is not None:
        filters.funding_min = form.funding_min.data * forms.WAN
    if not form.funding_max.errors and form.funding_max.data is not None:
        filters.funding_max = form.funding_max.data * forms.WAN
    filters.sort = form.sort.data if form.sort.data in forms.SORT_LABELS else "deadline"
    return filters


@bp.get("/challenges")
@public
@cached_public_page
@cached_private_page
def catalogue():
    now = clock.now()
    chains = queries.chains_with_links()
    form = forms.CatalogueForm(request.args)
    filters = _catalogue_filters(form, chains, staff=False)
    challenges, page = paginate(queries.catalogue(filters, now))
    return render_template(
        "challenges/catalogue.html",
        form=form,
        challenges=challenges,
        page=page,
        now=now,
        labels=labels(),
        countdown=countdown,
    )


def _public_or_404(number: str) -> Challenge:
    challenge = queries.public_by_number(number)
    if challenge is None:
        abort(404)
    return challenge


@bp.get("/challenges/<number>")
@public
@cached_public_page
@cached_private_page
def show(number: str):
    challenge = _public_or_404(number)
    now = clock.now()
    question = None
    if (
        current_user.is_authenticated
        and current_user.role is Role.applicant
        and challenge.accepts_proposals(now)
    ):
        question = forms.QuestionForm()
    return render_template(
        "challenges/show.html", question=question, **_page_values(challenge, now)
    )


@bp.get("/challenges/<number>/versions/<int:n>")
@public
@cached_private_page
def version(number: str, n: int):
    challenge = _public_or_404(number)
    versions = queries.versions(challenge)
    current = next((v for v in versions if v.version == n), None)
    if current is None:
        abort(404)
    previous = next((v for v in versions if v.version == n - 1), None)
    changes = queries.changes_between(previous.content, current.content) if previous else None
    return render_template(
        "challenges/version.html",
        challenge=challenge,
        version=current,
        versions=versions,
        content=current.content,
        deadline=from_iso(current.content.get("deadline")),
        changes=changes,
        labels=labels(),
    )


@bp.get("/challenges/<number>/guides/<int:attachment_id>")
@public
def guide(number: str, attachment_id: int):
    challenge = _public_or_404(number)
    attachment = db.session.get(ChallengeAttachment, attachment_id)
    if attachment is None or attachment.challenge_id != challenge.id:
        abort(404)
    return storage.send_stored(attachment.stored_name, attachment.filename)


@bp.post("/challenges/<number>/questions")
@roles_required(Role.applicant)
def ask(number: str):
    challenge = _public_or_404(number)
    now = clock.now()
    form = forms.QuestionForm()
    done, _result = submit_form(
        form, lambda: services.ask(challenge, form.question.data, by=current_user)
    )
    if done:
        flash(_("Your question has been sent. The answer will appear on this page."), "success")
        return redirect(url_for(".show", number=number) + "#clarifications")
    return (
        render_template("challenges/show.html", question=form, **_page_values(challenge, now)),
        422,
    )


# ---- officers: challenges -------------------------------------------------------------------


def _staff_challenge_or_404(challenge_id: int) -> Challenge:
    challenge = queries.by_id(challenge_id)
    if challenge is None:
        abort(404)
    return challenge


@bp.get("/officer/challenges")
@staff_required
@cached_private_page
def officer_list():
    now = clock.now()
    chains = queries.chains_with_links()
    form = forms.CatalogueForm(request.args)
    filters = _catalogue_filters(form, chains, staff=True)
    challenges, page = paginate(queries.officer_list(filters, now))
    return render_template(
        "challenges/officer/list.html",
        form=form,
        challenges=challenges,
        page=page,
        now=now,
        labels=labels(),
    )


def _challenge_form(cls=forms.ChallengeForm, **kwargs):
    return cls(link_choices=queries.link_choices(), **kwargs)


def _edit_page(form, challenge: Challenge | None, status: int = 200):
    return (
        render_template(
            "challenges/officer/form.html",
            form=form,
            challenge=challenge,
            attachments=queries.attachments(challenge) if challenge else [],
            attachment_form=forms.AttachmentForm(),
        ),
        status,
    )


def _save(form, challenge: Challenge | None):
    """The shared POST of the create and edit pages: a row button, or a save."""
    if form.row_action(request.form):
        return _edit_page(form, challenge)
    if not form.validate():
        return _edit_page(form, challenge, 422)
    data = form.to_data(zone())
    try:
        if challenge is None:
            challenge = services.create_draft(data, by=current_user)
        else:
            services.update_draft(challenge, data, by=current_user)
    except ValidationFailed as exc:
        db.session.rollback()
        form.show_problems(exc.problems)
        return _edit_page(form, challenge if challenge and challenge.id else None, 422)
    except DomainError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return _edit_page(form, challenge, 422)
    db.session.commit()
    flash(_("Draft %(number)s saved.", number=challenge.number), "success")
    return redirect(url_for(".officer_show", challenge_id=challenge.id))


@bp.route("/officer/challenges/new", methods=["GET", "POST"])
@staff_required
def officer_new():
    if request.method == "GET":
        form = _challenge_form()
        if first_display(form):
            form.set_rubric(services.DEFAULT_RUBRIC)
        return _edit_page(form, None)
    return _save(_challenge_form(), None)


@bp.route("/officer/challenges/<int:challenge_id>/edit", methods=["GET", "POST"])
@staff_required
def officer_edit(challenge_id: int):
    challenge = _staff_challenge_or_404(challenge_id)
    if challenge.status is not ChallengeStatus.draft:
        flash(_("Only a draft can be edited; amend a published challenge with a reason."), "error")
        return redirect(url_for(".officer_show", challenge_id=challenge.id))
    if request.method == "GET":
        initial = forms.ChallengeForm.initial(services.ChallengeData.of(challenge), zone())
        return _edit_page(_challenge_form(data=initial), challenge)
    return _save(_challenge_form(), challenge)


@bp.get("/officer/challenges/<int:challenge_id>")
@staff_required
@cached_private_page
def officer_show(challenge_id: int):
    """The challenge exactly as the public sees it, with the officer's actions above."""
    return _officer_page(_staff_challenge_or_404(challenge_id), forms.AttachmentForm())


def _officer_page(challenge: Challenge, attachment_form: forms.AttachmentForm):
    now = clock.now()
    problems = (
        services.publication_problems(challenge, now)
        if challenge.status is ChallengeStatus.draft
        else {}
    )
    return render_template(
        "challenges/officer/preview.html",
        problems=problems,
        confirm=forms.ConfirmForm(),
        attachment_form=attachment_form,
        field_labels=FIELD_LABELS,
        **_page_values(challenge, now),
    ), form_status(attachment_form)


@bp.route("/officer/challenges/<int:challenge_id>/publish", methods=["GET", "POST"])
@staff_required
def officer_publish(challenge_id: int):
    challenge = _staff_challenge_or_404(challenge_id)
    form = forms.ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.publish(challenge, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(
                _("The challenge cannot be published yet: %(problems)s", problems=str(exc)),
                "error",
            )
            return redirect(url_for(".officer_show", challenge_id=challenge.id))
        db.session.commit()
        flash(_("%(number)s is published.", number=challenge.number), "success")
        return redirect(url_for(".show", number=challenge.number))
    return render_template(
        "challenges/officer/confirm.html",
        challenge=challenge,
        form=form,
        action="publish",
        problems=services.publication_problems(challenge)
        if challenge.status is ChallengeStatus.draft
        else {},
        field_labels=FIELD_LABELS,
    )


@bp.route("/officer/challenges/<int:challenge_id>/amend", methods=["GET", "POST"])
@staff_required
def officer_amend(challenge_id: int):
    challenge = _staff_challenge_or_404(challenge_id)
    if not challenge.accepts_proposals(clock.now()):
        flash(_("Only a published challenge open for proposals can be amended."), "error")
        return redirect(url_for(".officer_show", challenge_id=challenge.id))
    if request.method == "GET":
        initial = forms.ChallengeForm.initial(services.ChallengeData.of(challenge), zone())
        form = _challenge_form(forms.AmendForm, data=initial)
        return _amend_page(form, challenge)
    form = _challenge_form(forms.AmendForm)
    if form.row_action(request.form):
        return _amend_page(form, challenge)
    if not form.validate():
        return _amend_page(form, challenge, 422)
    try:
        version = services.amend(
            challenge, form.to_data(zone()), reason=form.reason.data, by=current_user
        )
    except ValidationFailed as exc:
        db.session.rollback()
        form.show_problems(exc.problems)
        return _amend_page(form, challenge, 422)
    except DomainError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return _amend_page(form, challenge, 422)
    db.session.commit()
    flash(
        _("%(number)s is amended: version %(n)s.", number=challenge.number, n=version.version),
        "success",
    )
    return redirect(url_for(".show", number=challenge.number))


def _amend_page(form, challenge: Challenge, status: int = 200):
    return (
        render_template(
            "challenges/officer/form.html",
            form=form,
            challenge=challenge,
            amending=True,
            attachments=[],
            attachment_form=None,
        ),
        status,
    )


@bp.route("/officer/challenges/<int:challenge_id>/cancel", methods=["GET", "POST"])
@staff_required
def officer_cancel(challenge_id: int):
    challenge = _staff_challenge_or_404(challenge_id)
    form = forms.ReasonForm()
    status = 200
    done, _result = submit_form(
        form, lambda: services.cancel(challenge, reason=form.reason.data, by=current_user)
    )
    if done:
        flash(_("%(number)s is cancelled.", number=challenge.number), "success")
        return redirect(url_for(".officer_show", challenge_id=challenge.id))
    if form.is_submitted():
        status = 422
    return (
        render_template(
            "challenges/officer/confirm.html", challenge=challenge, form=form, action="cancel"
        ),
        status,
    )


@bp.post("/officer/challenges/<int:challenge_id>/guides")
@staff_required
def officer_add_guide(challenge_id: int):
    """A guide is checked like every upload; a refused file is named next to the field."""
    challenge = _staff_challenge_or_404(challenge_id)
    form = forms.AttachmentForm()
    done, _guide = submit_form(
        form, lambda: services.add_attachment(challenge, form.file.data, by=current_user)
    )
    if not done:
        return _officer_page(challenge, form)
    flash(_("The guide has been added."), "success")
    return redirect(url_for(".officer_show", challenge_id=challenge.id))


@bp.post("/officer/challenges/<int:challenge_id>/guides/<int:attachment_id>/delete")
@staff_required
def officer_remove_guide(challenge_id: int, attachment_id: int):
    challenge = _staff_challenge_or_404(challenge_id)
    attachment = db.session.get(ChallengeAttachment, attachment_id)
    if attachment is None or attachment.challenge_id != challenge.id:
        abort(404)
    perform(
        lambda: services.remove_attachment(attachment, challenge, by=current_user),
        _("The guide has been removed."),
    )
    return redirect(url_for(".officer_show", challenge_id=challenge.id))


@bp.get("/officer/challenges/<int:challenge_id>/guides/<int:attachment_id>")
@staff_required
def officer_guide(challenge_id: int, attachment_id: int):
    attachment = db.session.get(ChallengeAttachment, attachment_id)
    if attachment is None or attachment.challenge_id != challenge_id:
        abort(404)
    return storage.send_stored(attachment.stored_name, attachment.filename)


# ---- officers: chains -----------------------------------------------------------------------


@bp.route("/officer/chains", methods=["GET", "POST"])
@staff_required
def officer_chains():
    form = forms.ChainForm()
    status = 200
    done, chain = submit_form(
        form,
        lambda: services.save_chain(
            None,
            name=form.name.data,
            leader_title=form.leader_title.data or "",
            description=form.description.data or "",
            by=current_user,
        ),
    )
    if done:
        flash(_("Chain %(name)s created.", name=chain.name), "success")
        return redirect(url_for(".officer_chain", chain_id=chain.id))
    if form.is_submitted():
        status = 422
    chains, page = paginate(select(Chain).order_by(Chain.name).options(selectinload(Chain.links)))
    return (
        render_template(
            "challenges/officer/chains.html",
            chains=chains,
            page=page,
            form=form,
            labels=labels(),
        ),
        status,
    )


def _chain_or_404(chain_id: int) -> Chain:
    chain = db.session.get(Chain, chain_id)
    if chain is None:
        abort(404)
    return chain


@bp.route("/officer/chains/<int:chain_id>", methods=["GET", "POST"])
@staff_required
def officer_chain(chain_id: int):
    chain = _chain_or_404(chain_id)
    form = forms.ChainForm(prefix="chain", obj=chain)
    link_form = forms.LinkForm(prefix="link")
    status = 200
    if request.method == "POST":
        target = form if "chain-name" in request.form else link_form
        if target.validate_on_submit():
            try:
                if target is form:
                    services.save_chain(
                        chain,
                        name=form.name.data,
                        leader_title=form.leader_title.data or "",
                        description=form.description.data or "",
                        by=current_user,
                    )
                else:
                    services.save_link(
                        chain,
                        None,
                        name=link_form.name.data,
                        stage=Stage(link_form.stage.data),
                        by=current_user,
                    )
            except DomainError as exc:
                db.session.rollback()
                place_errors(target, exc)
            else:
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for(".officer_chain", chain_id=chain.id))
        status = 422
    return (
        render_template(
            "challenges/officer/chain.html",
            chain=chain,
            form=form,
            link_form=link_form,
            link_forms={
                link.id: forms.LinkForm(prefix=f"l{link.id}", obj=link, formdata=None)
                for link in chain.links
            },
            labels=labels(),
        ),
        status,
    )


@bp.post("/officer/chains/<int:chain_id>/links/<int:link_id>")
@staff_required
def officer_edit_link(chain_id: int, link_id: int):
    chain = _chain_or_404(chain_id)
    link = db.session.get(ChainLink, link_id)
    if link is None or link.chain_id != chain.id:
        abort(404)
    form = forms.LinkForm(prefix=f"l{link.id}")
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for(".officer_chain", chain_id=chain.id))
    try:
        services.save_link(
            chain, link, name=form.name.data, stage=Stage(form.stage.data), by=current_user
        )
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for(".officer_chain", chain_id=chain.id))


@bp.post("/officer/chains/<int:chain_id>/links/<int:link_id>/delete")
@staff_required
def officer_delete_link(chain_id: int, link_id: int):
    link = db.session.get(ChainLink, link_id)
    if link is None or link.chain_id != chain_id:
        abort(404)
    perform(lambda: services.delete_link(link, by=current_user), _("The link has been removed."))
    return redirect(url_for(".officer_chain", chain_id=chain_id))


# ---- officers: clarifications ---------------------------------------------------------------


@bp.get("/officer/questions")
@staff_required
@cached_private_page
def officer_questions():
    rows, page = paginate(queries.unanswered_queue())
    return render_template(
        "challenges/officer/questions.html",
        rows=rows,
        page=page,
        answer_forms={c.id: forms.AnswerForm(prefix=f"q{c.id}") for c, _challenge in rows},
    )


@bp.post("/officer/questions/<int:clarification_id>/answer")
@staff_required
def officer_answer(clarification_id: int):
    clarification = db.session.get(Clarification, clarification_id)
    if clarification is None:
        abort(404)
    form = forms.AnswerForm(prefix=f"q{clarification.id}")
    done, _result = submit_form(
        form, lambda: services.answer(clarification, form.answer.data, by=current_user)
    )
    if done:
        flash(_("The answer is published."), "success")
        return redirect(url_for(".officer_questions"))
    challenge = db.session.get(Challenge, clarification.challenge_id)
    return (
        render_template(
            "challenges/officer/answer.html",
            clarification=clarification,
            challenge=challenge,
            form=form,
        ),
        422,
    )
