from __future__ import annotations

from sqlmodel import func, select

from portal.accounts.models import User
from portal.db import db
from portal.notifications.models import Notification


def unread_count(user: User) -> int:
    return db.session.exec(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).one()


def inbox(user: User):
    """The user's notifications, newest first (a Select to paginate)."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
