"""Registration: applicants (with their organisation) and experts.

Registering answers the same way whether or not the address has an account: the same page,
message and status. A new address gets a link to confirm it (login waits for that); the owner of
an address that has an account gets an e-mail saying that someone tried, and nothing is written.
The password is hashed either way, so that the time taken does not tell the two apart either.

An applicant registering a new organisation (by its unified social credit code) becomes its
administrator, and it waits for platform staff to verify it. Anyone registering with the code
of an organisation that someone speaks for already asks to join it: knowing a public code
proves nothing, so an administrator of the organisation decides.
"""

from __future__ import annotations

from portal import audit, clock
from portal.accounts import creditcode, membership, passwords, recovery
from portal.accounts.models import Membership, Organisation, User
from portal.accounts.queries import platform_admins
from portal.accounts.services import find_organisation, find_user, normalise_email
from portal.db import db
from portal.errors import ValidationFailed
from portal.i18n import current_language
from portal.i18n import gettext as _
from portal.notifications.services import notify
from portal.vocabulary import OrgType, Role


def _new_account(email: str, password: str, **fields) -> User | None:
    """A new, unconfirmed account; None (and the owner told) when the address has one."""
    password_hash = passwords.hashed(password)
    existing = find_user(email)
    if existing is not None:
        recovery.tell_owner_of_registration(existing)
        return None
    user = User(
        email=email,
        password_hash=password_hash,
        created_at=clock.now(),
        language=current_language(),
        **fields,
    )
    db.session.add(user)
    audit.created(user, "user.registered", user)
    recovery.send_address_confirmation(user)
    return user


def _organisation_to_join(credit_code: str, org_name: str) -> Organisation | None:
    """The organisation with this code (None: a new one, to be registered under `org_name`);
    ValidationFailed when the code is wrong or a new organisation has no name."""
    problem = creditcode.problem(credit_code)
    if problem:
        raise ValidationFailed({"credit_code": str(problem)})
    organisation = find_organisation(credit_code)
    if organisation is None and not (org_name or "").strip():
        raise ValidationFailed(
            {"org_name": _("No organisation has this code yet: give its name to register it.")}
        )
    return organisation


def register_applicant(
    *,
    name: str,
    email: str,
    password: str,
    credit_code: str,
    org_name: str = "",
    org_type: str = "",
    org_region: str = "",
) -> User | None:
    """An applicant who joins an organisation found by its credit code, or registers it.

    Returns the new user, or None when the address has an account already (see the module).
    """
    _organisation_to_join(credit_code, org_name)
    user = _new_account(normalise_email(email), password, name=name.strip(), role=Role.applicant)
    if user is not None:
        join_by_code(
            user,
            credit_code=credit_code,
            org_name=org_name,
            org_type=org_type,
            org_region=org_region,
        )
    return user


def join_by_code(
    user: User,
    *,
    credit_code: str,
    org_name: str = "",
    org_type: str = "",
    org_region: str = "",
) -> Membership:
    """`user` asks to join the organisation with this code, or registers it as a new one (and
    becomes its administrator). At registration, and again from the page of someone who
    belongs to no organisation (refused, removed, or who cancelled their request)."""
    organisation = _organisation_to_join(credit_code, org_name)
    if organisation is None:
        organisation = Organisation(
            name=org_name.strip(),
            type=OrgType(org_type or OrgType.enterprise.value),
            credit_code=creditcode.normalise(credit_code),
            region=(org_region or "").strip(),
            created_at=clock.now(),
        )
        db.session.add(organisation)
        audit.created(user, "organisation.created", organisation)
    return membership.join(user, organisation)


def register_expert(
    *, name: str, email: str, password: str, affiliation: str, expertise: str, affiliation_code=""
) -> User | None:
    """An expert registers inactive; an admin activates them before they can log in.

    Returns the new user, or None when the address has an account already (see the module).
    """
    user = _new_account(
        normalise_email(email),
        password,
        name=name.strip(),
        role=Role.expert,
        active=False,
        affiliation=affiliation.strip(),
        affiliation_org=find_organisation(affiliation_code) if affiliation_code else None,
        expertise=expertise.strip(),
    )
    if user is None:
        return None
    notify(
        platform_admins(), "expert_registered", link="/admin/users?state=inactive", name=user.name
    )
    return user
