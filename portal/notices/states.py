"""The states of notices and their batches: one table each, and the only writers of their status
columns.

Notice: valid → superseded (a correction issued the next version) | revoked (its award was
revoked); a superseded version is revoked with the rest. Batch: running → finished.
"""

from __future__ import annotations

from datetime import datetime

from portal.accounts.models import User
from portal.notices.models import BatchStatus, Notice, NoticeBatch, NoticeStatus
from portal.statemachine import StateMachine

TRANSITIONS = {
    NoticeStatus.valid: {NoticeStatus.superseded, NoticeStatus.revoked},
    NoticeStatus.superseded: {NoticeStatus.revoked},
}
MACHINE = StateMachine(
    "notice",
    TRANSITIONS,
    stamps={NoticeStatus.superseded: "superseded_at", NoticeStatus.revoked: "revoked_at"},
)

BATCH_TRANSITIONS = {BatchStatus.running: {BatchStatus.finished}}
BATCH_MACHINE = StateMachine(
    "notice_batch", BATCH_TRANSITIONS, stamps={BatchStatus.finished: "finished_at"}
)


def set_status(
    notice: Notice, to: NoticeStatus, *, by: User | None, now: datetime | None = None
) -> Notice:
    """The only writer of Notice.status (by None: the operator on the command line)."""
    return MACHINE.move(notice, to, by=by, now=now)


def set_batch_status(
    batch: NoticeBatch, to: BatchStatus, *, by: User | None, now: datetime | None = None
) -> NoticeBatch:
    """The only writer of NoticeBatch.status; the audit says how many were issued and failed."""
    BATCH_MACHINE.move(
        batch, to, by=by, now=now, action="notice.batch_finished", audit_fields=("done", "failures")
    )
    return batch
