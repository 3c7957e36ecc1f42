"""The jobs page's reads: counts per state and the list, newest first."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.sql.expression import Select

from portal.db import db
from portal.jobs.models import Job
from portal.vocabulary import JobStatus


def counts() -> dict[JobStatus, int]:
    rows = db.session.execute(select(Job.status, sa.func.count()).group_by(Job.status)).all()
    found = dict(rows)
    return {status: found.get(status, 0) for status in JobStatus}


def job_list(base: Select, status: JobStatus | None = None) -> Select:
    """`base` (the jobs the reader may see) in one state or all, the latest first."""
    if status is not None:
        base = base.where(Job.status == status)
    return base.order_by(Job.created_at.desc(), Job.id.desc())
