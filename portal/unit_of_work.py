"""One unit of work per request: a POST runs its service inside one transaction, which only this
module commits or rolls back.

- `unit_of_work(action, on_refusal)`: run the service call; commit once; on a DomainError roll
  back (unless the error says its changes must stay, as a refused login's recorded attempt) and
  hand the error to `on_refusal`; on any other error roll back and let it propagate (the 500
  page). E-mail queued by the service leaves only after the commit (notifications.mail), and
  files are removed only then (db.on_commit).
- `submit_form(form, action)`: a form page; the service's problems are placed next to their
  fields, rows included, and everything typed stays in the form.
- `form_page(form, action, page, success=…, to=…)`: the whole answer of such a page: once done,
  `success` flashed and a redirect to `to`; otherwise `page()` again, 422 when the form was sent.
- `perform(action, success)`: a one-button POST; the refusal or `success` is flashed.

Views never call db.session.commit() or rollback() themselves; a test holds them to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.db import db
from portal.errors import DomainError
from portal.formtools import form_status, place_errors, show_hidden_errors


def unit_of_work(
    action: Callable[[], Any], on_refusal: Callable[[DomainError], None]
) -> tuple[bool, Any]:
    """(True, the action's result) once committed; (False, None) when the service refused."""
    try:
        result = action()
    except DomainError as exc:
        if exc.keep_changes:
            db.session.commit()
        else:
            db.session.rollback()
        on_refusal(exc)
        return False, None
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    return True, result


def submit_form(form: FlaskForm, action: Callable[[], Any]) -> tuple[bool, Any]:
    """On a valid POST, run `action` as the unit of work: (True, its result). Otherwise, or when
    the service refuses (errors placed on the form): (False, None)."""
    if not form.validate_on_submit():
        show_hidden_errors(form)
        return False, None
    return unit_of_work(action, lambda exc: place_errors(form, exc))


Said = str | tuple[str, ...]  # one message or several (lazy strings are flashed as text)


def form_page(
    form: FlaskForm,
    action: Callable[[], Any],
    page: Callable[[], str],
    *,
    success: Said | Callable[[Any], Said] = (),
    to: str | Callable[[Any], str],
) -> Response | tuple[str, int]:
    """A page of one form, GET and POST: `submit_form(form, action)`; once done, `success` is
    flashed and the user goes to the address `to` (either may be worked out from the action's
    result, when given as a function of it); otherwise `page()` shows the form again, with what
    was typed and the problems beside it, 422 when it was sent (200 on its first display)."""
    done, result = submit_form(form, action)
    if not done:
        return page(), form_status(form)
    said = success(result) if callable(success) else success
    for message in said if isinstance(said, tuple) else (said,):
        flash(str(message), "success")
    return redirect(to(result) if callable(to) else to)


def perform(action: Callable[[], Any], success: str = "") -> tuple[bool, Any]:
    """A one-button POST (its form carries only the CSRF token): run `action` as the unit of
    work, flashing `success`, or flash the service's refusal. (True, result) or (False, None); a
    request without a valid CSRF token is answered 400."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    done, result = unit_of_work(action, lambda exc: flash(str(exc), "error"))
    if done and success:
        flash(success, "success")
    return done, result
