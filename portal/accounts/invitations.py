"""Invitations: a single-use link, sent to an address, to join an organisation.

An administrator invites a colleague; a lead organisation invites a consortium member that is
not registered yet, or a team leader who has no account. Whoever registers through the link
joins the invitation's organisation in its role, approved at once when the invitation says so.
The token travels only in the e-mail; the database keeps its SHA-256, so a copy of the database
cannot be used to join.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlmodel import select

from portal import audit, clock
from portal.accounts.models import (
    Invitation,
    InvitationPurpose,
    InvitationStatus,
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
    User,
)
from portal.db import db
from portal.errors import DomainError
from portal.i18n import gettext as _

DEFAULT_DAYS = 14


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8", "replace")).hexdigest()


def create_invitation(
    *,
    email: str,
    organisation: Organisation,
    purpose: InvitationPurpose,
    by: User | None,
    role: MembershipRole = MembershipRole.member,
    approved_on_join: bool = True,
    now: datetime | None = None,
) -> tuple[Invitation, str]:
    """A new open invitation and its token (to be put in the link that is e-mailed)."""
    now = now or clock.now()
    token = secrets.token_urlsafe(32)
    days = current_app.config.get("INVITATION_DAYS", DEFAULT_DAYS)
    invitation = Invitation(
        token_hash=token_hash(token),
        email=(email or "").strip().lower(),
        organisation_id=organisation.id,
        purpose=purpose,
        role=role,
        approved_on_join=approved_on_join,
        created_by_id=getattr(by, "id", None),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(invitation)
    audit.record(
        by,
        "invitation.created",
        invitation,
        after=audit.snapshot(invitation, "email", "organisation_id", "purpose", "role"),
    )
    return invitation, token


class InvitationUnusable(DomainError):
    """The link is unknown, expired, already used or revoked."""


def open_invitation(token: str, now: datetime | None = None) -> Invitation:
    """The open invitation behind `token`, or InvitationUnusable saying why it cannot be used."""
    now = now or clock.now()
    invitation = db.session.exec(
        select(Invitation).where(Invitation.token_hash == token_hash(token))
    ).first()
    if invitation is None:
        raise InvitationUnusable(_("This invitation link is not valid. Check that it is complete."))
    if invitation.status is InvitationStatus.used:
        raise InvitationUnusable(_("This invitation has already been used."))
    if invitation.status is InvitationStatus.revoked:
        raise InvitationUnusable(_("This invitation has been withdrawn by whoever sent it."))
    if invitation.expires_at <= now:
        raise InvitationUnusable(
            _("This invitation has expired. Ask whoever sent it for a new one.")
        )
    return invitation


def join_through(invitation: Invitation, user: User, now: datetime | None = None) -> Membership:
    """`user` (registered through the link) joins the organisation; the invitation is used.

    The caller has checked that the invitation is open and is for `user`'s address, and that
    `user` belongs to no other organisation.
    """
    now = now or clock.now()
    approved = invitation.approved_on_join
    membership = Membership(
        user_id=user.id,
        organisation_id=invitation.organisation_id,
        status=MembershipStatus.approved if approved else MembershipStatus.pending,
        role=invitation.role if approved else MembershipRole.member,
        created_at=now,
        decided_at=now if approved else None,
        decided_by_id=invitation.created_by_id if approved else None,
    )
    db.session.add(membership)
    if approved:
        user.organisation_id = invitation.organisation_id
    invitation.status = InvitationStatus.used
    invitation.used_at = now
    invitation.used_by_id = user.id
    if user.email_verified_at is None and user.email == invitation.email:
        user.email_verified_at = now  # the link reached this address
    audit.record(
        user,
        "invitation.used",
        invitation,
        after=audit.snapshot(invitation, "status", "used_by_id"),
    )
    audit.record(
        user,
        f"membership.{membership.status.value}",
        membership,
        after=audit.snapshot(membership, "organisation_id", "status", "role"),
    )
    return membership


def revoke(invitation: Invitation, *, by: User) -> Invitation:
    if invitation.status is not InvitationStatus.open:
        raise DomainError(_("Only an open invitation can be withdrawn."))
    invitation.status = InvitationStatus.revoked
    audit.record(by, "invitation.revoked", invitation)
    return invitation
