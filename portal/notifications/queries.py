"""The inbox's reads, built on the reader's own notifications (permissions.py)."""

from __future__ import annotations

from sqlmodel import func
from sqlmodel.sql.expression import Select

from portal.db import db
from portal.notifications.models import Notification, Reader
from portal.notifications.permissions import visible_notifications


def unread_count(reader: Reader) -> int:
    unread = visible_notifications(reader).where(Notification.read_at.is_(None))
    return db.session.exec(unread.with_only_columns(func.count())).one()


def inbox(reader: Reader) -> Select:
    """The reader's notifications, newest first (a Select to paginate)."""
    return visible_notifications(reader).order_by(
        Notification.created_at.desc(), Notification.id.desc()
    )
