"""Who may follow what, and whose calendar a secret address opens.

- Applicants and experts follow chains and links, and only their own subscriptions are theirs
  to see and remove (another's is answered 404).
- Every logged-in user has a calendar feed; its address is a secret token, and anyone holding
  it reads the feed (calendar clients cannot log in). A token that was reset, or belongs to a
  deactivated account, opens nothing: 404.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy.orm import selectinload
from sqlmodel import select
from sqlmodel.sql.expression import Select

from portal.accounts.models import User
from portal.alerts.models import FOLLOWERS, AlertSettings, Subscription
from portal.db import db
from portal.vocabulary import Role


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_subscribe(user: User | None) -> bool:
    """Applicants and experts follow chains and links."""
    return _signed_in(user) and user.role in FOLLOWERS


def can_hear_answers(user: User | None) -> bool:
    """Applicants of an organisation may hear of answers on the challenges they draft for."""
    return _signed_in(user) and user.role is Role.applicant and user.organisation_id is not None


def can_keep_calendar(user: User | None) -> bool:
    return _signed_in(user)


def visible_subscriptions(user: User | None) -> Select:
    """The user's own subscriptions, with their chains and links."""
    owner = user.id if _signed_in(user) else None
    return (
        select(Subscription)
        .where(Subscription.user_id == owner)
        .options(selectinload(Subscription.chain), selectinload(Subscription.chain_link))
        .order_by(Subscription.id)
    )


def get_subscription_or_404(subscription_id: int, user: User | None) -> Subscription:
    found = db.session.exec(
        visible_subscriptions(user).where(Subscription.id == subscription_id)
    ).first()
    if found is None:
        abort(404)
    return found


def get_feed_owner_or_404(token: str) -> User:
    """The active user whose calendar address carries `token`; 404 for any other token."""
    if not token:
        abort(404)
    owner = db.session.exec(
        select(User)
        .join(AlertSettings, AlertSettings.user_id == User.id)
        .where(AlertSettings.feed_token == token, User.active)
    ).first()
    if owner is None:
        abort(404)
    return owner
