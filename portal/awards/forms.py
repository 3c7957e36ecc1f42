from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.awards.models import (
    AwardStatus,
    GateOutcome,
    MilestoneStatus,
    ObjectionStatus,
    ReportDecision,
)
from portal.formtools import FiniteDecimalField
from portal.i18n import lazy_gettext as _l
from portal.parsing import DayField, HiddenNumberField

AWARD_STATUS_LABELS = {
    AwardStatus.in_publicity: _l("In publicity 公示中"),
    AwardStatus.confirmed: _l("Confirmed"),
    AwardStatus.revoked: _l("Revoked"),
    AwardStatus.active: _l("Running"),
    AwardStatus.completed: _l("Completed"),
    AwardStatus.terminated: _l("Terminated"),
    AwardStatus.eliminated: _l("Eliminated"),
}
MILESTONE_STATUS_LABELS = {
    MilestoneStatus.planned: _l("Planned"),
    MilestoneStatus.reported: _l("Reported"),
    MilestoneStatus.accepted: _l("Accepted"),
    MilestoneStatus.returned: _l("Returned"),
    MilestoneStatus.cancelled: _l("Cancelled"),
}
OBJECTION_STATUS_LABELS = {
    ObjectionStatus.open: _l("Open"),
    ObjectionStatus.upheld: _l("Upheld"),
    ObjectionStatus.dismissed: _l("Dismissed"),
}
REPORT_DECISION_LABELS = {
    ReportDecision.pending: _l("Awaiting decision"),
    ReportDecision.accepted: _l("Accepted"),
    ReportDecision.returned: _l("Returned"),
}
GATE_OUTCOME_LABELS = {
    GateOutcome.continued: _l("Continues"),
    GateOutcome.eliminated: _l("Eliminated"),
}

VALUE = {"places": None}


class ObjectionForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the objection"), validators=[DataRequired(), Length(max=5000)]
    )
    evidence = FileField(_l("Evidence (PDF, optional)"))


class ResolveObjectionForm(FlaskForm):
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


class MilestoneRow(Form):
    title = StringField(_l("Milestone"), validators=[Optional(), Length(max=200)])
    due_date = DayField(_l("Due date"), validators=[Optional()])
    tranche = FiniteDecimalField(_l("Tranche (yuan)"), validators=[Optional()], **VALUE)
    deliverable = StringField(_l("Deliverable"), validators=[Optional(), Length(max=1000)])
    verification = StringField(_l("Verification"), validators=[Optional(), Length(max=1000)])


class TargetRow(Form):
    indicator_id = HiddenNumberField()
    target = FiniteDecimalField(_l("Target"), validators=[Optional()], **VALUE)


class ConfirmForm(FlaskForm):
    amount = FiniteDecimalField(_l("Funding amount (yuan)"), validators=[InputRequired()], places=2)
    starts_on = DayField(_l("Execution starts"), validators=[InputRequired()])
    ends_on = DayField(_l("Execution ends"), validators=[InputRequired()])
    milestones = FieldList(FormField(MilestoneRow), min_entries=1)
    targets = FieldList(FormField(TargetRow))
    add_row = SubmitField(_l("Add a milestone"))
    recompute = SubmitField(_l("Split the tranches again for this amount"))
    submit = SubmitField(_l("Confirm the award"))


class ValueRow(Form):
    indicator_id = HiddenNumberField()
    value = FiniteDecimalField(_l("Value reached"), validators=[Optional()], **VALUE)


class ReportForm(FlaskForm):
    progress = TextAreaField(_l("Progress"), validators=[DataRequired(), Length(max=20000)])
    values = FieldList(FormField(ValueRow))
    evidence = MultipleFileField(_l("Evidence (PDF files)"))


class DecideReportForm(FlaskForm):
    paid_on = DayField(_l("Disbursement date (when accepting)"), validators=[Optional()])
    comments = TextAreaField(_l("Comments"), validators=[Optional(), Length(max=5000)])
    accept = SubmitField(_l("Accept and record the disbursement"))
    send_back = SubmitField(_l("Return for a new report"))


class TargetForm(FlaskForm):
    target = FiniteDecimalField(_l("New target"), validators=[InputRequired()], **VALUE)


class AcceptanceForm(FlaskForm):
    achieved = FieldList(FormField(ValueRow))
    comments = TextAreaField(_l("Acceptance opinion"), validators=[Optional(), Length(max=5000)])


class TerminateForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])
    refund_due = FiniteDecimalField(
        _l("Refund due (yuan)"), validators=[Optional(), NumberRange(min=0)], places=2
    )
    revoke = BooleanField(
        _l("Revoke the award itself (撤销立项): its award notices become invalid")
    )


class GateRow(Form):
    award_id = HiddenNumberField()
    outcome = SelectField(
        _l("Outcome"), choices=[(o.value, label) for o, label in GATE_OUTCOME_LABELS.items()]
    )
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class GateForm(FlaskForm):
    name = StringField(_l("Stage gate"), validators=[DataRequired(), Length(max=200)])
    decisions = FieldList(FormField(GateRow))


class DashboardFilter(Form):
    chain = SelectField(_l("Industrial chain"), choices=[], default="")
    status = SelectField(_l("Status"), choices=[], default="")
