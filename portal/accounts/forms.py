"""The accounts module's forms. Each form with fields follows the form protocol of
portal/formtools.py: `to_input()` is exactly what its service takes."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import (
    EmailField,
    HiddenField,
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
from portal.accounts.invitations import OrganisationDetails
from portal.accounts.organisations import Details
from portal.formtools import PortalForm
from portal.i18n import lazy_gettext as _l
from portal.vocabulary import OrgStatus, OrgType, Role


def _text(field) -> str:
    """A text field's value as typed ('' for one that was not sent)."""
    return field.data or ""


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


class LoginForm(PortalForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class AccountFields(PortalForm):
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

    def account_input(self) -> dict[str, Any]:
        return {"name": self.name.data, "email": self.email.data, "password": self.password.data}


class OrganisationFields(PortalForm):
    """A new organisation's name, type and region (needed only when its code is new)."""

    org_name = StringField(_l("Organisation name"), validators=[Optional(), Length(max=200)])
    org_type = SelectField(_l("Organisation type"), choices=OrgType.choices(), default="enterprise")
    org_region = StringField(_l("Region"), validators=[Optional(), Length(max=100)])


class JoinOrganisationForm(OrganisationFields):
    credit_code = StringField(
        _l("Unified social credit code of your organisation"),
        validators=[DataRequired(), valid_credit_code],
    )

    def to_input(self) -> dict[str, Any]:
        """For registration.join_by_code."""
        return {
            "credit_code": self.credit_code.data,
            "org_name": _text(self.org_name),
            "org_type": self.org_type.data,
            "org_region": _text(self.org_region),
        }


class ApplicantRegistrationForm(AccountFields, JoinOrganisationForm):
    def to_input(self) -> dict[str, Any]:
        """For registration.register_applicant."""
        return {**self.account_input(), **JoinOrganisationForm.to_input(self)}


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

    def to_input(self) -> dict[str, Any]:
        """For registration.register_expert."""
        return {
            **self.account_input(),
            "affiliation": self.affiliation.data,
            "affiliation_code": _text(self.affiliation_code),
            "expertise": self.expertise.data,
        }


class PasswordChangeForm(PortalForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired()])
    password = PasswordField(_l("New password"), validators=[InputRequired(), StrongPassword()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )

    def to_input(self) -> dict[str, Any]:
        """For services.change_password."""
        return {"current": self.current.data, "new": self.password.data}


class CreateUserForm(AccountFields):
    role = SelectField(_l("Role"), choices=Role.choices(), default="officer")
    affiliation = StringField(_l("Affiliation"), validators=[Optional(), Length(max=200)])

    def to_input(self) -> dict[str, Any]:
        """For services.create_user."""
        return {
            **self.account_input(),
            "role": Role(self.role.data),
            "affiliation": _text(self.affiliation),
        }


class FilterForm(PortalForm):
    """The filters of a list page, read from its query string (a GET: no CSRF token)."""

    class Meta:
        csrf = False

    def filters(self) -> dict[str, Any]:
        """What the list's query takes: every filter, or none when one is not valid."""
        return self.to_input() if self.validate() else {}


class UserSearchForm(FilterForm):
    q = StringField(_l("Search name or e-mail"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=[("", _l("Any role")), *Role.choices()], default="")
    state = SelectField(
        _l("State"),
        choices=[("", _l("Any")), ("active", _l("Active")), ("inactive", _l("Inactive"))],
        default="",
    )

    def to_input(self) -> dict[str, Any]:
        """For queries.users_for."""
        return {"text": _text(self.q), "role": self.role.data, "state": self.state.data}


class RoleForm(PortalForm):
    role = SelectField(_l("Role"), choices=Role.choices())

    def to_input(self) -> dict[str, Any]:
        return {"role": Role(self.role.data)}


class ConfirmForm(PortalForm):
    """An empty form: the CSRF token of a one-button action."""


class AuditFilterForm(FilterForm):
    action = StringField(_l("Action"), validators=[Optional(), Length(max=80)])
    actor = StringField(_l("Actor e-mail"), validators=[Optional(), Length(max=254)])
    object_type = StringField(_l("Object type"), validators=[Optional(), Length(max=40)])

    def to_input(self) -> dict[str, Any]:
        """For queries.audit_trail."""
        return {
            "action": _text(self.action),
            "actor": _text(self.actor),
            "object_type": _text(self.object_type),
        }


def email_field(label=_l("E-mail")) -> EmailField:
    return EmailField(
        label, validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )


class EmailForm(PortalForm):
    """An address to send a link to (a new password, the confirmation again)."""

    email = email_field()


class NewPasswordForm(PortalForm):
    password = PasswordField(_l("New password"), validators=[InputRequired(), StrongPassword()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )

    def to_input(self) -> dict[str, Any]:
        """For recovery.reset_password."""
        return {"password": self.password.data}


ADDRESS_PREFIX = "address"  # the address form shares the account page with the password form


class AddressChangeForm(PortalForm):
    email = email_field(_l("New e-mail address"))
    password = PasswordField(_l("Your password"), validators=[InputRequired(), Length(max=200)])

    def to_input(self) -> dict[str, Any]:
        """For recovery.request_address_change."""
        return {"new_email": self.email.data, "password": self.password.data}


class InvitationRegistrationForm(PortalForm):
    """A new account through an invitation: the address is the invitation's."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), StrongPassword()])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )

    def to_input(self) -> dict[str, Any]:
        """For invitations.register_through."""
        return {"name": self.name.data, "password": self.password.data, "details": None}


class InvitedOrganisationFields(PortalForm):
    """The invited organisation's details as the lead typed them, for its first member to
    correct."""

    org_name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    org_type = SelectField(_l("Organisation type"), choices=OrgType.choices())
    org_region = StringField(_l("Region"), validators=[Optional(), Length(max=100)])

    @classmethod
    def from_model(cls, organisation, **kwargs) -> InvitedOrganisationFields:
        return cls(
            data={
                "org_name": organisation.name,
                "org_type": organisation.type.value,
                "org_region": organisation.region,
            },
            **kwargs,
        )

    def to_input(self) -> dict[str, Any]:
        """For invitations.accept."""
        return {
            "details": OrganisationDetails(
                name=_text(self.org_name), type=_text(self.org_type), region=_text(self.org_region)
            )
        }


class InvitedOrganisationRegistrationForm(InvitationRegistrationForm, InvitedOrganisationFields):
    def to_input(self) -> dict[str, Any]:
        """For invitations.register_through, with the corrected organisation."""
        return {
            **InvitationRegistrationForm.to_input(self),
            **InvitedOrganisationFields.to_input(self),
        }


class InviteColleagueForm(PortalForm):
    email = email_field(_l("Colleague's e-mail address"))


class RefuseMemberForm(PortalForm):
    reason = TextAreaField(
        _l("Reason (optional, sent to them)"), validators=[Optional(), Length(max=1000)]
    )

    def to_input(self) -> dict[str, Any]:
        return {"reason": _text(self.reason)}


class OrganisationDetailsForm(PortalForm):
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=100)])
    english_name = StringField(_l("English name"), validators=[Optional(), Length(max=200)])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=100)])

    def to_input(self) -> dict[str, Any]:
        """For organisations.update_details."""
        return {name: _text(field) for name, field in self._fields.items() if name != "csrf_token"}


class LicenceForm(PortalForm):
    licence = FileField(_l("Business licence: PDF, PNG or JPEG"))

    def to_input(self) -> dict[str, Any]:
        """For organisations.upload_licence (None when no file was chosen)."""
        return {"upload": self.licence.data}


class OrganisationSearchForm(FilterForm):
    q = StringField(_l("Name or credit code"), validators=[Optional(), Length(max=100)])
    type = SelectField(_l("Type"), choices=[("", _l("Any type")), *OrgType.choices()], default="")
    region = StringField(_l("Region"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), choices=[("", _l("Any")), *OrgStatus.choices()], default="")

    def to_input(self) -> dict[str, Any]:
        """For queries.organisations_for."""
        return {
            "text": _text(self.q),
            "type": _text(self.type),
            "region": _text(self.region),
            "status": _text(self.status),
        }


class RejectOrganisationForm(PortalForm):
    reason = TextAreaField(
        _l("Why is it not verified?"), validators=[DataRequired(), Length(max=1000)]
    )


class StaffOrganisationForm(PortalForm):
    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=100)])
    english_name = StringField(_l("English name"), validators=[Optional(), Length(max=200)])
    type = SelectField(_l("Type"), choices=OrgType.choices())
    credit_code = StringField(
        _l("Unified social credit code"), validators=[DataRequired(), valid_credit_code]
    )
    region = StringField(_l("Region"), validators=[Optional(), Length(max=100)])
    reason = TextAreaField(
        _l("Reason for the change (kept in the audit trail)"),
        validators=[DataRequired(), Length(max=1000)],
    )

    @classmethod
    def from_model(cls, organisation, **kwargs) -> StaffOrganisationForm:
        return cls(
            **kwargs,
            name=organisation.name,
            short_name=organisation.short_name,
            english_name=organisation.english_name,
            type=organisation.type.value,
            credit_code=organisation.credit_code,
            region=organisation.region,
        )

    def to_input(self) -> dict[str, Any]:
        """For organisations.edit."""
        return {
            "details": Details(
                name=_text(self.name),
                short_name=_text(self.short_name),
                english_name=_text(self.english_name),
                type=self.type.data,
                credit_code=_text(self.credit_code),
                region=_text(self.region),
            ),
            "reason": _text(self.reason),
        }


class NameAdministratorForm(PortalForm):
    """Whom staff name administrator: one of the organisation's members or those waiting to
    join (the service checks the choice)."""

    membership = SelectField(_l("Person"), coerce=int, choices=[], validate_choice=False)

    def to_input(self) -> dict[str, Any]:
        """For membership.name_administrator."""
        return {"membership_id": self.membership.data}


class ClearThrottleForm(PortalForm):
    """Clears a pair (both fields) or an address (no e-mail)."""

    email = HiddenField(validators=[Length(max=254)])
    remote_addr = HiddenField(validators=[Length(max=64)])

    def to_input(self) -> dict[str, Any]:
        """For throttling.clear."""
        return {"email": _text(self.email), "remote_addr": _text(self.remote_addr)}
