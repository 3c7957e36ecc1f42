"""Consortium consent, the team leader's account and pledge signatures

A member organisation now accepts or declines the lead's invitation, and the team leader signs
the pledge with their own account. Existing data is brought over as it was trusted before: the
lead organisation's own row is accepted; in every proposal already handed in (submitted, or
further along: rejected, in review, awarded, reserve, not funded, or withdrawn after submission)
every member counts as having accepted, and the pledge as signed, by the name that was typed,
marked as migrated (no account, no hash: such a signature never makes a proposal submittable
again). A draft's members are invited. The leader's account is the one with the leader's e-mail.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 01:05:56
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import portal.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HANDED_IN = (
    "('submitted', 'withdrawn', 'rejected', 'in_review', 'awarded', 'reserve', 'not_funded')"
)


def upgrade() -> None:
    op.create_table(
        "pledge_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=True),
        sa.Column("signer_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("signer_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("signed_at", portal.db.UTCDateTime(), nullable=False),
        sa.Column("remote_addr", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "signed", "void", name="signaturestatus", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("voided_at", portal.db.UTCDateTime(), nullable=True),
        sa.Column(
            "void_cause",
            sa.Enum(
                "commitments",
                "milestones",
                "budget",
                "consortium",
                "leader",
                "consent",
                "signed_again",
                name="voidcause",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("voided_by_id", sa.Integer(), nullable=True),
        sa.Column("migrated", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "(status = 'void') = (void_cause IS NOT NULL)",
            name=op.f("ck_pledge_signature_void_has_cause"),
        ),
        sa.CheckConstraint(
            "(status = 'void') = (voided_at IS NOT NULL)",
            name=op.f("ck_pledge_signature_void_iff_stamped"),
        ),
        sa.CheckConstraint(
            "migrated OR (signer_id IS NOT NULL AND length(content_sha256) = 64)",
            name=op.f("ck_pledge_signature_signed_by_an_account"),
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposal.id"], name=op.f("fk_pledge_signature_proposal_id_proposal")
        ),
        sa.ForeignKeyConstraint(
            ["signer_id"], ["user.id"], name=op.f("fk_pledge_signature_signer_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["voided_by_id"], ["user.id"], name=op.f("fk_pledge_signature_voided_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge_signature")),
    )
    with op.batch_alter_table("pledge_signature", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pledge_signature_proposal_id"), ["proposal_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pledge_signature_signer_id"), ["signer_id"], unique=False
        )

    with op.batch_alter_table("consortium_member", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "consent",
                sa.Enum(
                    "invited",
                    "accepted",
                    "declined",
                    "withdrawn",
                    name="consentstatus",
                    native_enum=False,
                    create_constraint=True,
                ),
                nullable=False,
                server_default="invited",
            )
        )
        batch_op.add_column(sa.Column("invited_at", portal.db.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "invited_email",
                sqlmodel.sql.sqltypes.AutoString(length=254),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("consent_decided_at", portal.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("consent_decided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "consent_reason",
                sqlmodel.sql.sqltypes.AutoString(length=1000),
                nullable=False,
                server_default="",
            )
        )
        batch_op.create_index(batch_op.f("ix_consortium_member_consent"), ["consent"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_consortium_member_consent_decided_by_id_user"),
            "user",
            ["consent_decided_by_id"],
            ["id"],
        )

    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("leader_user_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_proposal_leader_user_id"), ["leader_user_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_proposal_leader_user_id_user"), "user", ["leader_user_id"], ["id"]
        )

    # Consent: the lead's own row, and every member of a proposal already handed in.
    op.execute(
        """
        UPDATE consortium_member SET invited_at = (
            SELECT p.created_at FROM proposal AS p WHERE p.id = consortium_member.proposal_id)
        """
    )
    op.execute(
        f"""
        UPDATE consortium_member
        SET consent = 'accepted',
            consent_decided_at = (
                SELECT CASE WHEN consortium_member.role = 'lead' THEN p.created_at
                            ELSE COALESCE(p.submitted_at, p.updated_at) END
                FROM proposal AS p WHERE p.id = consortium_member.proposal_id)
        WHERE role = 'lead' OR proposal_id IN (SELECT id FROM proposal WHERE status IN {HANDED_IN})
        """
    )
    # The leader's account: the one with the leader's e-mail, where there is one.
    op.execute(
        """
        UPDATE proposal SET leader_user_id = (
            SELECT u.id FROM "user" AS u WHERE lower(u.email) = lower(trim(proposal.leader_email)))
        WHERE trim(leader_email) != ''
        """
    )
    # The pledge of every proposal handed in, signed by the name that was typed at submission.
    postgresql = op.get_bind().dialect.name == "postgresql"
    no_content = "CAST('{}' AS JSON)" if postgresql else "'{}'"
    op.execute(
        sa.text(
            f"""
            INSERT INTO pledge_signature (proposal_id, signer_id, signer_name, signer_email,
                                          signed_at, remote_addr, content, content_sha256,
                                          status, migrated)
            SELECT p.id, NULL, COALESCE(NULLIF(p.pledge_name, ''), p.leader_name),
                   p.leader_email, COALESCE(p.submitted_at, p.updated_at), '', {no_content}, '',
                   'signed', :migrated
            FROM proposal AS p
            WHERE p.status IN {HANDED_IN}
            ORDER BY p.id
            """
        ).bindparams(migrated=True)
    )

    with op.batch_alter_table("consortium_member", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "declined_has_reason", "consent != 'declined' OR consent_reason != ''"
        )
        batch_op.create_check_constraint(
            "decided_iff_stamped", "(consent = 'invited') = (consent_decided_at IS NULL)"
        )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_column("pledge_accepted")
        batch_op.drop_column("pledge_name")


def downgrade() -> None:
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pledge_name", sa.VARCHAR(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("pledge_accepted", sa.BOOLEAN(), nullable=False, server_default=sa.false())
        )
    op.execute(
        sa.text(
            """
            UPDATE proposal
            SET pledge_accepted = :yes,
                pledge_name = (SELECT s.signer_name FROM pledge_signature AS s
                               WHERE s.proposal_id = proposal.id AND s.status = 'signed'
                               ORDER BY s.id DESC LIMIT 1)
            WHERE id IN (SELECT proposal_id FROM pledge_signature WHERE status = 'signed')
            """
        ).bindparams(yes=True)
    )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_proposal_leader_user_id_user"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_proposal_leader_user_id"))
        batch_op.drop_column("leader_user_id")

    with op.batch_alter_table("consortium_member", schema=None) as batch_op:
        batch_op.drop_constraint("ck_consortium_member_decided_iff_stamped", type_="check")
        batch_op.drop_constraint("ck_consortium_member_declined_has_reason", type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_consortium_member_consent_decided_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_consortium_member_consent"))
        batch_op.drop_column("consent_reason")
        batch_op.drop_column("consent_decided_by_id")
        batch_op.drop_column("consent_decided_at")
        batch_op.drop_column("invited_email")
        batch_op.drop_column("invited_at")
        batch_op.drop_column("consent")

    with op.batch_alter_table("pledge_signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledge_signature_signer_id"))
        batch_op.drop_index(batch_op.f("ix_pledge_signature_proposal_id"))

    op.drop_table("pledge_signature")
