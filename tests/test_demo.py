"""The demo data a newcomer sees after `make run`."""

import pytest

ACCOUNTS = [
    "admin@example.com",
    "officer@example.com",
    "alice@example.com",
    "bob@example.com",
    "carol@example.com",
    "expert1@example.com",
    "expert2@example.com",
    "expert3@example.com",
]


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    return result


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


def test_the_demo_is_loaded_only_into_an_empty_database(app, demo):
    again = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert "already has data" in again.output
