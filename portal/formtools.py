"""Forms of the portal: the protocol every form follows, fields that refuse what WTForms lets
through, and how a service's problems are placed next to the fields they concern.

The protocol (DESIGN §4): `PortalForm.from_model(obj)` fills a form from what is saved, for its
first display; `to_input()` is what the service takes; `place_errors(problems)` puts each problem
next to its field, rows of a FieldList included ("members-0-credit_code"), and problems without a
field above the form. The unit of work (portal/unit_of_work.py) calls place_errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DecimalField, Field, FieldList, FormField, HiddenField, TextAreaField, widgets
from wtforms.validators import InputRequired, Length

from portal import formstash
from portal.errors import DomainError, ValidationFailed
from portal.i18n import WTFormsTranslations, wtforms_translations
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l


class TypedTextField(Field):
    """A value typed as text and read by `parse`, which raises ValueError with the message to
    show; the typed text stays in the input when it is refused, and `show` writes a saved value
    back as text."""

    widget = widgets.TextInput()

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    def show(self, value: Any) -> str:
        return str(value)

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if text:
            self.data = self.parse(text)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else self.show(self.data)


def required_text(label: str, required: str, max_length: int) -> TextAreaField:
    """A text area that must be filled in, with at most `max_length` characters."""
    return TextAreaField(
        label,
        validators=[
            InputRequired(required),
            Length(max=max_length, message=_l("At most %(max)d characters.")),
        ],
    )


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


def place_errors(form: FlaskForm, problems: DomainError | dict[str | None, str]) -> None:
    """Put each problem next to its field (by the field's name in the form, or a row's field by
    its full name); problems without a field, or for a field the page does not show, go above
    the form."""
    if isinstance(problems, DomainError):
        problems = (
            problems.problems
            if isinstance(problems, ValidationFailed)
            else {problems.field: problems.message}
        )
    rows = {field.name: field for field in _every_field(form)}
    for name, message in problems.items():
        field = form._fields.get(name) if name else None
        if field is None and name:  # an empty FieldList is falsy: test for None, not truth
            field = rows.get(name)
        if field is not None and not isinstance(field, HiddenField):
            field.errors = [*field.errors, message]
        elif message not in form.form_errors:
            form.form_errors.append(message)


class PortalForm(FlaskForm):
    """The base of every form: the form protocol of DESIGN §4."""

    class Meta:
        def get_translations(self, form: FlaskForm) -> WTFormsTranslations:
            return wtforms_translations

    @classmethod
    def from_model(cls, obj: Any, **kwargs: Any) -> PortalForm:
        """The form filled from a saved object (its attributes of the same names), for its first
        display; a form whose fields differ from the model's overrides this."""
        return cls(obj=obj, **kwargs)

    @classmethod
    def for_editing(cls, obj: Any, **kwargs: Any) -> PortalForm:
        """The form of a page that edits `obj`: filled from it on first display, otherwise with
        what was sent (or brought back after a login ended)."""
        form = cls(**kwargs)
        return cls.from_model(obj, **kwargs) if first_display(form) else form

    def to_input(self) -> dict[str, Any]:
        """What the service takes: the fields' values by name (a form whose service takes a
        dataclass or other names overrides this)."""
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}

    def place_errors(self, problems: DomainError | dict[str | None, str]) -> None:
        place_errors(self, problems)


def show_hidden_errors(form: FlaskForm) -> None:
    """The errors of fields the page does not show (a row's id, the revision) go above the
    form, where the person can read them."""
    for field in _every_field(form):
        if isinstance(field, HiddenField) and field.name != "csrf_token":
            for message in field.errors:
                if message not in form.form_errors:
                    form.form_errors.append(message)


def first_display(form: FlaskForm) -> bool:
    """Whether the form is shown afresh, to be filled from what is saved: not sent back with its
    errors, and not brought back with what was typed before a login ended (portal/formstash)."""
    return not form.is_submitted() and not formstash.restoring()


def form_status(form: FlaskForm) -> int:
    """422 when a submitted form is shown again with its errors, 200 on first display."""
    return 422 if form.is_submitted() else 200
