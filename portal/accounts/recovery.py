"""Accounts a person can recover: a confirmed address, a forgotten password, a new address.

Every link goes by e-mail and works once (see portal/accounts/tokens.py). Asking for a link
answers the same whether or not an account has the address, and mail goes only to an address
that has one, in its owner's language. Resetting the password or changing the address ends the
account's other sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import current_app, url_for
from flask_babel import force_locale

from portal import audit, clock
from portal.accounts import passwords, tokens
from portal.accounts.membership import tell_administrators
from portal.accounts.models import User
from portal.accounts.queries import membership_of
from portal.accounts.services import find_user, normalise_email
from portal.db import db
from portal.errors import ValidationFailed
from portal.i18n import gettext as _
from portal.notifications.mail import public_link, queue
from portal.presentation import format_local
from portal.vocabulary import MembershipStatus


def _link(endpoint: str, **values) -> str:
    return public_link(url_for(endpoint, **values))


def _mail(to: str, language: str, subject: Callable[[], str], body: Callable[[], str]) -> None:
    """An e-mail in `language` (the recipient's), sent after the commit. Not an inbox message:
    these carry links that must reach the address and nobody else."""
    with force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        queue(db.session, to, str(subject()), str(body()))


def _until(purpose: str) -> str:
    return format_local(clock.now() + tokens.lifetime(purpose))


def _user_of(payload: dict) -> User | None:
    return db.session.get(User, payload["user"])


# ---- the address given at registration ----------------------------------------------------------


def send_address_confirmation(user: User) -> None:
    token = tokens.make(tokens.CONFIRM_ADDRESS, user=user.id, email=tokens.fingerprint(user.email))
    link = _link("accounts.confirm_address", token=token)
    until = _until(tokens.CONFIRM_ADDRESS)
    _mail(
        user.email,
        user.language,
        lambda: _("Confirm your e-mail address for the Jiebang Portal"),
        lambda: _(
            "Welcome, %(name)s.\n\nOpen this link to confirm that this address is yours; you can "
            "log in once it is confirmed. The link works until %(until)s:\n%(link)s\n\nIf you "
            "did not register, you can ignore this e-mail.",
            name=user.name,
            until=until,
            link=link,
        ),
    )


def confirm_address(token: str, now: datetime | None = None) -> User:
    """Mark the address confirmed; a request to join an organisation now reaches its
    administrators."""
    payload = tokens.read(tokens.CONFIRM_ADDRESS, token)
    user = _user_of(payload)
    if user is None or payload.get("email") != tokens.fingerprint(user.email):
        raise tokens.TokenUnusable(_("This link is not valid for any account. Ask for a new one."))
    if user.email_verified_at is not None:
        return user
    user.email_verified_at = now or clock.now()
    audit.record(user, "user.address_confirmed", user, after={"email": user.email})
    pending = membership_of(user)
    if pending is not None and pending.status is MembershipStatus.pending:
        tell_administrators(pending)
    return user


def resend_address_confirmation(email: str) -> None:
    """A new confirmation link, if an account with this address still waits for one."""
    user = find_user(email)
    if user is not None and user.email_verified_at is None:
        send_address_confirmation(user)


def tell_owner_of_registration(user: User) -> None:
    """Someone registered with an address that has an account: its owner is told, and the
    registration answers as for a new address, so that it does not reveal who has an account."""
    login, forgot = _link("accounts.login"), _link("accounts.forgot_password")
    _mail(
        user.email,
        user.language,
        lambda: _("Someone tried to register with your address"),
        lambda: _(
            "Someone tried to register a new account on the Jiebang Portal with this address, "
            "which already has one. Nothing was changed.\n\nIf it was you, log in: %(login)s\n"
            "Forgot your password? Choose a new one: %(forgot)s\n\nIf it was not you, you need "
            "not do anything.",
            login=login,
            forgot=forgot,
        ),
    )


# ---- a forgotten password -----------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """Mail a reset link if an account has this address; otherwise send nothing."""
    user = find_user(email)
    if user is None:
        return
    token = tokens.make(
        tokens.RESET_PASSWORD, user=user.id, password=tokens.fingerprint(user.password_hash)
    )
    link = _link("accounts.reset_password", token=token)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    _mail(
        user.email,
        user.language,
        lambda: _("Choose a new password for the Jiebang Portal"),
        lambda: _(
            "Someone, probably you, asked to reset the password of your account.\n\nOpen this "
            "link to choose a new one. It works once, for %(minutes)s minutes:\n%(link)s\n\n"
            "If you did not ask, ignore this e-mail: your password stays as it is.",
            minutes=minutes,
            link=link,
        ),
    )
    audit.record(None, "user.password_reset_requested", user)


def password_reset_user(token: str) -> User:
    """The account whose password the link may reset, or TokenUnusable."""
    payload = tokens.read(tokens.RESET_PASSWORD, token)
    user = _user_of(payload)
    if user is None or payload.get("password") != tokens.fingerprint(user.password_hash):
        raise tokens.TokenUnusable(
            _("This link has already been used. Ask for a new one if you still need it.")
        )
    return user


def reset_password(token: str, password: str, now: datetime | None = None) -> User:
    """A new password; the link stops working and every session of the account ends."""
    user = password_reset_user(token)
    user.password_hash = passwords.hashed(password)
    user.session_version += 1
    if user.email_verified_at is None:
        user.email_verified_at = now or clock.now()  # the link reached the address
    audit.record(user, "user.password_reset", user)
    return user


# ---- a new address ------------------------------------------------------------------------------


def request_address_change(user: User, *, new_email: str, password: str) -> str:
    """Mail a confirmation link to the new address (the address changes only when it is
    followed). An address that has an account already is told so, and nothing else happens;
    the page answers the same either way. Returns the new address as typed, normalised."""
    problems: dict[str | None, str] = {}
    if not passwords.matches(user.password_hash, password):
        problems["password"] = _("The password is not right.")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        problems["email"] = _("This is already your address.")
    if problems:
        raise ValidationFailed(problems)
    owner = find_user(new_email)
    if owner is not None:
        _mail(
            new_email,
            owner.language,
            lambda: _("Your address was given for another account"),
            lambda: _(
                "Someone asked to move another account of the Jiebang Portal to this address. "
                "This address has an account already, so nothing was changed. If you did not "
                "expect this, you need not do anything."
            ),
        )
        return new_email
    token = tokens.make(
        tokens.CHANGE_ADDRESS,
        user=user.id,
        email=new_email,
        current=tokens.fingerprint(user.email),
    )
    link = _link("accounts.confirm_address_change", token=token)
    until = _until(tokens.CHANGE_ADDRESS)
    _mail(
        new_email,
        user.language,
        lambda: _("Confirm your new e-mail address for the Jiebang Portal"),
        lambda: _(
            "%(name)s asked to use this address for their account. Open this link to confirm; "
            "it works once, until %(until)s:\n%(link)s\n\nIf you did not ask, ignore this "
            "e-mail and the address stays as it was.",
            name=user.name,
            until=until,
            link=link,
        ),
    )
    audit.record(user, "user.address_change_requested", user, after={"email": new_email})
    return new_email


def address_change(token: str) -> tuple[User, str]:
    """The account and the new address that the link confirms, or TokenUnusable."""
    payload = tokens.read(tokens.CHANGE_ADDRESS, token)
    user = _user_of(payload)
    new_email = payload.get("email")
    if (
        user is None
        or not isinstance(new_email, str)
        or payload.get("current") != tokens.fingerprint(user.email)
    ):
        raise tokens.TokenUnusable(_("This link has already been used."))
    if find_user(new_email) is not None:
        raise tokens.TokenUnusable(
            _("Another account uses %(email)s now; your address was not changed.", email=new_email)
        )
    return user, new_email


def confirm_address_change(token: str, now: datetime | None = None) -> User:
    """The account takes the new address; the old address is told, and every other session of
    the account ends."""
    user, new_email = address_change(token)
    old_email = user.email
    user.email = new_email
    user.email_verified_at = now or clock.now()
    user.session_version += 1
    audit.record(
        user, "user.address_changed", user, before={"email": old_email}, after={"email": new_email}
    )
    _mail(
        old_email,
        user.language,
        lambda: _("The e-mail address of your account has changed"),
        lambda: _(
            "The account of %(name)s on the Jiebang Portal now uses %(email)s instead of this "
            "address. If you did not make this change, tell the portal's administrators at once.",
            name=user.name,
            email=new_email,
        ),
    )
    return user
