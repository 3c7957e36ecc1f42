"""Who speaks for an organisation: the services that change a membership.

A person speaks for the organisation named by `User.organisation_id`, which is set only while
their Membership is approved (portal/accounts/states.py, the only writer of both). Administrators
(单位管理员) approve members and do the organisation's own acts: submitting and withdrawing its
proposals, accepting consortium invitations. The reads that every other module asks ("who are
its administrators?", "is this person one?") are in portal/accounts/queries.py and
portal/accounts/permissions.py.

Every change that touches an organisation's administrators locks the organisation's row first:
two administrators demoting each other at once are served one after the other, and the second
finds that it would leave the organisation without one.
"""

from __future__ import annotations

from datetime import datetime

from portal import audit
from portal.accounts import states
from portal.accounts.models import Membership, Organisation, User
from portal.accounts.permissions import (
    can_administer,
    can_verify,
    is_administrator,  # noqa: F401  (read from here elsewhere)
)
from portal.accounts.queries import (
    LIVE,
    administrators,
    approved_count,
    membership_of,
    membership_row,
)
from portal.db import db
from portal.errors import DomainError, NotAllowed, require
from portal.i18n import gettext as _
from portal.notifications.services import notify
from portal.vocabulary import MembershipRole, MembershipStatus

ORGANISATION_PAGE = "/organisation"


def _set_role(membership: Membership, role: MembershipRole, *, by: User, action: str) -> None:
    """A member's role within the organisation (not a state: the membership stays approved)."""
    before = audit.snapshot(membership, "role")
    membership.role = role
    audit.record(by, action, membership, before=before, after=audit.snapshot(membership, "role"))


# ---- joining ------------------------------------------------------------------------------------


def _admit(
    user: User,
    organisation: Organisation,
    status: MembershipStatus,
    *,
    role: MembershipRole,
    by: User,
    decided_by: User | None = None,
    now: datetime | None = None,
) -> Membership:
    """The user's membership of the organisation in `status`: their row of it moved, or a new
    one."""
    action = "membership.requested" if status is MembershipStatus.pending else "membership.approved"
    existing = membership_row(user, organisation.id)
    if existing is None:
        return states.new_membership(
            user,
            organisation.id,
            status,
            by=by,
            action=action,
            role=role,
            decided_by=decided_by,
            now=now,
        )
    return states.set_membership_status(
        existing, status, by=by, action=action, role=role, decided_by=decided_by, now=now
    )


def join(
    user: User,
    organisation: Organisation,
    *,
    role: MembershipRole = MembershipRole.member,
    approved_by: User | None = None,
    now: datetime | None = None,
) -> Membership:
    """`user` joins `organisation`.

    Nobody speaks for the organisation yet (it is new, or a lead invited it into a consortium
    before anyone registered it): the user becomes its approved administrator. Otherwise the
    membership is approved in `role` when `approved_by` (an administrator's invitation) says so,
    and else waits for an administrator; the administrators are told once the user's address
    is confirmed.
    """
    live = membership_of(user)
    if live is not None and live.organisation_id != organisation.id:
        raise DomainError(
            _(
                "You already belong to %(org)s, or wait to join it. Cancel that first.",
                org=live.organisation.name,
            )
        )
    if live is not None and live.status is MembershipStatus.approved:
        raise DomainError(_("You are already a member of %(org)s.", org=organisation.name))
    organisation = db.lock(organisation)
    if approved_count(organisation.id) == 0:
        return _admit(
            user,
            organisation,
            MembershipStatus.approved,
            role=MembershipRole.administrator,
            by=user,
            now=now,
        )
    if approved_by is not None:
        return _admit(
            user,
            organisation,
            MembershipStatus.approved,
            role=role,
            by=user,
            decided_by=approved_by,
            now=now,
        )
    if live is not None:
        return live  # already waiting for this organisation's administrators
    membership = _admit(
        user, organisation, MembershipStatus.pending, role=MembershipRole.member, by=user, now=now
    )
    if user.email_verified_at is not None:
        tell_administrators(membership)
    return membership


def tell_administrators(membership: Membership) -> None:
    """The organisation's administrators learn that someone asks to join (inbox and e-mail)."""
    name, email = membership.user.name, membership.user.email
    org = membership.organisation
    notify(
        administrators(org.id),
        "membership_requested",
        link=ORGANISATION_PAGE,
        name=name,
        email=email,
        org=org.name,
    )


def cancel_request(membership: Membership, *, by: User) -> None:
    """The person withdraws their own pending request; nothing of it stays but the audit."""
    if membership.user_id != by.id:
        raise NotAllowed()
    membership = db.lock(membership)
    if membership.status is not MembershipStatus.pending:
        raise DomainError(_("Only a request that is still waiting can be cancelled."))
    audit.record(
        by,
        "membership.cancelled",
        membership,
        before=audit.snapshot(membership, "user_id", "organisation_id", "status"),
    )
    db.session.delete(membership)


# ---- an administrator's decisions ---------------------------------------------------------------


def _locked_by_administrator(membership: Membership, by: User) -> Organisation:
    """The membership's organisation and the membership itself, locked (in that order, as every
    change of its members takes them) and read again; NotAllowed unless `by` administers it."""
    organisation = db.lock(membership.organisation)
    db.lock(membership)
    require(
        can_administer(by, organisation),
        _("Only an administrator of %(org)s can do this.", org=organisation.name),
    )
    return organisation


def approve(membership: Membership, *, by: User, now: datetime | None = None) -> Membership:
    if membership.user_id == by.id:
        raise NotAllowed(_("You cannot approve your own request."))
    organisation = _locked_by_administrator(membership, by)
    if membership.status is not MembershipStatus.pending:
        raise DomainError(_("This request has already been decided."))
    user = membership.user
    if user.email_verified_at is None:
        raise DomainError(_("%(name)s has not confirmed their e-mail address yet.", name=user.name))
    states.set_membership_status(
        membership, MembershipStatus.approved, by=by, action="membership.approved", now=now
    )
    notify([user], "membership_approved", link="/proposals", org=organisation.name)
    return membership


def refuse(
    membership: Membership, *, by: User, reason: str = "", now: datetime | None = None
) -> Membership:
    if membership.user_id == by.id:
        raise NotAllowed(_("You cannot decide your own request."))
    organisation = _locked_by_administrator(membership, by)
    if membership.status is not MembershipStatus.pending:
        raise DomainError(_("This request has already been decided."))
    reason = (reason or "").strip()
    states.set_membership_status(
        membership,
        MembershipStatus.refused,
        by=by,
        action="membership.refused",
        reason=reason,
        now=now,
    )
    notify(
        [membership.user],
        "membership_refused" if reason else "membership_refused.without_reason",
        link="/membership",
        org=organisation.name,
        reason=reason,
    )
    return membership


def promote(membership: Membership, *, by: User) -> Membership:
    if membership.user_id == by.id:
        raise NotAllowed(_("You cannot promote yourself."))
    organisation = _locked_by_administrator(membership, by)
    if membership.status is not MembershipStatus.approved:
        raise DomainError(_("Only an approved member can become an administrator."))
    if membership.role is MembershipRole.administrator:
        raise DomainError(_("%(name)s is already an administrator.", name=membership.user.name))
    _set_role(membership, MembershipRole.administrator, by=by, action="membership.promoted")
    notify([membership.user], "membership_promoted", link=ORGANISATION_PAGE, org=organisation.name)
    return membership


def _keep_one_administrator(membership: Membership, organisation: Organisation) -> None:
    if (
        membership.role is MembershipRole.administrator
        and membership.status is MembershipStatus.approved
        and approved_count(organisation.id, MembershipRole.administrator) <= 1
    ):
        raise DomainError(
            _(
                "%(org)s must keep at least one administrator. Make another member an "
                "administrator first.",
                org=organisation.name,
            )
        )


def demote(membership: Membership, *, by: User) -> Membership:
    """An administrator becomes a plain member (one may step down oneself)."""
    organisation = _locked_by_administrator(membership, by)
    if membership.status is not MembershipStatus.approved or (
        membership.role is not MembershipRole.administrator
    ):
        raise DomainError(_("%(name)s is not an administrator.", name=membership.user.name))
    _keep_one_administrator(membership, organisation)
    _set_role(membership, MembershipRole.member, by=by, action="membership.demoted")
    return membership


def remove(membership: Membership, *, by: User, now: datetime | None = None) -> Membership:
    """The member no longer speaks for the organisation; their sessions end at once."""
    organisation = _locked_by_administrator(membership, by)
    if membership.status is not MembershipStatus.approved:
        raise DomainError(_("Only an approved member can be removed."))
    _keep_one_administrator(membership, organisation)
    states.set_membership_status(
        membership, MembershipStatus.removed, by=by, action="membership.removed", now=now
    )
    notify([membership.user], "membership_removed", link="/membership", org=organisation.name)
    return membership


# ---- platform staff -----------------------------------------------------------------------------


def name_administrator(
    organisation: Organisation, membership_id: int | None, *, by: User
) -> Membership:
    """Staff make a member (or someone waiting to join) the administrator of an organisation
    that has none, as older data may."""
    require(can_verify(by, organisation))
    organisation = db.lock(organisation)
    membership = db.session.get(Membership, membership_id) if membership_id else None
    if membership is None or (
        membership.organisation_id != organisation.id or membership.status not in LIVE
    ):
        raise DomainError(
            _("Choose a member of this organisation, or someone waiting to join."),
            field="membership",
        )
    membership = db.lock(membership)
    if approved_count(organisation.id, MembershipRole.administrator):
        raise DomainError(_("%(org)s already has an administrator.", org=organisation.name))
    user = membership.user
    if membership.status is MembershipStatus.pending:
        if user.email_verified_at is None:
            raise DomainError(
                _("%(name)s has not confirmed their e-mail address yet.", name=user.name)
            )
        states.set_membership_status(
            membership,
            MembershipStatus.approved,
            by=by,
            action="membership.named_administrator",
            role=MembershipRole.administrator,
        )
    else:
        _set_role(
            membership, MembershipRole.administrator, by=by, action="membership.named_administrator"
        )
    notify([user], "membership_named_administrator", link=ORGANISATION_PAGE, org=organisation.name)
    return membership
