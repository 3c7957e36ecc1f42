"""Accounts: login with throttling, passwords, and what admins change (registration is in
portal/accounts/registration.py)."""

from __future__ import annotations

from flask import current_app
from sqlmodel import select

from portal import audit, clock
from portal.accounts import creditcode, passwords, throttling
from portal.accounts.models import Organisation, User
from portal.accounts.permissions import can_manage_accounts
from portal.db import db
from portal.errors import DomainError, ValidationFailed, require
from portal.i18n import current_language, ngettext
from portal.i18n import gettext as _
from portal.notifications.services import notify
from portal.vocabulary import Role

# Verifying against this hash when the e-mail is unknown keeps the response time the same, so
# that timing does not reveal which accounts exist.
_DUMMY_HASH = passwords.hashed("not-a-real-password")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.exec(select(User).where(User.email == normalise_email(email))).first()


def find_organisation(code: str) -> Organisation | None:
    return db.session.exec(
        select(Organisation).where(Organisation.credit_code == creditcode.normalise(code))
    ).first()


class LoginRefused(DomainError):
    """A refused login; the attempt it recorded stays (throttling counts it)."""

    keep_changes = True


def authenticate(email: str, password: str, remote_addr: str) -> User:
    """The user for these credentials, or LoginRefused with a message to show.

    Each attempt is recorded (the caller commits either way). While this account must wait from
    this address (portal/accounts/throttling.py), the attempt is turned away without checking
    the password, and does not make the wait any longer.
    """
    email = normalise_email(email)
    with db.reading():  # the hash is checked without holding SQLite's write lock
        waiting = throttling.wait(email, remote_addr)
        user = find_user(email) if waiting is None else None
        ok = waiting is None and passwords.matches(
            user.password_hash if user else _DUMMY_HASH, password
        )
    if waiting is not None:
        throttling.record(email, remote_addr, refused=True)
        minutes = throttling.wait_minutes(waiting)
        raise LoginRefused(
            ngettext(
                "Too many failed attempts. Please wait %(num)s minute and try again, "
                "or ask an administrator.",
                "Too many failed attempts. Please wait %(num)s minutes and try again, "
                "or ask an administrator.",
                minutes,
            )
        )
    throttling.record(email, remote_addr, success=ok and user is not None)
    if not ok or user is None:
        raise LoginRefused(_("The e-mail or password is not right."))
    if user.email_verified_at is None:
        raise LoginRefused(
            _(
                "Confirm your e-mail address first: open the link in the e-mail we sent you. "
                "No e-mail? Ask for a new link below."
            )
        )
    if not user.active:
        if user.role is Role.expert:
            raise LoginRefused(
                _("Your expert account is waiting for activation by an administrator.")
            )
        raise LoginRefused(_("This account has been deactivated."))
    if not user.language:  # older accounts: the language their first login was shown in
        user.language = current_language()
    audit.record(user, "user.logged_in", user)
    return user


def log_out(user: User) -> None:
    """End every login of the account, not only this browser's: the session version moves on,
    so each cookie that carries the old one (this one, a copy of it, another browser's) is
    refused from the next request on. Logging out is also how a person shuts a session they
    forgot on a shared computer, or one that someone else is using."""
    user.session_version += 1
    audit.record(user, "user.logged_out", user)


def _check_new_email(email: str) -> None:
    if find_user(email) is not None:
        raise ValidationFailed({"email": _("An account with this e-mail already exists.")})


def create_user(
    *, by: User | None, name: str, email: str, password: str, role: Role, affiliation: str = ""
) -> User:
    """Admins create officers, admins (and others); the command line passes by=None. The
    address counts as confirmed: whoever creates the account vouches for it."""
    if by is not None:
        require(can_manage_accounts(by))
    email = normalise_email(email)
    _check_new_email(email)
    user = User(
        email=email,
        name=name.strip(),
        password_hash=passwords.hashed(password),
        role=role,
        affiliation=affiliation.strip(),
        created_at=clock.now(),
        email_verified_at=clock.now(),
    )
    db.session.add(user)
    audit.created(by, "user.created", user)
    return user


def change_password(user: User, *, current: str, new: str) -> None:
    if not passwords.matches(user.password_hash, current):
        raise ValidationFailed({"current": _("The current password is not right.")})
    weakness = passwords.problem(new, name=user.name, email=user.email)
    if weakness:
        raise ValidationFailed({"password": weakness})
    user.password_hash = passwords.hashed(new)
    user.session_version += 1
    audit.record(user, "user.password_changed", user)


def set_language(user: User, language: str) -> User:
    """The language the person chose, for their pages and for what they are sent."""
    if language not in current_app.config["LANGUAGES"]:
        raise DomainError(_("This language is not offered."))
    user.language = language
    return user


def _admin_changes(by: User, target: User) -> User:
    """The account an admin changes, locked and read again; nobody changes their own this
    way (an admin could lock themself out)."""
    require(can_manage_accounts(by))
    if by.id == target.id:
        raise DomainError(_("You cannot change your own account this way."))
    return db.lock(target)


def set_active(target: User, active: bool, *, by: User) -> User:
    target = _admin_changes(by, target)
    before = audit.snapshot(target, "active")
    target.active = active
    audit.record(
        by,
        "user.activated" if active else "user.deactivated",
        target,
        before=before,
        after=audit.snapshot(target, "active"),
    )
    if active:
        notify([target], "account_activated")
    return target


def set_role(target: User, role: Role, *, by: User) -> User:
    target = _admin_changes(by, target)
    if role is Role.applicant and target.organisation_id is None:
        raise DomainError(_("An applicant must belong to an organisation."), field="role")
    before = audit.snapshot(target, "role")
    target.role = role
    target.session_version += 1
    audit.record(
        by, "user.role_changed", target, before=before, after=audit.snapshot(target, "role")
    )
    return target
