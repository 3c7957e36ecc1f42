"""Anonymous visitors may be served a public page a few seconds old; logged-in users are served
a kept page only while the data it shows has not changed."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from portal import clock, pagecache
from portal.accounts.models import User
from portal.db import db
from portal.notifications.services import notify
from tests.factories import PASSWORD


@pytest.fixture
def cache_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_CACHE_SECONDS", 5)
    pagecache.clear()
    yield
    pagecache.clear()


def test_a_visitor_sees_a_new_challenge_once_the_cached_page_expires(
    client, make_challenge, cache_on, monkeypatch
):
    make_challenge(title="First challenge")
    assert "First challenge" in client.get("/challenges").get_data(as_text=True)
    make_challenge(title="Second challenge")
    assert "Second challenge" not in client.get("/challenges").get_data(as_text=True)

    later = pagecache.time.monotonic() + 6
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: later)
    assert "Second challenge" in client.get("/challenges").get_data(as_text=True)


def test_logged_in_users_always_see_the_live_page(
    client, make_challenge, make_user, login, cache_on
):
    make_challenge(title="First challenge")
    client.get("/challenges")
    make_user("alice@alpha.example")
    login("alice@alpha.example")
    make_challenge(title="Second challenge")
    assert "Second challenge" in client.get("/challenges").get_data(as_text=True)


def test_each_language_and_query_has_its_own_page(client, make_challenge, cache_on):
    make_challenge(title="Photoresist")
    english = client.get("/challenges", headers={"Accept-Language": "en"}).get_data(as_text=True)
    chinese = client.get("/challenges", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert 'lang="en"' in english and 'lang="zh-Hans"' in chinese
    assert client.get("/challenges?q=nothing-matches").get_data(as_text=True).count(
        "Photoresist"
    ) < english.count("Photoresist")


# ---- pages of logged-in users: kept until the data changes ------------------------------------


@pytest.fixture
def statements(app):
    """The SQL statements sent while the test runs, page cache on."""
    sent: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    yield sent
    sa.event.remove(db.engine, "before_cursor_execute", note)


def test_a_page_seen_again_is_served_without_rendering_until_something_changes(
    client, login, make_user, make_proposal, make_org, statements
):
    alpha = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=alpha)
    make_proposal(lead=alpha, title="Photoresist bid")
    login("alice@alpha.example")
    client.get("/proposals")  # shows the welcome message, so it is not kept

    assert "Photoresist bid" in client.get("/proposals").get_data(as_text=True)
    statements.clear()
    again = client.get("/proposals").get_data(as_text=True)
    assert "Photoresist bid" in again
    assert len(statements) == 1  # the data generation; not even the user is loaded

    make_proposal(lead=alpha, title="Second bid")
    statements.clear()
    assert "Second bid" in client.get("/proposals").get_data(as_text=True)
    assert len(statements) > 1


def test_a_change_saved_by_a_colleague_shows_at_once(app, login, make_user, make_org):
    alpha = make_org("Alpha Tech")
    alice_account = make_user("alice@alpha.example", org=alpha)
    make_user("alicia@alpha.example", org=alpha)
    alice, alicia = app.test_client(), app.test_client()
    for person, email in ((alice, "alice@alpha.example"), (alicia, "alicia@alpha.example")):
        person.post("/login", data={"email": email, "password": PASSWORD})
        person.get("/inbox/")
    assert "No messages" in alice.get("/inbox/").get_data(as_text=True)

    with app.app_context():  # as another worker would: its own session, its own commit
        notify(
            [db.session.get(User, alice_account.id)], "test", lambda: "Your proposal was returned"
        )
        db.session.commit()
    assert "Your proposal was returned" in alice.get("/inbox/").get_data(as_text=True)


def test_no_one_is_served_another_users_page(app, make_user):
    make_user("officer@gov.example", role="officer", name="Officer Wang")
    make_user("officer2@gov.example", role="officer", name="Officer Zhao")
    pages = {}
    for email in ("officer@gov.example", "officer2@gov.example"):
        person = app.test_client()
        person.post("/login", data={"email": email, "password": PASSWORD})
        person.get("/officer/challenges")
        pages[email] = person.get("/officer/challenges").get_data(as_text=True)
    assert "Officer Wang" in pages["officer@gov.example"]
    assert "Officer Zhao" in pages["officer2@gov.example"]
    assert "Officer Wang" not in pages["officer2@gov.example"]


def test_a_waiting_message_is_shown_not_a_kept_page(client, login, make_user):
    make_user("alice@alpha.example")
    login("alice@alpha.example")
    client.get("/inbox/")
    client.get("/inbox/")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Your proposal was saved.")]
    assert "Your proposal was saved." in client.get("/inbox/").get_data(as_text=True)


def test_what_the_clock_decides_is_rendered_again(
    client, login, make_user, make_proposal, make_org, make_challenge
):
    start = clock.now()
    clock.set_now(start)
    challenge = make_challenge(deadline=start + timedelta(days=3, hours=5, minutes=30))
    alpha = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=alpha)
    make_proposal(lead=alpha, challenge=challenge, status="draft")
    login("alice@alpha.example")
    client.get("/proposals")
    assert "3 days 5 hours left" in client.get("/proposals").get_data(as_text=True)
    clock.set_now(start + timedelta(hours=1))
    assert "3 days 4 hours left" in client.get("/proposals").get_data(as_text=True)


def test_a_deactivated_account_is_not_served_its_kept_page(app, client, login, make_user):
    make_user("alice@alpha.example", name="Alice")
    login("alice@alpha.example")
    client.get("/inbox/")
    assert client.get("/inbox/").status_code == 200
    with app.app_context():
        alice = db.session.exec(select(User).where(User.email == "alice@alpha.example")).one()
        alice.active = False
        db.session.commit()
    response = client.get("/inbox/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_session_cookie_taken_to_another_browser_is_not_served_the_page(
    app, client, login, make_user
):
    make_user("alice@alpha.example")
    login("alice@alpha.example")
    client.get("/inbox/")
    assert client.get("/inbox/").status_code == 200
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    response = thief.get("/inbox/", headers={"User-Agent": "Another browser"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
