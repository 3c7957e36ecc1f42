"""Officers issue every missing notice of a challenge at once, in the browser or on the console."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlmodel import delete, select

from portal.awards.models import Award, Milestone
from portal.db import db
from portal.notices.models import Notice, NoticeBatch
from portal.vocabulary import BatchStatus
from tests.notices.fixtures import issue

pytestmark = pytest.mark.slow


def without_milestones(app, award: Award) -> None:
    """An award that cannot be printed: its milestones gone (written around the services)."""
    with app.app_context():
        db.session.exec(delete(Milestone).where(Milestone.award_id == award.id))
        db.session.commit()


@pytest.fixture
def challenge_with_awards(app, make_challenge, make_award, make_org, officer):
    """Three confirmed awards (one already noticed), one in publicity, one elsewhere."""
    challenge = make_challenge(title="高端光刻胶")
    awards = [make_award(challenge=challenge, lead=make_org(f"Team {i}")) for i in range(3)]
    make_award(challenge=challenge, lead=make_org("Waiting Co"), status="in_publicity")
    make_award(lead=make_org("Other Challenge Co"))
    already = issue(app, awards[0], officer)
    return challenge, awards, already


def test_the_workers_issue_the_batch_while_its_page_follows_them_and_zips_them(
    app, client, login, officer, challenge_with_awards, held_jobs
):
    challenge, awards, already = challenge_with_awards
    login(officer.email)
    overview = client.get(f"/notices/challenges/{challenge.id}").get_data(as_text=True)
    assert "2 confirmed awards have no notice yet." in overview

    started = client.post(f"/notices/challenges/{challenge.id}/batch", data={"language": "zh"})
    batch_url = started.headers["Location"]
    page = client.get(batch_url).get_data(as_text=True)
    assert "0</span> / 2" in page and "The workers are issuing the notices" in page
    assert client.get(f"{batch_url}/progress").get_json() == {
        "done": 0,
        "total": 2,
        "failed": 0,
        "finished": False,
    }

    assert held_jobs.run_one() and "1</span> / 2" in client.get(batch_url).get_data(as_text=True)
    held_jobs.run_all()  # the rest, and the mail they queued

    state = client.get(f"{batch_url}/progress").get_json()
    assert state == {"done": 2, "total": 2, "failed": 0, "finished": True}
    page = client.get(batch_url).get_data(as_text=True)
    assert "Download all notices (ZIP)" in page
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{batch_url}/zip").data))
    with app.app_context():
        issued = db.session.exec(select(Notice).where(Notice.batch_id.is_not(None))).all()
        noticed = {n.award_id for n in db.session.exec(select(Notice))}
    assert sorted(archive.namelist()) == sorted(f"{n.number}-v1.pdf" for n in issued)
    assert all(archive.read(name).startswith(b"%PDF-") for name in archive.namelist())
    assert noticed == {a.id for a in awards}
    assert len({n.number for n in issued} | {already.number}) == 3


def test_an_award_that_cannot_be_printed_is_reported_and_the_rest_issued(
    app, client, login, officer, challenge_with_awards
):
    challenge, awards, _already = challenge_with_awards
    without_milestones(app, awards[1])
    login(officer.email)

    started = client.post(f"/notices/challenges/{challenge.id}/batch", data={"language": "en"})

    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "1 award could not be issued" in page
    assert "The award has no milestones, so there is no tranche schedule." in page
    with app.app_context():
        batch = db.session.exec(select(NoticeBatch)).one()
    assert batch.status is BatchStatus.finished and batch.done == 1


def test_a_challenge_with_every_notice_issued_has_no_batch(
    app, client, login, officer, make_challenge, make_award, make_org
):
    challenge = make_challenge()
    issue(app, make_award(challenge=challenge), officer)
    login(officer.email)

    response = client.post(f"/notices/challenges/{challenge.id}/batch", data={"language": "zh"})

    assert response.status_code == 422
    assert "already has its notice" in response.get_data(as_text=True)


def test_applicants_cannot_run_batches(client, login, make_user, challenge_with_awards):
    challenge, _awards, _already = challenge_with_awards
    make_user("alice@team-1.example")
    login("alice@team-1.example")
    response = client.post(f"/notices/challenges/{challenge.id}/batch", data={"language": "zh"})
    assert response.status_code == 403


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_command_line_issues_the_notices_into_a_folder(
    app, challenge_with_awards, tmp_path, workers
):
    challenge, awards, _already = challenge_with_awards
    out = tmp_path / "out"

    result = app.test_cli_runner().invoke(
        args=[
            "notices",
            "issue",
            "--challenge",
            challenge.number,
            "--out",
            str(out),
            "--workers",
            workers,
        ]
    )

    assert result.exit_code == 0, result.output
    assert f"2 notices issued for {challenge.number}" in result.output
    files = sorted(out.iterdir())
    assert len(files) == 2 and all(f.read_bytes().startswith(b"%PDF-") for f in files)
    with app.app_context():
        rows = db.session.exec(select(Notice).where(Notice.batch_id.is_not(None))).all()
    assert sorted(f.name for f in files) == sorted(f"{n.number}-v1.pdf" for n in rows)


@pytest.mark.parametrize("workers", ["0", "1", "2"])
def test_the_command_line_works_on_the_batch_and_reports_what_it_could_not_issue(
    app, make_challenge, make_award, make_org, tmp_path, held_jobs, workers
):
    """The command's own processes claim the batch's jobs as a worker does (with 0 it only
    waits: here the queue's worker is this test, in a thread)."""
    challenge = make_challenge()
    awards = [make_award(challenge=challenge, lead=make_org(f"Lab {i}")) for i in range(6)]
    without_milestones(app, awards[2])

    command = ["notices", "issue", "--challenge", challenge.number, "--out", str(tmp_path)]
    with held_jobs.worker_thread(enabled=workers == "0"):
        result = app.test_cli_runner().invoke(args=[*command, "--workers", workers])

    assert result.exit_code == 0, result.output
    assert f"5 notices issued for {challenge.number}" in result.output
    assert f"not issued: award {awards[2].id}: The award has no milestones" in result.output
    with app.app_context():
        notices = db.session.exec(select(Notice)).all()
        batch = db.session.exec(select(NoticeBatch)).one()
    assert {n.award_id for n in notices} == {a.id for i, a in enumerate(awards) if i != 2}
    assert len({n.number for n in notices}) == 5
    assert batch.status is BatchStatus.finished and (batch.done, batch.total) == (5, 6)
    assert len(list(tmp_path.glob("*.pdf"))) == 5
