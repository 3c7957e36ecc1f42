"""Login throttling slows a guesser down without locking the owner out: it counts per account and
address, waits longer after each failure, ignores attempts made while waiting, sees clients
behind a trusted proxy apart, and an administrator can clear it."""

from datetime import timedelta

import pytest
from sqlmodel import select

from portal import clock, create_app
from portal.audit import AuditEvent
from portal.db import db
from tests.factories import PASSWORD

pytestmark = pytest.mark.slow

OWNER_ADDRESS = "203.0.113.10"
ATTACKER_ADDRESS = "198.51.100.7"
ALICE = "alice@alpha.example"


def attempt(client, password: str, address: str, email: str = ALICE, **headers):
    """A login from `address`; the browser stays there (a session is bound to its address)."""
    client.environ_base["REMOTE_ADDR"] = address
    return client.post("/login", data={"email": email, "password": password}, headers=headers)


def waiting(response) -> bool:
    return response.status_code == 401 and "Too many failed attempts" in response.get_data(
        as_text=True
    )


@pytest.fixture
def frozen_clock():
    start = clock.now()
    clock.set_now(start)
    return start


@pytest.fixture
def address_limit(app, monkeypatch):
    """A per-address limit of 8 failures: the rule is the setting's, and each failure checked
    costs a password hash."""
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 8)
    return 8


def test_an_attacker_failing_50_times_cannot_keep_the_owner_out(app, make_user, frozen_clock):
    make_user(ALICE)
    owner, attacker = app.test_client(), app.test_client()
    assert attempt(owner, PASSWORD, OWNER_ADDRESS).status_code == 302  # her usual address
    owner.post("/logout")

    answers = [attempt(attacker, f"guess {n}", ATTACKER_ADDRESS) for n in range(50)]
    assert [r.status_code for r in answers[:5]] == [401] * 5
    assert all(waiting(r) for r in answers[5:])
    assert waiting(attempt(attacker, PASSWORD, ATTACKER_ADDRESS))  # even the right one waits

    assert attempt(owner, PASSWORD, OWNER_ADDRESS).status_code == 302
    assert owner.get("/account").status_code == 200


def test_each_failure_past_the_free_ones_doubles_the_wait(app, client, make_user, frozen_clock):
    make_user(ALICE)
    for _ in range(5):
        attempt(client, "wrong", ATTACKER_ADDRESS)
    first = attempt(client, PASSWORD, ATTACKER_ADDRESS)
    assert "Please wait 1 minute" in first.get_data(as_text=True)

    clock.set_now(frozen_clock + timedelta(minutes=1))
    assert attempt(client, "wrong again", ATTACKER_ADDRESS).status_code == 401  # the 6th
    assert "Please wait 2 minutes" in attempt(client, PASSWORD, ATTACKER_ADDRESS).get_data(
        as_text=True
    )
    clock.set_now(frozen_clock + timedelta(minutes=3))
    attempt(client, "and again", ATTACKER_ADDRESS)  # the 7th
    assert "Please wait 4 minutes" in attempt(client, PASSWORD, ATTACKER_ADDRESS).get_data(
        as_text=True
    )
    clock.set_now(frozen_clock + timedelta(minutes=7))
    assert attempt(client, PASSWORD, ATTACKER_ADDRESS).status_code == 302


def test_attempts_refused_while_waiting_do_not_make_the_wait_longer(
    app, client, make_user, frozen_clock
):
    make_user(ALICE)
    for _ in range(5):
        attempt(client, "wrong", ATTACKER_ADDRESS)
    for second in range(5, 60, 5):
        clock.set_now(frozen_clock + timedelta(seconds=second))
        assert waiting(attempt(client, "still guessing", ATTACKER_ADDRESS))
    clock.set_now(frozen_clock + timedelta(minutes=1))
    assert attempt(client, PASSWORD, ATTACKER_ADDRESS).status_code == 302


def test_the_wait_is_capped(app, client, make_user, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_WAIT_MINUTES", 3)
    make_user(ALICE)
    moment = frozen_clock
    for _ in range(12):  # far past the free failures: 1, 2, then 3 minutes each time
        clock.set_now(moment)
        attempt(client, "wrong", ATTACKER_ADDRESS)
        moment += timedelta(minutes=3)
    clock.set_now(moment - timedelta(minutes=3) + timedelta(seconds=10))
    assert "Please wait 3 minutes" in attempt(client, PASSWORD, ATTACKER_ADDRESS).get_data(
        as_text=True
    )


def test_an_address_failing_for_many_accounts_waits_but_not_for_its_known_users(
    app, client, make_user, frozen_clock, address_limit
):
    make_user(ALICE)
    make_user("bob@alpha.example")
    office = "192.0.2.1"
    assert attempt(client, PASSWORD, office).status_code == 302  # Alice works here
    client.post("/logout")
    for n in range(address_limit):
        attempt(client, "x", office, email=f"guess{n}@alpha.example")

    assert waiting(attempt(client, PASSWORD, office, email="bob@alpha.example"))
    assert attempt(client, PASSWORD, office).status_code == 302
    client.post("/logout")

    window = app.config["LOGIN_ADDRESS_WINDOW_MINUTES"]
    clock.set_now(frozen_clock + timedelta(minutes=window, seconds=1))
    assert attempt(client, PASSWORD, office, email="bob@alpha.example").status_code == 302


# ---- behind a reverse proxy ---------------------------------------------------------------------

PROXY_ADDRESS = "10.0.0.1"


@pytest.fixture(scope="module")
def behind_one_proxy(app):
    """The portal as deployed behind one reverse proxy (PORTAL_TRUSTED_PROXIES=1)."""
    settings = {
        key: app.config[key]
        for key in (
            "TESTING",
            "SECRET_KEY",
            "DATABASE_URL",
            "WTF_CSRF_ENABLED",
            "STORAGE_ROOT",
            "MAIL_SERVER",
            "BABEL_DEFAULT_LOCALE",
            "PUBLIC_CACHE_SECONDS",
        )
    }
    return create_app({**settings, "TRUSTED_PROXIES": 1})


def through_the_proxy(client, password: str, client_address: str, email: str = ALICE):
    return attempt(client, password, PROXY_ADDRESS, email, **{"X-Forwarded-For": client_address})


def test_two_users_behind_one_proxy_are_throttled_separately(
    app, behind_one_proxy, make_user, frozen_clock, monkeypatch
):
    monkeypatch.setitem(behind_one_proxy.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 8)
    make_user(ALICE)
    attacker, owner = behind_one_proxy.test_client(), behind_one_proxy.test_client()
    for n in range(8):
        through_the_proxy(attacker, "x", ATTACKER_ADDRESS, email=f"guess{n}@alpha.example")
    for _ in range(5):
        through_the_proxy(attacker, "wrong", ATTACKER_ADDRESS)
    assert waiting(through_the_proxy(attacker, PASSWORD, ATTACKER_ADDRESS))

    assert through_the_proxy(owner, PASSWORD, OWNER_ADDRESS).status_code == 302


def test_without_the_setting_everyone_behind_the_proxy_shares_one_address(
    app, make_user, frozen_clock
):
    make_user(ALICE)
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(5):
        through_the_proxy(attacker, "wrong", ATTACKER_ADDRESS)
    assert waiting(through_the_proxy(owner, PASSWORD, OWNER_ADDRESS))


def test_a_forwarded_address_that_is_not_an_address_counts_as_the_proxy(
    app, behind_one_proxy, make_user, frozen_clock
):
    make_user(ALICE)
    client = behind_one_proxy.test_client()
    response = through_the_proxy(client, PASSWORD, "x" * 500)
    assert response.status_code == 302
    with app.app_context():
        event = db.session.exec(
            select(AuditEvent).where(AuditEvent.action == "user.logged_in").order_by(AuditEvent.id)
        ).one()
        assert event.remote_addr == PROXY_ADDRESS


# ---- administrators ----------------------------------------------------------------------------


def test_an_administrator_sees_and_clears_a_throttle(app, make_user, frozen_clock):
    make_user(ALICE)
    make_user("admin@example.com", role="admin")
    attacker, admin = app.test_client(), app.test_client()
    for _ in range(8):
        attempt(attacker, "wrong", ATTACKER_ADDRESS)
    assert waiting(attempt(attacker, PASSWORD, ATTACKER_ADDRESS))

    assert attempt(admin, PASSWORD, "192.0.2.9", email="admin@example.com").status_code == 302
    page = admin.get("/admin/throttles").get_data(as_text=True)
    assert ALICE in page and ATTACKER_ADDRESS in page and "Waits until" in page
    assert "No address is throttled." in page
    response = admin.post(
        "/admin/throttles/clear",
        data={"email": ALICE, "remote_addr": ATTACKER_ADDRESS},
        follow_redirects=True,
    )
    shown = response.get_data(as_text=True)
    assert f"{ALICE} may log in from {ATTACKER_ADDRESS} again at once." in shown
    assert "No account is throttled." in shown
    with app.app_context():
        event = db.session.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "login.throttle_cleared")
            .order_by(AuditEvent.id)
        ).one()
        assert event.actor_email == "admin@example.com"
        assert event.after == {"email": ALICE, "remote_addr": ATTACKER_ADDRESS, "failures": 5}

    assert attempt(attacker, PASSWORD, ATTACKER_ADDRESS).status_code == 302


def test_an_administrator_clears_an_address(app, make_user, frozen_clock, address_limit):
    make_user(ALICE)
    make_user("admin@example.com", role="admin")
    guesser, admin = app.test_client(), app.test_client()
    for n in range(address_limit):
        attempt(guesser, "x", ATTACKER_ADDRESS, email=f"guess{n}@alpha.example")
    assert waiting(attempt(guesser, PASSWORD, ATTACKER_ADDRESS))

    attempt(admin, PASSWORD, "192.0.2.9", email="admin@example.com")
    page = admin.get("/admin/throttles").get_data(as_text=True)
    assert ATTACKER_ADDRESS in page and "No account is throttled." in page
    admin.post("/admin/throttles/clear", data={"email": "", "remote_addr": ATTACKER_ADDRESS})
    assert "No address is throttled." in admin.get("/admin/throttles").get_data(as_text=True)
    assert attempt(guesser, PASSWORD, ATTACKER_ADDRESS).status_code == 302


def test_only_administrators_see_the_throttles(client, make_user, login):
    make_user("officer@example.com", role="officer")
    login("officer@example.com")
    assert client.get("/admin/throttles").status_code == 403
    assert client.post("/admin/throttles/clear", data={"remote_addr": "x"}).status_code == 403
