"""The forms of the proposal pages. Row lists add and remove rows without JavaScript: the
buttons `add_row` and `remove_row` (with the row's index) re-show the form without saving."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

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

from portal.formtools import FiniteDecimalField, PortalForm
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.money import MoneyField
from portal.parsing import DayField, HiddenNumberField, coerce_id, parse_whole
from portal.presentation import format_money
from portal.proposals.common import indicator_commitments
from portal.proposals.drafting import CommitmentInput, MemberInput, MilestoneInput
from portal.proposals.models import Proposal
from portal.vocabulary import OrgType

# A request under this share of the funding cap is flagged: most likely typed in yuan.
IMPLAUSIBLY_SMALL = Decimal("0.01")

MAX_ROWS = 20


class SectionForm(PortalForm):
    """A section of the draft, following the form protocol.

    `for_proposal` builds it from the request (or from what was kept across a login) and fits it
    to the proposal (choices and labels that depend on it); `from_model` fills it from the saved
    draft for its first display; `to_input()` is exactly what the section's drafting service
    takes. The revision the form was opened at travels with it, so that a save based on an older
    one is refused instead of overwriting a colleague's.
    """

    revision = HiddenNumberField(validators=[InputRequired(HiddenNumberField.message)])
    rows_name: str | None = None  # the list whose rows the add/remove buttons change

    @classmethod
    def for_proposal(cls, proposal: Proposal, **kwargs: Any) -> SectionForm:
        form = cls(**kwargs)
        form.fit(proposal)
        return form

    @classmethod
    def from_model(cls, proposal: Proposal) -> SectionForm:
        """The section as saved (each form's `values_of`), at the proposal's revision."""
        return cls.for_proposal(
            proposal, data={"revision": proposal.revision, **cls.values_of(proposal)}
        )

    def fit(self, proposal: Proposal) -> None:
        """Choices and labels that depend on the proposal (none by default)."""

    def with_rows_changed(
        self, posted: Mapping[str, str], proposal: Proposal
    ) -> SectionForm | None:
        """The add/remove row buttons, without JavaScript: the form again with one row more or
        one fewer, nothing saved. None when the form was sent to be saved."""
        if self.rows_name is None:
            return None
        rows = self[self.rows_name]
        if "add_row" in posted:
            if len(rows) < MAX_ROWS:
                rows.append_entry()
            return self
        if "remove_row" not in posted:
            return None
        remove = parse_whole(posted["remove_row"])
        if remove is None:  # no row of the form: shown again as it was typed
            return self
        data = self.data
        data.pop("csrf_token", None)
        data[self.rows_name] = [row for i, row in enumerate(data[self.rows_name]) if i != remove]
        return self.for_proposal(proposal, formdata=None, data=data)


class GeneralForm(SectionForm):
    SAVED = (
        "title",
        "leader_email",
        "leader_name",
        "leader_title",
        "leader_phone",
        "leader_org_id",
        "approach",
        "innovation",
    )  # the fields, by the proposal's columns of the same names
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

    @classmethod
    def values_of(cls, proposal: Proposal) -> dict[str, Any]:
        return {name: getattr(proposal, name) for name in cls.SAVED}

    def fit(self, proposal: Proposal) -> None:
        self.leader_org_id.choices = [("", "—")] + [
            (m.organisation_id, m.organisation.name) for m in proposal.members
        ]


class MemberRow(Form):
    credit_code = StringField(_l("Credit code"), validators=[Optional(), Length(max=30)])
    name = StringField(_l("Name (if new to the portal)"), validators=[Optional(), Length(max=200)])
    type = SelectField(_l("Type (if new)"), choices=[("", "—"), *OrgType.choices()], default="")
    region = StringField(_l("Region (if new)"), validators=[Optional(), Length(max=100)])
    email = EmailField(
        _l("E-mail to invite it (if new)"),
        validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
    )
    responsibility = TextAreaField(_l("Responsibility"), validators=[Optional(), Length(max=1000)])


class MembersForm(SectionForm):
    lead_responsibility = TextAreaField(
        _l("Responsibility of the lead organisation"), validators=[Optional(), Length(max=1000)]
    )
    members = FieldList(FormField(MemberRow), min_entries=0, max_entries=MAX_ROWS)
    rows_name = "members"

    @classmethod
    def values_of(cls, proposal: Proposal) -> dict[str, Any]:
        lead = next(
            (m for m in proposal.members if m.organisation_id == proposal.lead_org_id), None
        )
        return {
            "lead_responsibility": lead.responsibility if lead else "",
            "members": [
                {
                    "credit_code": m.organisation.credit_code,
                    "name": m.organisation.name,
                    "type": m.organisation.type.value,
                    "region": m.organisation.region,
                    "email": m.invited_email,
                    "responsibility": m.responsibility,
                }
                for m in proposal.members
                if m.organisation_id != proposal.lead_org_id
            ],
        }

    def to_input(self) -> dict[str, Any]:
        return {
            "revision": self.revision.data,
            "lead_responsibility": self.lead_responsibility.data,
            "rows": [MemberInput(**entry.data) for entry in self.members],
        }


class CommitmentRow(Form):
    indicator_id = HiddenNumberField()
    value = FiniteDecimalField(_l("Committed value"), validators=[Optional()], places=None)
    justification = TextAreaField(
        _l("Justification (if the target is not met)"), validators=[Optional(), Length(max=5000)]
    )


class CommitmentsForm(SectionForm):
    commitments = FieldList(FormField(CommitmentRow), min_entries=0)

    @classmethod
    def values_of(cls, proposal: Proposal) -> dict[str, Any]:
        return {
            "commitments": [
                {
                    "indicator_id": str(indicator.id),
                    "value": commitment.value if commitment else None,
                    "justification": commitment.justification if commitment else "",
                }
                for indicator, commitment in indicator_commitments(proposal)
            ]
        }

    def to_input(self) -> dict[str, Any]:
        return {
            "revision": self.revision.data,
            "rows": [
                CommitmentInput(
                    indicator_id=entry.form.indicator_id.data,
                    value=entry.form.value.data,
                    justification=entry.form.justification.data,
                )
                for entry in self.commitments
                if entry.form.indicator_id.data is not None
            ],
        }


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


class MilestonesForm(SectionForm):
    milestones = FieldList(FormField(MilestoneRow), min_entries=0, max_entries=MAX_ROWS)
    rows_name = "milestones"

    @classmethod
    def values_of(cls, proposal: Proposal) -> dict[str, Any]:
        """The plan, or three empty rows to start one."""
        rows = [
            {
                "title": ms.title,
                "due_date": ms.due_date,
                "deliverable": ms.deliverable,
                "verification": ms.verification,
                "share_percent": ms.share_percent,
            }
            for ms in proposal.milestones
        ]
        return {"milestones": rows or [{}, {}, {}]}

    def to_input(self) -> dict[str, Any]:
        return {
            "revision": self.revision.data,
            "rows": [MilestoneInput(**entry.data) for entry in self.milestones],
        }


class ShareRow(Form):
    member_id = HiddenNumberField()
    share = MoneyField(_l("Share (in 10,000 yuan)"))


class BudgetForm(SectionForm):
    requested = MoneyField(_l("Funding requested (in 10,000 yuan)"))
    self_funds = MoneyField(_l("Self-raised funds (in 10,000 yuan)"))
    shares = FieldList(FormField(ShareRow), min_entries=0)

    @classmethod
    def values_of(cls, proposal: Proposal) -> dict[str, Any]:
        return {
            "requested": proposal.requested,
            "self_funds": proposal.self_funds,
            "shares": [{"member_id": str(m.id), "share": m.budget_share} for m in proposal.members],
        }

    def fit(self, proposal: Proposal) -> None:
        cap = proposal.challenge.funding_cap
        if self.requested.data and cap and self.requested.data < cap * IMPLAUSIBLY_SMALL:
            self.requested.warning = _(
                "This is under 1 %% of the funding cap of %(cap)s: amounts are typed in 10,000 "
                "yuan.",
                cap=format_money(cap, "wan"),
            )
        for entry, member in zip(self.shares, proposal.members, strict=False):
            entry.form.share.label.text = _(
                "Share of %(org)s (in 10,000 yuan)", org=member.organisation.name
            )

    def to_input(self) -> dict[str, Any]:
        return {
            "revision": self.revision.data,
            "requested": self.requested.data,
            "self_funds": self.self_funds.data,
            "shares": {
                entry.form.member_id.data: entry.form.share.data
                for entry in self.shares
                if entry.form.member_id.data is not None
            },
        }


class AttachmentForm(PortalForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    file = FileField(_l("PDF file"))

    def to_input(self) -> dict[str, Any]:
        return {"title": self.title.data, "upload": self.file.data}


class PledgeForm(PortalForm):
    """The team leader signs for themself: a confirmation and their own password."""

    leads_the_team = BooleanField(_l("I confirm that I lead this team."))
    password = PasswordField(_l("Your password"), validators=[Length(max=200)])

    def to_input(self) -> dict[str, Any]:
        return {
            "password": self.password.data or "",
            "leads_the_team": bool(self.leads_the_team.data),
        }


class DeclineForm(PortalForm):
    reason = TextAreaField(
        _l("Why does your organisation decline?"), validators=[Optional(), Length(max=1000)]
    )


class WithdrawConsentForm(PortalForm):
    reason = TextAreaField(
        _l("Why does your organisation withdraw? (the lead reads it)"),
        validators=[Optional(), Length(max=1000)],
    )


class ConfirmForm(PortalForm):
    """The CSRF token of a one-button action."""
