"""The public catalogue of challenges, each challenge's page and versions, clarifications, and the
officers' pages to draft, publish, amend and cancel challenges and to manage chains."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import clock, storage
from portal.access import public, roles_required, staff_required
from portal.challenges import chains, clarifications, deadlines, forms, queries, services
from portal.challenges.content import DEFAULT_RUBRIC, content_of
from portal.challenges.deadlines import pending_change as deadlines_pending
from portal.challenges.models import Challenge, ChallengeVersion, DeadlineChange
from portal.challenges.permissions import (
    can_ask,
    get_chain_or_404,
    get_challenge_or_404,
    get_clarification_or_404,
    get_deadline_change_or_404,
    get_guide_or_404,
    get_link_or_404,
)
from portal.formtools import first_display, form_status
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.pagecache import cached_public_page
from portal.paging import list_page, paginate
from portal.unit_of_work import form_page, perform, submit_form
from portal.vocabulary import ChallengeStatus, CheckItem, Role

bp = Blueprint("challenges", __name__)


@bp.app_template_filter("fromiso")
def from_iso(text: str | None) -> datetime | None:
    """A moment frozen in a version's JSON, back to an aware datetime."""
    return datetime.fromisoformat(text) if text else None


@bp.app_template_filter("check_item")
def check_item(item: str) -> str:
    """An item of the formal check: a default item's label, or the item's own text."""
    known = CheckItem.find(item)
    return str(known.label) if known else item


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
    "blind_review": forms.ChallengeForm.blind_review.args[0],
    "feedback": forms.ChallengeForm.feedback.args[0],
    "pass_mark": forms.ChallengeForm.pass_mark.args[0],
    "publicity_days": forms.ChallengeForm.publicity_days.args[0],
    "formal_checklist": forms.ChallengeForm.check_items.args[0],
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
        "content": content_of(challenge),
        "status": challenge.effective_status(now),
        "deadline": challenge.deadline,
        "countdown": countdown(challenge.deadline, now),
        "history": list(reversed(history)),
        "clarifications": queries.answered_clarifications(challenge),
        "attachments": queries.attachments(challenge),
        "field_labels": FIELD_LABELS,
    }


# ---- the public catalogue -------------------------------------------------------------------


@bp.get("/challenges")
@public
@cached_public_page
def catalogue():
    now = clock.now()
    form = forms.CatalogueForm(request.args, chains=queries.chains_with_links(), drafts=False)
    return list_page(
        "challenges/catalogue.html",
        queries.catalogue(form.to_input(), now),
        "challenges",
        form=form,
        now=now,
        countdown=countdown,
    )


@bp.get("/challenges/<number>")
@public
@cached_public_page
def show(number: str):
    challenge = get_challenge_or_404(number, current_user)
    now = clock.now()
    question = None
    if can_ask(current_user, challenge) and challenge.accepts_proposals(now):
        question = forms.QuestionForm()
    return render_template(
        "challenges/show.html", question=question, **_page_values(challenge, now)
    )


@bp.get("/challenges/<number>/versions/<int:n>")
@public
def version(number: str, n: int):
    challenge = get_challenge_or_404(number, current_user)
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
        field_labels=FIELD_LABELS,
    )


@bp.get("/challenges/<number>/guides/<int:attachment_id>")
@public
def guide(number: str, attachment_id: int):
    guide = get_guide_or_404(get_challenge_or_404(number, current_user), attachment_id)
    return storage.send_stored(guide.stored_name, guide.filename)


@bp.post("/challenges/<number>/questions")
@roles_required(Role.applicant)
def ask(number: str):
    challenge = get_challenge_or_404(number, current_user, need="ask")
    form = forms.QuestionForm()
    return form_page(
        form,
        lambda: clarifications.ask(challenge, **form.to_input(), by=current_user),
        lambda: render_template(
            "challenges/show.html", question=form, **_page_values(challenge, clock.now())
        ),
        success=_("Your question has been sent. The answer will appear on this page."),
        to=url_for(".show", number=number) + "#clarifications",
    )


# ---- officers: challenges -------------------------------------------------------------------


@bp.get("/officer/challenges")
@staff_required
def officer_list():
    now = clock.now()
    form = forms.CatalogueForm(request.args, chains=queries.chains_with_links(), drafts=True)
    statement = queries.officer_list(current_user, form.to_input(), now)
    return list_page("challenges/officer/list.html", statement, "challenges", form=form, now=now)


def _challenge_form(cls=forms.ChallengeForm, challenge: Challenge | None = None):
    """The form as sent, or on its first display filled from `challenge` (or, for a new one,
    with the default rubric)."""
    choices = queries.link_choices()
    form = cls(link_choices=choices)
    if not first_display(form):
        return form
    if challenge is not None:
        return cls.from_model(challenge, link_choices=choices)
    form.set_rubric(DEFAULT_RUBRIC)
    return form


def _form_page(form, challenge: Challenge | None, *, amending=False, status: int | None = None):
    """The challenge form; 422 when it comes back with errors (a row button is no error)."""
    page = render_template(
        "challenges/officer/form.html",
        form=form,
        challenge=challenge,
        amending=amending,
        blind_team_warning=forms.BLIND_TEAM_WARNING,
    )
    return page, status or form_status(form)


def _save(form, challenge: Challenge | None):
    """The shared POST of the create and edit pages: a row button, or a save."""
    if form.row_action(request.form):
        return _form_page(form, challenge, status=200)
    if challenge is None:
        done, saved = submit_form(
            form, lambda: services.create_draft(**form.to_input(), by=current_user)
        )
    else:
        done, saved = submit_form(
            form, lambda: services.update_draft(challenge, **form.to_input(), by=current_user)
        )
    if not done:
        return _form_page(form, challenge)
    flash(_("Draft %(number)s saved.", number=saved.number), "success")
    _warn_blind_team(form)
    return redirect(_officer_url(saved.id))


def _warn_blind_team(form) -> None:
    """Saved, but blind review hides the team that a criterion asks the experts to judge."""
    if form.blind_team_warning():
        flash(str(forms.BLIND_TEAM_WARNING), "warning")


@bp.route("/officer/challenges/new", methods=["GET", "POST"])
@staff_required
def officer_new():
    form = _challenge_form()
    if request.method == "GET":
        return _form_page(form, None)
    return _save(form, None)


@bp.route("/officer/challenges/<int:challenge_id>/edit", methods=["GET", "POST"])
@staff_required
def officer_edit(challenge_id: int):
    challenge = get_challenge_or_404(challenge_id, current_user, need="manage")
    if challenge.status is not ChallengeStatus.draft:
        flash(_("Only a draft can be edited; amend a published challenge with a reason."), "error")
        return redirect(_officer_url(challenge.id))
    form = _challenge_form(challenge=challenge)
    if request.method == "GET":
        return _form_page(form, challenge)
    return _save(form, challenge)


@bp.get("/officer/challenges/<int:challenge_id>")
@staff_required
def officer_show(challenge_id: int):
    """The challenge exactly as the public sees it, with the officer's actions above."""
    challenge = get_challenge_or_404(challenge_id, current_user, need="manage")
    return _officer_page(challenge, forms.AttachmentForm())


def _officer_url(challenge_id: int) -> str:
    return url_for(".officer_show", challenge_id=challenge_id)


def _officer_page(challenge: Challenge, attachment_form: forms.AttachmentForm) -> str:
    now = clock.now()
    problems = (
        services.publication_problems(challenge, now)
        if challenge.status is ChallengeStatus.draft
        else {}
    )
    change = deadlines_pending(challenge)
    return render_template(
        "challenges/officer/preview.html",
        deadline_change=change,
        may_approve=change is not None and deadlines.approvable(change, current_user),
        problems=problems,
        confirm=forms.ConfirmForm(),
        attachment_form=attachment_form,
        **_page_values(challenge, now),
    )


@bp.route("/officer/challenges/<int:challenge_id>/publish", methods=["GET", "POST"])
@staff_required
def officer_publish(challenge_id: int):
    challenge = get_challenge_or_404(challenge_id, current_user, need="manage")
    if request.method == "POST":
        done, _version = perform(
            lambda: services.publish(challenge, by=current_user),
            _("%(number)s is published.", number=challenge.number),
        )
        if done:
            return redirect(url_for(".show", number=challenge.number))
        return redirect(_officer_url(challenge.id))
    return render_template(
        "challenges/officer/confirm.html",
        challenge=challenge,
        form=forms.ConfirmForm(),
        action="publish",
        problems=services.publication_problems(challenge)
        if challenge.status is ChallengeStatus.draft
        else {},
        field_labels=FIELD_LABELS,
    )


@bp.route("/officer/challenges/<int:challenge_id>/amend", methods=["GET", "POST"])
@staff_required
def officer_amend(challenge_id: int):
    challenge = get_challenge_or_404(challenge_id, current_user, need="manage")
    if not challenge.accepts_proposals(clock.now()):
        flash(_("Only a published challenge open for proposals can be amended."), "error")
        return redirect(_officer_url(challenge.id))
    form = _challenge_form(forms.AmendForm, challenge)
    if request.method == "GET" or form.row_action(request.form):
        return _form_page(form, challenge, amending=True, status=200)
    done, result = submit_form(
        form, lambda: services.amend(challenge, **form.to_input(), by=current_user)
    )
    if not done:
        return _form_page(form, challenge, amending=True)
    if isinstance(result, ChallengeVersion):
        flash(
            _("%(number)s is amended: version %(n)s.", number=challenge.number, n=result.version),
            "success",
        )
    _warn_blind_team(form)
    change = result if isinstance(result, DeadlineChange) else deadlines_pending(challenge)
    if change is None or change.proposed_by_id != current_user.id:
        return redirect(url_for(".show", number=challenge.number))
    flash(
        _(
            "The earlier deadline waits for a second staff member's approval; until then the "
            "deadline stays as it was."
        ),
        "warning",
    )
    return redirect(_officer_url(challenge.id))


@bp.post("/officer/deadline-changes/<int:change_id>/approve")
@staff_required
def officer_approve_deadline(change_id: int):
    change = get_deadline_change_or_404(change_id, current_user)
    perform(
        lambda: services.approve_deadline_change(change, by=current_user),
        _("The earlier deadline is approved and published; applicants have been told."),
    )
    return redirect(_officer_url(change.challenge_id))


@bp.route("/officer/deadline-changes/<int:change_id>/return", methods=["GET", "POST"])
@staff_required
def officer_return_deadline(change_id: int):
    change = get_deadline_change_or_404(change_id, current_user)
    form = forms.DeadlineReturnForm()
    return form_page(
        form,
        lambda: deadlines.return_change(change, **form.to_input(), by=current_user),
        lambda: render_template(
            "challenges/officer/deadline_return.html", change=change, form=form
        ),
        success=_("The earlier deadline was returned; the deadline stays."),
        to=_officer_url(change.challenge_id),
    )


@bp.route("/officer/challenges/<int:challenge_id>/cancel", methods=["GET", "POST"])
@staff_required
def officer_cancel(challenge_id: int):
    challenge = get_challenge_or_404(challenge_id, current_user, need="manage")
    form = forms.ReasonForm()
    return form_page(
        form,
        lambda: services.cancel(challenge, **form.to_input(), by=current_user),
        lambda: render_template(
            "challenges/officer/confirm.html", challenge=challenge, form=form, action="cancel"
        ),
        success=_("%(number)s is cancelled.", number=challenge.number),
        to=_officer_url(challenge.id),
    )


@bp.post("/officer/challenges/<int:challenge_id>/guides")
@staff_required
def officer_add_guide(challenge_id: int):
    """A guide is checked like every upload; a refused file is named next to the field."""
    challenge = get_challenge_or_404(challenge_id, current_user, need="manage")
    form = forms.AttachmentForm()
    return form_page(
        form,
        lambda: services.add_attachment(challenge, **form.to_input(), by=current_user),
        lambda: _officer_page(challenge, form),
        success=_("The guide has been added."),
        to=_officer_url(challenge.id),
    )


@bp.post("/officer/challenges/<int:challenge_id>/guides/<int:attachment_id>/delete")
@staff_required
def officer_remove_guide(challenge_id: int, attachment_id: int):
    challenge = get_challenge_or_404(challenge_id, current_user, need="manage")
    guide = get_guide_or_404(challenge, attachment_id)
    perform(
        lambda: services.remove_attachment(guide, challenge, by=current_user),
        _("The guide has been removed."),
    )
    return redirect(_officer_url(challenge.id))


@bp.get("/officer/challenges/<int:challenge_id>/guides/<int:attachment_id>")
@staff_required
def officer_guide(challenge_id: int, attachment_id: int):
    challenge = get_challenge_or_404(challenge_id, current_user, need="manage")
    guide = get_guide_or_404(challenge, attachment_id)
    return storage.send_stored(guide.stored_name, guide.filename)


# ---- officers: chains -----------------------------------------------------------------------


@bp.route("/officer/chains", methods=["GET", "POST"])
@staff_required
def officer_chains():
    form = forms.ChainForm()
    return form_page(
        form,
        lambda: chains.save_chain(None, **form.to_input(), by=current_user),
        lambda: _chains_page(form),
        success=lambda chain: _("Chain %(name)s created.", name=chain.name),
        to=lambda chain: _chain_url(chain.id),
    )


def _chains_page(form: forms.ChainForm) -> str:
    return list_page("challenges/officer/chains.html", queries.chains(), "chains", form=form)


def _chain_url(chain_id: int) -> str:
    return url_for(".officer_chain", chain_id=chain_id)


def _chain_page(chain, form, link_form, link_forms=None):
    """The chain's page; `link_forms` holds a link's form sent back with its errors."""
    link_forms = {
        link.id: forms.LinkForm.from_model(link, prefix=f"l{link.id}", formdata=None)
        for link in chain.links
    } | (link_forms or {})
    return render_template(
        "challenges/officer/chain.html",
        chain=chain,
        form=form,
        link_form=link_form,
        link_forms=link_forms,
    )


@bp.route("/officer/chains/<int:chain_id>", methods=["GET", "POST"])
@staff_required
def officer_chain(chain_id: int):
    chain = get_chain_or_404(chain_id, current_user)
    link_form = forms.LinkForm(prefix="link")
    if request.method == "GET":
        return _chain_page(chain, forms.ChainForm.from_model(chain, prefix="chain"), link_form)
    if "chain-name" in request.form:
        form = forms.ChainForm(prefix="chain")
        done, _saved = submit_form(
            form, lambda: chains.save_chain(chain, **form.to_input(), by=current_user)
        )
    else:
        form = forms.ChainForm.from_model(chain, prefix="chain", formdata=None)
        done, _saved = submit_form(
            link_form,
            lambda: chains.save_link(chain, None, **link_form.to_input(), by=current_user),
        )
    if done:
        flash(_("Saved."), "success")
        return redirect(_chain_url(chain.id))
    return _chain_page(chain, form, link_form), 422


@bp.post("/officer/chains/<int:chain_id>/links/<int:link_id>")
@staff_required
def officer_edit_link(chain_id: int, link_id: int):
    chain = get_chain_or_404(chain_id, current_user)
    link = get_link_or_404(chain, link_id)
    form = forms.LinkForm(prefix=f"l{link.id}")
    return form_page(
        form,
        lambda: chains.save_link(chain, link, **form.to_input(), by=current_user),
        lambda: _chain_page(
            chain,
            forms.ChainForm.from_model(chain, prefix="chain", formdata=None),
            forms.LinkForm(prefix="link", formdata=None),
            {link.id: form},
        ),
        success=_("Saved."),
        to=_chain_url(chain.id),
    )


@bp.post("/officer/chains/<int:chain_id>/links/<int:link_id>/delete")
@staff_required
def officer_delete_link(chain_id: int, link_id: int):
    chain = get_chain_or_404(chain_id, current_user)
    link = get_link_or_404(chain, link_id)
    perform(lambda: chains.delete_link(link, by=current_user), _("The link has been removed."))
    return redirect(_chain_url(chain.id))


# ---- officers: clarifications ---------------------------------------------------------------


@bp.get("/officer/questions")
@staff_required
def officer_questions():
    rows, page = paginate(queries.unanswered_queue(current_user))
    return render_template(
        "challenges/officer/questions.html",
        rows=rows,
        page=page,
        answer_forms={c.id: forms.AnswerForm(prefix=f"q{c.id}") for _challenge, c in rows},
    )


@bp.post("/officer/questions/<int:clarification_id>/answer")
@staff_required
def officer_answer(clarification_id: int):
    clarification = get_clarification_or_404(clarification_id, current_user)
    form = forms.AnswerForm(prefix=f"q{clarification.id}")
    return form_page(
        form,
        lambda: clarifications.answer(clarification, **form.to_input(), by=current_user),
        lambda: render_template(
            "challenges/officer/answer.html",
            clarification=clarification,
            challenge=clarification.challenge,
            form=form,
        ),
        success=_("The answer is published."),
        to=url_for(".officer_questions"),
    )
