"""A notice is valid, then superseded by a correction or revoked with its award, and nothing
else; a batch runs, then finishes. The database refuses rows that say otherwise."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest
import sqlalchemy as sa

from portal import clock
from portal.db import db
from portal.notices import states
from portal.notices.models import Notice, NoticeBatch
from portal.statemachine import IllegalTransition
from portal.vocabulary import BatchStatus, NoticeStatus

V, S, R = NoticeStatus.valid, NoticeStatus.superseded, NoticeStatus.revoked
NOTICE_JOURNEY = {(V, S), (V, R), (S, R)}
BATCH_JOURNEY = {(BatchStatus.running, BatchStatus.finished)}


def test_the_tables_are_the_journeys_of_the_design():
    moves = {(a, b) for a, ends in states.TRANSITIONS.items() for b in ends}
    batch_moves = {(a, b) for a, ends in states.BATCH_TRANSITIONS.items() for b in ends}
    assert (moves, batch_moves) == (NOTICE_JOURNEY, BATCH_JOURNEY)


def test_a_notice_and_a_batch_refuse_every_other_move(ctx, subtests):
    for start, end in product(NoticeStatus, NoticeStatus):
        if (start, end) not in NOTICE_JOURNEY:
            with subtests.test(move=f"{start} → {end}"):
                notice = Notice(status=start)
                with pytest.raises(IllegalTransition):
                    states.set_status(notice, end, by=None)
                assert notice.status is start
    for start, end in product(BatchStatus, BatchStatus):
        if (start, end) not in BATCH_JOURNEY:
            with subtests.test(move=f"{start} → {end}"), pytest.raises(IllegalTransition):
                states.set_batch_status(NoticeBatch(status=start), end, by=None)


def _rows(award) -> tuple[int, int]:
    """A valid notice of `award` and a running batch, written directly (nothing is rendered)."""
    batch = NoticeBatch(challenge_id=award.challenge_id, created_at=clock.now())
    notice = Notice(
        award_id=award.id,
        number="深科技〔2026〕1号",
        code="TEST00000001",
        amount=award.amount,
        content={},
        issued_on=date(2026, 1, 1),
        issued_at=clock.now(),
        stored_name="notices/none/1.pdf",
        size=1,
        sha256="0" * 64,
    )
    db.session.add_all([batch, notice])
    db.session.flush()
    return notice.id, batch.id


def test_the_database_refuses_notice_and_batch_rows_that_contradict_their_state(
    ctx, make_award, subtests
):
    notice_id, batch_id = _rows(db.session.merge(make_award()))
    later = clock.now() + timedelta(days=1)
    notice = sa.update(Notice).where(Notice.id == notice_id)
    batch = sa.update(NoticeBatch).where(NoticeBatch.id == batch_id)
    for statement, constraint in [
        (notice.values(status="superseded"), "ck_notice_superseded"),  # without the time
        (notice.values(superseded_at=later), "ck_notice_superseded"),  # valid, yet superseded
        (notice.values(status="revoked"), "ck_notice_revoked"),  # without the time
        (notice.values(revoked_at=later), "ck_notice_revoked"),  # valid, yet revoked
        (batch.values(status="finished"), "ck_notice_batch_finished"),  # without the time
        (batch.values(finished_at=later), "ck_notice_batch_finished"),  # running, yet finished
    ]:
        with (
            subtests.test(constraint=constraint, values=str(statement.compile().params)),
            pytest.raises(sa.exc.IntegrityError, match=constraint),
            db.session.begin_nested(),
        ):
            db.session.execute(statement)
    db.session.execute(notice.values(status="superseded", superseded_at=later))
    db.session.execute(
        notice.values(status="revoked", revoked_at=later)
    )  # superseded, then revoked
    assert db.session.get(Notice, notice_id).status is NoticeStatus.revoked
