"""Confirmed is a step of its own: the award is decided (立项) and its notice may be issued; the
project starts when an officer records its task book (任务书) signed, and an award whose task
book never comes is revoked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from portal import clock
from portal.audit import AuditEvent
from portal.awards import milestones, services
from portal.awards.models import Award
from portal.db import db
from portal.errors import DomainError
from portal.notifications.models import Notification
from portal.vocabulary import AwardStatus, MilestoneStatus
from tests.awards.helpers import START, confirm_as_proposed, within


@pytest.fixture
def confirmed(app, make_org, make_proposal, make_user, publicise, officer):
    """An award confirmed when its publicity ended (2026-03-09), and alice, of its lead."""
    lead = make_org("Alpha Tech")
    alice = make_user("alice@alpha.example", org=lead)
    award_id = publicise(make_proposal(lead=lead, status="awarded", title="Photoresist resin"))
    clock.set_now(START + timedelta(days=7))
    with within(app):
        confirm_as_proposed(award_id, officer.id)
        db.session.commit()
    return award_id, alice


def test_a_confirmed_award_waits_for_its_task_book(app, client, login, confirmed):
    award_id, alice = confirmed
    login(alice.email)
    mine = client.get("/projects").get_data(as_text=True)
    assert "Confirmed, task book due" in mine and "The task book is due" in mine
    page = client.get(f"/projects/{award_id}").get_data(as_text=True)
    assert "The task book is due within 30 days of the award notice" in page
    assert "Report this milestone" not in page
    with app.test_request_context():
        award = db.session.get(Award, award_id)
        with pytest.raises(DomainError, match="Only a running project's milestones"):
            milestones.report_milestone(
                award.milestones[0], by=alice, progress="Resin made.", values={}
            )
        note = db.session.exec(
            select(Notification).where(
                Notification.user_id == alice.id, Notification.kind == "award_confirmed"
            )
        ).one()
        assert "Sign the task book with the programme office within 30 days" in note.body


def test_the_officer_records_the_task_book_and_the_project_runs(
    app, client, login, confirmed, officer
):
    award_id, alice = confirmed
    login(officer.email)
    page = client.get(f"/projects/{award_id}").get_data(as_text=True)
    assert f'href="/projects/{award_id}/start"' in page

    response = client.post(
        f"/projects/{award_id}/start", data={"task_book_signed_on": "2026-03-09"}
    )

    assert response.status_code == 302
    with app.app_context():
        award = db.session.get(Award, award_id)
        assert award.status is AwardStatus.active
        assert str(award.task_book_signed_on) == "2026-03-09"
        assert (
            "award.started"
            in db.session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        )
        titles = db.session.exec(
            select(Notification.title).where(Notification.user_id == alice.id)
        ).all()
        assert "Project Photoresist resin has started" in titles
    login(alice.email)
    assert "Report this milestone" in client.get(f"/projects/{award_id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2026-03-08", "The task book is signed after the award is confirmed."),
        ("2026-03-10", "The day may not be in the future."),
        ("", "This field is required."),
    ],
)
def test_the_day_of_the_task_book_is_checked_next_to_its_field(
    app, client, login, confirmed, officer, day, message
):
    award_id, _alice = confirmed
    clock.set_now(START + timedelta(days=7, hours=1))  # 2026-03-09, 11:00 in Shanghai
    login(officer.email)
    response = client.post(f"/projects/{award_id}/start", data={"task_book_signed_on": day})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="task_book_signed_on-error"' in page and message in page
    with app.app_context():
        assert db.session.get(Award, award_id).status is AwardStatus.confirmed


def test_the_task_book_page_is_for_confirmed_awards_and_officers(
    client, login, confirmed, make_project, officer
):
    award_id, alice = confirmed
    login(alice.email)
    assert client.get(f"/projects/{award_id}/start").status_code == 403
    login(officer.email)
    assert client.get(f"/projects/{award_id}/start").status_code == 200
    assert client.get(f"/projects/{make_project()}/start").status_code == 404


def test_each_step_of_a_project_opens_only_in_its_state(client, login, confirmed, make_project):
    """Confirmed: the task book, or revoking it; running: final acceptance, or terminating it."""
    confirmed_id, _alice = confirmed
    running_id = make_project()
    login("officer@example.gov.cn")
    opens = {
        (step, award_id): client.get(f"/projects/{award_id}/{step}").status_code
        for step in ("start", "acceptance", "terminate")
        for award_id in (confirmed_id, running_id)
    }
    assert opens == {
        ("start", confirmed_id): 200,
        ("start", running_id): 404,
        ("acceptance", confirmed_id): 404,
        ("acceptance", running_id): 200,
        ("terminate", confirmed_id): 200,
        ("terminate", running_id): 200,
    }


def test_an_award_whose_task_book_never_comes_is_revoked(app, client, login, confirmed, officer):
    award_id, _alice = confirmed
    login(officer.email)
    page = client.get(f"/projects/{award_id}/terminate").get_data(as_text=True)
    assert "Revoke the award of Photoresist resin" in page and "refund_due" not in page

    response = client.post(
        f"/projects/{award_id}/terminate",
        data={"reason": "The task book was not signed within 30 days.", "revoke": "y"},
    )

    assert response.status_code == 302
    with app.app_context():
        award = db.session.get(Award, award_id)
        assert award.status is AwardStatus.revoked
        assert award.close_reason == "The task book was not signed within 30 days."
        assert {m.status for m in award.milestones} == {MilestoneStatus.cancelled}


def test_a_project_that_never_started_cannot_be_terminated(ctx, confirmed, officer):
    award_id, _alice = confirmed
    with pytest.raises(DomainError, match="Only a running project can be terminated"):
        services.terminate_project(db.session.get(Award, award_id), by=officer, reason="Late.")
