"""Reviews indexed by challenge and status, not by status alone

The ranking reads a challenge's submitted reviews; with a lone index on the status SQLite's
planner scanned every submitted review of every challenge.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 21:56:21
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_status"))
        batch_op.create_index("ix_review_challenge_id_status", ["challenge_id", "status"])


def downgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index("ix_review_challenge_id_status")
        batch_op.create_index(batch_op.f("ix_review_status"), ["status"])
