"""The commands meet bad input as the pages do: a message that says what to do, a non-zero exit,
no traceback, and nothing written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import func, select

from portal import create_app
from portal.accounts.models import User
from portal.db import db

STRONG = "lantern orchard tuesday"  # a password the strength check accepts


@pytest.fixture
def empty_database(app, tmp_path):
    """The portal on a new SQLite file that no migration has touched yet."""
    path = tmp_path / "new.db"
    yield create_app({"SECRET_KEY": "commands", "DATABASE_URL": f"sqlite:///{path}"}), path
    db.remove()
    # Commands work on the database of the latest application: give the tests theirs back.
    create_app({"SECRET_KEY": "commands", "DATABASE_URL": app.config["DATABASE_URL"]})


def refused(result) -> str:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize(
    "args",
    [
        ["demo"],
        ["demo", "--if-empty"],
        ["create-user", "--email", "root@example.gov.cn", "--name", "Root", "--password", STRONG],
        ["notices", "issue", "--challenge", "JB-2026-001", "--out", "notices"],
    ],
)
def test_a_command_on_a_database_without_tables_says_to_upgrade_first(empty_database, args):
    portal, path = empty_database
    output = refused(portal.test_cli_runner().invoke(args=args))
    assert "The database has no tables yet: run `flask --app portal upgrade` first." in output
    assert sa.inspect(sa.create_engine(f"sqlite:///{path}")).get_table_names() == []


def test_the_demo_refuses_a_database_that_already_has_data(app, make_user):
    make_user("officer@example.gov.cn", role="officer")
    output = refused(app.test_cli_runner().invoke(args=["demo"]))
    assert "The database already has data" in output
    with app.app_context():
        assert db.session.exec(select(func.count()).select_from(User)).one() == 1


@pytest.mark.parametrize(
    ("email", "name", "password", "message"),
    [
        ("not-an-address", "Wang Fang", STRONG, "email: Invalid email address."),
        ("wang@example.gov.cn", "", STRONG, "name: This field is required."),
        ("wang@example.gov.cn", "王" * 101, STRONG, "name: Field cannot be longer than 100"),
        ("wang@example.gov.cn", "Wang Fang", "short", "password: Use at least 10 characters."),
    ],
)
def test_create_user_says_what_is_wrong_with_an_account(app, email, name, password, message):
    args = ["create-user", "--email", email, "--name", name, "--password", password]
    output = refused(app.test_cli_runner().invoke(args=args))
    assert message in output
    with app.app_context():
        assert db.session.exec(select(func.count()).select_from(User)).one() == 0


def test_create_user_refuses_an_e_mail_that_has_an_account(app, make_user):
    make_user("wang@example.gov.cn", role="officer")
    args = ["create-user", "--email", "Wang@example.gov.cn", "--name", "W", "--password", STRONG]
    assert "already exists" in refused(app.test_cli_runner().invoke(args=args))


def test_notices_issue_names_the_challenge_it_cannot_find(app, tmp_path):
    args = ["notices", "issue", "--challenge", "JB-1900-999", "--out", str(tmp_path / "out")]
    output = refused(app.test_cli_runner().invoke(args=args))
    assert "No challenge numbered JB-1900-999." in output
