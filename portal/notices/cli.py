"""`flask --app portal notices issue --challenge JB-2026-001 --out DIR`."""

from __future__ import annotations

import multiprocessing
import shutil
import time
from multiprocessing.connection import wait
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlmodel import select

from portal import jobs
from portal.challenges.models import Challenge
from portal.db import db
from portal.errors import DomainError
from portal.notices import queries, services
from portal.notices.models import NoticeBatch
from portal.notices.rendering import warm_fonts
from portal.schema import require_current_schema
from portal.storage import path_of
from portal.vocabulary import BatchStatus

notices = AppGroup("notices", help="Award notices.")


@notices.command("issue")
@click.option("--challenge", "number", required=True, help="The challenge's number.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--language", type=click.Choice(["zh", "en"]), default="zh")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Processes of this command that issue the batch beside the queue's workers "
    "(default 2; 0 leaves it to `flask worker`).",
)
def issue(number: str, out: Path, language: str, workers: int | None) -> None:
    """Issue the notices of every confirmed award of a challenge that has none yet, and wait
    until the batch is finished."""
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
    workers = current_app.config["NOTICE_RENDER_WORKERS"] if workers is None else workers
    issued = run_batch(batch, out, workers)
    batch = db.session.get(NoticeBatch, batch.id, populate_existing=True)
    for failure in batch.failures:
        click.echo(f"not issued: award {failure['award_id']}: {failure['message']}", err=True)
    click.echo(f"{issued} notices issued for {number}, written to {out}.")
    if batch.status is not BatchStatus.finished:
        raise click.ClickException(
            f"{batch.total - batch.done - len(batch.failures)} notices failed again and again; "
            "the administrators' jobs page shows why and runs them again."
        )


def _help(app: Flask, group: str) -> None:
    """A forked helper: its own connections (the parent's stay the parent's), then the jobs."""
    db.engine.dispose(close=False)
    db._sessions.registry.clear()
    with app.app_context():
        jobs.drain(group=group)


def run_batch(batch, out: Path | None, workers: int, echo=click.echo) -> int:
    """Waits for `batch` to finish and copies its PDFs to `out`; meanwhile `workers` processes
    of this command issue its notices too (one: this process), claiming each job as any worker
    does, so that they share the batch with the queue's workers without issuing twice."""
    group = services.batch_group(batch.id)
    helpers = []
    if workers == 1:
        jobs.drain(group=group)
    elif workers > 1:
        warm_fonts()  # once here rather than once in every helper
        app = current_app._get_current_object()
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        helpers = [context.Process(target=_help, args=(app, group)) for _ in range(workers)]
        for helper in helpers:
            helper.start()
    shown = None
    while True:
        batch = db.session.get(NoticeBatch, batch.id, populate_existing=True)
        finished = batch.status is BatchStatus.finished
        open_jobs = 0 if finished else jobs.unfinished(group)
        db.session.commit()
        if (batch.done, len(batch.failures)) != shown:
            shown = (batch.done, len(batch.failures))
            echo(f"{batch.done}/{batch.total}")
        if finished or not open_jobs:
            break
        alive = [helper.sentinel for helper in helpers if helper.is_alive()]
        if workers and not alive:
            jobs.drain(group=group)  # attempts that came due again, or jobs a dead worker held
        if alive:
            wait(alive, timeout=0.5)  # a helper that ends (the batch done) wakes this at once
        else:
            time.sleep(0.5)
    for helper in helpers:
        helper.join()
    issued = queries.every_notice_of(batch.id)
    for notice in issued if out else ():
        shutil.copyfile(path_of(notice.stored_name), out / f"{notice.number}-v{notice.version}.pdf")
    return len(issued)


def register(app) -> None:
    app.cli.add_command(notices)
