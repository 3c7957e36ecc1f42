"""Organisations verified by staff, memberships, invitations and verified e-mail

Existing data is brought over as it was trusted before: every organisation counts as verified,
every address as confirmed, every applicant as an approved member of their organisation, and the
earliest user of each organisation becomes its administrator.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 00:53:36
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import portal.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "colleague",
                "consortium",
                "leader",
                name="invitationpurpose",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "role",
            sa.Enum(
                "member",
                "administrator",
                name="membershiprole",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("approved_on_join", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "used",
                "revoked",
                name="invitationstatus",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", portal.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", portal.db.UTCDateTime(), nullable=False),
        sa.Column("used_at", portal.db.UTCDateTime(), nullable=True),
        sa.Column("used_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(status = 'used') = (used_at IS NOT NULL)", name=op.f("ck_invitation_used_iff_stamped")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_invitation_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_invitation_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["used_by_id"], ["user.id"], name=op.f("fk_invitation_used_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitation_token_hash")),
    )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_email"), ["email"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_invitation_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "refused",
                "removed",
                name="membershipstatus",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "role",
            sa.Enum(
                "member",
                "administrator",
                name="membershiprole",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_at", portal.db.UTCDateTime(), nullable=False),
        sa.Column("decided_at", portal.db.UTCDateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.CheckConstraint(
            "status = 'pending' OR decided_at IS NOT NULL",
            name=op.f("ck_membership_decided_is_stamped"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_membership_decided_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_membership_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_membership_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
        sa.UniqueConstraint("user_id", "organisation_id", name=op.f("uq_membership_user_id")),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_membership_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_membership_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_membership_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "short_name",
                sqlmodel.sql.sqltypes.AutoString(length=100),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column(
                "english_name",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column(
                "status",
                sa.Enum(
                    "unverified",
                    "verified",
                    "rejected",
                    name="orgstatus",
                    native_enum=False,
                    create_constraint=True,
                ),
                nullable=False,
                server_default="unverified",
            )
        )
        batch_op.add_column(
            sa.Column(
                "licence_stored_name",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column(
                "licence_filename",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column("licence_uploaded_at", portal.db.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("verified_at", portal.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("verified_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "rejection_reason",
                sqlmodel.sql.sqltypes.AutoString(length=1000),
                nullable=False,
                server_default="",
            )
        )
        batch_op.create_index(batch_op.f("ix_organisation_status"), ["status"], unique=False)

    # Organisations, addresses and members as trusted before this revision (see above).
    op.execute("UPDATE organisation SET status = 'verified', verified_at = created_at")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "rejected_has_reason", "status != 'rejected' OR rejection_reason != ''"
        )
        batch_op.create_check_constraint(
            "verified_iff_stamped", "(status = 'verified') = (verified_at IS NOT NULL)"
        )

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_verified_at", portal.db.UTCDateTime(), nullable=True))
    op.execute('UPDATE "user" SET email_verified_at = created_at')
    op.execute(
        """
        INSERT INTO membership (user_id, organisation_id, status, role, created_at, decided_at,
                                reason)
        SELECT u.id, u.organisation_id, 'approved',
               CASE WHEN u.id = (SELECT first.id FROM "user" AS first
                                 WHERE first.organisation_id = u.organisation_id
                                 ORDER BY first.created_at, first.id LIMIT 1)
                    THEN 'administrator' ELSE 'member' END,
               u.created_at, u.created_at, ''
        FROM "user" AS u
        WHERE u.organisation_id IS NOT NULL
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("email_verified_at")

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_status"))
        batch_op.drop_column("rejection_reason")
        batch_op.drop_column("verified_by_id")
        batch_op.drop_column("verified_at")
        batch_op.drop_column("licence_uploaded_at")
        batch_op.drop_column("licence_filename")
        batch_op.drop_column("licence_stored_name")
        batch_op.drop_column("status")
        batch_op.drop_column("english_name")
        batch_op.drop_column("short_name")

    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_user_id"))
        batch_op.drop_index(batch_op.f("ix_membership_status"))
        batch_op.drop_index(batch_op.f("ix_membership_organisation_id"))

    op.drop_table("membership")
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_invitation_email"))

    op.drop_table("invitation")
