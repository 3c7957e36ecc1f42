"""An organisation's accepted memberships of consortia are found by one index

Every applicant page asks which proposals the organisation takes part in (organisation and
consent together); with one index on each column, SQLite chose the one on consent, which nearly
every row shares, and read most of the table.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 16:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_consortium_member_organisation_consent",
        "consortium_member",
        ["organisation_id", "consent"],
    )


def downgrade() -> None:
    op.drop_index("ix_consortium_member_organisation_consent", table_name="consortium_member")
