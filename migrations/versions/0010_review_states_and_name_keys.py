"""Review states held by the database, and the name keys that let conflicts be found in SQL

CHECK constraints tie the review states to their columns: a recused assignment has its time
and reason; a submitted review its time, total and recommendation; a reopened review its
reason; a decided avoidance request its time.

The conflict rules compare an expert's typed affiliation with organisations' names in SQL, so
the forms compared are stored: organisation_name_key (each organisation's names, with and
without legal form and region, case and width folded) and affiliation_key (the same of each
user's affiliation). They are filled here for what exists, with the portal's own folding
(portal.accounts.names), and kept by the ORM from now on.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 02:41:56
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from portal.accounts.names import name_keys

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECKS = {
    "assignment": {
        "recused_iff_stamped": "(status = 'recused') = (recused_at IS NOT NULL)",
        "recused_has_reason": "status != 'recused' OR recusal_reason != ''",
    },
    "review": {
        "submitted_is_complete": "status != 'submitted' OR (submitted_at IS NOT NULL AND "
        "total IS NOT NULL AND recommendation IS NOT NULL)",
        "reopened_has_reason": "(reopened_at IS NULL) = (reopen_reason = '')",
    },
    "avoidance_request": {
        "decided_iff_stamped": "(status = 'pending') = (decided_at IS NULL)",
    },
}


def upgrade() -> None:
    organisation_name_key = op.create_table(
        "organisation_name_key",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_organisation_name_key_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("organisation_id", "key", name=op.f("pk_organisation_name_key")),
    )
    affiliation_key = op.create_table(
        "affiliation_key",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_affiliation_key_user_id_user")
        ),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_affiliation_key")),
    )
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks.items():
                batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), condition)

    bind = op.get_bind()
    organisations = bind.execute(
        sa.text("SELECT id, name, short_name, english_name FROM organisation")
    ).all()
    rows = [
        {"organisation_id": o.id, "key": key}
        for o in organisations
        for key in sorted(name_keys(o.name) | name_keys(o.short_name) | name_keys(o.english_name))
    ]
    if rows:
        op.bulk_insert(organisation_name_key, rows)
    users = bind.execute(sa.text("SELECT id, affiliation FROM \"user\" WHERE affiliation != ''"))
    rows = [
        {"user_id": u.id, "key": key} for u in users for key in sorted(name_keys(u.affiliation))
    ]
    if rows:
        op.bulk_insert(affiliation_key, rows)


def downgrade() -> None:
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in checks:
                batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
    op.drop_table("affiliation_key")
    op.drop_table("organisation_name_key")
