"""The demo data a newcomer sees after `make run`."""

import pytest
from sqlmodel import select

from portal.accounts.models import User
from portal.db import db

pytestmark = pytest.mark.slow

ACCOUNTS = [
    "admin@example.com",
    "officer@example.com",
    "alice@example.com",
    "bob@example.com",
    "carol@example.com",
    "dave@example.com",
    "erin@example.com",
    "expert1@example.com",
    "expert2@example.com",
    "expert3@example.com",
]


def test_make_run_loads_the_demo_into_an_empty_database_once(app):
    """The command `make run` calls; the other tests here share a copy of what it loads."""
    first = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        assert set(ACCOUNTS) <= set(db.session.exec(select(User.email)).all())
    again = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "already has data" in again.output


def test_every_demo_account_logs_in_with_the_documented_password(app, demo):
    for email in ACCOUNTS:
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": "portal-demo"})
        assert response.status_code == 302, email


def test_the_expert_awaiting_activation_cannot_log_in(app, demo):
    response = app.test_client().post(
        "/login", data={"email": "expert4@example.com", "password": "portal-demo"}
    )
    assert response.status_code == 401


def test_alice_has_a_joiner_waiting_and_an_organisation_waits_for_staff(app, demo):
    alice = app.test_client()
    alice.post("/login", data={"email": "alice@example.com", "password": "portal-demo"})
    page = alice.get("/organisation").get_data(as_text=True)
    assert "dave@example.com" in page and "Waiting for approval" in page
    dave = app.test_client()
    dave.post("/login", data={"email": "dave@example.com", "password": "portal-demo"})
    assert dave.get("/proposals").location == "/membership"
    officer = app.test_client()
    officer.post("/login", data={"email": "officer@example.com", "password": "portal-demo"})
    waiting = officer.get("/officer/organisations?status=unverified").get_data(as_text=True)
    assert "粤海新材料科技有限公司" in waiting and "Not uploaded yet" not in waiting
