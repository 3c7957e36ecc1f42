"""Showing a service's refusal on the form that asked for it."""

from __future__ import annotations

from flask_wtf import FlaskForm

from portal.errors import DomainError, ValidationFailed


def show_errors(form: FlaskForm, exc: DomainError) -> None:
    """Put each problem next to its field; problems without a field go above the form."""
    problems = exc.problems if isinstance(exc, ValidationFailed) else {exc.field: exc.message}
    for name, message in problems.items():
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)
