"""The jobs page's reads."""

from __future__ import annotations

from sqlmodel import func
from sqlmodel.sql.expression import Select

from portal.accounts.models import User
from portal.db import db
from portal.jobs import queries as job_queries
from portal.notifications.models import OutboxMessage
from portal.operations.permissions import visible_jobs, visible_outbox
from portal.vocabulary import JobStatus

counts = job_queries.counts


def jobs(user: User, status: JobStatus | None) -> Select:
    return job_queries.job_list(visible_jobs(user), status)


def mail_not_sent(user: User, limit: int = 20) -> tuple[list[OutboxMessage], int]:
    """The messages still waiting to leave, those tried most often first (failing ones stand
    out), at most `limit`, and how many wait in all."""
    waiting = visible_outbox(user).where(OutboxMessage.sent_at.is_(None))
    total = db.session.exec(waiting.with_only_columns(func.count())).one()
    rows = db.all(
        waiting.order_by(OutboxMessage.attempts.desc(), OutboxMessage.created_at).limit(limit)
    )
    return list(rows), total
