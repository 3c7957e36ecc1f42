"""Decisions that can be explained and checked: proposed, approved by a second person, reopened

A funding decision keeps the ranking it was made on, each departure from that ranking with its
reason, who proposed it and who approved it, and a state (proposed → effective | returned;
effective → reopened) with CHECK constraints. A challenge may now have several decisions over
time (`round`), of which at most one is proposed or in effect (a partial unique index). Every
decision recorded before this one took effect when it was made, by the person who made it.

An award in force is unique per proposal rather than every award: a reopened decision revokes
its awards in publicity, and the next decision may select the same proposal again.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE_DECISION = "status IN ('proposed', 'effective')"
# As the model declares them on the day of this migration (repeated, not imported).
CHECKS = {
    "decided": "(status IN ('effective', 'reopened')) = (decided_at IS NOT NULL)",
    "returned": "(status = 'returned') = (returned_at IS NOT NULL) AND "
    "(status = 'returned') = (return_reason <> '')",
    "reopened": "(status = 'reopened') = (reopened_at IS NOT NULL) AND "
    "(status = 'reopened') = (reopen_reason <> '')",
    "approved": "approved_at IS NULL OR "
    "(status IN ('effective', 'reopened') AND approved_by_id IS NOT NULL)",
    "second_person": "proposed_by_id IS NULL OR "
    "((approved_by_id IS NULL OR approved_by_id <> proposed_by_id) AND "
    "(returned_by_id IS NULL OR returned_by_id <> proposed_by_id))",
}
USERS = ("proposed_by_id", "approved_by_id", "returned_by_id", "reopened_by_id")


def upgrade() -> None:
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_constraint("uq_decision_challenge_id", type_="unique")
        batch_op.add_column(sa.Column("round", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(
            sa.Column(
                "status",
                sa.Enum(
                    "proposed",
                    "effective",
                    "returned",
                    "reopened",
                    name="decisionstatus",
                    native_enum=False,
                    create_constraint=True,
                ),
                nullable=False,
                server_default="effective",
            )
        )
        batch_op.add_column(sa.Column("ranking", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("departures", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "committed", sa.Numeric(precision=14, scale=2), nullable=False, server_default="0"
            )
        )
        batch_op.add_column(
            sa.Column("needs_approval", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        for column in USERS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
        for column in ("proposed_at", "approved_at", "returned_at", "reopened_at"):
            batch_op.add_column(sa.Column(column, portal.db.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("return_reason", sa.String(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("reopen_reason", sa.String(), nullable=False, server_default="")
        )
        batch_op.alter_column("decided_at", existing_type=portal.db.UTCDateTime(), nullable=True)

    op.execute(
        "UPDATE decision SET ranking = '[]', departures = '[]', "
        "proposed_by_id = decided_by_id, proposed_at = decided_at"
    )

    with op.batch_alter_table("decision", schema=None) as batch_op:
        for name in ("round", "status", "committed", "needs_approval"):
            batch_op.alter_column(name, server_default=None)
        for name in ("return_reason", "reopen_reason"):
            batch_op.alter_column(name, server_default=None)
        batch_op.alter_column("ranking", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("departures", existing_type=sa.JSON(), nullable=False)
        for column in USERS:
            batch_op.create_foreign_key(
                batch_op.f(f"fk_decision_{column}_user"), "user", [column], ["id"]
            )
        batch_op.create_unique_constraint(
            batch_op.f("uq_decision_challenge_id"), ["challenge_id", "round"]
        )
        batch_op.create_index(batch_op.f("ix_decision_challenge_id"), ["challenge_id"])
        batch_op.create_index(batch_op.f("ix_decision_status"), ["status"])
        batch_op.create_index(
            "uq_decision_live_challenge",
            ["challenge_id"],
            unique=True,
            sqlite_where=sa.text(LIVE_DECISION),
            postgresql_where=sa.text(LIVE_DECISION),
        )
        for name, condition in CHECKS.items():
            batch_op.create_check_constraint(op.f(f"ck_decision_{name}"), condition)

    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_constraint("uq_award_proposal_id", type_="unique")
        batch_op.create_index(batch_op.f("ix_award_proposal_id"), ["proposal_id"])
        batch_op.create_index(
            "uq_award_live_proposal",
            ["proposal_id"],
            unique=True,
            sqlite_where=sa.text("status <> 'revoked'"),
            postgresql_where=sa.text("status <> 'revoked'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_index("uq_award_live_proposal")
        batch_op.drop_index(batch_op.f("ix_award_proposal_id"))
        batch_op.create_unique_constraint("uq_award_proposal_id", ["proposal_id"])

    op.execute("DELETE FROM decision WHERE status <> 'effective'")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        for name in CHECKS:
            batch_op.drop_constraint(op.f(f"ck_decision_{name}"), type_="check")
        batch_op.drop_index("uq_decision_live_challenge")
        batch_op.drop_index(batch_op.f("ix_decision_status"))
        batch_op.drop_index(batch_op.f("ix_decision_challenge_id"))
        batch_op.drop_constraint(batch_op.f("uq_decision_challenge_id"), type_="unique")
        for column in USERS:
            batch_op.drop_constraint(batch_op.f(f"fk_decision_{column}_user"), type_="foreignkey")
        for column in (
            "round",
            "status",
            "ranking",
            "departures",
            "committed",
            "needs_approval",
            *USERS,
            "proposed_at",
            "approved_at",
            "returned_at",
            "reopened_at",
            "return_reason",
            "reopen_reason",
        ):
            batch_op.drop_column(column)
        batch_op.create_unique_constraint("uq_decision_challenge_id", ["challenge_id"])
