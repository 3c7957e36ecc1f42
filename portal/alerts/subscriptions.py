"""Following chains and links, hearing of answered questions, and the calendar address: the
operations of a person's alert page, and the alerts that the challenges module's signals start
(receivers.py connects them)."""

from __future__ import annotations

import secrets

from portal import clock
from portal.accounts.models import User
from portal.alerts import queries
from portal.alerts.models import AlertSettings, Subscription
from portal.alerts.permissions import can_hear_answers, can_keep_calendar, can_subscribe
from portal.challenges.models import Chain, ChainLink, Challenge, Clarification
from portal.db import db
from portal.errors import ValidationFailed, require
from portal.i18n import gettext as _
from portal.notifications.services import notify
from portal.presentation import lazy_local


def _settings(user: User) -> AlertSettings:
    """The user's settings row, made on first use."""
    found = queries.settings_of(user)
    if found is None:
        found = AlertSettings(user_id=user.id)
        db.session.add(found)
    return found


# ---- following chains and links -------------------------------------------------------------


def subscribe(*, by: User, chain_id: int | None, link_id: int | None = None) -> Subscription:
    """Follow a whole chain, or one link of it (`link_id`, whose chain is taken)."""
    require(can_subscribe(by), _("Only applicants and experts follow chains."))
    link = db.session.get(ChainLink, link_id) if link_id is not None else None
    if link is not None:
        chain_id = link.chain_id
    chain = db.session.get(Chain, chain_id) if chain_id is not None else None
    if chain is None or (link_id is not None and link is None):
        raise ValidationFailed({"target": _("Choose a chain or a link.")})
    if queries.subscription_of(by, chain.id, link.id if link else None) is not None:
        raise ValidationFailed({"target": _("You follow this already.")})
    subscription = Subscription(
        user_id=by.id,
        chain_id=chain.id,
        chain_link_id=link.id if link else None,
        created_at=clock.now(),
    )
    db.session.add(subscription)
    return subscription


def unsubscribe(subscription: Subscription, *, by: User) -> None:
    require(subscription.user_id == by.id)
    db.session.delete(subscription)


def hear_answered_questions(*, by: User, wanted: bool) -> AlertSettings:
    """Whether each answered question on a challenge the user's organisation is drafting for
    reaches them."""
    require(can_hear_answers(by))
    settings = _settings(by)
    settings.answered_questions = bool(wanted)
    return settings


# ---- the calendar address -------------------------------------------------------------------


def reset_feed(*, by: User) -> str:
    """A new secret calendar address (the first, or one replacing the old, which stops
    working at once). Returns its token."""
    require(can_keep_calendar(by))
    settings = _settings(by)
    settings.feed_token = secrets.token_urlsafe(32)
    settings.feed_reset_at = clock.now()
    return settings.feed_token


# ---- alerts ---------------------------------------------------------------------------------


def tell_followers(challenge: Challenge) -> int:
    """Tell whoever follows the challenge's chain or link that it has been published."""
    link = challenge.chain_link
    made = notify(
        queries.followers_of(challenge),
        "challenge_published",
        link=f"/challenges/{challenge.number}",
        where=f"{link.chain.name} · {link.name}" if link is not None else "",
        number=challenge.number,
        title=challenge.title,
        deadline=lazy_local(challenge.deadline),
    )
    return len(made)


def tell_drafters(clarification: Clarification) -> int:
    """Tell the applicants drafting for the challenge, who asked for it, of an answer."""
    challenge = clarification.challenge
    made = notify(
        queries.drafters_hearing_answers(challenge.id, besides=clarification.asked_by_id),
        "clarification_published",
        link=f"/challenges/{challenge.number}#clarifications",
        number=challenge.number,
        question=clarification.question,
        answer=clarification.answer,
    )
    return len(made)
