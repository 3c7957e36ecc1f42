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


class OrgType(enum.StrEnum):
    enterprise = "enterprise"
    university = "university"
    institute = "institute"
    other = "other"


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    type: OrgType = Field(sa_type=enum_type(OrgType))
    credit_code: str = Field(max_length=18, unique=True)
    region: str = Field(default="", max_length=100)
    created_at: datetime = Field(sa_type=UTCDateTime)

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
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    # Experts: where they work (free text, matched against organisations for conflicts) and what
    # they know (comma-separated keywords, matched against challenges' chains for assignment).
    affiliation: str = Field(default="", max_length=200)
    affiliation_org_id: int | None = Field(default=None, foreign_key="organisation.id")
    expertise: str = Field(default="", max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime)
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
    """Every login attempt, so that throttling holds across worker processes."""

    __tablename__ = "login_attempt"
    __table_args__ = (sa.Index("ix_login_attempt_email_at", "email", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    remote_addr: str = Field(default="", max_length=64, index=True)
    success: bool = Field(default=False)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
