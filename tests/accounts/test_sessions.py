"""A login ends: at logout (on the server, for every copy of the cookie), after a time without
activity, and after a fixed lifetime."""

from datetime import timedelta

from sqlmodel import select

from portal import clock
from portal.audit import AuditEvent
from portal.db import db
from tests.factories import PASSWORD


def logged_in(app, email: str):
    browser = app.test_client()
    response = browser.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def sent_to_login(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_cookie_saved_before_logout_gets_the_login_page_after_it(app, make_user):
    make_user("alice@alpha.example")
    alice = logged_in(app, "alice@alpha.example")
    alice.get("/inbox/")
    assert alice.get("/inbox/").status_code == 200
    saved = alice.get_cookie("session").value

    alice.post("/logout")

    thief = app.test_client()
    thief.set_cookie("session", saved)
    assert sent_to_login(thief.get("/inbox/"))
    assert sent_to_login(thief.get("/account"))
    assert sent_to_login(alice.get("/inbox/"))
    with app.app_context():
        assert db.session.exec(
            select(AuditEvent).where(AuditEvent.action == "user.logged_out").order_by(AuditEvent.id)
        ).one()


def test_logging_out_ends_the_accounts_other_browsers_too(app, make_user):
    """Logout is the one button a person has to end a session they forgot on another computer,
    or one that someone else is using: it ends all of the account's logins."""
    make_user("alice@alpha.example")
    office, laptop = logged_in(app, "alice@alpha.example"), logged_in(app, "alice@alpha.example")
    assert laptop.get("/account").status_code == 200
    office.post("/logout")
    assert sent_to_login(laptop.get("/account"))
    again = logged_in(app, "alice@alpha.example")
    assert again.get("/account").status_code == 200


def test_a_login_ends_after_the_idle_timeout_with_a_message(app, make_user):
    start = clock.now()
    clock.set_now(start)
    make_user("alice@alpha.example")
    alice = logged_in(app, "alice@alpha.example")
    idle = app.config["SESSION_IDLE_MINUTES"]
    assert idle == 120

    clock.set_now(start + timedelta(minutes=idle - 1))
    assert alice.get("/account").status_code == 200  # still there, and seen again now

    clock.set_now(start + timedelta(minutes=2 * idle - 2))
    assert alice.get("/account").status_code == 200

    clock.set_now(start + timedelta(minutes=3 * idle))
    response = alice.get("/account")
    assert sent_to_login(response)
    login_page = alice.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were logged out after 120 minutes without activity." in login_page


def test_an_active_login_still_ends_after_its_lifetime(app, make_user):
    start = clock.now()
    clock.set_now(start)
    make_user("alice@alpha.example")
    alice = logged_in(app, "alice@alpha.example")
    hours = app.config["SESSION_MAX_HOURS"]
    for hour in range(1, hours):
        clock.set_now(start + timedelta(hours=hour))
        assert alice.get("/account").status_code == 200, hour
    clock.set_now(start + timedelta(hours=hours))
    response = alice.get("/account")
    assert sent_to_login(response)
    assert "a login lasts at most 12 hours" in alice.get("/login").get_data(as_text=True)


def test_the_limits_come_from_the_settings(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    start = clock.now()
    clock.set_now(start)
    make_user("alice@alpha.example")
    alice = logged_in(app, "alice@alpha.example")
    clock.set_now(start + timedelta(minutes=6))
    assert sent_to_login(alice.get("/account"))
