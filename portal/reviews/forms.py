from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    Form,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import FieldList, FormField
from wtforms.validators import DataRequired, Length, Optional

from portal.i18n import lazy_gettext as _l
from portal.parsing import HiddenNumberField, coerce_id
from portal.reviews.models import Recommendation

RECOMMENDATION_LABELS = {
    Recommendation.fund: _l("Fund"),
    Recommendation.fund_with_changes: _l("Fund with changes"),
    Recommendation.do_not_fund: _l("Do not fund"),
}


class ConfirmForm(FlaskForm):
    """A button that changes state: only the CSRF token."""


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the rejection"), validators=[DataRequired(), Length(max=2000)]
    )


class PanelForm(FlaskForm):
    expert = SelectField(_l("Expert"), coerce=coerce_id, validators=[DataRequired()])


class AssignForm(FlaskForm):
    # The service, not the list, decides: a refused expert gets its reason (e.g. a conflict).
    expert = SelectField(
        _l("Expert without a conflict"),
        coerce=coerce_id,
        validators=[DataRequired()],
        validate_choice=False,
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class ScoreRow(Form):
    criterion_id = HiddenNumberField()
    value = StringField(_l("Score (0–10)"), validators=[Length(max=10)])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=5000)])


class ReviewForm(FlaskForm):
    scores = FieldList(FormField(ScoreRow))
    overall_comment = TextAreaField(_l("Overall comment"), validators=[Length(max=10000)])
    recommendation = SelectField(
        _l("Recommendation"),
        choices=[("", _l("— choose —"))]
        + [(r.value, lbl) for r, lbl in RECOMMENDATION_LABELS.items()],
        validators=[Optional()],
    )


class DeclareConflictForm(FlaskForm):
    proposal = SelectField(
        _l("Proposal assigned to you"), coerce=coerce_id, validators=[Optional()]
    )
    credit_code = StringField(
        _l("Or an organisation's unified social credit code"), validators=[Length(max=18)]
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class AvoidanceForm(FlaskForm):
    expert_email = StringField(_l("Expert's e-mail"), validators=[Length(max=254)])
    credit_code = StringField(
        _l("Or an organisation's unified social credit code"), validators=[Length(max=18)]
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class DecisionForm(FlaskForm):
    winners = SelectMultipleField(_l("Winners"), coerce=coerce_id)
    reserve = SelectMultipleField(_l("Reserve list"), coerce=coerce_id)
    note = TextAreaField(_l("Decision note"), validators=[DataRequired(), Length(max=10000)])
