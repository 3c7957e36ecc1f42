"""`flask --app portal notices issue --challenge JB-2026-001 --out DIR`."""

from __future__ import annotations

import shutil
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import select

from portal.challenges.models import Challenge
from portal.db import db
from portal.errors import DomainError
from portal.notices import services
from portal.notices.models import BatchStatus
from portal.notices.rendering import RenderPool, render_serially
from portal.storage import path_of

notices = AppGroup("notices", help="Award notices.")


@notices.command("issue")
@click.option("--challenge", "number", required=True, help="The challenge's number.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--language", type=click.Choice(["zh", "en"]), default="zh")
@click.option("--workers", type=int, default=None, help="Rendering processes (default 2).")
def issue(number: str, out: Path, language: str, workers: int | None) -> None:
    """Issue the notices of every confirmed award of a challenge that has none yet."""
    challenge = db.session.exec(select(Challenge).where(Challenge.number == number)).first()
    if challenge is None:
        raise click.ClickException(f"No challenge numbered {number}.")
    try:
        batch = services.start_batch(challenge, by=None, language=language)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    out.mkdir(parents=True, exist_ok=True)
    workers = workers or current_app.config["NOTICE_RENDER_WORKERS"]
    issued = run_batch(batch, out, workers)
    for failure in batch.failures:
        click.echo(f"not issued: award {failure['award_id']}: {failure['message']}", err=True)
    click.echo(f"{issued} notices issued for {number}, written to {out}.")


def run_batch(batch, out: Path | None, workers: int, echo=click.echo) -> int:
    """Runs the steps of `batch` to the end, each one transaction; PDFs are rendered by
    `workers` processes, each step giving every worker NOTICE_BATCH_CHUNK notices."""
    size = current_app.config["NOTICE_BATCH_CHUNK"] * max(workers, 1)

    def steps(render) -> int:
        count = 0
        while batch.status is BatchStatus.running:
            notices = services.run_batch_step(batch, by=None, size=size, render=render)
            db.session.commit()
            for notice in notices if out else ():
                shutil.copyfile(
                    path_of(notice.stored_name), out / f"{notice.number}-v{notice.version}.pdf"
                )
            count += len(notices)
            echo(f"{batch.done}/{batch.total}")
        return count

    if workers > 1:
        with RenderPool(workers) as pool:
            return steps(pool)
    return steps(render_serially)


def register(app) -> None:
    app.cli.add_command(notices)
