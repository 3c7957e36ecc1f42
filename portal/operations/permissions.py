"""Who sees the queue: administrators only (jobs carry who and what of every module)."""

from __future__ import annotations

from flask import abort
from sqlmodel import false, select
from sqlmodel.sql.expression import Select

from portal.accounts.models import User
from portal.db import db
from portal.jobs.models import Job
from portal.notifications.models import OutboxMessage
from portal.vocabulary import Role


def _is_admin(user: User) -> bool:
    return user.is_authenticated and user.role is Role.admin


def visible_jobs(user: User) -> Select:
    statement = select(Job)
    return statement if _is_admin(user) else statement.where(false())


def visible_outbox(user: User) -> Select:
    statement = select(OutboxMessage)
    return statement if _is_admin(user) else statement.where(false())


def get_job_or_404(job_id: int, user: User) -> Job:
    job = db.session.exec(visible_jobs(user).where(Job.id == job_id)).first()
    if job is None:
        abort(404)
    return job
