"""The queue keeps every job: a failing one is retried with longer and longer waits and then
waits for an administrator; a killed worker's job runs again; a message the engine lost is
pushed again; a periodic job runs once per period however many schedulers there are."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal import clock, jobs
from portal.audit import AuditEvent
from portal.db import db
from portal.jobs import engine, registry, services, states
from portal.jobs.models import Job
from portal.vocabulary import JobStatus
from tests.jobs.fixtures import jobs_named, rows

CALLS: list[str] = []
BROKEN = {"flaky": True}


@jobs.job("tests.flaky", max_attempts=3)
def flaky(label: str) -> None:
    CALLS.append(label)
    if BROKEN["flaky"]:
        raise RuntimeError("the printer is on fire")


@jobs.job("tests.count")
def count(label: str) -> None:
    CALLS.append(label)


def hourly(now) -> None:
    CALLS.append(f"hourly {now:%H}")


@pytest.fixture(autouse=True)
def fresh_calls():
    CALLS.clear()
    BROKEN["flaky"] = True


def enqueue(app, name: str, **args) -> int:
    with app.test_request_context():
        job = jobs.enqueue(name, **args)
        db.session.commit()
        return job.id


def job(app, job_id: int) -> Job:
    (found,) = rows(app, Job, Job.id == job_id)
    return found


def test_a_failing_job_waits_longer_each_time_then_waits_for_an_administrator(
    app, client, login, make_user
):
    make_user("root@portal.example", role="admin")
    start = clock.now().replace(microsecond=0)
    clock.set_now(start)

    job_id = enqueue(app, "tests.flaky", label="a")  # runs at once, and fails

    assert job(app, job_id).status is JobStatus.retrying
    assert job(app, job_id).run_at == start + timedelta(seconds=10)
    clock.set_now(start + timedelta(seconds=10))
    with app.app_context():
        jobs.drain()
    assert job(app, job_id).run_at == start + timedelta(seconds=30)  # 10 s, then 20 s
    clock.set_now(start + timedelta(seconds=30))
    with app.app_context():
        jobs.drain()
    failed = job(app, job_id)
    assert failed.status is JobStatus.failed and failed.attempts == 3 and CALLS == ["a"] * 3
    assert failed.error == "RuntimeError: the printer is on fire"

    login("root@portal.example")
    page = client.get("/admin/jobs?status=failed").get_data(as_text=True)
    assert "tests.flaky" in page and "the printer is on fire" in page and "Run again now" in page
    BROKEN["flaky"] = False
    response = client.post(f"/admin/jobs/{job_id}/retry?status=failed")

    assert response.status_code == 302
    assert job(app, job_id).status is JobStatus.done and CALLS == ["a"] * 4
    assert f"Job {job_id} is queued again." in client.get(response.location).get_data(True)
    assert [e.action for e in rows(app, AuditEvent, AuditEvent.object_type == "job")] == [
        "job.retried"
    ]


def test_only_administrators_see_the_jobs(app, client, login, make_user):
    make_user("officer@gov.example", role="officer")
    make_user("ann@alpha.example")
    assert client.get("/admin/jobs").status_code == 302  # to the login page
    for email in ("officer@gov.example", "ann@alpha.example"):
        login(email)
        assert client.get("/admin/jobs").status_code == 403
        assert client.post("/admin/jobs/1/retry").status_code == 403


def test_a_job_whose_worker_was_killed_runs_again_once_its_lease_is_over(app, held_jobs):
    start = clock.now().replace(microsecond=0)
    clock.set_now(start)
    job_id = enqueue(app, "tests.count", label="b")
    with app.app_context():  # a worker takes it and is killed before it finishes
        assert states.claim(job_id, "host:1:dead", now=start, lease=timedelta(seconds=300))
        db.session.commit()

    assert held_jobs.run_all() == 0 and CALLS == []  # its worker may still be at it
    clock.set_now(start + timedelta(seconds=301))
    assert held_jobs.run_all() == 1

    done = job(app, job_id)
    assert done.status is JobStatus.done and done.attempts == 2 and CALLS == ["b"]
    assert not done.worker.startswith("host:1:")


def test_a_worker_that_lost_its_job_to_another_writes_nothing(app, held_jobs):
    job_id = enqueue(app, "tests.count", label="c")
    with app.app_context():
        assert states.claim(job_id, "a:1:x", now=clock.now(), lease=timedelta(seconds=1))
        db.session.commit()
        assert not states.claim(job_id, "b:2:y", now=clock.now(), lease=timedelta(seconds=1))
        assert not states.finish(job_id, "b:2:y", now=clock.now())
        assert states.finish(job_id, "a:1:x", now=clock.now())
        db.session.commit()
    assert job(app, job_id).status is JobStatus.done


def test_jobs_the_engine_lost_are_pushed_again(app, held_jobs, monkeypatch):
    monkeypatch.setattr(services, "periodic_definitions", lambda: [])  # this queue only
    start = clock.now().replace(microsecond=0)
    clock.set_now(start)
    job_id = enqueue(app, "tests.count", label="d")
    with app.app_context():
        huey = engine.huey_for(app)
        assert engine.pending(huey) == 1
        huey.flush()  # the engine restarted without its messages
        assert services.tick(start + timedelta(seconds=5)) == []  # may still be on its way
        assert services.tick(start + timedelta(seconds=61)) == [job_id]
        assert engine.pending(huey) == 1
        assert services.tick(start + timedelta(seconds=62)) == []  # given once is enough
    assert held_jobs.run_all() == 1 and CALLS == ["d"]


def test_a_periodic_job_runs_once_per_period_however_many_schedulers_tick(
    app, held_jobs, monkeypatch
):
    monkeypatch.setitem(
        registry.REGISTRY,
        "tests.hourly",
        registry.Definition("tests.hourly", hourly, 1, every=timedelta(hours=1)),
    )
    at_ten = clock.now().replace(hour=10, minute=5, second=0, microsecond=0)
    with app.app_context():
        for minutes in (0, 1, 30):  # two workers' rounds within the same hour
            services.tick(at_ten + timedelta(minutes=minutes))
            services.tick(at_ten + timedelta(minutes=minutes))
        services.tick(at_ten + timedelta(hours=1))
    held_jobs.run_all()
    assert sorted(j.key for j in jobs_named(app, "tests.hourly")) == [
        f"tests.hourly@{at_ten:%Y-%m-%d}T10:00:00Z",
        f"tests.hourly@{at_ten:%Y-%m-%d}T11:00:00Z",
    ]
    assert len([c for c in CALLS if c.startswith("hourly")]) == 2


def test_the_reminders_run_once_per_period_however_many_schedulers(app, held_jobs, monkeypatch):
    from portal.alerts import reminders

    seen = []
    monkeypatch.setattr(reminders, "run_due", seen.append)
    now = clock.now()
    with app.app_context():
        services.tick(now)
        services.tick(now)  # a second scheduler in the same period
    held_jobs.run_all()

    assert len(jobs_named(app, "alerts.reminders")) == 1 and len(seen) == 1


def test_jobs_done_long_ago_are_forgotten_and_failed_ones_kept(app, held_jobs):
    start = clock.now().replace(microsecond=0)
    clock.set_now(start)
    enqueue(app, "tests.count", label="e")
    failed_id = enqueue(app, "tests.flaky", label="f")
    with app.app_context():
        jobs.drain()
        db.session.execute(
            Job.__table__.update().where(Job.__table__.c.id == failed_id).values(max_attempts=1)
        )
        db.session.commit()
    clock.set_now(start + timedelta(seconds=10))
    held_jobs.run_all()
    assert job(app, failed_id).status is JobStatus.failed

    with app.app_context():
        assert services.forget_done(start + timedelta(days=29)) == 0
        assert services.forget_done(start + timedelta(days=31)) == 1
    assert [j.id for j in rows(app, Job)] == [failed_id]
