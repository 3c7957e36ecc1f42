"""Award states held by the database: the task book, and CHECK constraints per state

Confirmed becomes a real step: an award is confirmed (立项), its notice may be issued, and the
project starts when the task book (任务书) is signed, which `award.task_book_signed_on` records.
Before this, confirming an award started the project at once: every award confirmed then
(except one left in the confirmed state by hand) gets the day of its confirmation as the day its
task book was signed.

CHECK constraints then tie each state of awards, milestones, objections, milestone reports,
notices and notice batches to the columns that go with it (see the models' *_CHECKS). A report
left awaiting a decision when its project ended was returned without a time; it gets the time
the project closed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As the models declare them on the day of this migration (repeated, not imported, so that the
# migration stays what it was when the models change).
CHECKS = {
    "award": {
        "closed": "(status IN ('in_publicity', 'confirmed', 'active') AND closed_at IS NULL) OR "
        "(status IN ('revoked', 'terminated', 'eliminated', 'completed') "
        "AND closed_at IS NOT NULL)",
        "close_reason": "(status IN ('revoked', 'terminated', 'eliminated') "
        "AND close_reason <> '') "
        "OR (status NOT IN ('revoked', 'terminated', 'eliminated') AND close_reason = '')",
        "confirmed": "(status = 'in_publicity' AND confirmed_at IS NULL) OR status = 'revoked' OR "
        "(status IN ('confirmed', 'active', 'completed', 'terminated', 'eliminated') "
        "AND confirmed_at IS NOT NULL AND starts_on IS NOT NULL AND ends_on > starts_on)",
        "task_book": "(status IN ('in_publicity', 'confirmed') AND task_book_signed_on IS NULL) "
        "OR status = 'revoked' OR (status IN ('active', 'completed', 'terminated', 'eliminated') "
        "AND task_book_signed_on IS NOT NULL)",
        "refund": "refund_due IS NULL OR (status IN ('terminated', 'revoked') AND refund_due >= 0)",
    },
    "milestone": {
        "accepted": "(status = 'accepted' AND accepted_at IS NOT NULL) OR "
        "(status <> 'accepted' AND accepted_at IS NULL)",
        "tranche": "tranche >= 0",
    },
    "objection": {
        "resolved": "(status = 'open' AND resolved_at IS NULL AND resolution = '') OR "
        "(status IN ('upheld', 'dismissed') AND resolved_at IS NOT NULL AND resolution <> '')",
    },
    "milestone_report": {
        "decided": "(decision = 'pending' AND decided_at IS NULL) OR "
        "(decision IN ('accepted', 'returned') AND decided_at IS NOT NULL)",
        "returned": "decision <> 'returned' OR comments <> ''",
    },
    "notice": {
        "superseded": "(status = 'valid' AND superseded_at IS NULL) OR "
        "(status = 'superseded' AND superseded_at IS NOT NULL) OR status = 'revoked'",
        "revoked": "(status = 'revoked' AND revoked_at IS NOT NULL) OR "
        "(status <> 'revoked' AND revoked_at IS NULL)",
    },
    "notice_batch": {
        "finished": "(status = 'running' AND finished_at IS NULL) OR "
        "(status = 'finished' AND finished_at IS NOT NULL)",
    },
}


def upgrade() -> None:
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.add_column(sa.Column("task_book_signed_on", sa.Date(), nullable=True))

    day = (
        "date(confirmed_at)"
        if op.get_bind().dialect.name == "sqlite"
        else "CAST(confirmed_at AS DATE)"
    )
    op.execute(
        f"UPDATE award SET task_book_signed_on = {day} "
        "WHERE confirmed_at IS NOT NULL AND status <> 'confirmed'"
    )
    op.execute(
        "UPDATE milestone_report SET decided_at = COALESCE(("
        "SELECT award.closed_at FROM milestone JOIN award ON award.id = milestone.award_id "
        "WHERE milestone.id = milestone_report.milestone_id), submitted_at) "
        "WHERE decision <> 'pending' AND decided_at IS NULL"
    )

    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks.items():
                batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), condition)


def downgrade() -> None:
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in checks:
                batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")

    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_column("task_book_signed_on")
