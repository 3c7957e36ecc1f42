"""Helpers of the jobs' stories: reading job and outbox rows, telling someone something."""

from __future__ import annotations

from flask_babel import force_locale
from sqlmodel import select

from portal import jobs
from portal.accounts.models import User
from portal.db import db
from portal.i18n import gettext as _
from portal.jobs.models import Job
from portal.notifications.models import OutboxMessage
from portal.notifications.services import notify


def tell(app, *emails: str, number="N-1"):
    """Notify these users (in their own languages) and commit, as a service's change would."""
    with app.test_request_context():
        users = db.session.exec(select(User).where(User.email.in_(emails))).all()
        notify(users, "notice_issued", number=number)
        db.session.commit()


def expected_title(app, language: str, number: str = "N-1") -> str:
    with app.test_request_context(), force_locale(language):
        return _("Award notice %(number)s issued", number=number)


def rows(app, model, *where):
    with app.app_context():
        return list(db.session.exec(select(model).where(*where)).all())


def outbox(app) -> list[OutboxMessage]:
    return rows(app, OutboxMessage)


def jobs_named(app, name: str) -> list[Job]:
    return rows(app, Job, Job.name == name)


def drain(app) -> int:
    with app.app_context():
        return jobs.drain()
