"""Login throttling per account and address

Login attempts turned away while waiting are marked refused (they never count), and failures an
administrator cleared are stamped; the index serves the per-pair counts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:11:30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("refused", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("cleared_at", portal.db.UTCDateTime(), nullable=True))
        batch_op.drop_index(batch_op.f("ix_login_attempt_email_at"))
        batch_op.create_index(
            "ix_login_attempt_pair_at", ["email", "remote_addr", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_pair_at")
        batch_op.create_index(
            batch_op.f("ix_login_attempt_email_at"), ["email", "at"], unique=False
        )
        batch_op.drop_column("cleared_at")
        batch_op.drop_column("refused")
