from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy import event
from sqlmodel import Field, Relationship, SQLModel

from portal.accounts.names import match_keys, name_keys
from portal.columns import Row, enum_field, moment, refers_to, stamp, user_ref
from portal.db import checks, enum_type, set_after, set_iff
from portal.relationships import through
from portal.vocabulary import (
    InvitationPurpose,
    InvitationStatus,
    MembershipRole,
    MembershipStatus,
    OrgStatus,
    OrgType,
    Role,
)


class Organisation(Row, table=True):
    """A firm, university or institute. Knowing its credit code proves nothing (it is public):
    people speak for it only through an approved Membership."""

    __table_args__ = (
        *checks(
            rejected_iff_reason="(status = 'rejected') = (rejection_reason != '')",
            verified_iff_stamped=set_iff("verified_at", "verified"),
        ),
    )

    name: str = Field(max_length=200, index=True)
    # Names that also identify it in text: withheld in blind review, matched for conflicts.
    short_name: str = Field(default="", max_length=100)
    english_name: str = Field(default="", max_length=200)
    type: OrgType = Field(sa_type=enum_type(OrgType))
    credit_code: str = Field(max_length=18, unique=True)
    region: str = Field(default="", max_length=100)
    created_at: datetime = moment()
    status: OrgStatus = enum_field(OrgStatus.unverified, index=True)
    licence_stored_name: str = Field(default="", max_length=200)
    licence_filename: str = Field(default="", max_length=200)
    licence_uploaded_at: datetime | None = stamp()
    verified_at: datetime | None = stamp()
    # Who verified it (a user id; no foreign key, which would make user ⇄ organisation a cycle;
    # the audit trail names the person too).
    verified_by_id: int | None = Field(default=None)
    rejection_reason: str = Field(default="", max_length=1000)

    users: list["User"] = through("User.organisation_id", back_populates="organisation")


class User(UserMixin, Row, table=True):
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=100)
    password_hash: str = Field(max_length=255)
    role: Role = Field(sa_type=enum_type(Role), index=True)
    active: bool = Field(default=True)
    language: str = Field(default="", max_length=8)
    # The organisation this person speaks for: set only while their Membership of it is approved
    # (portal/accounts/states.py keeps the two together), so every access rule that reads it
    # admits approved members only. A pending joiner has None here and a pending Membership.
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    # Experts: where they work (free text, matched against organisations for conflicts) and what
    # they know (comma-separated keywords, matched against challenges' chains for assignment).
    affiliation: str = Field(default="", max_length=200)
    affiliation_org_id: int | None = Field(default=None, foreign_key="organisation.id")
    expertise: str = Field(default="", max_length=500)
    created_at: datetime = moment()
    # Set when the owner followed the link sent to the address (or an invitation sent to it).
    email_verified_at: datetime | None = stamp()
    # Bumped when the password changes, so that other sessions of the account end.
    session_version: int = Field(default=1)

    organisation: Organisation | None = through("User.organisation_id", back_populates="users")
    affiliation_org: Organisation | None = through("User.affiliation_org_id")

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

    @property
    def masked_email(self) -> str:
        """The address as a***@example.com: enough to recognise, not enough to write to (shown
        to someone waiting for this person's decision)."""
        local, _at, domain = (self.email or "").partition("@")
        return f"{local[:1]}***@{domain}" if domain else "***"


class OrganisationNameKey(SQLModel, table=True):
    """A form of an organisation's names, folded for comparison (portal.accounts.names): an
    expert's typed affiliation names the organisation when it has a key in common. Written by
    `_store_name_keys` whenever the names are; read by the conflict rules in SQL."""

    __tablename__ = "organisation_name_key"

    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)
    key: str = Field(primary_key=True)


class AffiliationKey(SQLModel, table=True):
    """A form of the affiliation a user typed, folded as organisations' names are."""

    __tablename__ = "affiliation_key"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    key: str = Field(primary_key=True)


@event.listens_for(Organisation, "after_insert")
@event.listens_for(Organisation, "after_update")
def _organisation_written(_mapper, connection, organisation: Organisation) -> None:
    if _changed(organisation, "name", "short_name", "english_name"):
        store_match_keys(connection, [organisation])


@event.listens_for(User, "after_insert")
@event.listens_for(User, "after_update")
def _user_written(_mapper, connection, user: User) -> None:
    if _changed(user, "affiliation"):
        store_affiliation_keys(connection, [user])


def _changed(target: object, *fields: str) -> bool:
    state = sa.inspect(target)
    return any(state.attrs[f].history.has_changes() for f in fields)


def store_match_keys(connection: sa.Connection, organisations: Iterable) -> None:
    """Replace the stored keys of `organisations` (anything with id, name, short_name and
    english_name) by those of their names now.

    The ORM calls this in the flush that writes an organisation, so that every way of writing a
    name (registration, staff corrections, the demo, the tests' factories) keeps the conflict
    rules right without knowing of them; bulk inserts that bypass the ORM call it themselves."""
    _replace(connection, OrganisationNameKey, "organisation_id", organisations, match_keys)


def store_affiliation_keys(connection: sa.Connection, users: Iterable) -> None:
    """Replace the stored keys of `users`' affiliations (as `store_match_keys` does)."""
    _replace(connection, AffiliationKey, "user_id", users, lambda u: name_keys(u.affiliation))


def _replace(connection: sa.Connection, model, owner: str, rows: Iterable, keys) -> None:
    rows = list(rows)
    if not rows:
        return
    table = model.__table__
    connection.execute(table.delete().where(table.c[owner].in_([r.id for r in rows])))
    values = [{owner: r.id, "key": key} for r in rows for key in sorted(keys(r))]
    if values:
        connection.execute(table.insert(), values)


class LoginAttempt(Row, table=True):
    """Every login attempt, so that throttling holds across worker processes and hosts
    (portal/accounts/throttling.py reads them)."""

    __table_args__ = (sa.Index("ix_login_attempt_pair_at", "email", "remote_addr", "at"),)

    email: str = Field(max_length=254)
    remote_addr: str = Field(default="", max_length=64, index=True)
    success: bool = Field(default=False)
    # Turned away unchecked because the account and address, or the address, had to wait. Such
    # attempts are kept for the record but never counted, so they cannot make the wait longer.
    refused: bool = Field(default=False)
    # When an administrator cleared the throttle that this failure counted towards.
    cleared_at: datetime | None = stamp()
    at: datetime = moment(index=True)


class Membership(Row, table=True):
    """A person in an organisation (单位成员), and whether the organisation approved them.

    While a membership is approved, `User.organisation_id` names its organisation; otherwise
    the user speaks for no organisation. An organisation keeps at least one administrator.
    """

    __table_args__ = (
        sa.UniqueConstraint("user_id", "organisation_id"),
        *checks(
            decided_iff_stamped=set_after("decided_at", "pending"),
            reason_only_if_refused="status = 'refused' OR reason = ''",
        ),
    )

    user_id: int = refers_to("user")
    organisation_id: int = refers_to("organisation")
    status: MembershipStatus = enum_field(MembershipStatus.pending, index=True)
    role: MembershipRole = enum_field(MembershipRole.member)
    created_at: datetime = moment()
    decided_at: datetime | None = stamp()
    decided_by_id: int | None = user_ref()
    reason: str = Field(default="", max_length=1000)

    user: User = through("Membership.user_id")
    organisation: Organisation = Relationship()


class Invitation(Row, table=True):
    """A single-use link sent to an e-mail address: whoever registers through it joins
    `organisation_id` in `role` (approved at once when `approved_on_join`).

    Only the SHA-256 of the token is stored; the token itself travels only in the e-mail.
    """

    __table_args__ = (
        *checks(
            used_iff_stamped=set_iff("used_at", "used"),
            used_iff_used_by=set_iff("used_by_id", "used"),
        ),
    )

    token_hash: str = Field(max_length=64, unique=True)
    email: str = Field(max_length=254, index=True)
    organisation_id: int = refers_to("organisation")
    purpose: InvitationPurpose = Field(sa_type=enum_type(InvitationPurpose))
    role: MembershipRole = enum_field(MembershipRole.member)
    approved_on_join: bool = Field(default=True)
    status: InvitationStatus = enum_field(InvitationStatus.open)
    created_by_id: int | None = user_ref()
    created_at: datetime = moment()
    expires_at: datetime = moment()
    used_at: datetime | None = stamp()
    used_by_id: int | None = user_ref()

    organisation: Organisation = Relationship()
