"""Login throttling per account and address; organisations named by credit code in conflicts

Login attempts turned away while waiting are marked refused (they never count), and failures an
administrator cleared are stamped; the index serves the per-pair counts.

Conflict declarations and avoidance requests keep the credit code as typed, registered or not;
existing rows get the code of the organisation they name.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:11:30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import portal.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAMING_AN_ORGANISATION = ("conflict_declaration", "avoidance_request")


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

    for table in NAMING_AN_ORGANISATION:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "credit_code",
                    sqlmodel.sql.sqltypes.AutoString(length=18),
                    nullable=False,
                    server_default="",
                )
            )
            batch_op.create_index(batch_op.f(f"ix_{table}_credit_code"), ["credit_code"])
        op.execute(
            f"UPDATE {table} SET credit_code = (SELECT credit_code FROM organisation "
            f"WHERE organisation.id = {table}.organisation_id) WHERE organisation_id IS NOT NULL"
        )


def downgrade() -> None:
    for table in NAMING_AN_ORGANISATION:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_credit_code"))
            batch_op.drop_column("credit_code")

    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_pair_at")
        batch_op.create_index(
            batch_op.f("ix_login_attempt_email_at"), ["email", "at"], unique=False
        )
        batch_op.drop_column("cleared_at")
        batch_op.drop_column("refused")
