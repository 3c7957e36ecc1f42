"""The database holds the columns that go with each state of a challenge

CHECK constraints: `closed` is never stored (it is derived from the deadline); a challenge has a
published_at exactly when it has a version (1 and up); a draft has none, and a published, in
review or decided one has one; a cancelled challenge has its time and reason, and no other has
either.

Existing rows are brought in line first, as the services always wrote them: a stored `closed` is
published again (its deadline says it is closed); a draft keeps no publication; a challenge that
was published without its time takes the time of its first version (or its creation), and one
with a time counts as version 1 at least; a cancellation without its time takes the last change,
without its reason an empty mark; a challenge that is not cancelled keeps no cancellation.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECKS = {
    "closed_is_derived": "status <> 'closed'",
    "version_iff_published": "(published_at IS NULL) = (version = 0)",
    "draft_is_unpublished": "status <> 'draft' OR published_at IS NULL",
    "public_was_published": (
        "status NOT IN ('published', 'reviewing', 'decided') OR published_at IS NOT NULL"
    ),
    "cancelled_iff_stamped": "(status = 'cancelled') = (cancelled_at IS NOT NULL)",
    "cancelled_has_reason": "(status = 'cancelled') = (cancel_reason <> '')",
}

REPAIRS = (
    "UPDATE challenge SET status = 'published' WHERE status = 'closed'",
    "UPDATE challenge SET published_at = NULL, version = 0 WHERE status = 'draft'",
    """UPDATE challenge SET published_at = COALESCE(
           (SELECT MIN(v.published_at) FROM challenge_version v WHERE v.challenge_id = challenge.id),
           created_at)
       WHERE published_at IS NULL
         AND (version > 0 OR status IN ('published', 'reviewing', 'decided'))""",
    "UPDATE challenge SET version = 1 WHERE published_at IS NOT NULL AND version = 0",
    """UPDATE challenge SET cancelled_at = updated_at
       WHERE status = 'cancelled' AND cancelled_at IS NULL""",
    "UPDATE challenge SET cancel_reason = '—' WHERE status = 'cancelled' AND cancel_reason = ''",
    """UPDATE challenge SET cancelled_at = NULL, cancel_reason = ''
       WHERE status <> 'cancelled'""",
)


def upgrade() -> None:
    for statement in REPAIRS:
        op.execute(sa.text(statement))
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        for name, condition in CHECKS.items():
            batch_op.create_check_constraint(op.f(f"ck_challenge_{name}"), condition)


def downgrade() -> None:
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        for name in reversed(CHECKS):
            batch_op.drop_constraint(op.f(f"ck_challenge_{name}"), type_="check")
