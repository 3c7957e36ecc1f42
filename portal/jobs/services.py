"""Enqueueing, running and looking after jobs.

- `enqueue(name, **args)`: a job row in the caller's transaction; it is handed to the engine
  once that transaction commits (never if it rolls back).
- `execute(job_id)`: what a worker does with a job id: claim the row (one worker wins), run the
  registered function, and mark it done in the same transaction as the function's own writes; on
  an error roll back and schedule the next attempt with exponential back-off (or fail it).
- `tick()`: what every worker does every few seconds: release jobs whose worker died, start
  each periodic job once per period, and push again jobs the engine lost.
- `drain()`: run every due job here and now (tests, and a command that waits for its work).
- `remember(key, compute)`: a value a job keeps across attempts (a notice number taken once).
- `forget_done()`: jobs done long ago leave the table (each worker calls it once an hour).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlmodel import select

from portal import audit, clock
from portal.db import db
from portal.errors import DomainError
from portal.i18n import gettext as _
from portal.jobs import engine, states
from portal.jobs.models import Job
from portal.jobs.registry import REGISTRY, Retry, periodic_definitions
from portal.vocabulary import JobStatus

log = logging.getLogger("portal.jobs")
WAITING = (JobStatus.queued, JobStatus.retrying)
WORKER_STOPPED = "The worker stopped before the job finished; it runs again."


@dataclass
class Running:
    job_id: int
    worker: str
    saved: dict[str, Any] = field(default_factory=dict)


_running: ContextVar[Running | None] = ContextVar("portal_job", default=None)


class LeaseLost(RuntimeError):
    """Another worker took this job over (its lease ran out): this attempt must stop."""


# ---- enqueueing ------------------------------------------------------------------------------


def enqueue(
    name: str,
    *,
    group: str = "",
    key: str | None = None,
    run_at: datetime | None = None,
    **args: Any,
) -> Job:
    """A job `name` (registered with @job) with JSON `args`, in the current transaction."""
    definition = REGISTRY[name]
    now = clock.now()
    due = run_at is None or run_at <= now
    job = Job(
        name=name,
        args=args,
        group=group,
        key=key,
        max_attempts=definition.max_attempts,
        run_at=run_at or now,
        pushed_at=now if due else None,
        created_at=now,
    )
    db.session.add(job)
    db.session.flush()
    if due:
        _push_after_commit(job.id)
    return job


def _push_after_commit(job_id: int) -> None:
    app = current_app._get_current_object()
    db.on_commit(lambda: push(app, [job_id]))


def push(app, job_ids: list[int]) -> None:
    huey = engine.huey_for(app)
    if huey is not None:
        engine.send(huey, job_ids)
        return
    for job_id in job_ids:  # immediate: each in a thread (and session) of its own, now
        run_in_thread(app, job_id)


def run_in_thread(app, job_id: int) -> None:
    def run() -> None:
        with app.app_context():
            execute(job_id)

    thread = threading.Thread(target=run, name=f"job-{job_id}")
    thread.start()
    thread.join()


# ---- running ---------------------------------------------------------------------------------


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def backoff(attempts: int, config) -> timedelta:
    """1, 2, 4, 8 … × JOB_RETRY_SECONDS after each failed attempt, at most JOB_RETRY_MAX_SECONDS."""
    seconds = config["JOB_RETRY_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["JOB_RETRY_MAX_SECONDS"]))


def execute(job_id: int) -> bool:
    """Run job `job_id` if it is due and no other worker has it; True when it is done."""
    config = current_app.config
    worker = worker_name()
    lease = timedelta(seconds=config["JOB_LEASE_SECONDS"])
    claimed = states.claim(job_id, worker, now=clock.now(), lease=lease)
    db.session.commit()
    if not claimed:
        return False
    job = db.session.get(Job, job_id, populate_existing=True)
    attempts, max_attempts, name = job.attempts, job.max_attempts, job.name
    token = _running.set(Running(job_id, worker, dict(job.saved or {})))
    try:
        definition = REGISTRY.get(name)
        if definition is None:
            raise DomainError(f"No job is registered as {name!r} in this process.")
        if definition.every is not None:
            definition.func(clock.now())
        else:
            definition.func(**job.args)
        if not states.finish(job_id, worker, now=clock.now()):
            raise LeaseLost(f"job {job_id} was taken over by another worker")
        db.session.commit()
        return True
    except LeaseLost:
        db.session.rollback()
        log.warning("job %s (%s) lost its lease; another worker runs it", job_id, name)
        return False
    except Exception as exc:
        db.session.rollback()
        if isinstance(exc, DomainError | Retry):
            error = str(exc)
            log.warning("job %s (%s), attempt %s: %s", job_id, name, attempts, error)
        else:
            error = f"{type(exc).__name__}: {exc}"
            log.exception("job %s (%s), attempt %s failed", job_id, name, attempts)
        now = clock.now()
        give_up = isinstance(exc, DomainError) or (
            max_attempts is not None and attempts >= max_attempts
        )
        retry_at = None if give_up else now + backoff(attempts, config)
        states.fail(job_id, worker, now=now, error=error[:2000], retry_at=retry_at)
        db.session.commit()
        return False
    finally:
        _running.reset(token)


def remember(key: str, compute: Callable[[], Any]) -> Any:
    """`compute()`'s value, computed and committed once per job: an attempt that runs again
    after a crash gets the value the first one kept (JSON). Outside a job: just `compute()`."""
    running = _running.get()
    if running is None:
        return compute()
    if key in running.saved:
        return running.saved[key]
    value = compute()
    saved = {**running.saved, key: value}
    c = Job.__table__.c
    kept = db.session.execute(
        sa.update(Job.__table__)
        .where(c.id == running.job_id, c.worker == running.worker)
        .values(saved=saved)
    ).rowcount
    if not kept:
        raise LeaseLost(f"job {running.job_id} was taken over by another worker")
    db.session.commit()
    running.saved = saved
    return value


def current_job_id() -> int | None:
    running = _running.get()
    return running.job_id if running else None


# ---- looking after the queue -----------------------------------------------------------------


def _due(now: datetime, *, group: str | None = None, limit: int = 100):
    c = Job.__table__.c
    statement = (
        select(c.id)
        .where(c.status.in_([s.value for s in WAITING]), c.run_at <= now)
        .order_by(c.run_at, c.id)
        .limit(limit)
    )
    if group is not None:
        statement = statement.where(c.group == group)
    return statement


def release_expired(now: datetime | None = None) -> int:
    released = states.release_expired(now or clock.now(), WORKER_STOPPED)
    if released:
        log.warning("%d job(s) whose worker stopped will run again", released)
    return released


def schedule_periodic(now: datetime) -> list[Job]:
    """One job per periodic definition and period, whoever asks first (the key is unique)."""
    made = []
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    for definition in periodic_definitions():
        if definition.when is not None and not definition.when():
            continue
        every = definition.interval(current_app.config)
        slot = epoch + every * ((now - epoch) // every)
        key = f"{definition.name}@{slot:%Y-%m-%dT%H:%M:%SZ}"
        if db.session.exec(select(Job.id).where(Job.key == key)).first() is not None:
            continue
        try:
            with db.session.begin_nested():
                made.append(enqueue(definition.name, key=key, group="periodic"))
        except sa.exc.IntegrityError:
            pass  # another scheduler started this period's run
    return made


def tick(now: datetime | None = None) -> list[int]:
    """A worker's round: release dead workers' jobs, start periodic jobs, and push the due jobs
    the engine has not been given (or lost: a restarted Redis). Returns the ids pushed."""
    app = current_app._get_current_object()
    now = now or clock.now()
    release_expired(now)
    schedule_periodic(now)
    c = Job.__table__.c
    not_given = sa.or_(c.pushed_at.is_(None), c.pushed_at < c.run_at)
    huey = engine.huey_for(app)
    if huey is not None and engine.pending(huey) == 0:
        # Nothing waits in the engine, yet these jobs wait in the database: their messages were
        # lost (the engine restarted without them, or died before it got them).
        lost_before = now - timedelta(seconds=app.config["JOB_REPUSH_SECONDS"])
        not_given = sa.or_(not_given, c.pushed_at < lost_before)
    ids = list(db.session.execute(_due(now, limit=500).where(not_given)).scalars())
    if ids:
        db.session.execute(sa.update(Job.__table__).where(c.id.in_(ids)).values(pushed_at=now))
    db.session.commit()
    if ids:
        push(app, ids)
    return ids


def drain(*, group: str | None = None, rounds: int = 10_000) -> int:
    """Run here every job that is due now (of `group`, or all), until none is left; jobs
    running elsewhere are left to their workers. Returns how many were done."""
    done = 0
    for _round in range(rounds):
        release_expired()
        ids = list(db.session.execute(_due(clock.now(), group=group, limit=50)).scalars())
        db.session.commit()
        if not ids:
            break
        for job_id in ids:
            done += execute(job_id)
    return done


def forget_done(now: datetime | None = None) -> int:
    """Delete the jobs done more than JOB_KEEP_DAYS ago (failed ones stay until retried)."""
    before = (now or clock.now()) - timedelta(days=current_app.config["JOB_KEEP_DAYS"])
    c = Job.__table__.c
    forgotten = db.session.execute(
        sa.delete(Job.__table__).where(c.status == JobStatus.done.value, c.finished_at < before)
    ).rowcount
    db.session.commit()
    return forgotten


def unfinished(group: str) -> int:
    """Jobs of `group` still queued, running or waiting to retry."""
    c = Job.__table__.c
    open_states = [JobStatus.queued.value, JobStatus.running.value, JobStatus.retrying.value]
    return db.session.execute(
        select(sa.func.count()).where(c.group == group, c.status.in_(open_states))
    ).scalar_one()


def retry(job: Job, *, by) -> Job:
    """An administrator runs a failed job (or one waiting to retry) again now."""
    if job.status not in (JobStatus.failed, JobStatus.retrying):
        raise DomainError(_("Only a failed job, or one waiting to retry, can be run again."))
    job = db.lock(job)
    if not states.requeue(job.id, now=clock.now()):
        raise DomainError(_("Only a failed job, or one waiting to retry, can be run again."))
    audit.record(by, "job.retried", job, after={"name": job.name, "args": job.args})
    db.session.execute(
        sa.update(Job.__table__).where(Job.__table__.c.id == job.id).values(pushed_at=clock.now())
    )
    _push_after_commit(job.id)
    db.session.refresh(job)
    return job
