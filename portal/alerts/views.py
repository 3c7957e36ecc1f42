"""A person's alert page (what they follow, answered questions, their calendar address) and the
calendar feed that the secret address serves to calendar clients."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, abort, current_app, redirect, url_for
from flask_login import current_user

from portal.access import login_required, public
from portal.alerts import calendar, permissions, queries, subscriptions
from portal.alerts.forms import AnswersForm, SubscribeForm
from portal.formtools import first_display
from portal.i18n import gettext as _
from portal.paging import list_page
from portal.unit_of_work import form_page, perform

bp = Blueprint("alerts", __name__)


def feed_address(token: str) -> str:
    """The calendar's address on the portal's public address (what calendar clients reach)."""
    path = url_for("alerts.feed", token=token)
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}{path}"


def _page(subscribe_form: SubscribeForm | None = None, answers_form: AnswersForm | None = None):
    settings = queries.settings_of(current_user)
    subscribe_form = subscribe_form or SubscribeForm(formdata=None).offer(
        queries.followable_chains()
    )
    if answers_form is None or first_display(answers_form):
        answers_form = AnswersForm.from_model(settings, formdata=None)
    token = settings.feed_token if settings else None
    may = {
        "can_subscribe": permissions.can_subscribe(current_user),
        "can_hear_answers": permissions.can_hear_answers(current_user),
    }
    return list_page(
        "alerts/index.html",
        permissions.visible_subscriptions(current_user),
        "followed",
        **may,
        subscribe_form=subscribe_form,
        answers_form=answers_form,
        feed_url=feed_address(token) if token else None,
    )


@bp.get("/alerts")
@login_required
def index():
    return _page()


def _submit(form, service, success: str, name: str):
    """A form of the page (`name`): on success flash `success` and show the page afresh;
    otherwise the page again, with the form's problems next to its fields."""
    return form_page(
        form,
        lambda: service(by=current_user, **form.to_input()),
        lambda: _page(**{name: form}),
        success=success,
        to=url_for(".index"),
    )


@bp.post("/alerts/follow")
@login_required
def follow():
    if not permissions.can_subscribe(current_user):
        abort(403)  # officers, admins and evaluators follow nothing
    form = SubscribeForm().offer(queries.followable_chains())
    done = _("You will be told of each challenge published there.")
    return _submit(form, subscriptions.subscribe, done, "subscribe_form")


@bp.post("/alerts/subscriptions/<int:subscription_id>/remove")
@login_required
def unfollow(subscription_id: int):
    subscription = permissions.get_subscription_or_404(subscription_id, current_user)
    done = _("You no longer follow it.")
    perform(partial(subscriptions.unsubscribe, subscription, by=current_user), done)
    return redirect(url_for(".index"))


@bp.post("/alerts/answered-questions")
@login_required
def answered_questions():
    service, done = subscriptions.hear_answered_questions, _("Your choice is saved.")
    return _submit(AnswersForm(), service, done, "answers_form")


@bp.post("/alerts/calendar/reset")
@login_required
def reset_calendar():
    perform(
        partial(subscriptions.reset_feed, by=current_user),
        _("Your calendar has a new address; the old one no longer works."),
    )
    return redirect(url_for(".index") + "#calendar")


@bp.get("/calendar/<token>.ics")
@public
def feed(token: str):
    """The calendar of whoever holds this secret address (calendar clients cannot log in)."""
    owner = permissions.get_feed_owner_or_404(token)
    response = Response(calendar.feed(owner), mimetype="text/calendar")
    response.headers["Content-Disposition"] = "inline; filename=jiebang.ics"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
