"""An organisation's accepted memberships of consortia are found by one index, and consent
alone has none

Every applicant page asks which proposals the organisation takes part in (organisation and
consent together); with one index on each column, SQLite chose the one on consent, which nearly
every row shares, and read most of the table. No query asks by consent alone (each names the
organisation or joins the proposal), and its index misled the chain page's statements the same
way: it goes.

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
    op.drop_index("ix_consortium_member_consent", table_name="consortium_member")


def downgrade() -> None:
    op.create_index("ix_consortium_member_consent", "consortium_member", ["consent"])
    op.drop_index("ix_consortium_member_organisation_consent", table_name="consortium_member")
