"""Telling people what happened: an inbox message for each, and an e-mail through the outbox
(written in the same transaction, sent by a job once it commits)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, has_app_context
from flask_babel import force_locale
from sqlmodel import update

from portal import clock
from portal.db import db
from portal.notifications import messages
from portal.notifications.mail import public_link, queue
from portal.notifications.models import Notification, Reader, Recipient


def notify(
    users: Iterable[Recipient], kind: str, *, link: str = "", **params
) -> list[Notification]:
    """Write the notification `kind` (an entry of portal.notifications.messages) for each active
    recipient, its title and body filled in with `params` in the recipient's own language."""
    message = messages.message(kind)
    default = current_app.config["BABEL_DEFAULT_LOCALE"] if has_app_context() else "en"
    made = []
    seen: set[int] = set()
    for user in users:
        if user.id in seen or not user.active:
            continue
        seen.add(user.id)
        with force_locale(user.language or default):
            title, body = message.render(params)
            note = Notification(
                user_id=user.id,
                kind=messages.kind_of(kind),
                title=title,
                body=body,
                link=link,
                created_at=clock.now(),
            )
            db.session.add(note)
            queue(db.session, user.email, title, f"{body}\n\n{public_link(link)}".strip())
        made.append(note)
    return made


def mark_read(note: Notification) -> None:
    if note.read_at is None:
        note.read_at = clock.now()


def mark_all_read(reader: Reader) -> None:
    db.session.exec(
        update(Notification)
        .where(Notification.user_id == reader.id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )
