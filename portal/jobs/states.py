"""The states of a job: one table, and the only writer of Job.status.

Workers on several hosts race for the same rows, so every move is one conditional UPDATE
("… WHERE status IN (the states it may come from)"): of two workers claiming a job, exactly one
changes the row. Machine moves are not written to the audit trail (there are many, and the job
row itself is their record); an administrator's retry is.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.db import db
from portal.jobs.models import Job
from portal.vocabulary import JobStatus

TRANSITIONS = {
    JobStatus.queued: {JobStatus.running},
    JobStatus.running: {JobStatus.done, JobStatus.retrying, JobStatus.failed},
    JobStatus.retrying: {JobStatus.running, JobStatus.queued},
    JobStatus.failed: {JobStatus.queued},
}


def _sources(to: JobStatus) -> list[JobStatus]:
    return [source for source, targets in TRANSITIONS.items() if to in targets]


def _move(to: JobStatus, *conditions, **values) -> int:
    table = Job.__table__
    statement = (
        sa.update(table)
        .where(table.c.status.in_([s.value for s in _sources(to)]), *conditions)
        .values(status=to.value, **values)
    )
    return db.session.execute(statement).rowcount


def claim(job_id: int, worker: str, *, now: datetime, lease: timedelta) -> bool:
    """Take a due job for `worker` (True), unless another worker has it or it is not due."""
    c = Job.__table__.c
    return bool(
        _move(
            JobStatus.running,
            c.id == job_id,
            c.run_at <= now,
            attempts=c.attempts + 1,
            started_at=now,
            lease_until=now + lease,
            worker=worker,
        )
    )


def finish(job_id: int, worker: str, *, now: datetime) -> bool:
    """Done, if `worker` still holds the job (its lease was not given to another)."""
    c = Job.__table__.c
    return bool(
        _move(
            JobStatus.done,
            c.id == job_id,
            c.worker == worker,
            lease_until=None,
            finished_at=now,
            error="",
        )
    )


def fail(job_id: int, worker: str, *, now: datetime, error: str, retry_at: datetime | None):
    """The attempt failed: retrying from `retry_at`, or failed for good when it is None."""
    c = Job.__table__.c
    then = {"finished_at": now} if retry_at is None else {"run_at": retry_at}
    return _move(
        JobStatus.failed if retry_at is None else JobStatus.retrying,
        c.id == job_id,
        c.worker == worker,
        lease_until=None,
        error=error,
        **then,
    )


def release_expired(now: datetime, error: str) -> int:
    """Jobs whose worker stopped (killed, or lost its host) run again at once."""
    c = Job.__table__.c
    return _move(
        JobStatus.retrying,
        c.status == JobStatus.running.value,
        c.lease_until < now,
        lease_until=None,
        run_at=now,
        error=error,
    )


def requeue(job_id: int, *, now: datetime) -> bool:
    """A failed (or waiting) job queued again now, with its attempts counted afresh."""
    c = Job.__table__.c
    return bool(
        _move(
            JobStatus.queued,
            c.id == job_id,
            attempts=0,
            run_at=now,
            pushed_at=None,
            finished_at=None,
        )
    )
