"""Jobs: work that runs outside the request, recorded in the database.

The queue engine (portal/jobs/engine.py) only carries a job's id to a worker; the row says what
to do, how often it was tried, what went wrong and when it may run again. A job is written in
the same transaction as the change that asks for it, so it exists exactly when the change does.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from portal.columns import Row, enum_field, moment, stamp
from portal.db import checks, set_only_in
from portal.vocabulary import JobStatus


class Job(Row, table=True):
    __table_args__ = (
        sa.Index("ix_job_due", "status", "run_at"),
        # A running job holds a lease (until when its worker is trusted to be alive); a
        # finished one (done or failed) says when. Migration 0013 repeats these.
        *checks(
            lease=set_only_in("lease_until", "running"),
            finished=set_only_in("finished_at", "done", "failed"),
        ),
    )

    name: str = Field(max_length=80)  # the registered job, e.g. "mail.send"
    args: dict = Field(default_factory=dict, sa_type=sa.JSON)
    group: str = Field(default="", max_length=80, index=True)  # e.g. "notice_batch:12"
    key: str | None = Field(default=None, max_length=200, unique=True)  # once per key
    status: JobStatus = enum_field(JobStatus.queued)
    attempts: int = Field(default=0)
    max_attempts: int | None = Field(default=None)  # None: tried until it succeeds
    run_at: datetime = moment()  # not before
    pushed_at: datetime | None = stamp()  # handed to the engine
    started_at: datetime | None = stamp()
    lease_until: datetime | None = stamp()
    finished_at: datetime | None = stamp()
    worker: str = Field(default="", max_length=120)  # host:pid:token of the current attempt
    error: str = Field(default="")
    saved: dict = Field(default_factory=dict, sa_type=sa.JSON)  # what `remember` kept
    created_at: datetime = moment(index=True)
