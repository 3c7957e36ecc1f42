"""Who speaks for an organisation: its approved members, and among them its administrators.

A person speaks for the organisation named by `User.organisation_id`, which is set only while
their Membership is approved. Administrators (单位管理员) approve members and do the
organisation's own acts: submitting and withdrawing its proposals, accepting consortium
invitations. The reads here are what every other module asks; the services here are the only
code that changes a membership, and `_decide` the only writer of its status and of
`User.organisation_id`, so the two never disagree.

Every change that touches an organisation's administrators locks the organisation's row first:
two administrators demoting each other at once are served one after the other, and the second
finds that it would leave the organisation without one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import selectinload
from sqlmodel import case, func, select

from portal import audit, clock
from portal.accounts.models import (
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
    User,
)
from portal.db import db
from portal.errors import DomainError, NotAllowed
from portal.i18n import gettext as _
from portal.notifications.services import notify

LIVE = (MembershipStatus.pending, MembershipStatus.approved)
ORGANISATION_PAGE = "/organisation"


# ---- reads --------------------------------------------------------------------------------------


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


def administrators_query(organisation_id: int):
    """The active administrators of an organisation, as a Select of User."""
    return (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.organisation_id == organisation_id,
            Membership.status == MembershipStatus.approved,
            Membership.role == MembershipRole.administrator,
            User.organisation_id == organisation_id,
            User.active,
        )
        .order_by(Membership.created_at, User.id)
    )


def administrators(organisation_id: int) -> list[User]:
    return list(db.session.exec(administrators_query(organisation_id)).all())


def is_administrator(user: User, organisation_id: int | None) -> bool:
    """Whether `user` is an approved administrator of the organisation."""
    if organisation_id is None or getattr(user, "organisation_id", None) != organisation_id:
        return False
    return (
        db.session.exec(
            select(Membership.id).where(
                Membership.user_id == user.id,
                Membership.organisation_id == organisation_id,
                Membership.status == MembershipStatus.approved,
                Membership.role == MembershipRole.administrator,
            )
        ).first()
        is not None
    )


def approved_count(organisation_id: int, role: MembershipRole | None = None) -> int:
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


def members_query(organisation_id: int):
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


def mask_email(email: str) -> str:
    """An address as a***@example.com: enough to recognise, not enough to write to."""
    local, _at, domain = (email or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


# ---- the one writer -----------------------------------------------------------------------------


def _decide(
    membership: Membership,
    status: MembershipStatus,
    *,
    by: User | None,
    action: str,
    role: MembershipRole | None = None,
    reason: str = "",
    decided_by: User | None = None,
    now: datetime | None = None,
) -> Membership:
    """The only writer of Membership.status and of User.organisation_id.

    The user speaks for the organisation exactly while the membership is approved; a removed
    member's sessions end at once. `by` is who acts (for the audit trail); `decided_by` who
    decided, when that was someone else in advance (an invitation's sender).
    """
    now = now or clock.now()
    before = audit.snapshot(membership, "status", "role") if membership.id else None
    membership.status = status
    if role is not None:
        membership.role = role
    if status is MembershipStatus.pending:
        membership.created_at = now
        membership.decided_at = None
        membership.decided_by_id = None
    else:
        membership.decided_at = now
        membership.decided_by_id = getattr(decided_by or by, "id", None)
    membership.reason = reason
    db.session.add(membership)
    user = membership.user or db.session.get(User, membership.user_id)
    user.organisation_id = (
        membership.organisation_id if status is MembershipStatus.approved else None
    )
    if status is MembershipStatus.removed:
        user.session_version += 1
    audit.record(
        by,
        action,
        membership,
        before=before,
        after=audit.snapshot(
            membership, "user_id", "organisation_id", "status", "role", "decided_by_id", "reason"
        ),
    )
    return membership


def _set_role(membership: Membership, role: MembershipRole, *, by: User, action: str) -> None:
    before = audit.snapshot(membership, "role")
    membership.role = role
    audit.record(by, action, membership, before=before, after=audit.snapshot(membership, "role"))


def _lock(organisation_id: int) -> Organisation:
    """The organisation's row, locked until the commit (see the module's note)."""
    return db.session.exec(
        select(Organisation).where(Organisation.id == organisation_id).with_for_update()
    ).one()


def _row_for(user: User, organisation: Organisation) -> Membership:
    """The user's membership row of the organisation (one per pair), or a new one."""
    existing = db.session.exec(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    ).first()
    return existing or Membership(
        user=user, organisation_id=organisation.id, created_at=clock.now()
    )


# ---- joining ------------------------------------------------------------------------------------


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
    now = now or clock.now()
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
    organisation = _lock(organisation.id)
    membership = live or _row_for(user, organisation)
    if approved_count(organisation.id) == 0:
        return _decide(
            membership,
            MembershipStatus.approved,
            by=user,
            action="membership.approved",
            role=MembershipRole.administrator,
            now=now,
        )
    if approved_by is not None:
        return _decide(
            membership,
            MembershipStatus.approved,
            by=user,
            decided_by=approved_by,
            action="membership.approved",
            role=role,
            now=now,
        )
    _decide(
        membership,
        MembershipStatus.pending,
        by=user,
        action="membership.requested",
        role=MembershipRole.member,
        now=now,
    )
    if user.email_verified_at is not None:
        tell_administrators(membership)
    return membership


def tell_administrators(membership: Membership) -> None:
    """The organisation's administrators learn that someone asks to join (inbox and e-mail)."""
    name, email = membership.user.name, membership.user.email
    org = db.session.get(Organisation, membership.organisation_id)
    org_name = org.name
    notify(
        administrators(org.id),
        "membership_requested",
        lambda: _("%(name)s asks to join %(org)s", name=name, org=org_name),
        lambda: _(
            "%(name)s (%(email)s) registered with the credit code of %(org)s. Approve or refuse "
            "the request on your organisation's page.",
            name=name,
            email=email,
            org=org_name,
        ),
        link=ORGANISATION_PAGE,
    )


def cancel_request(membership: Membership, *, by: User) -> None:
    """The person withdraws their own pending request; nothing of it stays but the audit."""
    if membership.user_id != by.id:
        raise NotAllowed()
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


def _require_administrator(by: User, membership: Membership) -> Organisation:
    organisation = _lock(membership.organisation_id)
    if not is_administrator(by, organisation.id):
        raise NotAllowed(_("Only an administrator of %(org)s can do this.", org=organisation.name))
    return organisation


def approve(membership: Membership, *, by: User, now: datetime | None = None) -> Membership:
    if membership.user_id == by.id:
        raise NotAllowed(_("You cannot approve your own request."))
    organisation = _require_administrator(by, membership)
    if membership.status is not MembershipStatus.pending:
        raise DomainError(_("This request has already been decided."))
    user = membership.user
    if user.email_verified_at is None:
        raise DomainError(_("%(name)s has not confirmed their e-mail address yet.", name=user.name))
    _decide(membership, MembershipStatus.approved, by=by, action="membership.approved", now=now)
    org_name = organisation.name
    notify(
        [user],
        "membership_approved",
        lambda: _("You are now a member of %(org)s", org=org_name),
        lambda: _("You can now see and prepare your organisation's proposals."),
        link="/proposals",
    )
    return membership


def refuse(
    membership: Membership, *, by: User, reason: str = "", now: datetime | None = None
) -> Membership:
    if membership.user_id == by.id:
        raise NotAllowed(_("You cannot decide your own request."))
    organisation = _require_administrator(by, membership)
    if membership.status is not MembershipStatus.pending:
        raise DomainError(_("This request has already been decided."))
    reason = (reason or "").strip()
    _decide(
        membership,
        MembershipStatus.refused,
        by=by,
        action="membership.refused",
        reason=reason,
        now=now,
    )
    org_name = organisation.name
    notify(
        [membership.user],
        "membership_refused",
        lambda: _("%(org)s did not approve your request to join", org=org_name),
        lambda: _("Reason: %(reason)s", reason=reason) if reason else "",
        link="/membership",
    )
    return membership


def promote(membership: Membership, *, by: User) -> Membership:
    if membership.user_id == by.id:
        raise NotAllowed(_("You cannot promote yourself."))
    organisation = _require_administrator(by, membership)
    if membership.status is not MembershipStatus.approved:
        raise DomainError(_("Only an approved member can become an administrator."))
    if membership.role is MembershipRole.administrator:
        raise DomainError(_("%(name)s is already an administrator.", name=membership.user.name))
    _set_role(membership, MembershipRole.administrator, by=by, action="membership.promoted")
    org_name = organisation.name
    notify(
        [membership.user],
        "membership_promoted",
        lambda: _("You are now an administrator of %(org)s", org=org_name),
        link=ORGANISATION_PAGE,
    )
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
    organisation = _require_administrator(by, membership)
    if membership.status is not MembershipStatus.approved or (
        membership.role is not MembershipRole.administrator
    ):
        raise DomainError(_("%(name)s is not an administrator.", name=membership.user.name))
    _keep_one_administrator(membership, organisation)
    _set_role(membership, MembershipRole.member, by=by, action="membership.demoted")
    return membership


def remove(membership: Membership, *, by: User, now: datetime | None = None) -> Membership:
    """The member no longer speaks for the organisation; their sessions end at once."""
    organisation = _require_administrator(by, membership)
    if membership.status is not MembershipStatus.approved:
        raise DomainError(_("Only an approved member can be removed."))
    _keep_one_administrator(membership, organisation)
    _decide(membership, MembershipStatus.removed, by=by, action="membership.removed", now=now)
    org_name = organisation.name
    notify(
        [membership.user],
        "membership_removed",
        lambda: _("You are no longer a member of %(org)s", org=org_name),
        lambda: _("An administrator of %(org)s removed you from it.", org=org_name),
        link="/membership",
    )
    return membership


# ---- platform staff -----------------------------------------------------------------------------


def name_administrator(
    organisation: Organisation, membership: Membership, *, by: User
) -> Membership:
    """Staff make a member (or someone waiting to join) the administrator of an organisation
    that has none, as older data may."""
    if not by.is_staff:
        raise NotAllowed()
    organisation = _lock(organisation.id)
    if membership.organisation_id != organisation.id or membership.status not in LIVE:
        raise DomainError(_("Choose a member of this organisation, or someone waiting to join."))
    if approved_count(organisation.id, MembershipRole.administrator):
        raise DomainError(_("%(org)s already has an administrator.", org=organisation.name))
    user = membership.user
    if membership.status is MembershipStatus.pending:
        if user.email_verified_at is None:
            raise DomainError(
                _("%(name)s has not confirmed their e-mail address yet.", name=user.name)
            )
        _decide(
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
    org_name = organisation.name
    notify(
        [user],
        "membership_named_administrator",
        lambda: _("Platform staff made you the administrator of %(org)s", org=org_name),
        link=ORGANISATION_PAGE,
    )
    return membership
