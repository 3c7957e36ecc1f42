"""Alerts: reminders sent once, chains and links followed, and each person's alert settings

Three new tables: `sent_reminder` (one row per reminder kind, person, object and occasion; its
unique key keeps two schedulers from telling anyone twice), `alert_subscription` (a person
follows a whole chain, or one link of it) and `alert_settings` (whether answered questions
reach a person, and the secret token of their calendar feed).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 04:39:30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import portal.db

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


INDEXES = {
    "alert_subscription": ("chain_id", "chain_link_id", "user_id"),
    "sent_reminder": ("user_id",),
}
REMINDER_KINDS = (
    "review_due",
    "review_overdue",
    "draft_deadline_week",
    "draft_deadline_day",
    "milestone_due",
    "milestone_overdue",
    "publicity_objections",
)


def _key(table: str, column: str, target: str):
    """The foreign key of `table.column` to `target`.id, named as the models name it."""
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _owned(table: str) -> tuple:
    """The id and the owner of a row of `table`: a person's own row."""
    return (
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        _key(table, "user_id", "user"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )


def upgrade() -> None:
    op.create_table(
        "alert_settings",
        *_owned("alert_settings"),
        sa.Column("answered_questions", sa.Boolean(), nullable=False),
        sa.Column("feed_token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("feed_reset_at", portal.db.UTCDateTime(), nullable=True),
        sa.UniqueConstraint("feed_token", name=op.f("uq_alert_settings_feed_token")),
        sa.UniqueConstraint("user_id", name=op.f("uq_alert_settings_user_id")),
    )
    op.create_table(
        "alert_subscription",
        *_owned("alert_subscription"),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("chain_link_id", sa.Integer(), nullable=True),
        sa.Column("created_at", portal.db.UTCDateTime(), nullable=False),
        _key("alert_subscription", "chain_id", "chain"),
        _key("alert_subscription", "chain_link_id", "chain_link"),
        sa.UniqueConstraint(
            "user_id", "chain_id", "chain_link_id", name=op.f("uq_alert_subscription_user_id")
        ),
    )
    kind = sa.Enum(*REMINDER_KINDS, name="reminderkind", native_enum=False, create_constraint=True)
    op.create_table(
        "sent_reminder",
        *_owned("sent_reminder"),
        sa.Column("kind", kind, nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("occasion", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("sent_at", portal.db.UTCDateTime(), nullable=False),
        sa.UniqueConstraint(
            "kind", "user_id", "object_id", "occasion", name=op.f("uq_sent_reminder_kind")
        ),
    )
    for table, columns in INDEXES.items():
        for column in columns:
            op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def downgrade() -> None:
    for table, columns in INDEXES.items():
        for column in columns:
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
    op.drop_table("sent_reminder")
    op.drop_table("alert_subscription")
    op.drop_table("alert_settings")
