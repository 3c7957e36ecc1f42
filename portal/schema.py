"""The database's schema: the Alembic migrations that build it, and whether a database is at the
revision this version of the portal expects (commands check before they work on it)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from portal.db import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
UPGRADE = "flask --app portal upgrade"


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_database(url: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(url), "head")


def schema_problem(url: str) -> str | None:
    """Why the database cannot be worked on yet (with what to run), or None when its schema is
    the one this version of the portal expects."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.exc import OperationalError

    expected = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except OperationalError as exc:
        return f"Cannot open the database: {exc.orig}"
    if not current:
        return f"The database has no tables yet: run `{UPGRADE}` first."
    if current != expected:
        return (
            f"The database is at migration {', '.join(sorted(current))}; this version of the "
            f"portal needs {', '.join(sorted(expected))}: run `{UPGRADE}` first."
        )
    return None


def require_current_schema() -> None:
    """Stop a command, with the fix, before it meets a database it cannot use."""
    problem = schema_problem(current_app.config["DATABASE_URL"])
    if problem:
        raise click.ClickException(problem)
