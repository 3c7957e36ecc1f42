"""The review module's forms, each following the form protocol (portal/formtools.py): `to_input`
is exactly what its service takes, `from_model` fills the score form from a saved review, and
the unit of work places the service's problems next to their fields (score rows included)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from wtforms import Form, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.validators import DataRequired, Length, Optional

from portal.challenges.forms import MultiCheckboxField
from portal.challenges.models import Criterion
from portal.formtools import PortalForm
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.parsing import DayField, HiddenNumberField, coerce_id
from portal.proposals.models import Proposal
from portal.reviews import queries
from portal.reviews.formal import ChecklistRow
from portal.reviews.models import Review
from portal.reviews.scoring import ScoreInput
from portal.vocabulary import Recommendation


class FormalCheckForm(PortalForm):
    """The formal check of one proposal: the challenge's items, ticked, and a reason that a
    rejection needs. "pass" passes the proposal, "reject" rejects it."""

    items = MultiCheckboxField(_l("Checklist"), validate_choice=False)
    reason = TextAreaField(
        _l("Reason for the rejection"),
        validators=[Length(max=2000, message=_l("At most %(max)d characters."))],
    )
    passes = SubmitField(_l("Passes the formal check"))
    reject = SubmitField(_l("Reject the proposal"))

    def offer(self, rows: list[ChecklistRow]) -> None:
        """The items to tick; on first display, those the platform knows to hold are ticked."""
        self.items.choices = [(row.item, row.label) for row in rows]
        if not self.is_submitted():
            self.items.data = [row.item for row in rows if row.known]

    def to_input(self) -> dict[str, Any]:
        items = list(self.items.data or [])
        if self.reject.data:
            return {"items": items, "reason": self.reason.data or ""}
        return {"items": items}


class DueDateForm(PortalForm):
    due_on = DayField(_l("Reviews due on"), validators=[Optional()])


class AppealForm(PortalForm):
    grounds = TextAreaField(
        _l("Why the rejection should be reconsidered"),
        validators=[Length(max=2000, message=_l("At most %(max)d characters."))],
    )


class AppealDecisionForm(PortalForm):
    answer = TextAreaField(
        _l("Reason for the decision"),
        validators=[Length(max=2000, message=_l("At most %(max)d characters."))],
    )
    uphold = SubmitField(_l("Uphold: the proposal goes to expert review"))
    dismiss = SubmitField(_l("Dismiss: the rejection stands"))

    def to_input(self) -> dict[str, Any]:
        return {"answer": self.answer.data or "", "uphold": bool(self.uphold.data)}


class ReasonForm(PortalForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class _ExpertChoice(PortalForm):
    """A choice of one expert account (any id: the service says whether they may be chosen)."""

    def offer(self, experts: Iterable, label: Callable[[Any], str]) -> None:
        # A required <select> starts with an empty choice (HTML asks for one): none is preselected.
        self.expert.choices = [("", "—"), *((e.id, label(e)) for e in experts)]

    def to_input(self) -> dict[str, Any]:
        return {"expert": queries.expert(self.expert.data)}


class PanelForm(_ExpertChoice):
    # The service decides, so that a refused expert gets its reason (already on the panel).
    expert = SelectField(
        _l("Expert"), coerce=coerce_id, validators=[DataRequired()], validate_choice=False
    )


class AssignForm(_ExpertChoice):
    # The service decides, so that a refused expert gets its reason (e.g. a conflict).
    expert = SelectField(
        _l("Expert without a conflict"),
        coerce=coerce_id,
        validators=[DataRequired()],
        validate_choice=False,
    )


class ScoreRow(Form):
    criterion_id = HiddenNumberField()
    value = StringField(_l("Score (0–10)"), validators=[Length(max=10)])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=5000)])


class ReviewForm(PortalForm):
    """A row per criterion of the rubric, the overall comment and the recommendation; "save"
    keeps a draft, "submit" submits."""

    scores = FieldList(FormField(ScoreRow))
    overall_comment = TextAreaField(_l("Overall comment"), validators=[Length(max=10000)])
    confidential_comment = TextAreaField(
        _l("Confidential comment to the officers"), validators=[Length(max=10000)]
    )
    recommendation = SelectField(
        _l("Recommendation"),
        choices=[("", _l("— choose —")), *Recommendation.choices()],
        validators=[Optional()],
    )
    save = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Submit the review"))

    @classmethod
    def from_model(cls, review: Review | None, *, criteria: list[Criterion]) -> ReviewForm:
        """The rubric's rows, filled with what the expert saved so far."""
        saved = {s.criterion_id: s for s in review.scores} if review else {}
        rows = []
        for criterion in criteria:
            score = saved.get(criterion.id)
            rows.append(
                {
                    "criterion_id": criterion.id,
                    "value": "" if score is None or score.value is None else f"{score.value:g}",
                    "comment": score.comment if score else "",
                }
            )
        return cls(
            data={
                "scores": rows,
                "overall_comment": review.overall_comment if review else "",
                "confidential_comment": review.confidential_comment if review else "",
                "recommendation": review.recommendation.value
                if review and review.recommendation
                else "",
            }
        )

    def to_input(self) -> dict[str, Any]:
        """save_review's input: every row in order (its problems come back as
        "scores-<i>-value", the row's own field)."""
        return {
            "scores": [
                ScoreInput(
                    criterion_id=row.form.criterion_id.data,
                    value=row.form.value.data or "",
                    comment=row.form.comment.data or "",
                )
                for row in self.scores
            ],
            "overall_comment": self.overall_comment.data or "",
            "confidential_comment": self.confidential_comment.data or "",
            "recommendation": self.recommendation.data or None,
            "submit": bool(self.submit.data),
        }


class DeclareConflictForm(PortalForm):
    proposal = SelectField(
        _l("Proposal assigned to you"), coerce=coerce_id, validators=[Optional()]
    )
    credit_code = StringField(
        _l("Or an organisation's unified social credit code"), validators=[Length(max=18)]
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])

    def offer(self, proposals: list[Proposal], title: Callable[[Proposal], str]) -> None:
        """The proposals the expert may name (those they can see)."""
        self._offered = {p.id: p for p in proposals}
        self.proposal.choices = [(0, _("— none —"))] + [(p.id, title(p)) for p in proposals]

    def to_input(self) -> dict[str, Any]:
        return {
            "proposal": self._offered.get(self.proposal.data),
            "credit_code": self.credit_code.data or "",
            "reason": self.reason.data or "",
        }


class AvoidanceForm(PortalForm):
    expert_email = StringField(_l("Expert's e-mail"), validators=[Length(max=254)])
    credit_code = StringField(
        _l("Or an organisation's unified social credit code"), validators=[Length(max=18)]
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])

    def to_input(self) -> dict[str, Any]:
        return {
            "expert_email": self.expert_email.data or "",
            "credit_code": self.credit_code.data or "",
            "reason": self.reason.data or "",
        }
