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
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

from flask import current_app
from sqlmodel import select

from portal import audit, clock
from portal.accounts import models, passwords, states
from portal.accounts.membership import join
from portal.accounts.models import Invitation, Organisation, User
from portal.accounts.permissions import can_administer, can_revoke
from portal.accounts.queries import approved_count, membership_of
from portal.accounts.services import find_user
from portal.db import db
from portal.errors import DomainError, require
from portal.i18n import current_language
from portal.i18n import gettext as _
from portal.notifications.mail import public_link, queue
from portal.presentation import format_local
from portal.vocabulary import InvitationPurpose, InvitationStatus

DEFAULT_DAYS = 14


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8", "replace")).hexdigest()


def create_invitation(
    *,
    email: str,
    organisation: Organisation,
    purpose: InvitationPurpose,
    by: User | None,
    role: models.MembershipRole = models.MembershipRole.member,
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
    audit.created(
        by, "invitation.created", invitation, "email", "organisation_id", "purpose", "role"
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


def _lock_open(invitation: Invitation) -> Invitation:
    """Read the invitation again under a lock, so that a link used twice at once is used once:
    the second use waits for the first to commit, then finds it used."""
    invitation = db.lock(invitation)
    if invitation.status is not InvitationStatus.open:
        raise InvitationUnusable(_("This invitation has already been used."))
    return invitation


def join_through(
    invitation: Invitation, user: User, now: datetime | None = None
) -> models.Membership:
    """`user` (registered through the link, or logged in with its address) joins the
    invitation's organisation; the invitation is used.

    The caller has checked that the invitation is for `user`'s address; joining refuses
    a user who belongs to another organisation (see membership.join).
    """
    now = now or clock.now()
    invitation = _lock_open(invitation)
    if user.email_verified_at is None and user.email == invitation.email:
        user.email_verified_at = now  # the link reached this address
    sender = db.session.get(User, invitation.created_by_id) if invitation.created_by_id else None
    membership = join(
        user,
        invitation.organisation,
        role=invitation.role,
        approved_by=(sender or user) if invitation.approved_on_join else None,
        now=now,
    )
    states.set_invitation_status(invitation, InvitationStatus.used, by=user, now=now)
    return membership


def revoke(invitation: Invitation, *, by: User) -> Invitation:
    """Whoever sent the invitation, an administrator of its organisation or platform staff
    withdraw it; its link stops working."""
    require(can_revoke(by, invitation))
    invitation = db.lock(invitation)
    if invitation.status is not InvitationStatus.open:
        raise DomainError(_("Only an open invitation can be withdrawn."))
    return states.set_invitation_status(invitation, InvitationStatus.revoked, by=by)


def invitation_link(token: str, next: str | None = None) -> str:
    """The address to put in the e-mail: the invitation page (accounts.invitation), then `next`
    (a path on the portal) once joined. Built without a request, so that commands can send
    invitations too."""
    path = f"/invitations/{quote(token)}"
    return public_link(f"{path}?{urlencode({'next': next})}" if next else path)


def invite_colleague(organisation: Organisation, email: str, *, by: User) -> Invitation:
    """An administrator invites a colleague by e-mail: whoever follows the link joins the
    organisation as an approved member. An earlier open invitation to the same address is
    withdrawn, so that only the newest link works."""
    require(
        can_administer(by, organisation),
        _("Only an administrator of %(org)s can do this.", org=organisation.name),
    )
    email = (email or "").strip().lower()
    already = db.session.exec(
        select(User.id).where(User.email == email, User.organisation_id == organisation.id)
    ).first()
    if already is not None:
        raise DomainError(_("%(email)s is already a member.", email=email), field="email")
    for earlier in db.all(
        select(Invitation).where(
            Invitation.email == email,
            Invitation.organisation_id == organisation.id,
            Invitation.purpose == InvitationPurpose.colleague,
            Invitation.status == InvitationStatus.open,
        )
    ):
        revoke(earlier, by=by)
    invitation, token = create_invitation(
        email=email, organisation=organisation, purpose=InvitationPurpose.colleague, by=by
    )
    queue(
        db.session,
        email,
        _(
            "%(name)s invites you to join %(org)s on the Jiebang Portal",
            name=by.name,
            org=organisation.name,
        ),
        _(
            "%(name)s (%(email)s) invites you to join %(org)s on the Jiebang Portal, where it "
            "prepares its proposals for published challenges.\n\nOpen this link to accept; it "
            "works once, until %(until)s:\n%(link)s\n\nIf you did not expect this e-mail, you "
            "can ignore it.",
            name=by.name,
            email=by.email,
            org=organisation.name,
            until=format_local(invitation.expires_at),
            link=invitation_link(token),
        ),
    )
    return invitation


def acceptance_problem(invitation: Invitation, user: User) -> str | None:
    """Why a logged-in `user` cannot accept the invitation with one click, or None."""
    if user.email != invitation.email:
        return _(
            "This invitation was sent to %(sent_to)s, but you are logged in as %(me)s. Log out "
            "and open the link again, or ask for an invitation to your own address.",
            sent_to=invitation.email,
            me=user.email,
        )
    if user.role is not models.Role.applicant:
        return _("Only an applicant's account can join an organisation.")
    live = membership_of(user)
    if live is not None and (
        live.organisation_id != invitation.organisation_id
        or live.status is models.MembershipStatus.approved
    ):
        return _(
            "You already belong to %(org)s, or wait to join it. An account speaks for one "
            "organisation only.",
            org=live.organisation.name,
        )
    return None


def accept(
    invitation: Invitation, user: User, *, details: OrganisationDetails | None = None
) -> models.Membership:
    """A logged-in user with the invitation's address joins with one click."""
    invitation = _lock_open(invitation)
    problem = acceptance_problem(invitation, user)
    if problem:
        raise DomainError(problem)
    if details is not None:
        correct_invited_organisation(invitation, details, by=user)
    return join_through(invitation, user)


@dataclass(frozen=True)
class OrganisationDetails:
    """What the person registering an invited organisation may correct: the lead typed it."""

    name: str
    type: str
    region: str


def may_correct_organisation(invitation: Invitation) -> bool:
    """Whether whoever joins through the invitation may correct the organisation's details:
    a consortium invitation to an organisation that nobody speaks for yet."""
    return (
        invitation.purpose is InvitationPurpose.consortium
        and approved_count(invitation.organisation_id) == 0
    )


def correct_invited_organisation(
    invitation: Invitation, details: OrganisationDetails, *, by: User
) -> Organisation:
    require(may_correct_organisation(invitation))
    organisation = invitation.organisation
    before = audit.snapshot(organisation, "name", "type", "region")
    organisation.name = details.name.strip() or organisation.name
    organisation.type = models.OrgType(details.type) if details.type else organisation.type
    organisation.region = details.region.strip()
    after = audit.snapshot(organisation, "name", "type", "region")
    if after != before:
        audit.record(by, "organisation.corrected", organisation, before=before, after=after)
    return organisation


def register_through(
    invitation: Invitation,
    *,
    name: str,
    password: str,
    details: OrganisationDetails | None = None,
    now: datetime | None = None,
) -> User:
    """A new applicant account for the invitation's address (confirmed: the link reached it),
    joined to the invitation's organisation."""
    now = now or clock.now()
    invitation = _lock_open(invitation)
    if find_user(invitation.email) is not None:
        raise DomainError(
            _("An account with this address exists already: log in to accept the invitation.")
        )
    user = User(
        email=invitation.email,
        name=name.strip(),
        password_hash=passwords.hashed(password),
        role=models.Role.applicant,
        created_at=now,
        email_verified_at=now,
        language=current_language(),
    )
    db.session.add(user)
    audit.created(user, "user.registered", user)
    if details is not None:
        correct_invited_organisation(invitation, details, by=user)
    join_through(invitation, user, now=now)
    return user
