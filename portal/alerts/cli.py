"""`flask --app portal reminders`: send the reminders that are due, once."""

from __future__ import annotations

import click
from flask import Flask

from portal import clock
from portal.schema import require_current_schema


def register(app: Flask) -> None:
    @app.cli.command("reminders")
    def reminders() -> None:
        """Send every reminder due now (each person is told of each occasion once)."""
        from portal.alerts.reminders import run_due

        require_current_schema()
        sent = run_due(clock.now())
        if not sent:
            click.echo("No reminder was due.")
            return
        for kind, count in sorted(sent.items()):
            click.echo(f"{kind}: {count}")
        click.echo(f"Sent {sum(sent.values())} reminders.")
