"""Login throttling per account and address; credit codes as typed in conflicts; kept forms

Login attempts turned away while waiting are marked refused (they never count), and failures an
administrator cleared are stamped; the index serves the per-pair counts.

Conflict declarations and avoidance requests keep the credit code as typed, registered or not;
existing rows get the code of the organisation they name.

form_stash keeps a form sent after its session ended until its owner logs in again.

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

    op.create_table(
        "form_stash",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", portal.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", portal.db.UTCDateTime(), nullable=False),
        sa.Column("used_at", portal.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_form_stash_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_stash")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_form_stash_token_hash")),
    )
    with op.batch_alter_table("form_stash", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_stash_expires_at"), ["expires_at"])
        batch_op.create_index(batch_op.f("ix_form_stash_user_id"), ["user_id"])


def downgrade() -> None:
    op.drop_table("form_stash")
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
