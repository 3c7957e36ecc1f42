"""Forms and services together: validate, call the service, commit once, or show its refusal on
the form that asked for it (keeping everything that was typed)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from flask import abort, flash
from flask_wtf import FlaskForm
from wtforms import DecimalField, Field, FieldList, FormField, HiddenField

from portal import formstash
from portal.db import db
from portal.errors import DomainError, ValidationFailed
from portal.i18n import gettext as _


class FiniteDecimalField(DecimalField):
    """A DecimalField that refuses what WTForms lets through: digits other than ASCII's, NaN,
    infinities, and numbers too large for the database's columns (which would fail only when
    written)."""

    LIMIT = Decimal(10) ** 12

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if valuelist and not valuelist[0].isascii():  # Decimal() reads "１２" and "٣" too
            self.data = None
            raise ValueError(_("Enter a number, e.g. 28 or 0.5."))
        if self.data is not None and (not self.data.is_finite() or abs(self.data) >= self.LIMIT):
            self.data = None
            raise ValueError(_("Enter a number, e.g. 28 or 0.5."))


def show_errors(form: FlaskForm, exc: DomainError) -> None:
    """Put each problem next to its field; problems without a field go above the form."""
    problems = exc.problems if isinstance(exc, ValidationFailed) else {exc.field: exc.message}
    for name, message in problems.items():
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def _every_field(form) -> Iterator[Field]:
    """The form's fields, those of its rows included."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                yield from _every_field(entry.form) if isinstance(entry, FormField) else (entry,)
        elif isinstance(field, FormField):
            yield from _every_field(field.form)
        else:
            yield field


def show_hidden_errors(form: FlaskForm) -> None:
    """The errors of fields the page does not show (a row's id, the revision) go above the
    form, where the person can read them."""
    for field in _every_field(form):
        if isinstance(field, HiddenField) and field.name != "csrf_token":
            for message in field.errors:
                if message not in form.form_errors:
                    form.form_errors.append(message)


def submit_form(form: FlaskForm, action: Callable[[], Any]) -> tuple[bool, Any]:
    """On a valid POST, run `action` and commit: (True, its result). Otherwise, or when the
    service refuses (rolled back, errors on the form): (False, None)."""
    if not form.validate_on_submit():
        show_hidden_errors(form)
        return False, None
    try:
        result = action()
    except DomainError as exc:
        db.session.rollback()
        show_errors(form, exc)
        return False, None
    db.session.commit()
    return True, result


def perform(action: Callable[[], Any], success: str = "") -> tuple[bool, Any]:
    """A one-button POST (its form carries only the CSRF token): run `action` and commit,
    flashing `success`; or roll back and flash the service's refusal. (True, result) or
    (False, None); a request without a valid CSRF token is answered 400."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        result = action()
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return False, None
    db.session.commit()
    if success:
        flash(success, "success")
    return True, result


def first_display(form: FlaskForm) -> bool:
    """Whether the form is shown afresh, to be filled from what is saved: not sent back with its
    errors, and not brought back with what was typed before a login ended (portal/formstash)."""
    return not form.is_submitted() and not formstash.restoring()


def form_status(form: FlaskForm) -> int:
    """422 when a submitted form is shown again with its errors, 200 on first display."""
    return 422 if form.is_submitted() else 200
