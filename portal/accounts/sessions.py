"""How long a login lasts: an idle timeout and an absolute lifetime, checked on every request.

The session cookie is signed, so the two stamps it carries (when its user logged in, when they
were last seen) cannot be changed by whoever holds it. `check` reads them before anything else
uses the session, before the user is loaded. A login past either limit is forgotten there and
then, so no page is shown to it.

"Last seen" is written again at most once a minute: most requests leave the session untouched,
so the cookie is not sent again.

Ending a login on the server is the session version's job (User.session_version, checked by the
user loader on every request): logging out, changing the password and losing a role or a
membership move it on, and every cookie that carries the old one is refused from then on.
"""

from __future__ import annotations

from flask import current_app, flash, g, request, session
from flask_login import logout_user

from portal import clock
from portal.i18n import gettext as _
from portal.i18n import ngettext

LOGGED_IN_AT = "_login_at"
SEEN_AT = "_seen_at"
REFRESH_SECONDS = 60


def _now() -> int:
    return int(clock.now().timestamp())


def start() -> None:
    """Stamp the session of a user who has just logged in."""
    now = _now()
    session[LOGGED_IN_AT] = now
    session[SEEN_AT] = now


def user_id_of_session() -> int | None:
    """The account this browser's session names, whether or not that login still holds."""
    user_id = str(session.get("_user_id") or "").partition(":")[0]
    return int(user_id) if user_id.isascii() and user_id.isdigit() else None


def end() -> None:
    """Forget this browser's login, keeping its language and its CSRF token (so that a form
    still open in another tab reaches the login page, not an error)."""
    g.ended_user_id = user_id_of_session()
    logout_user()
    session.pop(LOGGED_IN_AT, None)
    session.pop(SEEN_AT, None)


def _expired(now: int) -> str | None:
    """Why the login of this session is over ("idle", "lifetime", "unstamped"), or None."""
    logged_in_at, seen_at = session.get(LOGGED_IN_AT), session.get(SEEN_AT)
    if not isinstance(logged_in_at, int) or not isinstance(seen_at, int):
        return "unstamped"
    if now - logged_in_at >= current_app.config["SESSION_MAX_HOURS"] * 3600:
        return "lifetime"
    if now - seen_at >= current_app.config["SESSION_IDLE_MINUTES"] * 60:
        return "idle"
    return None


def check() -> None:
    """Before every request: end a login past its limits, or note that it was seen."""
    if "_user_id" not in session:
        return
    now = _now()
    reason = _expired(now)
    if reason is None:
        if now - session[SEEN_AT] >= REFRESH_SECONDS:
            session[SEEN_AT] = now
        return
    end()
    if request.method == "GET":  # a form sent after the end is answered by the login redirect
        flash(_ended_message(reason), "warning")


def _ended_message(reason: str) -> str:
    config = current_app.config
    if reason == "idle":
        return ngettext(
            "You were logged out after %(num)s minute without activity. Please log in again.",
            "You were logged out after %(num)s minutes without activity. Please log in again.",
            config["SESSION_IDLE_MINUTES"],
        )
    if reason == "lifetime":
        return ngettext(
            "You were logged out: a login lasts at most %(num)s hour. Please log in again.",
            "You were logged out: a login lasts at most %(num)s hours. Please log in again.",
            config["SESSION_MAX_HOURS"],
        )
    return _("Your session has ended. Please log in again.")
