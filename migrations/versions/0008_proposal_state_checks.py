"""A proposal's state holds its columns: CHECK constraints

A rejection reason exactly when rejected, a submission time exactly when not a draft, and a
withdrawal time exactly when withdrawn. Rows written before are brought into line first: a
draft keeps no submission time (a member's withdrawn consent used to leave one, and a
withdrawal time), a proposal handed in without a time takes its latest version's (or its last
change's), a withdrawn one without a time its version's withdrawal, no other keeps one, and a
rejection without a reason says that none was recorded.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECKS = {
    "rejected_iff_reason": "(status = 'rejected') = (rejection_reason != '')",
    "submitted_iff_stamped": "(status = 'draft') = (submitted_at IS NULL)",
    "withdrawn_iff_stamped": "(status = 'withdrawn') = (withdrawn_at IS NOT NULL)",
}


def upgrade() -> None:
    op.execute("UPDATE proposal SET submitted_at = NULL WHERE status = 'draft'")
    op.execute(
        "UPDATE proposal SET submitted_at = COALESCE("
        "(SELECT MAX(v.submitted_at) FROM submitted_version v WHERE v.proposal_id = proposal.id),"
        " updated_at) WHERE status != 'draft' AND submitted_at IS NULL"
    )
    op.execute("UPDATE proposal SET withdrawn_at = NULL WHERE status != 'withdrawn'")
    op.execute(
        "UPDATE proposal SET withdrawn_at = COALESCE("
        "(SELECT MAX(v.withdrawn_at) FROM submitted_version v WHERE v.proposal_id = proposal.id),"
        " updated_at) WHERE status = 'withdrawn' AND withdrawn_at IS NULL"
    )
    op.execute("UPDATE proposal SET rejection_reason = '' WHERE status != 'rejected'")
    op.execute(
        "UPDATE proposal SET rejection_reason = 'No reason was recorded.' "
        "WHERE status = 'rejected' AND rejection_reason = ''"
    )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        for name, condition in CHECKS.items():
            batch_op.create_check_constraint(name, condition)


def downgrade() -> None:
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        for name in reversed(list(CHECKS)):
            batch_op.drop_constraint(batch_op.f(f"ck_proposal_{name}"), type_="check")
