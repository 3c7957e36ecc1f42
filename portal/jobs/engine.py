"""The queue engine: Huey, which carries job ids from whoever enqueues to the workers.

`QUEUE_URL` chooses its storage: `sqlite:///path` (the default, a file beside the database, for
one machine), `redis://host:port/db` (several hosts), or `immediate` (tests: no engine, each
job runs in a thread of its own as soon as its transaction commits). The engine holds nothing
that the database does not: a message it loses is pushed again (portal/jobs/services.tick).
"""

from __future__ import annotations

import logging

from flask import Flask

IMMEDIATE = "immediate"
log = logging.getLogger("portal.jobs")


def huey_for(app: Flask):
    """The application's Huey (None in immediate mode), made once per QUEUE_URL."""
    url = app.config["QUEUE_URL"]
    if url == IMMEDIATE:
        return None
    made = app.extensions.setdefault("portal.jobs", {})
    if url not in made:
        made[url] = _make(app, url, app.config["QUEUE_NAME"])
    return made[url]


def _make(app: Flask, url: str, name: str):
    from huey import RedisHuey, SqliteHuey

    if url.startswith(("redis://", "rediss://", "unix://")):
        huey = RedisHuey(name, url=url, results=False)
    elif url.startswith("sqlite:///"):
        huey = SqliteHuey(name, filename=url.removeprefix("sqlite:///"), results=False)
    else:
        raise ValueError(f"QUEUE_URL must be sqlite:///…, redis://… or immediate, not {url!r}")

    @huey.task(name="portal.run_job")
    def run_job(job_id: int) -> None:
        from portal.jobs.services import execute

        with app.app_context():
            execute(job_id)

    huey.portal_run_job = run_job
    return huey


def send(huey, job_ids: list[int]) -> None:
    """Hand the jobs to the engine; a failure is logged (the next tick pushes them again)."""
    try:
        for job_id in job_ids:
            huey.portal_run_job(job_id)
    except Exception:  # the engine is down: the rows wait in the database
        log.exception("could not hand %d job(s) to the queue", len(job_ids))


def pending(huey) -> int | None:
    """Messages waiting in the engine (None when it cannot be asked)."""
    try:
        return huey.pending_count()
    except Exception:
        log.exception("could not count the queue")
        return None
