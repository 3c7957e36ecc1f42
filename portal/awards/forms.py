"""The forms of the award pages, on the house protocol (portal/formtools.PortalForm):
`from_model` fills a form for its first display, `to_input()` is what the service takes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.awards import milestones
from portal.awards import targets as award_targets
from portal.awards.decision import NOT_FUNDED, RESERVE, WINNER
from portal.awards.milestones import PlannedTranche
from portal.awards.models import Award
from portal.awards.queries import local_today
from portal.formtools import FiniteDecimalField, PortalForm
from portal.i18n import lazy_gettext as _l
from portal.money import MoneyField
from portal.parsing import DayField, HiddenNumberField, parse_id
from portal.proposals.models import Proposal
from portal.vocabulary import AwardStatus, GateOutcome

VALUE = {"places": None}


def _values_by_indicator(rows: FieldList) -> dict[int, Any]:
    """{indicator id: value} of the rows where both were given."""
    return {
        row.indicator_id.data: row.value.data
        for row in rows
        if row.indicator_id.data is not None and row.value.data is not None
    }


class ObjectionForm(PortalForm):
    reason = TextAreaField(
        _l("Reason for the objection"), validators=[DataRequired(), Length(max=5000)]
    )
    evidence = FileField(_l("Evidence (PDF, optional)"))


class ResolveObjectionForm(PortalForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            ("dismissed", _l("Dismiss: the award stands")),
            ("upheld", _l("Uphold: revoke the award")),
        ],
        validators=[InputRequired()],
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])
    promote = SelectField(_l("Promote a reserve proposal (when upheld)"), choices=[], default="")
    reopen = BooleanField(_l("Reopen the decision (when upheld): it is made again on the ranking"))

    def offer(self, reserve: Iterable[Proposal]) -> ResolveObjectionForm:
        """The reserve proposals that may take a revoked award's place."""
        self.promote.choices = [("", _l("None"))] + [
            (str(p.id), f"{p.title} — {p.lead_org.name}") for p in reserve
        ]
        return self

    def to_input(self) -> dict[str, Any]:
        return {
            "upheld": self.decision.data == "upheld",
            "reason": self.reason.data,
            "promote_id": parse_id(self.promote.data),
            "reopen": bool(self.reopen.data),
        }


class MilestoneRow(Form):
    title = StringField(_l("Milestone"), validators=[Optional(), Length(max=200)])
    due_date = DayField(_l("Due date"), validators=[Optional()])
    tranche = MoneyField(_l("Tranche (in 10,000 yuan)"))
    deliverable = StringField(_l("Deliverable"), validators=[Optional(), Length(max=1000)])
    verification = StringField(_l("Verification"), validators=[Optional(), Length(max=1000)])


class TargetRow(Form):
    indicator_id = HiddenNumberField()
    target = FiniteDecimalField(_l("Target"), validators=[Optional()], **VALUE)


class ConfirmForm(PortalForm):
    amount = MoneyField(_l("Funding amount (in 10,000 yuan)"), validators=[InputRequired()])
    starts_on = DayField(_l("Execution starts"), validators=[InputRequired()])
    ends_on = DayField(_l("Execution ends"), validators=[InputRequired()])
    milestones = FieldList(FormField(MilestoneRow), min_entries=1)
    targets = FieldList(FormField(TargetRow))
    add_row = SubmitField(_l("Add a milestone"))
    recompute = SubmitField(_l("Split the tranches again for this amount"))
    submit = SubmitField(_l("Confirm the award"))

    @classmethod
    def from_model(cls, award: Award, **kwargs: Any) -> ConfirmForm:
        """The proposal's amount, plan and promises; the execution period from today to the
        last planned milestone."""
        form = cls(**kwargs)
        today = local_today()
        form.amount.data = award.amount
        form.starts_on.data = today
        form.ends_on.data = max(
            (m.due_date for m in award.proposal.milestones if m.due_date),
            default=today + timedelta(days=365),
        )
        form.fill_plan(milestones.proposed_plan(award))
        for row in award_targets.proposed_targets(award):
            form.targets.append_entry({"indicator_id": row.indicator_id, "target": row.target})
        return form

    def fill_plan(self, plan: list[PlannedTranche]) -> None:
        while self.milestones.entries:
            self.milestones.pop_entry()
        for row in plan:
            self.milestones.append_entry(
                {
                    "title": row.title,
                    "due_date": row.due_date,
                    "tranche": row.tranche,
                    "deliverable": row.deliverable,
                    "verification": row.verification,
                }
            )

    def to_input(self) -> dict[str, Any]:
        return {
            "amount": self.amount.data,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "plan": [
                PlannedTranche(
                    title=row.title.data or "",
                    due_date=row.due_date.data,
                    tranche=row.tranche.data,
                    deliverable=row.deliverable.data or "",
                    verification=row.verification.data or "",
                )
                for row in self.milestones
            ],
            "targets": {
                row.indicator_id.data: row.target.data
                for row in self.targets
                if row.indicator_id.data is not None and row.target.data is not None
            },
        }


class TaskBookForm(PortalForm):
    task_book_signed_on = DayField(_l("Task book signed on"), validators=[InputRequired()])

    @classmethod
    def from_model(cls, award: Award, **kwargs: Any) -> TaskBookForm:
        return cls(task_book_signed_on=local_today(), **kwargs)


class ValueRow(Form):
    indicator_id = HiddenNumberField()
    value = FiniteDecimalField(_l("Value reached"), validators=[Optional()], **VALUE)


class _PerIndicatorForm(PortalForm):
    """A form with a row for each indicator of the project (the FieldList named `rows`)."""

    rows = ""

    @classmethod
    def from_model(cls, award: Award, **kwargs: Any) -> _PerIndicatorForm:
        form = cls(**kwargs)
        for indicator in award.indicators:
            form[cls.rows].append_entry({"indicator_id": indicator.id})
        return form


class ReportForm(_PerIndicatorForm):
    progress = TextAreaField(_l("Progress"), validators=[DataRequired(), Length(max=20000)])
    values = FieldList(FormField(ValueRow))
    evidence = MultipleFileField(_l("Evidence (PDF files)"))
    rows = "values"

    def to_input(self) -> dict[str, Any]:
        return {
            "progress": self.progress.data,
            "values": _values_by_indicator(self.values),
            "evidence": self.evidence.data or [],
        }


class DecideReportForm(PortalForm):
    paid_on = DayField(_l("Disbursement date (when accepting)"), validators=[Optional()])
    comments = TextAreaField(_l("Comments"), validators=[Optional(), Length(max=5000)])
    accept = SubmitField(_l("Accept and record the disbursement"))
    send_back = SubmitField(_l("Return for a new report"))

    @classmethod
    def from_model(cls, report: Any, **kwargs: Any) -> DecideReportForm:
        return cls(paid_on=local_today(), **kwargs)

    @property
    def returning(self) -> bool:
        """Whether the officer sends the report back rather than accepting it."""
        return bool(self.send_back.data)

    def to_input(self) -> dict[str, Any]:
        if self.returning:
            return {"comments": self.comments.data}
        return {"paid_on": self.paid_on.data, "comments": self.comments.data}


class TargetForm(PortalForm):
    target = FiniteDecimalField(_l("New target"), validators=[InputRequired()], **VALUE)

    def to_input(self) -> dict[str, Any]:
        return {"value": self.target.data}


class AcceptanceForm(_PerIndicatorForm):
    achieved = FieldList(FormField(ValueRow))
    comments = TextAreaField(_l("Acceptance opinion"), validators=[Optional(), Length(max=5000)])
    rows = "achieved"

    def to_input(self) -> dict[str, Any]:
        return {"achieved": _values_by_indicator(self.achieved), "comments": self.comments.data}


class TerminateForm(PortalForm):
    """Ends a running project, or revokes the award (the only way to end a confirmed one)."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])
    refund_due = MoneyField(_l("Refund due (in 10,000 yuan)"))
    revoke = BooleanField(_l("Revoke the award itself: its award notices become invalid"))

    @classmethod
    def from_model(cls, award: Award, **kwargs: Any) -> TerminateForm:
        return cls(revoke=award.status is AwardStatus.confirmed, **kwargs)


class GateRow(Form):
    award_id = HiddenNumberField()
    outcome = SelectField(_l("Outcome"), choices=GateOutcome.choices())
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class GateForm(PortalForm):
    name = StringField(_l("Stage gate"), validators=[DataRequired(), Length(max=200)])
    decisions = FieldList(FormField(GateRow))

    @classmethod
    def from_model(cls, teams: Iterable[Award], **kwargs: Any) -> GateForm:
        """A row for each running team, continuing unless the officer decides otherwise."""
        form = cls(**kwargs)
        for award in teams:
            form.decisions.append_entry({"award_id": award.id, "outcome": "continued"})
        return form

    def to_input(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "outcomes": {
                row.award_id.data: (GateOutcome(row.outcome.data), row.reason.data or "")
                for row in self.decisions
                if row.award_id.data is not None
            },
        }


class DashboardFilter(PortalForm):
    """The officers' project list, by industrial chain and status (a GET form, without a token);
    `to_input()` is what queries.projects takes."""

    class Meta:
        csrf = False

    chain = SelectField(_l("Industrial chain"), choices=[], default="")
    status = SelectField(_l("Status"), choices=[], default="")

    def offer(self, chains: Iterable[Any], statuses: Iterable[AwardStatus]) -> DashboardFilter:
        self.chain.choices = [("", _l("All chains"))] + [(str(c.id), c.name) for c in chains]
        self.status.choices = [("", _l("All statuses"))] + AwardStatus.choices(statuses)
        return self

    def to_input(self) -> dict[str, Any]:
        """The chain id and status chosen (None for anything not offered)."""
        self.validate()
        offered = {value for value, _label in self.status.choices if value}
        return {
            "chain_id": None if self.chain.errors else parse_id(self.chain.data),
            "status": AwardStatus(self.status.data) if self.status.data in offered else None,
        }


# ---- the funding decision -----------------------------------------------------------------


class ChoiceRow(Form):
    proposal_id = HiddenNumberField()
    outcome = SelectField(_l("Outcome"), choices=[], default=NOT_FUNDED)
    position = IntegerField(
        _l("Reserve order"), validators=[Optional(), NumberRange(min=1, max=999)]
    )


class ReasonRow(Form):
    key = HiddenField()
    reason = TextAreaField(_l("Reason for this departure"), validators=[Length(max=5000)])


class DecisionForm(PortalForm):
    """The ranking with a choice on each row (the decision page), then the departures' reasons
    and the note (the confirmation page); the choices travel as hidden fields between them."""

    choices = FieldList(FormField(ChoiceRow))
    reasons = FieldList(FormField(ReasonRow))
    note = TextAreaField(_l("Decision note"), validators=[Length(max=10000)])
    review = SubmitField(_l("Review the decision"))
    record = SubmitField(_l("Record the decision"))
    change = SubmitField(_l("Change the choices"))

    @classmethod
    def from_model(cls, rows: Iterable[Any], **kwargs: Any) -> DecisionForm:
        """A row for each proposal in review (ranking rows, in rank order), not funded until
        the officer chooses."""
        form = cls(**kwargs)
        for row in rows:
            form.choices.append_entry({"proposal_id": row.proposal.id, "outcome": NOT_FUNDED})
        return form.offer()

    def offer(self) -> DecisionForm:
        for entry in self.choices:
            entry.form.outcome.choices = [
                (WINNER, _l("Winner")),
                (RESERVE, _l("Reserve")),
                (NOT_FUNDED, _l("Not funded")),
            ]
        return self

    def fill_reasons(self, departures: Iterable[Any]) -> None:
        """A reason row for each departure, keeping what was typed for the same departure."""
        typed = {row.key.data: row.reason.data for row in self.reasons}
        while self.reasons.entries:
            self.reasons.pop_entry()
        for departure in departures:
            self.reasons.append_entry(
                {"key": departure.key, "reason": typed.get(departure.key) or ""}
            )

    def choice_input(self) -> dict[str, list[int]]:
        rows = [
            (i, row.form)
            for i, row in enumerate(self.choices)
            if row.form.proposal_id.data is not None
        ]
        reserve = sorted(
            (r for r in rows if r[1].outcome.data == RESERVE),
            key=lambda r: (r[1].position.data or 1000 + r[0], r[0]),
        )
        return {
            "winners": [r.proposal_id.data for _i, r in rows if r.outcome.data == WINNER],
            "reserve": [r.proposal_id.data for _i, r in reserve],
        }

    def to_input(self) -> dict[str, Any]:
        return {
            **self.choice_input(),
            "reasons": {row.key.data: row.reason.data or "" for row in self.reasons},
            "note": self.note.data or "",
        }


class ApproveDecisionForm(PortalForm):
    reason = TextAreaField(
        _l("Reason (needed to return the decision)"), validators=[Length(max=5000)]
    )
    approve = SubmitField(_l("Approve: the decision takes effect"))
    send_back = SubmitField(_l("Return the decision"))

    @property
    def returning(self) -> bool:
        return bool(self.send_back.data)

    def to_input(self) -> dict[str, Any]:
        return {"reason": self.reason.data or ""} if self.returning else {}


class ReopenDecisionForm(PortalForm):
    reason = TextAreaField(_l("Why the decision is reopened"), validators=[Length(max=5000)])
