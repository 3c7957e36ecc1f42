"""Clarifications (答疑): an applicant asks, an officer answers, the public reads it anonymously."""

from datetime import UTC, datetime

from sqlmodel import select

from portal import clock
from portal.challenges.models import Clarification
from portal.db import db
from portal.notifications.models import Notification
from tests.challenges.fixtures import publish_challenge

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
DEADLINE = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def test_an_answered_question_appears_publicly_without_the_askers_name(
    app, client, login, make_user, make_chain
):
    clock.set_now(NOW)
    link = make_chain()
    officer = make_user("officer@example.com", role="officer")
    _id, number = publish_challenge(app, officer.id, link.id, DEADLINE)
    make_user("alice@alpha.example", name="Alice Wang", org="Alpha Semiconductor")

    assert "Log in as an applicant" in client.get(f"/challenges/{number}").get_data(as_text=True)
    login("alice@alpha.example")
    empty = client.post(f"/challenges/{number}/questions", data={"question": "  "})
    assert empty.status_code == 422 and 'id="question-error"' in empty.get_data(as_text=True)
    asked = client.post(
        f"/challenges/{number}/questions",
        data={"question": "May a university lead the consortium?"},
    )
    assert asked.status_code == 302
    # not public until answered
    assert "May a university lead" not in client.get(f"/challenges/{number}").get_data(as_text=True)

    login("officer@example.com")
    queue = client.get("/officer/questions").get_data(as_text=True)
    assert "May a university lead the consortium?" in queue
    with app.app_context():
        question = db.session.exec(select(Clarification)).one()
    blank = client.post(
        f"/officer/questions/{question.id}/answer", data={f"q{question.id}-answer": ""}
    )
    assert blank.status_code == 422
    client.post(
        f"/officer/questions/{question.id}/answer",
        data={f"q{question.id}-answer": "Yes, universities may lead."},
    )
    assert "Every question has been answered." in client.get("/officer/questions").get_data(
        as_text=True
    )

    client.post("/logout")
    page = client.get(f"/challenges/{number}").get_data(as_text=True)
    assert "May a university lead the consortium?" in page
    assert "Yes, universities may lead." in page
    assert "Alice" not in page and "Alpha Semiconductor" not in page
    assert "alice@alpha.example" not in page
    with app.app_context():
        note = db.session.exec(select(Notification)).one()
        assert note.title == f"Your question on {number} has been answered"


def test_only_applicants_ask_questions(app, client, login, make_user, make_chain):
    clock.set_now(NOW)
    link = make_chain()
    officer = make_user("officer@example.com", role="officer")
    _id, number = publish_challenge(app, officer.id, link.id, DEADLINE)
    make_user("expert@example.com", role="expert")
    login("expert@example.com")
    assert client.post(f"/challenges/{number}/questions", data={"question": "?"}).status_code == 403
    client.post("/logout")
    assert client.post(f"/challenges/{number}/questions", data={"question": "?"}).status_code == 302
