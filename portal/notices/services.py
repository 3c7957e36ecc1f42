"""Issuing, correcting and revoking award notices, one by one or in batches.

Every notice goes through three steps so that the slow one can run outside a transaction: a
Draft (read from the database, with its number taken), `_render` (plain values to PDF) and
`_record` (stores the file once, writes the rows). A batch issues each notice as a job
(`issue_in_batch`), so that workers on several hosts share it.

Notices are revoked with their award: the awards module, which may not import this one, sends
`award_revoked` inside its transaction, and `revoke_notices_for` receives it (connected when
this module is imported, as create_app does through the notices' views).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlmodel import select

from portal import audit, clock, jobs, sequences
from portal.accounts.models import User
from portal.awards.models import Award
from portal.awards.queries import lead_users, local_today
from portal.awards.signals import award_revoked
from portal.challenges.models import Challenge
from portal.db import db
from portal.errors import DomainError, require
from portal.i18n import gettext as _
from portal.notices import content, queries, states
from portal.notices.models import Notice, NoticeBatch
from portal.notices.permissions import can_correct, can_issue, can_revoke
from portal.notices.rendering import Job, Renderer, RenderingError, render_serially
from portal.notifications.services import notify
from portal.storage import store_bytes
from portal.vocabulary import AwardStatus, BatchStatus, NoticeStatus


@dataclass
class Draft:
    """A notice about to be issued: its number, version and the values it will print."""

    award: Award
    number: str
    version: int
    code: str
    language: str
    issued_on: date
    values: dict
    reason: str = ""
    previous: Notice | None = None

    def job(self) -> Job:
        variant = current_app.config["NOTICE_PDF_VARIANT"] or None
        return content.TEMPLATES[self.language], self.values, variant


def _check_language(language: str) -> None:
    if language not in content.LANGUAGES:
        raise DomainError(_("Choose Chinese or English."), field="language")


def _check_issuable(award: Award) -> None:
    if award.status not in queries.ISSUABLE:
        raise DomainError(_("A notice is issued only for a confirmed or active award."))


def new_code() -> str:
    return "".join(secrets.choice(content.CODE_ALPHABET) for _ in range(12))


def next_number(year: int) -> str:
    """The next notice number of `year` in the authority's style; never handed out twice."""
    config = current_app.config
    key = f"notice:{year}:{config['NOTICE_AUTHORITY']}"[:80]
    return config["NOTICE_NUMBER_FORMAT"].format(year=year, seq=sequences.next_value(key))


def _values(award, number, version, code, issued_on, language) -> dict:
    return content.notice_values(
        award, number=number, version=version, code=code, issued_on=issued_on, language=language
    )


def _check_draftable(award: Award) -> None:
    _check_issuable(award)
    existing = db.session.exec(select(Notice.number).where(Notice.award_id == award.id)).first()
    if existing:
        raise DomainError(
            _(
                "This award already has notice %(number)s; issue a correction instead.",
                number=existing,
            )
        )
    content.check_complete(award)


def _draft_first(award: Award, language: str) -> Draft:
    _check_draftable(award)
    today = local_today()
    return _version_one(award, language, next_number(today.year), new_code(), today)


def _version_one(award: Award, language: str, number: str, code: str, issued_on: date) -> Draft:
    return Draft(
        award=award,
        number=number,
        version=1,
        code=code,
        language=language,
        issued_on=issued_on,
        values=_values(award, number, 1, code, issued_on, language),
    )


def _render(drafts: Sequence[Draft], render: Renderer) -> list[bytes]:
    try:
        return render([draft.job() for draft in drafts])
    except RenderingError as exc:
        current_app.logger.exception("a notice could not be rendered")
        raise DomainError(
            _("The notice could not be rendered (%(error)s). Nothing was issued.", error=str(exc))
        ) from exc


def _record(draft: Draft, pdf: bytes, *, by: User | None, batch: NoticeBatch | None = None):
    now = clock.now()
    stored = store_bytes(pdf, f"{draft.number}-v{draft.version}.pdf", "notices")
    notice = Notice(
        award_id=draft.award.id,
        number=draft.number,
        version=draft.version,
        language=draft.language,
        code=draft.code,
        amount=draft.award.amount,
        content=content.stored_content(draft.values),
        reason=draft.reason,
        issued_on=draft.issued_on,
        issued_at=now,
        issued_by_id=by.id if by else None,
        stored_name=stored.stored_name,
        size=stored.size,
        sha256=stored.sha256,
        batch_id=batch.id if batch else None,
    )
    if draft.previous is not None:
        states.set_status(draft.previous, NoticeStatus.superseded, by=by, now=now)
    try:
        with db.session.begin_nested():
            db.session.add(notice)
    except sa.exc.IntegrityError as exc:
        raise DomainError(
            _("Another notice for this award was issued at the same moment. Reload the page.")
        ) from exc
    notice.award = draft.award
    audit.created(
        by, "notice.issued", notice, "number", "version", "award_id", "sha256", "language"
    )
    notify(
        lead_users(draft.award),
        "notice_issued" if notice.version == 1 else "notice_issued.corrected",
        link=current_app.url_map.bind("").build("notices.show", {"notice_id": notice.id}),
        number=notice.number,
        v=notice.version,
    )
    return notice


def issue_notice(
    award: Award, *, by: User | None, language: str = "zh", render: Renderer = render_serially
) -> Notice:
    """Issue version 1 of the notice of a confirmed (or active) award."""
    require(can_issue(by, award))
    _check_language(language)
    draft = _draft_first(award, language)
    (pdf,) = _render([draft], render)
    return _record(draft, pdf, by=by)


def correct_notice(
    notice: Notice,
    *,
    by: User | None,
    reason: str,
    language: str | None = None,
    render: Renderer = render_serially,
) -> Notice:
    """Issue version n+1 of a valid notice from the award as it is now; n becomes superseded."""
    require(can_correct(by, notice))
    language = language or notice.language
    _check_language(language)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say what the correction changes."), field="reason")
    notice = db.lock(notice)
    if notice.status is not NoticeStatus.valid:
        raise DomainError(_("Only the current, valid version of a notice can be corrected."))
    (award,) = queries.awards_for_notices([notice.award_id])
    _check_issuable(award)
    version = notice.version + 1
    today = local_today()
    code = new_code()
    draft = Draft(
        award=award,
        number=notice.number,
        version=version,
        code=code,
        language=language,
        issued_on=today,
        values=_values(award, notice.number, version, code, today, language),
        reason=reason,
        previous=notice,
    )
    (pdf,) = _render([draft], render)
    return _record(draft, pdf, by=by)


def revoke_notices_for(award: Award, *, by: User | None) -> list[Notice]:
    """Mark every notice of a revoked award revoked (the verification page then says so), in
    the transaction that revoked it."""
    if award.status is not AwardStatus.revoked:
        raise DomainError(_("Notices are revoked only with their award."))
    notices = db.all(
        select(Notice)
        .where(Notice.award_id == award.id, Notice.status != NoticeStatus.revoked)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    for notice in notices:
        require(can_revoke(by, notice))
        states.set_status(notice, NoticeStatus.revoked, by=by)
    return list(notices)


@award_revoked.connect
def _revoke_with_the_award(award: Award, *, by: User | None, **_kw) -> None:
    revoke_notices_for(award, by=by)


# ---- batches ----------------------------------------------------------------------------------

BATCH_JOB = "notices.issue_in_batch"


def batch_group(batch_id: int) -> str:
    """The jobs of one batch (the jobs page and `flask notices issue` find them by it)."""
    return f"notice_batch:{batch_id}"


def start_batch(challenge: Challenge, *, by: User | None, language: str = "zh") -> NoticeBatch:
    """Plan the notices of every confirmed award of `challenge` that has none yet: one job per
    notice, so that every worker helps (they are queued when this transaction commits)."""
    require(can_issue(by, challenge))
    _check_language(language)
    pending = db.all(queries.awards_awaiting_notice(challenge.id))
    if not pending:
        raise DomainError(_("Every confirmed award of this challenge already has its notice."))
    batch = NoticeBatch(
        challenge_id=challenge.id,
        language=language,
        total=len(pending),
        created_at=clock.now(),
        created_by_id=by.id if by else None,
    )
    db.session.add(batch)
    audit.record(by, "notice.batch_started", batch, after={"total": batch.total})
    for award_id in pending:
        jobs.enqueue(BATCH_JOB, group=batch_group(batch.id), batch_id=batch.id, award_id=award_id)
    return batch


def _noticed_in(batch_id: int, award_id: int) -> bool:
    found = select(Notice.id).where(Notice.award_id == award_id, Notice.batch_id == batch_id)
    return db.session.exec(found).first() is not None


def _reserve(award: Award) -> dict:
    """The notice's number and code, taken once (kept by the job across attempts)."""
    today = local_today()
    return {"number": next_number(today.year), "code": new_code(), "on": today.isoformat()}


@jobs.job(BATCH_JOB, max_attempts=5)
def issue_in_batch(batch_id: int, award_id: int) -> None:
    """Issue one notice of a batch. Safe to run again: the number and code are kept by the job
    the first time they are taken, a notice already issued for the award in this batch ends the
    job, and the award's notice is unique in the database. The PDF is rendered outside any
    transaction, so workers rendering the same batch wait for each other only to write."""
    batch = db.session.get(NoticeBatch, batch_id)
    if batch is None or _noticed_in(batch_id, award_id):
        return
    by = db.session.get(User, batch.created_by_id) if batch.created_by_id else None
    try:
        (award,) = queries.awards_for_notices([award_id])
        _check_draftable(award)
        kept = jobs.remember("notice", lambda: _reserve(award))
        issued_on = date.fromisoformat(kept["on"])
        draft = _version_one(award, batch.language, kept["number"], kept["code"], issued_on)
        db.session.commit()  # nothing written: ends the reads before the slow part
        (pdf,) = _render([draft], render_serially)
        batch = db.lock(batch)
        _record(draft, pdf, by=by, batch=batch)
        batch.done += 1
    except DomainError as exc:
        db.session.rollback()
        if _noticed_in(batch_id, award_id):
            return  # issued by another run of this job
        batch = db.lock(batch)
        batch.failures = [*batch.failures, {"award_id": award_id, "message": exc.message}]
    if batch.done + len(batch.failures) >= batch.total:
        finish_batch(batch, by=by)


def finish_batch(batch: NoticeBatch, *, by: User | None) -> None:
    states.set_batch_status(batch, BatchStatus.finished, by=by)
