"""Nothing typed is lost when a session ends: a form sent after the login ended sends its author
to log in, and after logging in they are back on the same form with what they had typed, not
saved until they save it themselves."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from portal import clock
from portal.challenges.models import Challenge
from portal.db import db
from portal.formstash import FormStash
from tests.factories import PASSWORD
from tests.hostile import form_values
from tests.proposals import fixtures as proposals_fixtures
from tests.proposals.fixtures import load, start_proposal

consortium = proposals_fixtures.consortium

APPROACH = "Route A: a chemically amplified resist, tuned over **three** pilot batches."
ENDED = "Your session had ended, so what you sent was not saved."
BACK = "What you typed is back in the form. It has not been saved yet"


def log_in(client, email: str, next_url: str | None = None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    response = client.post(url, data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def login_target(response) -> str:
    """Where the login page will send the person back to (its `next`)."""
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    return parse_qs(location.query)["next"][0]


def as_sent(html: str, marker: str) -> dict:
    """What the form holding `marker` sends as shown (a browser drops the line break that opens
    a textarea)."""
    values = form_values(html, marker)
    return {
        name: [value.removeprefix("\r\n").removeprefix("\n") for value in listed]
        for name, listed in values.items()
    }


def fill(client, path: str, marker: str, changes: dict) -> dict:
    """Open the form, type into it as a person would, and return what it would send."""
    values = as_sent(client.get(path).get_data(as_text=True), marker)
    values.update({name: [value] for name, value in changes.items()})
    return values


def kept_rows(app) -> list[FormStash]:
    with app.app_context():
        return db.session.exec(select(FormStash)).all()


def test_a_proposal_section_sent_after_the_idle_timeout_comes_back_after_login(
    app, client, consortium
):
    start = clock.now()
    clock.set_now(start)
    log_in(client, "alice@alpha.example")
    pid = start_proposal(app, client, consortium["challenge"])
    path = f"/proposals/{pid}/edit/general"
    typed = fill(client, path, "approach", {"approach": APPROACH, "title": "Pilot resist line"})

    clock.set_now(start + timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 5))
    sent = client.post(path, data=typed)
    assert sent.status_code == 302
    back_to = login_target(sent)
    assert back_to.startswith(f"{path}?restore=")
    assert ENDED in client.get(sent.headers["Location"]).get_data(as_text=True)
    assert load(app, pid).approach == ""  # nothing was saved

    after_login = log_in(client, "alice@alpha.example", next_url=back_to)
    page = client.get(after_login.headers["Location"]).get_data(as_text=True)
    assert BACK in page
    assert APPROACH.replace("*", "") in page.replace("*", "")
    assert 'value="Pilot resist line"' in page
    assert load(app, pid).approach == ""

    saved = client.post(path, data=as_sent(page, "approach"))
    assert saved.status_code == 302
    assert load(app, pid).approach == APPROACH


def test_a_challenge_form_sent_after_logging_out_elsewhere_comes_back(app, make_user, make_chain):
    make_chain()
    make_user("officer@gov.example", role="officer")
    desk, laptop = app.test_client(), app.test_client()
    log_in(desk, "officer@gov.example")
    log_in(laptop, "officer@gov.example")
    typed = fill(
        desk,
        "/officer/challenges/new",
        "title",
        {
            "title": "Domestic 28nm ArF photoresist",
            "statement": "Domestic supply covers under 5% of demand.",
            "criteria-0-name": "Technical route",
        },
    )
    laptop.post("/logout")  # ends every login of the account

    sent = desk.post("/officer/challenges/new", data=typed)
    back_to = login_target(sent)
    after_login = log_in(desk, "officer@gov.example", next_url=back_to)
    page = desk.get(after_login.headers["Location"]).get_data(as_text=True)
    assert 'value="Domestic 28nm ArF photoresist"' in page
    assert "Domestic supply covers under 5% of demand." in page
    assert 'value="Technical route"' in page  # the rubric as typed, not the default one
    with app.app_context():
        assert db.session.exec(select(Challenge)).all() == []


def test_what_was_kept_comes_back_once_and_only_to_its_owner(app, consortium):
    desk, laptop, colleague = app.test_client(), app.test_client(), app.test_client()
    log_in(desk, "alice@alpha.example")
    log_in(laptop, "alice@alpha.example")
    pid = start_proposal(app, desk, consortium["challenge"])
    path = f"/proposals/{pid}/edit/general"
    typed = fill(desk, path, "approach", {"approach": APPROACH})
    laptop.post("/logout")
    back_to = login_target(desk.post(path, data=typed))
    assert [row.user_id for row in kept_rows(app)] == [consortium["alice"].id]

    log_in(colleague, "alice2@alpha.example")  # a colleague who may edit the same proposal
    assert BACK not in colleague.get(back_to).get_data(as_text=True)

    log_in(desk, "alice@alpha.example")
    first = desk.get(back_to).get_data(as_text=True)
    assert BACK in first and "three" in first
    again = desk.get(back_to).get_data(as_text=True)
    assert BACK not in again and "three" not in again


def test_passwords_are_never_kept(app, client, make_user):
    make_user("alice@alpha.example")
    log_in(client, "alice@alpha.example")
    client.post("/logout")
    sent = client.post(
        "/account",
        data={"current": PASSWORD, "password": "a new secret phrase", "confirm": "same"},
    )
    assert sent.status_code == 302 and "/login" in sent.headers["Location"]
    assert kept_rows(app) == []
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Your session has ended. Please log in again." in page


def test_what_was_kept_expires(app, client, consortium):
    start = clock.now()
    clock.set_now(start)
    log_in(client, "alice@alpha.example")
    pid = start_proposal(app, client, consortium["challenge"])
    path = f"/proposals/{pid}/edit/general"
    typed = fill(client, path, "approach", {"approach": APPROACH})
    client.post("/logout")
    back_to = login_target(client.post(path, data=typed))
    clock.set_now(start + timedelta(minutes=31))
    log_in(client, "alice@alpha.example")
    page = client.get(back_to).get_data(as_text=True)
    assert "was kept for 30 minutes only" in page and "three" not in page


# ---- with the CSRF check on, as in production ------------------------------------------------


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_a_form_sent_from_a_browser_that_lost_its_session_comes_back(
    app, client, consortium, csrf_on
):
    login_page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data=form_values(login_page, "email")
        | {"email": ["alice@alpha.example"], "password": [PASSWORD]},
    )
    pid = start_proposal_with_token(app, client, consortium["challenge"])
    path = f"/proposals/{pid}/edit/general"
    typed = fill(client, path, "approach", {"approach": APPROACH})
    client.delete_cookie("session")  # the browser was closed, or the cookie expired

    elsewhere = client.post(path, data=typed, headers={"Origin": "https://evil.example"})
    assert elsewhere.status_code == 400 and kept_rows(app) == []

    sent = client.post(path, data=typed, headers={"Origin": "http://localhost"})
    back_to = login_target(sent)
    login_page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert ENDED in login_page
    client.post(
        sent.headers["Location"],
        data=form_values(login_page, "email")
        | {"email": ["alice@alpha.example"], "password": [PASSWORD]},
    )
    page = client.get(back_to).get_data(as_text=True)
    assert BACK in page and "three" in page
    assert load(app, pid).approach == ""


def test_a_stale_form_of_a_logged_in_user_comes_back_without_a_login(
    app, client, consortium, csrf_on
):
    login_page = client.get("/login").get_data(as_text=True)
    credentials = {"email": ["alice@alpha.example"], "password": [PASSWORD]}
    client.post("/login", data=form_values(login_page, "email") | credentials)
    pid = start_proposal_with_token(app, client, consortium["challenge"])
    path = f"/proposals/{pid}/edit/general"
    typed = fill(client, path, "approach", {"approach": APPROACH})
    # Logged out and in again in another tab: the session, and its token, are new.
    client.post("/logout", data={"csrf_token": typed["csrf_token"]})
    login_page = client.get("/login").get_data(as_text=True)
    client.post("/login", data=form_values(login_page, "email") | credentials)

    sent = client.post(path, data=typed, headers={"Referer": f"http://localhost{path}"})
    assert sent.status_code == 302
    assert urlsplit(sent.headers["Location"]).path == path
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "The form had expired, so what you sent was not saved." in page
    assert BACK in page and "three" in page


def start_proposal_with_token(app, client, challenge) -> int:
    page = client.get(f"/challenges/{challenge.number}").get_data(as_text=True)
    token = form_values(page, "csrf_token")["csrf_token"]
    client.post(f"/challenges/{challenge.number}/propose", data={"csrf_token": token})
    with app.app_context():
        from portal.proposals.models import Proposal

        return db.session.exec(
            select(Proposal.id).where(Proposal.challenge_id == challenge.id)
        ).one()
