"""A person's alert page (what they follow, answered questions, their calendar address) and the
calendar feed that the secret address serves to calendar clients."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.access import login_required, public
from portal.alerts import calendar, queries, subscriptions
from portal.alerts.forms import AnswersForm, SubscribeForm
from portal.alerts.permissions import (
    can_hear_answers,
    can_subscribe,
    get_feed_owner_or_404,
    get_subscription_or_404,
    visible_subscriptions,
)
from portal.formtools import first_display
from portal.i18n import gettext as _
from portal.paging import paginate
from portal.unit_of_work import perform, submit_form

bp = Blueprint("alerts", __name__)


def feed_address(token: str) -> str:
    """The calendar's address on the portal's public address (what calendar clients reach)."""
    path = url_for("alerts.feed", token=token)
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}{path}"


def _page(subscribe_form: SubscribeForm | None = None, answers_form: AnswersForm | None = None):
    settings = queries.settings_of(current_user)
    subscribe_form = subscribe_form or SubscribeForm(formdata=None)
    subscribe_form.offer(queries.followable_chains())
    if answers_form is None or first_display(answers_form):
        answers_form = AnswersForm.from_model(settings, formdata=None)
    followed, page = paginate(visible_subscriptions(current_user))
    token = settings.feed_token if settings else None
    return render_template(
        "alerts/index.html",
        subscribe_form=subscribe_form,
        answers_form=answers_form,
        followed=followed,
        page=page,
        can_subscribe=can_subscribe(current_user),
        can_hear_answers=can_hear_answers(current_user),
        feed_url=feed_address(token) if token else None,
    )


@bp.get("/alerts")
@login_required
def index():
    return _page()


@bp.post("/alerts/follow")
@login_required
def follow():
    if not can_subscribe(current_user):
        abort(403)  # officers, admins and evaluators follow nothing
    form = SubscribeForm()
    form.offer(queries.followable_chains())
    done, _subscription = submit_form(
        form, lambda: subscriptions.subscribe(by=current_user, **form.to_input())
    )
    if done:
        flash(_("You will be told of each challenge published there."), "success")
        return redirect(url_for(".index"))
    return _page(subscribe_form=form), 422


@bp.post("/alerts/subscriptions/<int:subscription_id>/remove")
@login_required
def unfollow(subscription_id: int):
    subscription = get_subscription_or_404(subscription_id, current_user)
    perform(
        lambda: subscriptions.unsubscribe(subscription, by=current_user),
        _("You no longer follow it."),
    )
    return redirect(url_for(".index"))


@bp.post("/alerts/answered-questions")
@login_required
def answered_questions():
    form = AnswersForm()
    done, _settings = submit_form(
        form, lambda: subscriptions.hear_answered_questions(by=current_user, **form.to_input())
    )
    if done:
        flash(_("Your choice is saved."), "success")
        return redirect(url_for(".index"))
    return _page(answers_form=form), 422


@bp.post("/alerts/calendar/reset")
@login_required
def reset_calendar():
    perform(
        lambda: subscriptions.reset_feed(by=current_user),
        _("Your calendar has a new address; the old one no longer works."),
    )
    return redirect(url_for(".index") + "#calendar")


@bp.get("/calendar/<token>.ics")
@public
def feed(token: str):
    """The calendar of whoever holds this secret address (calendar clients cannot log in)."""
    owner = get_feed_owner_or_404(token)
    response = Response(calendar.feed(owner), mimetype="text/calendar")
    response.headers["Content-Disposition"] = "inline; filename=jiebang.ics"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
