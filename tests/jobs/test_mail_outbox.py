"""Mail leaves through an outbox: written with the change, sent by a job, kept while the SMTP
server is away and sent once when it is back, in the recipient's language."""

from __future__ import annotations

from datetime import timedelta

from portal import clock
from portal.vocabulary import JobStatus
from tests.jobs.fixtures import drain, expected_title, jobs_named, outbox, tell


def test_a_notification_reaches_a_real_smtp_server_and_is_marked_sent(app, smtp, make_user):
    make_user("ann@alpha.example")

    tell(app, "ann@alpha.example")

    (received,) = smtp.to("ann@alpha.example")
    assert received.subject == "Award notice N-1 issued"
    assert "The award notice of your project is ready to download." in received.body
    (message,) = outbox(app)
    assert message.sent_at is not None and message.attempts == 1 and message.language == "en"
    (job,) = jobs_named(app, "mail.send")
    assert job.status is JobStatus.done and job.args == {"message_id": message.id}


def test_each_recipient_is_written_to_in_their_own_language(app, smtp, make_user):
    make_user("ann@alpha.example")
    make_user("li@alpha.example", language="zh")

    tell(app, "ann@alpha.example", "li@alpha.example")

    assert smtp.last("ann@alpha.example").subject == expected_title(app, "en")
    assert smtp.last("li@alpha.example").subject == expected_title(app, "zh")
    assert expected_title(app, "zh") != expected_title(app, "en")
    assert {m.to: m.language for m in outbox(app)} == {
        "ann@alpha.example": "en",
        "li@alpha.example": "zh",
    }


def test_a_change_rolled_back_sends_nothing(app, smtp, make_user):
    from portal.db import db
    from portal.notifications.services import notify

    user = make_user("ann@alpha.example")
    with app.test_request_context():
        notify([db.session.merge(user)], "account_activated")
        db.session.rollback()

    assert outbox(app) == [] and jobs_named(app, "mail.send") == []
    assert smtp.messages == []


def test_mail_waits_while_smtp_is_down_shows_as_failing_and_leaves_once_when_it_is_back(
    app, client, login, smtp, make_user
):
    make_user("root@portal.example", role="admin")
    make_user("ann@alpha.example")
    start = clock.now().replace(microsecond=0)
    clock.set_now(start)
    smtp.stop_server()

    tell(app, "ann@alpha.example")

    (message,) = outbox(app)
    assert message.sent_at is None and message.attempts == 1
    assert "Connection refused" in message.last_error or "ConnectionRefused" in message.last_error
    (job,) = jobs_named(app, "mail.send")
    assert job.status is JobStatus.retrying and job.run_at == start + timedelta(seconds=10)

    login("root@portal.example")
    page = client.get("/admin/jobs?status=retrying").get_data(as_text=True)
    assert "mail.send" in page and "Failed, will retry" in page
    assert "ConnectionRefused" in page or "Connection refused" in page
    assert "E-mail not sent yet (1)" in page and "Award notice N-1 issued" in page

    clock.set_now(start + timedelta(seconds=10))  # the next attempt, still down: waits longer
    assert drain(app) == 0
    (job,) = jobs_named(app, "mail.send")
    assert job.attempts == 2 and job.run_at == start + timedelta(seconds=30)

    smtp.start_server()
    clock.set_now(start + timedelta(seconds=29))
    assert drain(app) == 0 and smtp.messages == []  # not before its time
    clock.set_now(start + timedelta(seconds=30))
    assert drain(app) == 1
    clock.set_now(start + timedelta(hours=5))
    drain(app)

    assert len(smtp.to("ann@alpha.example")) == 1
    (message,) = outbox(app)
    assert message.sent_at == start + timedelta(seconds=30) and message.attempts == 3
    assert jobs_named(app, "mail.send")[0].status is JobStatus.done
    login("root@portal.example")  # hours later
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Every e-mail has been sent." in page


def test_without_an_smtp_server_notifications_reach_the_inbox_only(app, make_user):
    make_user("ann@alpha.example")
    tell(app, "ann@alpha.example")
    assert outbox(app) == [] and jobs_named(app, "mail.send") == []
