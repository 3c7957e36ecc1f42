"""Jobs in tests. By default (QUEUE_URL "immediate") each job runs as soon as its transaction
commits. `held_jobs` keeps them on a real queue instead (Huey on a SQLite file of the test's
own) with no worker, so that a test sees them wait and runs them itself, one by one or all."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest

from portal import jobs
from portal.db import db
from portal.jobs import services


class HeldJobs:
    def __init__(self, app) -> None:
        self.app = app

    def run_one(self) -> bool:
        """Run the next due job; True when there was one and it is done."""
        with self.app.app_context():
            job_id = db.session.execute(services._due(services.clock.now(), limit=1)).scalar()
            db.session.commit()
            return job_id is not None and services.execute(job_id)

    def run_all(self) -> int:
        with self.app.app_context():
            return jobs.drain()

    @contextmanager
    def worker_thread(self, enabled: bool = True):
        """A worker in a thread of this process while the block runs."""
        stop = threading.Event()

        def work() -> None:
            while not stop.wait(0.1):
                self.run_all()

        thread = threading.Thread(target=work, daemon=True)
        if enabled:
            thread.start()
        try:
            yield
        finally:
            stop.set()
            if enabled:
                thread.join(timeout=60)


@pytest.fixture
def held_jobs(app, monkeypatch, tmp_path) -> HeldJobs:
    monkeypatch.setitem(app.config, "QUEUE_URL", f"sqlite:///{tmp_path / 'queue.db'}")
    return HeldJobs(app)
