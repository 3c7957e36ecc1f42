"""Staff are reminded of a decision still waiting for their approval: a new reminder kind.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = (
    "review_due",
    "review_overdue",
    "draft_deadline_week",
    "draft_deadline_day",
    "milestone_due",
    "milestone_overdue",
    "publicity_objections",
)
AFTER = (*BEFORE, "decision_approval")
CHECK = "ck_sent_reminder_reminderkind"


def _kinds(kinds: tuple[str, ...]) -> str:
    return "kind IN ({})".format(", ".join(f"'{kind}'" for kind in kinds))


def upgrade() -> None:
    with op.batch_alter_table("sent_reminder") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint("reminderkind", sa.text(_kinds(AFTER)))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM sent_reminder WHERE kind = 'decision_approval'"))
    with op.batch_alter_table("sent_reminder") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint("reminderkind", sa.text(_kinds(BEFORE)))
