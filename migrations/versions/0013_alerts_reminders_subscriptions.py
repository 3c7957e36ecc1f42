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


def upgrade() -> None:
    op.create_table(
        "alert_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("answered_questions", sa.Boolean(), nullable=False),
        sa.Column("feed_token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("feed_reset_at", portal.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_alert_settings_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_settings")),
        sa.UniqueConstraint("feed_token", name=op.f("uq_alert_settings_feed_token")),
        sa.UniqueConstraint("user_id", name=op.f("uq_alert_settings_user_id")),
    )
    op.create_table(
        "alert_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("chain_link_id", sa.Integer(), nullable=True),
        sa.Column("created_at", portal.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chain_id"], ["chain.id"], name=op.f("fk_alert_subscription_chain_id_chain")
        ),
        sa.ForeignKeyConstraint(
            ["chain_link_id"],
            ["chain_link.id"],
            name=op.f("fk_alert_subscription_chain_link_id_chain_link"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_alert_subscription_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_subscription")),
        sa.UniqueConstraint(
            "user_id", "chain_id", "chain_link_id", name=op.f("uq_alert_subscription_user_id")
        ),
    )
    with op.batch_alter_table("alert_subscription", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_subscription_chain_id"), ["chain_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_alert_subscription_chain_link_id"), ["chain_link_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_alert_subscription_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "sent_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "review_due",
                "review_overdue",
                "draft_deadline_week",
                "draft_deadline_day",
                "milestone_due",
                "milestone_overdue",
                "publicity_objections",
                name="reminderkind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("occasion", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("sent_at", portal.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_sent_reminder_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_reminder")),
        sa.UniqueConstraint(
            "kind", "user_id", "object_id", "occasion", name=op.f("uq_sent_reminder_kind")
        ),
    )
    with op.batch_alter_table("sent_reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sent_reminder_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sent_reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sent_reminder_user_id"))

    op.drop_table("sent_reminder")
    with op.batch_alter_table("alert_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_subscription_user_id"))
        batch_op.drop_index(batch_op.f("ix_alert_subscription_chain_link_id"))
        batch_op.drop_index(batch_op.f("ix_alert_subscription_chain_id"))

    op.drop_table("alert_subscription")
    op.drop_table("alert_settings")
