"""Who sees and who may change the accounts module's objects: organisations, their memberships
and invitations, and user accounts.

- An applicant sees their own organisation (the one their approved membership names), its
  memberships and its invitations; platform staff (officers and admins) see every organisation
  and what belongs to it; only admins see user accounts.
- An organisation's administrators (单位管理员) act for it: approve, refuse, promote, demote and
  remove members, invite colleagues, keep its details and upload its business licence.
- Platform staff check organisations: verify or reject them, correct their details, name an
  administrator where there is none.

Views load through `get_<thing>_or_404` (404 when the object is not the user's to see, so that
its existence is not revealed); services enforce `can_<verb>` through `require(...)`.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort
from sqlmodel import false, select
from sqlmodel.sql.expression import Select

from portal.accounts import models
from portal.accounts.models import Invitation, Membership, Organisation, User
from portal.db import db
from portal.vocabulary import Role


def _logged_in(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _speaks_for_one(user: User) -> bool:
    """An applicant whose approved membership names an organisation."""
    return _logged_in(user) and user.role is Role.applicant and user.organisation_id is not None


# ---- the rules ----------------------------------------------------------------------------------


def is_administrator(user: User, organisation_id: int | None) -> bool:
    """Whether `user` is an approved administrator of the organisation."""
    if organisation_id is None or getattr(user, "organisation_id", None) != organisation_id:
        return False
    return (
        db.session.exec(
            select(Membership.id).where(
                Membership.user_id == user.id,
                Membership.organisation_id == organisation_id,
                Membership.status == models.MembershipStatus.approved,
                Membership.role == models.MembershipRole.administrator,
            )
        ).first()
        is not None
    )


def can_administer(user: User, organisation: Organisation) -> bool:
    """The organisation's own acts: its members, its invitations, its details and licence."""
    return _logged_in(user) and is_administrator(user, organisation.id)


def can_verify(user: User, organisation: Organisation) -> bool:
    """Platform staff's checks: verify or reject, correct details, name an administrator."""
    return _logged_in(user) and user.is_staff


def can_see_licence(user: User, organisation: Organisation) -> bool:
    """Platform staff and the organisation's administrators may download its licence."""
    return bool(organisation.licence_stored_name) and (
        can_verify(user, organisation) or can_administer(user, organisation)
    )


def can_revoke(user: User, invitation: Invitation) -> bool:
    """Whoever sent the invitation, an administrator of its organisation, or platform staff."""
    return _logged_in(user) and (
        user.id == invitation.created_by_id
        or user.is_staff
        or is_administrator(user, invitation.organisation_id)
    )


def can_manage_accounts(user: User) -> bool:
    """Admins create accounts, activate them, change roles and let throttled logins in."""
    return _logged_in(user) and user.role is Role.admin


# ---- what each user sees ------------------------------------------------------------------------


def _of_organisations_seen(model, organisation_column, user: User) -> Select:
    """Rows of `model` by the organisation they belong to: all for staff, those of their own
    organisation for an applicant, none for anyone else."""
    statement = select(model)
    if _logged_in(user) and user.is_staff:
        return statement
    if _speaks_for_one(user):
        return statement.where(organisation_column == user.organisation_id)
    return statement.where(false())


def visible_organisations(user: User) -> Select:
    """Every organisation this user may see: all for staff, their own for an applicant."""
    return _of_organisations_seen(Organisation, Organisation.id, user)


def visible_memberships(user: User) -> Select:
    """The memberships of the organisations this user sees."""
    return _of_organisations_seen(Membership, Membership.organisation_id, user)


def visible_invitations(user: User) -> Select:
    """The invitations into the organisations this user sees."""
    return _of_organisations_seen(Invitation, Invitation.organisation_id, user)


def visible_users(user: User) -> Select:
    """User accounts, for admins only."""
    statement = select(User)
    return statement if can_manage_accounts(user) else statement.where(false())


# ---- loading one object for a view --------------------------------------------------------------


def _anyone_who_sees_it(user: User, obj) -> bool:
    return True


# What a view may ask of an object besides seeing it ("read"): a rule per need.
ORGANISATION_NEEDS: dict[str, Callable[..., bool]] = {
    "read": _anyone_who_sees_it,
    "administer": can_administer,
    "verify": can_verify,
    "see_licence": can_see_licence,
}
MEMBERSHIP_NEEDS: dict[str, Callable[..., bool]] = {"read": _anyone_who_sees_it}
INVITATION_NEEDS: dict[str, Callable[..., bool]] = {
    "read": _anyone_who_sees_it,
    "revoke": can_revoke,
}
USER_NEEDS: dict[str, Callable[..., bool]] = {"read": _anyone_who_sees_it}


def _one_or_404(visible: Select, model, object_id: int | None, user: User, rule: Callable):
    """The object of `visible` with this id, if `rule(user, object)` holds; otherwise 404."""
    found = db.session.exec(visible.where(model.id == object_id)).first()
    if found is None or not rule(user, found):
        abort(404)
    return found


def get_organisation_or_404(
    organisation_id: int | None, user: User, need: str = "read"
) -> Organisation:
    """The organisation if `user` may see it and do `need`; else 404."""
    return _one_or_404(
        visible_organisations(user), Organisation, organisation_id, user, ORGANISATION_NEEDS[need]
    )


def get_membership_or_404(membership_id: int, user: User, need: str = "read") -> Membership:
    """A membership of an organisation the user sees (the services decide who may act on it:
    a member who may not is told why)."""
    return _one_or_404(
        visible_memberships(user), Membership, membership_id, user, MEMBERSHIP_NEEDS[need]
    )


def get_invitation_or_404(invitation_id: int, user: User, need: str = "read") -> Invitation:
    """An invitation into an organisation the user sees, if they may do `need`; else 404."""
    return _one_or_404(
        visible_invitations(user), Invitation, invitation_id, user, INVITATION_NEEDS[need]
    )


def get_user_or_404(user_id: int, by: User, need: str = "read") -> User:
    """A user account, for an admin's pages."""
    return _one_or_404(visible_users(by), User, user_id, by, USER_NEEDS[need])
