"""Fixtures shared by every test: an application on a migrated database that is emptied after
each test, a test client, and factories that build committed data.

The database is SQLite in a temporary folder, or PostgreSQL when PORTAL_TEST_ON_POSTGRES is set
and PORTAL_TEST_DATABASE_URL names one (`make test` runs the suite once on each).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import SQLModel

from portal import clock, create_app, pagecache
from portal.db import db, make_engine
from portal.models import import_all_models
from portal.schema import upgrade_database

pytest_plugins = [
    "tests.factories",
    "tests.browser_fixtures",
    "tests.smtp_fixtures",
    "tests.demo_fixtures",
    "tests.jobs_fixtures",
]


def test_database_url(tmp_path_factory) -> str:
    if os.environ.get("PORTAL_TEST_ON_POSTGRES") and os.environ.get("PORTAL_TEST_DATABASE_URL"):
        return database_of_this_worker(os.environ["PORTAL_TEST_DATABASE_URL"])
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal.db'}"


def database_of_this_worker(url: str) -> str:
    """When the suite runs in several processes (pytest -n), each works in a PostgreSQL database
    of its own, named after the given one, created on first use."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    given = sa.engine.make_url(url)
    own = given.set(database=f"{given.database}_{worker}")
    engine = sa.create_engine(
        given.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
        ).first()
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


def reset_schema(url: str) -> None:
    """Start from an empty database, whatever an earlier run left behind."""
    if url.startswith("sqlite"):
        return
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = test_database_url(tmp_path_factory)
    reset_schema(url)
    upgrade_database(url)
    return url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory) -> Flask:
    import_all_models()
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "WTF_CSRF_ENABLED": False,
            "STORAGE_ROOT": str(tmp_path_factory.mktemp("storage")),
            "MAIL_SERVER": "",
            "BABEL_DEFAULT_LOCALE": "en",
            "PUBLIC_CACHE_SECONDS": 0,
            # Jobs run in a thread of their own as soon as their transaction commits (mail is in
            # the mailbox when the request returns); tests of real workers set a queue of their own.
            "QUEUE_URL": "immediate",
        }
    )


def empty_all_tables() -> None:
    """Delete what the test wrote. On PostgreSQL only the tables that hold rows are emptied
    (TRUNCATE of every table took a tenth of a second per test) and every id sequence starts
    again at 1, also those that a rolled-back insert moved on."""
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name != "postgresql":
            for table in tables:
                connection.execute(table.delete())
            return
        holding = set(
            connection.execute(
                sa.text(
                    " UNION ALL ".join(
                        f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")"
                        for t in tables
                    )
                )
            ).scalars()
        )
        for table in tables:
            if table.name in holding:
                connection.execute(table.delete())
        sequences = connection.execute(
            sa.text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
        ).scalars()
        connection.execute(sa.text("; ".join(f'ALTER SEQUENCE "{s}" RESTART' for s in sequences)))


@pytest.fixture(autouse=True)
def clean_database(app) -> Iterator[None]:
    yield
    db.remove()
    clock.set_now(None)
    empty_all_tables()
    pagecache.clear()


@pytest.fixture
def ctx(app) -> Iterator[object]:
    """An application context for tests that call services directly (not with the client)."""
    with app.test_request_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def count_queries(app, monkeypatch):
    """Counts the SQL statements run inside a `with count_queries() as counted:` block: those a
    page runs itself."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before)

    return counting
