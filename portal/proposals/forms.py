"""The forms of the proposal pages. Row lists add and remove rows without JavaScript: the
buttons `add_row` and `remove_row` (with the row's index) re-show the form without saving."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import FieldList, FormField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from portal.accounts.forms import org_type_choices
from portal.errors import DomainError, ValidationFailed
from portal.formtools import FiniteDecimalField
from portal.i18n import lazy_gettext as _l
from portal.parsing import DayField, HiddenNumberField, coerce_id

MAX_ROWS = 20


class RevisionMixin:
    revision = HiddenNumberField(validators=[InputRequired(HiddenNumberField.message)])


class GeneralForm(RevisionMixin, FlaskForm):
    title = StringField(_l("Project title"), validators=[Optional(), Length(max=200)])
    leader_email = EmailField(
        _l("Team leader's e-mail"),
        validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
    )
    leader_name = StringField(
        _l("Team leader's name"),
        validators=[Optional(), Length(max=100)],
    )
    leader_title = StringField(
        _l("Team leader's title or position"), validators=[Optional(), Length(max=100)]
    )
    leader_phone = StringField(_l("Telephone"), validators=[Optional(), Length(max=40)])
    leader_org_id = SelectField(
        _l("Organisation of the team leader"),
        coerce=coerce_id,
        validate_choice=False,
    )
    approach = TextAreaField(_l("Technical approach"), validators=[Optional(), Length(max=50000)])
    innovation = TextAreaField(_l("Innovation points"), validators=[Optional(), Length(max=20000)])


class MemberRow(Form):
    credit_code = StringField(_l("Credit code"), validators=[Optional(), Length(max=30)])
    name = StringField(_l("Name (if new to the portal)"), validators=[Optional(), Length(max=200)])
    type = SelectField(
        _l("Type (if new)"), choices=lambda: [("", "—"), *org_type_choices()], default=""
    )
    region = StringField(_l("Region (if new)"), validators=[Optional(), Length(max=100)])
    email = EmailField(
        _l("E-mail to invite it (if new)"),
        validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
    )
    responsibility = TextAreaField(_l("Responsibility"), validators=[Optional(), Length(max=1000)])


class MembersForm(RevisionMixin, FlaskForm):
    lead_responsibility = TextAreaField(
        _l("Responsibility of the lead organisation"), validators=[Optional(), Length(max=1000)]
    )
    members = FieldList(FormField(MemberRow), min_entries=0, max_entries=MAX_ROWS)


class CommitmentRow(Form):
    indicator_id = HiddenNumberField()
    value = FiniteDecimalField(_l("Committed value"), validators=[Optional()], places=None)
    justification = TextAreaField(
        _l("Justification (if the target is not met)"), validators=[Optional(), Length(max=5000)]
    )


class CommitmentsForm(RevisionMixin, FlaskForm):
    commitments = FieldList(FormField(CommitmentRow), min_entries=0)


class MilestoneRow(Form):
    title = StringField(_l("Milestone"), validators=[Optional(), Length(max=200)])
    due_date = DayField(_l("Due date"), validators=[Optional()])
    deliverable = TextAreaField(_l("Deliverable"), validators=[Optional(), Length(max=1000)])
    verification = TextAreaField(
        _l("How it will be verified"), validators=[Optional(), Length(max=1000)]
    )
    share_percent = FiniteDecimalField(
        _l("Share of funding (%)"),
        validators=[Optional(), NumberRange(min=0, max=100)],
        places=None,
    )


class MilestonesForm(RevisionMixin, FlaskForm):
    milestones = FieldList(FormField(MilestoneRow), min_entries=0, max_entries=MAX_ROWS)


class ShareRow(Form):
    member_id = HiddenNumberField()
    share = FiniteDecimalField(_l("Share (yuan)"), validators=[Optional()], places=None)


class BudgetForm(RevisionMixin, FlaskForm):
    requested = FiniteDecimalField(
        _l("Funding requested (yuan)"), validators=[Optional()], places=None
    )
    self_funds = FiniteDecimalField(
        _l("Self-raised funds (yuan)"), validators=[Optional()], places=None
    )
    shares = FieldList(FormField(ShareRow), min_entries=0)


class AttachmentForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    file = FileField(_l("PDF file"))


class PledgeForm(FlaskForm):
    """The team leader signs for themself: a confirmation and their own password."""

    leads_the_team = BooleanField(_l("I confirm that I lead this team (挂帅人)."))
    password = PasswordField(_l("Your password"), validators=[Length(max=200)])


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Why does your organisation decline?"), validators=[Optional(), Length(max=1000)]
    )


class WithdrawConsentForm(FlaskForm):
    reason = TextAreaField(
        _l("Why does your organisation withdraw? (the lead reads it)"),
        validators=[Optional(), Length(max=1000)],
    )


class ConfirmForm(FlaskForm):
    """The CSRF token of a one-button action."""


def _fields_by_name(form) -> dict[str, object]:
    """Every field by name; a row's fields also as `<list>-<position>-<field>`, the names the
    services use, whatever index the browser sent."""
    found = {}
    for field in form:
        if isinstance(field, FieldList):
            for position, entry in enumerate(field):
                for sub in entry.form:
                    found[sub.name] = sub
                    found[f"{field.name}-{position}-{sub.short_name}"] = sub
        else:
            found[field.name] = field
    return found


def put_errors(form, problems: dict[str | None, str]) -> None:
    """Each problem next to its field (rows included); the others above the form."""
    fields = _fields_by_name(form)
    for name, message in problems.items():
        field = fields.get(name) if name else None
        if field is not None:
            if message not in field.errors:
                field.errors = [*field.errors, message]
        elif message not in form.form_errors:
            form.form_errors.append(message)


def show_problems(form, exc: DomainError) -> None:
    if isinstance(exc, ValidationFailed):
        put_errors(form, exc.problems)
    else:
        put_errors(form, {exc.field: exc.message})
