"""The states of notices and their batches: one table each, and the only writers of their status
columns.

Notice: valid → superseded (a correction issued the next version) | revoked (its award was
revoked); a superseded version is revoked with the rest. Batch: running → finished.
"""

from __future__ import annotations

from portal.notices.models import Notice, NoticeBatch
from portal.statemachine import StateMachine
from portal.vocabulary import BatchStatus, NoticeStatus

TRANSITIONS = {
    NoticeStatus.valid: {NoticeStatus.superseded, NoticeStatus.revoked},
    NoticeStatus.superseded: {NoticeStatus.revoked},
}
MACHINE: StateMachine[Notice, NoticeStatus] = StateMachine(
    "notice",
    TRANSITIONS,
    stamps={NoticeStatus.superseded: "superseded_at", NoticeStatus.revoked: "revoked_at"},
)

BATCH_TRANSITIONS = {BatchStatus.running: {BatchStatus.finished}}
BATCH_MACHINE: StateMachine[NoticeBatch, BatchStatus] = StateMachine(
    "notice_batch",
    BATCH_TRANSITIONS,
    stamps={BatchStatus.finished: "finished_at"},
    actions={BatchStatus.finished: "notice.batch_finished"},
    audit_fields=("done", "failures"),  # how many were issued, and how many failed
)

set_status = MACHINE.move
"""The only writer of Notice.status (by None: the operator on the command line)."""

set_batch_status = BATCH_MACHINE.move
"""The only writer of NoticeBatch.status."""
