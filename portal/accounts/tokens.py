"""Signed links sent by e-mail: confirming an address, resetting a password, changing an address.

A token is the user's id and a fingerprint of what the link may change (the address, or the
password hash), signed with SECRET_KEY and stamped with the portal's clock. Nothing is stored:
once the address is confirmed or changed, or the password reset, the fingerprint no longer
matches and the link stops working, so each link works once. Each purpose has its own salt, so
that a link for one purpose is refused for another.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from portal import clock
from portal.errors import DomainError
from portal.i18n import gettext as _

CONFIRM_ADDRESS = "confirm-address"
RESET_PASSWORD = "reset-password"
CHANGE_ADDRESS = "change-address"
_LIFETIME_SETTINGS = {
    CONFIRM_ADDRESS: ("ADDRESS_CONFIRMATION_HOURS", "hours"),
    RESET_PASSWORD: ("PASSWORD_RESET_MINUTES", "minutes"),
    CHANGE_ADDRESS: ("ADDRESS_CHANGE_HOURS", "hours"),
}


class TokenUnusable(DomainError):
    """The link is forged, damaged, expired or already used."""


class _ClockSigner(TimestampSigner):
    """Stamps and checks tokens with the portal's clock, which tests can move."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"portal.{purpose}", signer=_ClockSigner
    )


def lifetime(purpose: str) -> timedelta:
    setting, unit = _LIFETIME_SETTINGS[purpose]
    return timedelta(**{unit: current_app.config[setting]})


def fingerprint(value: str) -> str:
    """A short digest of `value`: a token carries it, never the value itself."""
    return hashlib.sha256((value or "").encode("utf-8")).hexdigest()[:20]


def make(purpose: str, **payload: Any) -> str:
    return _serializer(purpose).dumps(payload)


def read(purpose: str, token: str) -> dict[str, Any]:
    """The payload of a token made for `purpose` and still within its lifetime, or
    TokenUnusable saying what is wrong with the link."""
    try:
        payload = _serializer(purpose).loads(
            token or "", max_age=int(lifetime(purpose).total_seconds())
        )
    except SignatureExpired:
        raise TokenUnusable(_("This link has expired. Ask for a new one.")) from None
    except BadData:
        raise TokenUnusable(
            _("This link is not valid. Check that it is complete, or ask for a new one.")
        ) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        raise TokenUnusable(_("This link is not valid. Check that it is complete."))
    return payload
