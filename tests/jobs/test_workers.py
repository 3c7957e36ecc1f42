"""Workers in processes of their own, as in production: a batch shared by two workers survives
one of them killed, jobs survive a Redis restart, and two hosts (two web servers, two workers)
share the database and the queue with every notice issued and every e-mail delivered once."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from datetime import timedelta

import pytest

from portal import clock
from portal.accounts.models import User
from portal.challenges.models import Challenge
from portal.db import db
from portal.jobs.engine import huey_for, pending
from portal.jobs.models import Job
from portal.notices import services
from portal.notices.models import Notice, NoticeBatch
from portal.notifications.models import OutboxMessage
from portal.proposals.models import Proposal
from portal.vocabulary import BatchStatus, JobStatus, ProposalStatus
from tests.factories import PASSWORD
from tests.jobs.fixtures import outbox, rows, tell
from tests.jobs.processes import Browser, wait_until
from tests.proposals.fixtures import attach, sign_as_leader

pytestmark = pytest.mark.slow


def pid_of(job: Job) -> int:
    return int(job.worker.split(":")[1])


def batch_jobs(app, batch_id: int) -> list[Job]:
    return rows(app, Job, Job.group == services.batch_group(batch_id))


def batch_of(app, batch_id: int) -> NoticeBatch:
    (batch,) = rows(app, NoticeBatch, NoticeBatch.id == batch_id)
    return batch


def start_batch(app, challenge_id: int, officer_id: int) -> int:
    with app.test_request_context():
        challenge = db.session.get(Challenge, challenge_id)
        batch = services.start_batch(challenge, by=db.session.get(User, officer_id))
        db.session.commit()
        return batch.id


def notice_sequence(app) -> list[int]:
    return sorted(int(re.search(r"〕(\d+)号", n.number).group(1)) for n in rows(app, Notice))


def test_a_batch_of_twenty_shared_by_two_workers_survives_one_killed_mid_batch(
    app, processes, shared_redis, make_challenge, make_award, make_org, officer
):
    challenge = make_challenge()
    awards = [make_award(challenge=challenge, lead=make_org(f"Lab {i:02d}")) for i in range(20)]
    first, second = processes.worker("worker-1"), processes.worker("worker-2")
    batch_id = start_batch(app, challenge.id, officer.id)

    def first_is_issuing():
        return [
            j
            for j in batch_jobs(app, batch_id)
            if j.status is JobStatus.running and pid_of(j) == first.pid
        ]

    (cut_short,) = wait_until(first_is_issuing, 120, "worker-1 to take a notice")
    first.kill()  # SIGKILL: no chance to finish or clean up
    first.wait()
    wait_until(
        lambda: batch_of(app, batch_id).status is BatchStatus.finished,
        240,
        "the batch to finish\n" + processes.logs(),
    )

    notices = rows(app, Notice)
    assert sorted(n.award_id for n in notices) == sorted(a.id for a in awards)
    assert notice_sequence(app) == list(range(1, 21))  # every number taken once, none lost
    assert len({n.code for n in notices}) == 20
    batch = batch_of(app, batch_id)
    assert (batch.done, batch.total, batch.failures) == (20, 20, [])
    jobs = {j.id: j for j in batch_jobs(app, batch_id)}
    assert all(j.status is JobStatus.done for j in jobs.values())
    rerun = jobs[cut_short.id]
    assert rerun.attempts == 2 and pid_of(rerun) == second.pid  # ran again on the other worker


def test_jobs_committed_around_a_redis_restart_are_not_lost(
    app, processes, private_redis, smtp, make_user
):
    for name in ("ann", "bob", "cy"):
        make_user(f"{name}@alpha.example")
    tell(app, "ann@alpha.example", "bob@alpha.example")
    with app.app_context():
        assert pending(huey_for(app)) == 2

    private_redis.stop()  # Redis goes away, and its messages with it
    tell(app, "cy@alpha.example")  # committed all the same: the job waits in the database
    private_redis.start()
    processes.worker("worker")

    for address in ("ann@alpha.example", "bob@alpha.example", "cy@alpha.example"):
        smtp.wait_for(address, timeout=60)
    time.sleep(2)  # time enough for a second delivery, which must not come
    assert Counter(m.to[0] for m in smtp.messages) == {
        "ann@alpha.example": 1,
        "bob@alpha.example": 1,
        "cy@alpha.example": 1,
    }
    assert all(m.sent_at is not None for m in outbox(app))


def test_two_hosts_share_the_database_and_the_queue(
    app,
    processes,
    shared_redis,
    smtp,
    make_user,
    make_org,
    make_challenge,
    make_proposal,
    make_award,
    officer,
):
    alpha = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=alpha, name="Alice")
    open_challenge = make_challenge(deadline=clock.now() + timedelta(days=60))
    draft = make_proposal(lead=alpha, challenge=open_challenge, status="draft")
    attach(app, draft.id)
    sign_as_leader(app, draft.id)
    decided = make_challenge(title="高端光刻胶")
    for i in range(8):
        lab = make_org(f"Lab {i}")
        make_user(f"lead{i}@lab{i}.example", org=lab)
        make_award(challenge=decided, lead=lab)
    host_a, host_b = processes.web("web-a"), processes.web("web-b")
    workers = {processes.worker("worker-1").pid, processes.worker("worker-2").pid}

    applicant = Browser(host_a)
    applicant.login("alice@alpha.example", PASSWORD)
    applicant.post(f"/proposals/{draft.id}/submit")
    staff = Browser(host_b)
    staff.login(officer.email, PASSWORD)
    batch_page = staff.post(f"/notices/challenges/{decided.id}/batch", language="en")
    batch_id = int(batch_page.rsplit("/", 1)[1])

    def finished():
        state = json.loads(staff.get(f"/notices/batches/{batch_id}/progress"))
        return state["finished"] and state

    state = wait_until(finished, 240, "the batch to finish\n" + processes.logs())
    assert (state["done"], state["failed"]) == (8, 0)
    assert rows(app, Proposal, Proposal.id == draft.id)[0].status is ProposalStatus.submitted
    assert {pid_of(j) for j in batch_jobs(app, batch_id)} == workers  # both did their share
    assert notice_sequence(app) == list(range(1, 9))

    expected = ["alice@alpha.example", *(f"lead{i}@lab{i}.example" for i in range(8))]
    for address in expected:
        smtp.wait_for(address, timeout=60)
    wait_until(lambda: all(m.sent_at for m in rows(app, OutboxMessage)), 60, "the outbox to empty")
    time.sleep(2)
    sent = Counter((m.to[0], m.subject) for m in smtp.messages)
    assert sent and set(sent.values()) == {1}  # each message delivered once
    assert len(smtp.messages) == len(outbox(app))
    assert any("submitted" in subject for to, subject in sent if to == "alice@alpha.example")
