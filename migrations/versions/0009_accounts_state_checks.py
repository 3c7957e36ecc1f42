"""Accounts' states hold their columns: CHECK constraints on organisations, memberships and
invitations

An organisation has a rejection reason exactly while it is rejected (no longer only "a rejected
one has one"); a membership is stamped as decided exactly when it is not pending, and keeps a
reason only while refused; a used invitation names who used it. Existing rows are brought in
line first: a reason or a decision stamp left behind by an earlier state is cleared.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-09 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE organisation SET rejection_reason = '' WHERE status != 'rejected'")
    op.execute("UPDATE membership SET decided_at = NULL WHERE status = 'pending'")
    op.execute("UPDATE membership SET reason = '' WHERE status != 'refused'")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_organisation_rejected_has_reason"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_organisation_rejected_iff_reason"),
            "(status = 'rejected') = (rejection_reason != '')",
        )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_membership_decided_is_stamped"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_membership_decided_iff_stamped"), "(status = 'pending') = (decided_at IS NULL)"
        )
        batch_op.create_check_constraint(
            op.f("ck_membership_reason_only_if_refused"), "status = 'refused' OR reason = ''"
        )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_invitation_used_iff_used_by"), "(status = 'used') = (used_by_id IS NOT NULL)"
        )


def downgrade() -> None:
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_invitation_used_iff_used_by"), type_="check")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_membership_reason_only_if_refused"), type_="check")
        batch_op.drop_constraint(op.f("ck_membership_decided_iff_stamped"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_membership_decided_is_stamped"), "status = 'pending' OR decided_at IS NOT NULL"
        )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_organisation_rejected_iff_reason"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_organisation_rejected_has_reason"),
            "status != 'rejected' OR rejection_reason != ''",
        )
