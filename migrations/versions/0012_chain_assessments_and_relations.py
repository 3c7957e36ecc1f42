"""The chain's digital brain: link assessments by quarter, supply relations, and evaluators

Two new tables: `link_assessment` (one link's figures for one quarter; corrections are new rows
that name the row they correct, and one row per link and quarter is current) and
`link_relation` (the supply arrows of the chain map). The CHECK constraint of `user.role`
(a non-native enum) is widened to admit the new read-only role `evaluator`
(第三方评估机构).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 02:57:22
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import portal.db

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ROLES = ("admin", "officer", "applicant", "expert")


def _role_check(roles: tuple[str, ...]) -> None:
    """Replace the CHECK constraint of user.role by one admitting exactly `roles`."""
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_role"), type_="check")
        batch_op.create_check_constraint(
            "role", "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")"
        )


def upgrade() -> None:
    _role_check((*ROLES, "evaluator"))
    op.create_table(
        "link_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("external_dependence", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("local_supporting_rate", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("local_firms", sa.Integer(), nullable=False),
        sa.Column("chokepoint_level", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("recorded_at", portal.db.UTCDateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column(
            "correction_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False
        ),
        sa.Column("superseded_at", portal.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "(corrects_id IS NULL) = (correction_reason = '')",
            name=op.f("ck_link_assessment_correction_has_reason"),
        ),
        sa.CheckConstraint(
            "length(period) = 6 AND substr(period, 5, 1) = 'Q' AND substr(period, 6, 1) IN ('1', '2', '3', '4')",
            name=op.f("ck_link_assessment_period_is_a_quarter"),
        ),
        sa.CheckConstraint(
            "chokepoint_level BETWEEN 0 AND 5", name=op.f("ck_link_assessment_chokepoint_scale")
        ),
        sa.CheckConstraint(
            "external_dependence + local_supporting_rate <= 100",
            name=op.f("ck_link_assessment_shares_within_whole"),
        ),
        sa.CheckConstraint(
            "external_dependence >= 0 AND external_dependence <= 100",
            name=op.f("ck_link_assessment_external_percent"),
        ),
        sa.CheckConstraint("local_firms >= 0", name=op.f("ck_link_assessment_local_firms_counted")),
        sa.CheckConstraint(
            "local_supporting_rate >= 0 AND local_supporting_rate <= 100",
            name=op.f("ck_link_assessment_local_percent"),
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["link_assessment.id"],
            name=op.f("fk_link_assessment_corrects_id_link_assessment"),
        ),
        sa.ForeignKeyConstraint(
            ["link_id"], ["chain_link.id"], name=op.f("fk_link_assessment_link_id_chain_link")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_link_assessment_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_assessment")),
    )
    with op.batch_alter_table("link_assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_assessment_link_id"), ["link_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_link_assessment_period"), ["period"], unique=False)
        batch_op.create_index(
            "uq_link_assessment_current",
            ["link_id", "period"],
            unique=True,
            sqlite_where=sa.text("superseded_at IS NULL"),
            postgresql_where=sa.text("superseded_at IS NULL"),
        )

    op.create_table(
        "link_relation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", portal.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "supplier_id != customer_id", name=op.f("ck_link_relation_not_its_own_supplier")
        ),
        sa.ForeignKeyConstraint(
            ["chain_id"], ["chain.id"], name=op.f("fk_link_relation_chain_id_chain")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_link_relation_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["chain_link.id"], name=op.f("fk_link_relation_customer_id_chain_link")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["chain_link.id"], name=op.f("fk_link_relation_supplier_id_chain_link")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_relation")),
        sa.UniqueConstraint(
            "supplier_id", "customer_id", name=op.f("uq_link_relation_supplier_id")
        ),
    )
    with op.batch_alter_table("link_relation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_relation_chain_id"), ["chain_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_link_relation_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_link_relation_supplier_id"), ["supplier_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("link_relation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_relation_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_link_relation_customer_id"))
        batch_op.drop_index(batch_op.f("ix_link_relation_chain_id"))

    op.drop_table("link_relation")
    with op.batch_alter_table("link_assessment", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_link_assessment_current",
            sqlite_where=sa.text("superseded_at IS NULL"),
            postgresql_where=sa.text("superseded_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_link_assessment_period"))
        batch_op.drop_index(batch_op.f("ix_link_assessment_link_id"))

    op.drop_table("link_assessment")
    # Evaluators cannot exist before this revision: their accounts stay (the audit trail names
    # them) as inactive experts, who see nothing.
    op.execute("UPDATE \"user\" SET active = false, role = 'expert' WHERE role = 'evaluator'")
    _role_check(ROLES)
