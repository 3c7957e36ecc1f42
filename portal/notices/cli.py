"""`flask --app portal notices issue --challenge JB-2026-001 --out DIR`."""

from __future__ import annotations

import shutil
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlmodel import select

from portal.challenges.models import Challenge
from portal.db import db
from portal.errors import DomainError
from portal.notices import services
from portal.notices.models import BatchStatus
from portal.notices.rendering import RenderingError, RenderPool, render_serially
from portal.schema import require_current_schema
from portal.storage import path_of

notices = AppGroup("notices", help="Award notices.")


@notices.command("issue")
@click.option("--challenge", "number", required=True, help="The challenge's number.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--language", type=click.Choice(["zh", "en"]), default="zh")
@click.option("--workers", type=int, default=None, help="Rendering processes (default 2).")
def issue(number: str, out: Path, language: str, workers: int | None) -> None:
    """Issue the notices of every confirmed award of a challenge that has none yet."""
    # Messages in the operator's default language: there is no request to choose one from.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        _issue(number, out, language, workers)


def _issue(number: str, out: Path, language: str, workers: int | None) -> None:
    require_current_schema()
    challenge = db.session.exec(select(Challenge).where(Challenge.number == number)).first()
    if challenge is None:
        raise click.ClickException(f"No challenge numbered {number}.")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.ClickException(f"Cannot write to {out}: {exc.strerror}") from exc
    try:
        batch = services.start_batch(challenge, by=None, language=language)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    workers = workers or current_app.config["NOTICE_RENDER_WORKERS"]
    try:
        issued = run_batch(batch, out, workers)
    except (DomainError, RenderingError) as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc} (the notices issued so far are kept)") from exc
    for failure in batch.failures:
        click.echo(f"not issued: award {failure['award_id']}: {failure['message']}", err=True)
    click.echo(f"{issued} notices issued for {number}, written to {out}.")


def run_batch(batch, out: Path | None, workers: int, echo=click.echo) -> int:
    """Runs `batch` to the end and copies the PDFs to `out`.

    With several workers the steps overlap: while the pool renders one chunk, this process
    drafts the next (taking its numbers) and then records the finished chunk, committing after
    each. A crash between the two loses no notice; at worst the numbers of a drafted chunk are
    skipped, as the sequences allow.
    """
    size = current_app.config["NOTICE_BATCH_CHUNK"] * max(workers, 1)
    issued = 0

    def keep(notices) -> None:
        nonlocal issued
        db.session.commit()
        for notice in notices if out else ():
            target = out / f"{notice.number}-v{notice.version}.pdf"
            shutil.copyfile(path_of(notice.stored_name), target)
        issued += len(notices)
        echo(f"{batch.done}/{batch.total}")

    if workers <= 1:
        while batch.status is BatchStatus.running:
            keep(services.run_batch_step(batch, by=None, size=size, render=render_serially))
        return issued

    with RenderPool(workers) as pool:
        drafts = services.draft_batch_chunk(batch, size=size)
        rendering = pool.submit([d.job() for d in drafts])
        while drafts:
            following = services.draft_batch_chunk(
                batch, size=size, exclude=[d.award.id for d in drafts]
            )
            following_rendering = pool.submit([d.job() for d in following])
            pdfs = [future.result() for future in rendering]
            keep(services.record_batch_chunk(batch, drafts, pdfs, by=None))
            drafts, rendering = following, following_rendering
    services.finish_batch(batch, by=None)
    db.session.commit()
    return issued


def register(app) -> None:
    app.cli.add_command(notices)
