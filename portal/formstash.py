"""Nothing typed is lost when a session ends: a form sent after its session ended (idle timeout,
logout in another tab or browser, lifetime) or after its security token went stale is kept, and
the person finds it again, filled in, on the same form once they have logged in.

- When such a POST arrives (`access` sends it here for a login, the CSRF error handler for a
  stale token), the posted text fields are kept server-side under a random single-use token
  that expires after KEEP_MINUTES: never a password, never the CSRF token, never a file. Only
  the token's SHA-256 is stored; the kept fields are bound to the account the session named, if
  it named one. Long Markdown would not fit in a cookie, hence a table.
- The person is sent to log in (or, when the session still holds, straight back) with `next`
  pointing at the form's page plus `?restore=<token>`.
- On that GET, `restore` spends the token (for its own account only) and every form on the page
  whose fields were posted is filled from what was kept, as if it had just been sent back with
  an error, so views need no change. Nothing is saved: the person checks and saves it again.

A POST whose CSRF token failed is kept only when the browser says it came from one of the
portal's own pages (Origin, or Referer); another site cannot plant text in someone's form.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import sqlalchemy as sa
from flask import (
    Flask,
    Response,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from sqlmodel import Field, SQLModel, select
from werkzeug.datastructures import MultiDict

from portal import clock
from portal.accounts.sessions import user_id_of_session
from portal.db import UTCDateTime, db, writes_from_here
from portal.i18n import gettext as _

KEEP_MINUTES = 30
MAX_CHARS = 500_000
RESTORE_ARG = "restore"
# The last part of a field's name (after a FieldList's "rows-0-") that is never kept.
SECRET_NAME = re.compile(r"pass|pwd|secret|token|^current$|^confirm$", re.IGNORECASE)


class FormStash(SQLModel, table=True):
    """The text fields of one form that could not be saved, waiting for their owner to log in."""

    __tablename__ = "form_stash"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    path: str = Field(max_length=2000)
    fields: list = Field(sa_type=sa.JSON)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _local_path(url: str | None) -> str | None:
    """The path and query of `url` when it is a page of this portal, or None."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and (parts.scheme, parts.netloc) != (request.scheme, request.host):
        return None
    if not parts.path.startswith("/") or parts.path.startswith(("//", "/\\")):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sent_from_here() -> bool:
    """Whether the browser says this request came from one of the portal's own pages."""
    origin = request.headers.get("Origin")
    if origin:
        parts = urlsplit(origin)
        return (parts.scheme, parts.netloc) == (request.scheme, request.host)
    return bool(request.referrer) and _local_path(request.referrer) is not None


def _form_page() -> str | None:
    """The page of the posted form: the posted address when it also answers GET, otherwise
    the portal page the form was sent from."""
    if request.url_rule is not None and "GET" in (request.url_rule.methods or ()):
        return _local_path(request.full_path.rstrip("?"))
    return _local_path(request.referrer)


def _kept_fields() -> list[list[str]] | None:
    fields = [
        [name, value]
        for name, value in request.form.items(multi=True)
        if not SECRET_NAME.search(name.rsplit("-", 1)[-1])
    ]
    if not fields or sum(len(name) + len(value) for name, value in fields) > MAX_CHARS:
        return None
    return fields


def _with_token(page: str, token: str) -> str:
    parts = urlsplit(page)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != RESTORE_ARG]
    return parts.path + "?" + urlencode([*query, (RESTORE_ARG, token)])


def keep(user_id: int | None) -> str | None:
    """Keep this POST's text fields for `user_id` (None: whoever logs in with the token) and
    commit; the address of the form's page that brings them back, or None when there is no
    page or nothing to keep."""
    page, fields = _form_page(), _kept_fields()
    if page is None or fields is None:
        return None
    now, token = clock.now(), secrets.token_urlsafe(32)
    db.session.execute(sa.delete(FormStash).where(FormStash.expires_at <= now))
    db.session.add(
        FormStash(
            token_hash=_hash(token),
            user_id=user_id,
            path=urlsplit(page).path,
            fields=fields,
            created_at=now,
            expires_at=now + timedelta(minutes=KEEP_MINUTES),
        )
    )
    db.session.commit()
    return _with_token(page, token)


def _user_of_ended_session() -> int | None:
    return g.get("ended_user_id") or user_id_of_session()


def after_ended_session() -> Response:
    """A POST to a page for logged-in users from a browser whose login has ended: keep what was
    typed, and send the person to log in and then back to the form."""
    target = keep(_user_of_ended_session())
    if target is not None:
        flash(
            _(
                "Your session had ended, so what you sent was not saved. Log in again to get "
                "back to the form with what you typed."
            ),
            "warning",
        )
    else:
        target = _form_page()
        flash(_("Your session has ended. Please log in again."), "warning")
    return redirect(url_for("accounts.login", next=target) if target else url_for("accounts.login"))


def after_stale_form() -> Response | None:
    """A POST from one of the portal's pages whose security token no longer matches the
    session (it ended, or another login replaced it): keep what was typed and bring the person
    back to the form, through the login page when the page needs one. None when nothing can be
    kept; the caller then shows the error page."""
    if request.method != "POST" or not sent_from_here():
        return None
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    logged_in = current_user.is_authenticated
    needs_login = not logged_in and getattr(view, "access_rule", "") != "public"
    if needs_login:
        return after_ended_session()
    target = keep(current_user.id if logged_in else None)
    if target is None:
        return None
    flash(_("The form had expired, so what you sent was not saved."), "warning")
    return redirect(target)


# ---- bringing it back -----------------------------------------------------------------------


def restore() -> None:
    """Before a GET with `?restore=<token>`: spend the token and keep its fields for the forms
    of the page. It waits, unspent, while the person still has to log in as its owner."""
    token = request.args.get(RESTORE_ARG)
    if request.method != "GET" or not token:
        return
    writes_from_here()  # SQLite: the transaction that spends the token takes the write lock
    db.session.rollback()
    stash = db.session.exec(select(FormStash).where(FormStash.token_hash == _hash(token))).first()
    if stash is None or stash.used_at is not None or stash.path != request.path:
        return
    if stash.expires_at <= clock.now():
        stash.used_at = clock.now()
        db.session.commit()
        flash(
            _(
                "What you typed was kept for %(minutes)s minutes only and could not be brought "
                "back.",
                minutes=KEEP_MINUTES,
            ),
            "warning",
        )
        return
    if current_user.is_authenticated:
        if stash.user_id not in (None, current_user.id):
            return
    else:
        view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
        if stash.user_id is not None or getattr(view, "access_rule", "") != "public":
            return
    stash.used_at = clock.now()
    db.session.commit()
    g.restored_form = MultiDict(stash.fields)
    flash(
        _("What you typed is back in the form. It has not been saved yet: check it and save it."),
        "warning",
    )


def restoring() -> bool:
    """Whether this request brings back a kept form."""
    return has_request_context() and g.get("restored_form") is not None


def _posted_to(form: FlaskForm, fields: MultiDict) -> bool:
    names = [field.name for field in form if field.name != "csrf_token"]
    return any(key == name or key.startswith(f"{name}-") for key in fields for name in names)


_flask_wtf_wrap_formdata = FlaskForm.Meta.wrap_formdata


def _wrap_formdata(meta, form, formdata):
    """FlaskForm's own, except that on a GET that brings back a kept form, a form built without
    posted data (or with formdata=None, as editors do to show the saved draft) whose fields were
    among those kept is filled from them."""
    if formdata is _Auto or formdata is None:
        kept = g.get("restored_form") if has_request_context() else None
        if kept is not None and request.method == "GET" and _posted_to(form, kept):
            return kept
    return _flask_wtf_wrap_formdata(meta, form, formdata)


def init_app(app: Flask) -> None:
    # Every form of the portal is a FlaskForm: one hook on its Meta reaches them all, the forms
    # of modules written later included, where a base class would rely on each module using it.
    FlaskForm.Meta.wrap_formdata = _wrap_formdata
    app.before_request(restore)
