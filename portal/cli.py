"""Commands: `flask --app portal upgrade | demo | create-user | doctor | notices | reminders |
worker`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask_babel import force_locale

from portal.db import db
from portal.schema import require_current_schema, upgrade_database

SCALE_MAX = 1_000_000


def account_problems(**values: str) -> list[str]:
    """What the administrators' form for a new account would say about these values."""
    from werkzeug.datastructures import MultiDict

    from portal.accounts.forms import CreateUserForm

    form = CreateUserForm(
        formdata=MultiDict({**values, "confirm": values["password"]}), meta={"csrf": False}
    )
    form.validate()
    return [f"{field.name}: {message}" for field in form for message in field.errors]


def register_commands(app: Flask) -> None:
    from portal.alerts.cli import register as register_alert_commands
    from portal.notices.cli import register as register_notice_commands

    register_notice_commands(app)
    register_alert_commands(app)

    @app.cli.command("doctor")
    def doctor() -> None:
        """Check that this machine can print award notices (fonts, HarfBuzz, seal)."""
        from portal.notices import health
        from portal.notices.content import seal_path

        checks = [health.cjk_font(), health.harfbuzz_subsetting(), health.seal(seal_path())]
        for check in checks:
            click.echo(f"[{'ok' if check.ok else 'MISSING'}] {check.name}: {check.detail}")
            if not check.ok:
                click.echo(f"      fix: {check.fix}")
        if not all(check.ok for check in checks):
            raise SystemExit(1)
        click.echo("Everything needed to print award notices is here.")

    @app.cli.command("worker")
    @click.option("--threads", type=click.IntRange(min=1), default=2, help="Jobs run at once.")
    def worker(threads: int) -> None:
        """Run the jobs of the queue (QUEUE_URL) until stopped; start one on every host."""
        from portal.jobs.worker import run

        require_current_schema()
        try:
            run(current_app._get_current_object(), threads=threads)
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from exc

    @app.cli.command("upgrade")
    def upgrade() -> None:
        """Apply the database migrations."""
        from sqlalchemy.exc import OperationalError

        try:
            upgrade_database(current_app.config["DATABASE_URL"])
        except OperationalError as exc:
            raise click.ClickException(f"Cannot open the database: {exc.orig}") from exc
        click.echo("Database is up to date.")

    @app.cli.command("demo")
    @click.option("--if-empty", is_flag=True, help="Only when the database has no users yet.")
    @click.option(
        "--scale",
        type=click.IntRange(min=1, max=SCALE_MAX),
        help="Bulk data: about N proposals.",
    )
    def demo(if_empty: bool, scale: int | None) -> None:
        """Load the demo data (accounts, challenges, proposals, ...)."""
        from portal.demo.load import database_is_empty, load_demo

        require_current_schema()
        if scale:
            import time

            from portal.demo.scale import load_scale

            started = time.perf_counter()
            made = load_scale(scale)
            db.session.commit()
            summary = ", ".join(f"{count} {name}" for name, count in made.items())
            click.echo(f"Added {summary} in {time.perf_counter() - started:.1f} s.")
            return
        if not database_is_empty():
            if if_empty:
                click.echo("Database already has data; demo not loaded.")
                return
            raise click.ClickException(
                "The database already has data: the demo loads only into an empty one."
            )
        load_demo()
        db.session.commit()
        click.echo("Demo data loaded; every demo account's password is 'portal-demo'.")

    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option(
        "--role", type=click.Choice(["admin", "officer", "expert", "evaluator"]), default="officer"
    )
    @click.password_option()
    def create_user(email: str, name: str, role: str, password: str) -> None:
        """Create an officer, admin, expert or evaluator account."""
        from portal.accounts.models import Role
        from portal.accounts.services import create_user as create
        from portal.errors import DomainError

        require_current_schema()
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            problems = account_problems(email=email, name=name, role=role, password=password)
        if problems:
            raise click.ClickException("\n".join(problems))
        try:
            create(by=None, name=name, email=email, password=password, role=Role(role))
        except DomainError as exc:
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"Created {role} {email}.")
