"""Deadlines stay fair: a challenge is published with at least MIN_APPLICATION_DAYS to go; an
amendment may always extend the deadline; bringing it forward needs MIN_NOTICE_DAYS of notice
and a second staff member; applicants with a proposal in progress are told, in their
language."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from portal import clock
from portal.accounts.models import User
from portal.challenges import services
from portal.challenges.models import Challenge, ChallengeVersion, DeadlineChange
from portal.db import db
from portal.errors import DomainError, NotAllowed
from portal.notifications.models import Notification
from portal.vocabulary import ChallengeStatus, DeadlineChangeStatus
from tests.challenges.fixtures import draft_data, form_values, publish_challenge

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai
DEADLINE = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def local(moment: datetime) -> str:
    """How the form takes a moment: local time in Shanghai (UTC+8)."""
    return (moment + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def published(app, make_user, make_org, make_proposal, make_chain):
    """A published challenge with Alice's draft (Alice reads Chinese); two officers."""
    clock.set_now(NOW)
    link = make_chain()
    officer = make_user("officer@example.com", role="officer", name="Officer Wang")
    make_user("second@example.com", role="officer", name="Officer Li")
    challenge_id, _number = publish_challenge(app, officer.id, link.id, DEADLINE)
    with app.app_context():
        challenge = db.session.get(Challenge, challenge_id)
    alpha = make_org("Alpha Drive")
    make_user("alice@alpha.example", org=alpha, language="zh")
    make_proposal(lead=alpha, challenge=challenge, status="draft")
    return challenge_id


def state(app, challenge_id: int) -> tuple[datetime, int, int]:
    """(deadline, version, deadline changes recorded)."""
    with app.app_context():
        challenge = db.session.get(Challenge, challenge_id)
        changes = db.session.exec(select(func.count()).select_from(DeadlineChange)).one()
        return challenge.deadline, challenge.version, changes


def amend(client, login, challenge_id: int, deadline: datetime, reason: str):
    """The first officer sends the amend form as the browser would, with a new deadline and a
    reason."""
    login("officer@example.com")
    html = client.get(f"/officer/challenges/{challenge_id}/amend").get_data(as_text=True)
    values = form_values(html)
    values.update(deadline=[local(deadline)], reason=[reason], save=["Publish the amendment"])
    return client.post(f"/officer/challenges/{challenge_id}/amend", data=values)


def approve(change_id: int, email: str) -> None:
    """The service's approval by the staff member with this address (in a request context)."""
    by = db.session.exec(select(User).where(User.email == email)).one()
    services.approve_deadline_change(db.session.get(DeadlineChange, change_id), by=by)


def told(app, email: str) -> list[Notification]:
    with app.app_context():
        user = db.session.exec(select(User).where(User.email == email)).one()
        return list(
            db.session.exec(
                select(Notification).where(
                    Notification.user_id == user.id, Notification.kind == "challenge_amended"
                )
            )
        )


def test_publishing_with_too_short_a_window_is_refused(app, client, login, make_user, make_chain):
    clock.set_now(NOW)
    link = make_chain()
    officer = make_user("officer@example.com", role="officer")
    with app.test_request_context():
        me = db.session.get(User, officer.id)
        short = services.create_draft(draft_data(link.id, NOW + timedelta(days=10)), by=me)
        enough = services.create_draft(draft_data(link.id, NOW + timedelta(days=14)), by=me)
        db.session.commit()
        short_id, enough_id = short.id, enough.id
    login("officer@example.com")
    preview = client.get(f"/officer/challenges/{short_id}").get_data(as_text=True)
    assert "Applicants need at least 14 days" in preview and "Publish…" not in preview
    refused = client.post(f"/officer/challenges/{short_id}/publish", follow_redirects=True)
    assert "Applicants need at least 14 days" in refused.get_data(as_text=True)
    assert client.post(f"/officer/challenges/{enough_id}/publish").status_code == 302
    with app.app_context():
        assert db.session.get(Challenge, short_id).status is ChallengeStatus.draft
        assert db.session.get(Challenge, enough_id).status is ChallengeStatus.published
    app.config["MIN_APPLICATION_DAYS"] = 7  # the setting decides (PORTAL_MIN_APPLICATION_DAYS)
    assert client.post(f"/officer/challenges/{short_id}/publish").status_code == 302


def test_extending_takes_effect_and_applicants_are_told_in_their_language(
    app, client, login, published
):
    later = DEADLINE + timedelta(days=31)
    response = amend(client, login, published, later, "More time for the pilot batches.")
    assert response.status_code == 302
    assert state(app, published) == (later, 2, 0)
    (note,) = told(app, "alice@alpha.example")
    assert "2027-03-01 17:00" in note.body and "2027-04-01 17:00" in note.body
    assert "截止时间" in note.body  # in Chinese, Alice's language


def test_shortening_inside_the_notice_period_is_refused_at_the_field(app, client, login, published):
    soon = NOW + timedelta(days=3)
    response = amend(client, login, published, soon, "The budget year ends early.")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="deadline-error"' in html and "7 days&#39; notice" in html
    assert local(soon) in html and "The budget year ends early." in html  # typed values kept
    assert state(app, published) == (DEADLINE, 1, 0)  # nothing written
    assert told(app, "alice@alpha.example") == []


def test_shortening_outside_the_notice_period_waits_for_a_second_approver(
    app, client, login, published
):
    earlier = NOW + timedelta(days=20)
    response = amend(client, login, published, earlier, "The ministry moved the review forward.")
    assert response.status_code == 302
    assert state(app, published) == (DEADLINE, 1, 1)  # waits; nothing published yet
    assert told(app, "alice@alpha.example") == []
    page = client.get(f"/officer/challenges/{published}").get_data(as_text=True)
    assert "waits for a second staff member" in page
    assert "Approve the earlier deadline" not in page  # not for the one who proposed it
    with app.app_context():
        change_id = db.session.exec(select(DeadlineChange.id)).one()
    client.post(f"/officer/deadline-changes/{change_id}/approve")
    assert state(app, published) == (DEADLINE, 1, 1)
    with app.test_request_context(), pytest.raises(NotAllowed):
        approve(change_id, "officer@example.com")

    login("second@example.com")
    page = client.get(f"/officer/challenges/{published}").get_data(as_text=True)
    assert "Approve the earlier deadline" in page and "Officer Wang" in page
    assert client.post(f"/officer/deadline-changes/{change_id}/approve").status_code == 302
    assert state(app, published) == (earlier, 2, 1)
    with app.app_context():
        change = db.session.get(DeadlineChange, change_id)
        assert change.status is DeadlineChangeStatus.approved
        assert change.decided_by_id != change.proposed_by_id
        version = db.session.exec(
            select(ChallengeVersion).where(ChallengeVersion.version == 2)
        ).one()
        assert version.reason == "The ministry moved the review forward."
    (note,) = told(app, "alice@alpha.example")
    assert "截止时间" in note.body


def test_an_approval_that_comes_too_late_for_the_notice_is_refused(app, client, login, published):
    earlier = NOW + timedelta(days=10)
    amend(client, login, published, earlier, "Moved forward.")
    with app.app_context():
        change_id = db.session.exec(select(DeadlineChange.id)).one()
    clock.set_now(NOW + timedelta(days=4))  # six days' notice left
    with app.test_request_context(), pytest.raises(DomainError, match="notice"):
        approve(change_id, "second@example.com")
    login("second@example.com")
    blank = client.post(f"/officer/deadline-changes/{change_id}/return", data={"reason": "  "})
    assert blank.status_code == 422 and 'id="reason-error"' in blank.get_data(as_text=True)
    returned = client.post(
        f"/officer/deadline-changes/{change_id}/return", data={"reason": "Too late now."}
    )
    assert returned.status_code == 302
    assert state(app, published) == (DEADLINE, 1, 1)
    with app.app_context():
        assert db.session.get(DeadlineChange, change_id).status is DeadlineChangeStatus.returned
