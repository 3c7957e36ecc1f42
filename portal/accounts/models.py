import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlmodel import Field, Relationship, SQLModel

from portal.db import UTCDateTime, enum_type


class Role(enum.StrEnum):
    admin = "admin"
    officer = "officer"
    applicant = "applicant"
    expert = "expert"
    evaluator = "evaluator"  # 第三方评估机构: reads chain KPIs and project figures, nothing more


class OrgType(enum.StrEnum):
    enterprise = "enterprise"
    university = "university"
    institute = "institute"
    other = "other"


class OrgStatus(enum.StrEnum):
    """Platform staff verify an organisation against its business licence (营业执照)."""

    unverified = "unverified"  # may draft, may not submit
    verified = "verified"
    rejected = "rejected"  # with a reason; the administrator may upload a licence again


class Organisation(SQLModel, table=True):
    """A firm, university or institute. Knowing its credit code proves nothing (it is public):
    people speak for it only through an approved Membership."""

    __tablename__ = "organisation"
    __table_args__ = (
        sa.CheckConstraint(
            "status != 'rejected' OR rejection_reason != ''", name="rejected_has_reason"
        ),
        sa.CheckConstraint(
            "(status = 'verified') = (verified_at IS NOT NULL)", name="verified_iff_stamped"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    # Names that also identify it in text: withheld in blind review, matched for conflicts.
    short_name: str = Field(default="", max_length=100)
    english_name: str = Field(default="", max_length=200)
    type: OrgType = Field(sa_type=enum_type(OrgType))
    credit_code: str = Field(max_length=18, unique=True)
    region: str = Field(default="", max_length=100)
    created_at: datetime = Field(sa_type=UTCDateTime)
    status: OrgStatus = Field(
        default=OrgStatus.unverified, sa_type=enum_type(OrgStatus), index=True
    )
    licence_stored_name: str = Field(default="", max_length=200)
    licence_filename: str = Field(default="", max_length=200)
    licence_uploaded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Who verified it (a user id; no foreign key, which would make user ⇄ organisation a cycle;
    # the audit trail names the person too).
    verified_by_id: int | None = Field(default=None)
    rejection_reason: str = Field(default="", max_length=1000)

    users: list["User"] = Relationship(
        back_populates="organisation",
        sa_relationship_kwargs={"foreign_keys": "User.organisation_id"},
    )


class User(UserMixin, SQLModel, table=True):
    __tablename__ = "user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=100)
    password_hash: str = Field(max_length=255)
    role: Role = Field(sa_type=enum_type(Role), index=True)
    active: bool = Field(default=True)
    language: str = Field(default="", max_length=8)
    # The organisation this person speaks for: set only while their Membership of it is approved
    # (accounts.membership keeps the two together), so every access rule that reads it admits
    # approved members only. A pending joiner has None here and a pending Membership.
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    # Experts: where they work (free text, matched against organisations for conflicts) and what
    # they know (comma-separated keywords, matched against challenges' chains for assignment).
    affiliation: str = Field(default="", max_length=200)
    affiliation_org_id: int | None = Field(default=None, foreign_key="organisation.id")
    expertise: str = Field(default="", max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime)
    # Set when the owner followed the link sent to the address (or an invitation sent to it).
    email_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Bumped when the password changes, so that other sessions of the account end.
    session_version: int = Field(default=1)

    organisation: Organisation | None = Relationship(
        back_populates="users",
        sa_relationship_kwargs={"foreign_keys": "User.organisation_id"},
    )
    affiliation_org: Organisation | None = Relationship(
        sa_relationship_kwargs={"foreign_keys": "User.affiliation_org_id"},
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def is_staff(self) -> bool:
        """Officers and admins run the programme; admins may do all an officer may."""
        return self.role in (Role.officer, Role.admin)


class LoginAttempt(SQLModel, table=True):
    """Every login attempt, so that throttling holds across worker processes and hosts
    (portal/accounts/throttling.py reads them)."""

    __tablename__ = "login_attempt"
    __table_args__ = (sa.Index("ix_login_attempt_pair_at", "email", "remote_addr", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    remote_addr: str = Field(default="", max_length=64, index=True)
    success: bool = Field(default=False)
    # Turned away unchecked because the account and address, or the address, had to wait. Such
    # attempts are kept for the record but never counted, so they cannot make the wait longer.
    refused: bool = Field(default=False)
    # When an administrator cleared the throttle that this failure counted towards.
    cleared_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    at: datetime = Field(sa_type=UTCDateTime, index=True)


class MembershipStatus(enum.StrEnum):
    pending = "pending"  # asked to join; waits for an administrator of the organisation
    approved = "approved"
    refused = "refused"
    removed = "removed"  # was approved; removed by an administrator


class MembershipRole(enum.StrEnum):
    member = "member"
    administrator = "administrator"  # 单位管理员: approves members, submits, accepts invitations


class Membership(SQLModel, table=True):
    """A person in an organisation (单位成员), and whether the organisation approved them.

    While a membership is approved, `User.organisation_id` names its organisation; otherwise
    the user speaks for no organisation. An organisation keeps at least one administrator.
    """

    __tablename__ = "membership"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "organisation_id"),
        sa.CheckConstraint(
            "status = 'pending' OR decided_at IS NOT NULL", name="decided_is_stamped"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    status: MembershipStatus = Field(
        default=MembershipStatus.pending, sa_type=enum_type(MembershipStatus), index=True
    )
    role: MembershipRole = Field(default=MembershipRole.member, sa_type=enum_type(MembershipRole))
    created_at: datetime = Field(sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    reason: str = Field(default="", max_length=1000)

    user: User = Relationship(sa_relationship_kwargs={"foreign_keys": "Membership.user_id"})
    organisation: Organisation = Relationship()


class InvitationPurpose(enum.StrEnum):
    colleague = "colleague"  # an administrator invites a colleague into the organisation
    consortium = "consortium"  # a lead invites an organisation not yet registered
    leader = "leader"  # a lead names a team leader who has no account yet


class InvitationStatus(enum.StrEnum):
    open = "open"
    used = "used"
    revoked = "revoked"


class Invitation(SQLModel, table=True):
    """A single-use link sent to an e-mail address: whoever registers through it joins
    `organisation_id` in `role` (approved at once when `approved_on_join`).

    Only the SHA-256 of the token is stored; the token itself travels only in the e-mail.
    """

    __tablename__ = "invitation"
    __table_args__ = (
        sa.CheckConstraint("(status = 'used') = (used_at IS NOT NULL)", name="used_iff_stamped"),
    )

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    email: str = Field(max_length=254, index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    purpose: InvitationPurpose = Field(sa_type=enum_type(InvitationPurpose))
    role: MembershipRole = Field(default=MembershipRole.member, sa_type=enum_type(MembershipRole))
    approved_on_join: bool = Field(default=True)
    status: InvitationStatus = Field(
        default=InvitationStatus.open, sa_type=enum_type(InvitationStatus)
    )
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_by_id: int | None = Field(default=None, foreign_key="user.id")

    organisation: Organisation = Relationship()
