from __future__ import annotations

from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from portal.accounts import creditcode, passwords
from portal.accounts.labels import ORG_STATUS_LABELS, ORG_TYPE_LABELS
from portal.accounts.models import Role
from portal.i18n import lazy_gettext as _l

ROLE_LABELS = {
    Role.admin: _l("Administrator"),
    Role.officer: _l("Programme officer"),
    Role.applicant: _l("Applicant"),
    Role.expert: _l("Expert"),
    Role.evaluator: _l("Third-party evaluator"),
}


def org_type_choices():
    return [(t.value, label) for t, label in ORG_TYPE_LABELS.items()]


def role_choices():
    return [(r.value, label) for r, label in ROLE_LABELS.items()]


class StrongPassword:
    """Long enough, not common, and not made of the name and e-mail typed on the same form (or,
    on a form without them, of the logged-in user's own)."""

    def __call__(self, form, field):
        name, email = getattr(form, "name", None), getattr(form, "email", None)
        if name is None and email is None and current_user.is_authenticated:
            own_name, own_email = current_user.name, current_user.email
        else:
            own_name = name.data if name is not None else ""
            own_email = email.data if email is not None else ""
        weakness = passwords.problem(field.data or "", name=own_name or "", email=own_email or "")
        if weakness:
            raise ValidationError(weakness)


def valid_credit_code(form, field):
    if field.data:
        field.data = creditcode.normalise(field.data)
        problem = creditcode.problem(field.data)
        if problem:
            raise ValidationError(problem)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class AccountFields(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    password = PasswordField(_l("Password"), validators=[InputRequired(), StrongPassword()])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class OrganisationFields(FlaskForm):
    """A new organisation's name, type and region (needed only when its code is new)."""

    org_name = StringField(_l("Organisation name"), validators=[Optional(), Length(max=200)])
    org_type = SelectField(_l("Organisation type"), choices=org_type_choices, default="enterprise")
    org_region = StringField(_l("Region"), validators=[Optional(), Length(max=100)])


class JoinOrganisationForm(OrganisationFields):
    credit_code = StringField(
        _l("Unified social credit code of your organisation"),
        validators=[DataRequired(), valid_credit_code],
    )


class ApplicantRegistrationForm(AccountFields, JoinOrganisationForm):
    pass


class ExpertRegistrationForm(AccountFields):
    affiliation = StringField(
        _l("Affiliation (where you work)"), validators=[DataRequired(), Length(max=200)]
    )
    affiliation_code = StringField(
        _l("Credit code of your affiliation (optional)"),
        validators=[Optional(), valid_credit_code],
    )
    expertise = TextAreaField(
        _l("Expertise (keywords, comma-separated)"), validators=[DataRequired(), Length(max=500)]
    )


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired()])
    password = PasswordField(_l("New password"), validators=[InputRequired(), StrongPassword()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class CreateUserForm(AccountFields):
    role = SelectField(_l("Role"), choices=role_choices, default="officer")
    affiliation = StringField(_l("Affiliation"), validators=[Optional(), Length(max=200)])


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search name or e-mail"), validators=[Optional(), Length(max=100)])
    role = SelectField(
        _l("Role"), choices=lambda: [("", _l("Any role")), *role_choices()], default=""
    )
    state = SelectField(
        _l("State"),
        choices=[("", _l("Any")), ("active", _l("Active")), ("inactive", _l("Inactive"))],
        default="",
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices)


class ConfirmForm(FlaskForm):
    """An empty form: the CSRF token of a one-button action."""


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = StringField(_l("Action"), validators=[Optional(), Length(max=80)])
    actor = StringField(_l("Actor e-mail"), validators=[Optional(), Length(max=254)])
    object_type = StringField(_l("Object type"), validators=[Optional(), Length(max=40)])


def email_field(label=_l("E-mail")) -> EmailField:
    return EmailField(
        label, validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )


class EmailForm(FlaskForm):
    """An address to send a link to (a new password, the confirmation again)."""

    email = email_field()


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[InputRequired(), StrongPassword()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


ADDRESS_PREFIX = "address"  # the address form shares the account page with the password form


class AddressChangeForm(FlaskForm):
    email = email_field(_l("New e-mail address"))
    password = PasswordField(_l("Your password"), validators=[InputRequired(), Length(max=200)])


class InvitationRegistrationForm(FlaskForm):
    """A new account through an invitation: the address is the invitation's."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), StrongPassword()])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class InvitedOrganisationFields(FlaskForm):
    """The invited organisation's details as the lead typed them, for its first member to
    correct."""

    org_name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    org_type = SelectField(_l("Organisation type"), choices=org_type_choices)
    org_region = StringField(_l("Region"), validators=[Optional(), Length(max=100)])


class InvitedOrganisationRegistrationForm(InvitationRegistrationForm, InvitedOrganisationFields):
    pass


class InviteColleagueForm(FlaskForm):
    email = email_field(_l("Colleague's e-mail address"))


class RefuseMemberForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional, sent to them)"), validators=[Optional(), Length(max=1000)]
    )


class OrganisationDetailsForm(FlaskForm):
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=100)])
    english_name = StringField(_l("English name"), validators=[Optional(), Length(max=200)])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=100)])


class LicenceForm(FlaskForm):
    licence = FileField(_l("Business licence (营业执照): PDF, PNG or JPEG"))


def org_status_choices():
    return [(s.value, label) for s, label in ORG_STATUS_LABELS.items()]


class OrganisationSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or credit code"), validators=[Optional(), Length(max=100)])
    type = SelectField(
        _l("Type"), choices=lambda: [("", _l("Any type")), *org_type_choices()], default=""
    )
    region = StringField(_l("Region"), validators=[Optional(), Length(max=100)])
    status = SelectField(
        _l("Status"), choices=lambda: [("", _l("Any")), *org_status_choices()], default=""
    )


class RejectOrganisationForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is it not verified?"), validators=[DataRequired(), Length(max=1000)]
    )


class StaffOrganisationForm(FlaskForm):
    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=100)])
    english_name = StringField(_l("English name"), validators=[Optional(), Length(max=200)])
    type = SelectField(_l("Type"), choices=org_type_choices)
    credit_code = StringField(
        _l("Unified social credit code"), validators=[DataRequired(), valid_credit_code]
    )
    region = StringField(_l("Region"), validators=[Optional(), Length(max=100)])
    reason = TextAreaField(
        _l("Reason for the change (kept in the audit trail)"),
        validators=[DataRequired(), Length(max=1000)],
    )

    @classmethod
    def from_model(cls, organisation) -> StaffOrganisationForm:
        return cls(
            name=organisation.name,
            short_name=organisation.short_name,
            english_name=organisation.english_name,
            type=organisation.type.value,
            credit_code=organisation.credit_code,
            region=organisation.region,
        )


class NameAdministratorForm(FlaskForm):
    membership = SelectField(_l("Person"), coerce=str, choices=[])
