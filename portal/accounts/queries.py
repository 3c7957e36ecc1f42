"""Reads of the accounts module that pages, services and other modules share: who speaks for an
organisation, its members and invitations, and the lists of staff's and admins' pages (built on
the `visible_*` selects of portal/accounts/permissions.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import selectinload
from sqlmodel import case, false, func, or_, select
from sqlmodel.sql.expression import Select

from portal import clock
from portal.accounts import models
from portal.accounts.models import Invitation, Membership, Organisation, User
from portal.accounts.permissions import can_manage_accounts, visible_organisations, visible_users
from portal.audit import AuditEvent
from portal.db import db
from portal.vocabulary import MembershipStatus

LIVE = (MembershipStatus.pending, MembershipStatus.approved)


# ---- who speaks for an organisation -------------------------------------------------------------


def membership_of(user: User) -> Membership | None:
    """The user's pending or approved membership, if any."""
    return db.session.exec(
        select(Membership)
        .where(Membership.user_id == user.id, Membership.status.in_(LIVE))
        .order_by(Membership.created_at.desc(), Membership.id.desc())
    ).first()


def latest_membership(user: User) -> Membership | None:
    """The user's most recent membership in any state (a refused or removed one included)."""
    return db.session.exec(
        select(Membership)
        .where(Membership.user_id == user.id)
        .options(selectinload(Membership.organisation))
        .order_by(Membership.created_at.desc(), Membership.id.desc())
    ).first()


def membership_row(user: User, organisation_id: int) -> Membership | None:
    """The user's membership row of the organisation in any state (there is one per pair)."""
    return db.session.exec(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation_id
        )
    ).first()


def administrators_query(organisation_id: int) -> Select:
    """The active administrators of an organisation, as a Select of User."""
    return (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.organisation_id == organisation_id,
            Membership.status == MembershipStatus.approved,
            Membership.role == models.MembershipRole.administrator,
            User.organisation_id == organisation_id,
            User.active,
        )
        .order_by(Membership.created_at, User.id)
    )


def administrators(organisation_id: int) -> list[User]:
    return db.all(administrators_query(organisation_id))


def approved_count(organisation_id: int, role: models.MembershipRole | None = None) -> int:
    """How many approved members (of `role`, when given) the organisation has."""
    statement = (
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.organisation_id == organisation_id,
            Membership.status == MembershipStatus.approved,
        )
    )
    if role is not None:
        statement = statement.where(Membership.role == role)
    return db.session.exec(statement).one()


def members(organisation_id: int) -> Select:
    """The organisation's memberships for its page: requests first, then members, then former
    members; each with its user loaded."""
    order = case(
        (Membership.status == MembershipStatus.pending, 0),
        (Membership.status == MembershipStatus.approved, 1),
        else_=2,
    )
    return (
        select(Membership)
        .where(Membership.organisation_id == organisation_id)
        .options(selectinload(Membership.user))
        .order_by(order, Membership.created_at.desc(), Membership.id.desc())
    )


def administrator_candidates(organisation_id: int) -> list[Membership]:
    """Whom staff may name administrator of an organisation: its members and those waiting to
    join."""
    return db.all(members(organisation_id).where(Membership.status.in_(LIVE)))


def open_colleague_invitations(organisation_id: int, now: datetime | None = None) -> list:
    """An organisation's invitations of colleagues that can still be used, newest first."""
    return db.all(
        select(Invitation)
        .where(
            Invitation.organisation_id == organisation_id,
            Invitation.purpose == models.InvitationPurpose.colleague,
            Invitation.status == models.InvitationStatus.open,
            Invitation.expires_at > (now or clock.now()),
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )


def platform_admins() -> list[User]:
    """The active admins, who are told of what waits for them (experts, licences)."""
    return db.all(select(User).where(User.role == models.Role.admin, User.active))


# ---- the lists of staff's and admins' pages -----------------------------------------------------


def organisations_for(
    user: User, *, text: str = "", type: str = "", region: str = "", status: str = ""
) -> Select:
    """Organisations for the staff's list: by name (any of its names) or credit code, type,
    region and status; those waiting for a decision first."""
    statement = visible_organisations(user)
    if text.strip():
        pattern = f"%{text.strip().lower()}%"
        statement = statement.where(
            or_(
                Organisation.name.ilike(pattern),
                Organisation.short_name.ilike(pattern),
                Organisation.english_name.ilike(pattern),
                Organisation.credit_code.ilike(pattern),
            )
        )
    if type:
        statement = statement.where(Organisation.type == models.OrgType(type))
    if region.strip():
        statement = statement.where(Organisation.region.ilike(f"%{region.strip()}%"))
    if status:
        statement = statement.where(Organisation.status == models.OrgStatus(status))
    waiting_first = Organisation.status != models.OrgStatus.unverified
    return statement.order_by(
        waiting_first, Organisation.licence_uploaded_at.desc().nulls_last(), Organisation.name
    )


def users_for(user: User, *, text: str = "", role: str = "", state: str = "") -> Select:
    """Accounts for the admins' list, newest first: by name or e-mail, role and whether active."""
    statement = visible_users(user).order_by(User.created_at.desc(), User.id.desc())
    if text.strip():
        pattern = f"%{text.strip().lower()}%"
        statement = statement.where(or_(User.email.like(pattern), User.name.ilike(pattern)))
    if role:
        statement = statement.where(User.role == models.Role(role))
    if state:
        statement = statement.where(User.active.is_(state == "active"))
    return statement.options(selectinload(User.organisation))


def audit_trail(user: User, *, action: str = "", actor: str = "", object_type: str = "") -> Select:
    """The audit trail for admins, newest first: by the start of the action's name, the actor's
    address and the kind of object."""
    statement = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if not can_manage_accounts(user):
        return statement.where(false())
    if action.strip():
        statement = statement.where(AuditEvent.action.like(f"{action.strip()}%"))
    if actor.strip():
        statement = statement.where(AuditEvent.actor_email == actor.strip().lower())
    if object_type.strip():
        statement = statement.where(AuditEvent.object_type == object_type.strip())
    return statement
