"""Whose messages are whose: a person reads only their own inbox."""

from __future__ import annotations

from flask import abort
from sqlmodel import false, select
from sqlmodel.sql.expression import Select

from portal.db import db
from portal.notifications.models import Notification, Reader


def visible_notifications(reader: Reader) -> Select:
    """The reader's own notifications (none for someone not logged in)."""
    if not reader.is_authenticated:
        return select(Notification).where(false())
    return select(Notification).where(Notification.user_id == reader.id)


def get_notification_or_404(note_id: int, reader: Reader) -> Notification:
    """One of the reader's notifications; anyone else's answers 404."""
    note = db.session.exec(visible_notifications(reader).where(Notification.id == note_id)).first()
    if note is None:
        abort(404)
    return note
