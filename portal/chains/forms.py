"""The forms of the chain's digital brain; each follows the PortalForm protocol."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.chains.importing import CellProblem, ImportRefused
from portal.chains.models import LinkAssessment
from portal.chains.periods import quarter_choices
from portal.chains.services import AssessmentInput
from portal.errors import DomainError
from portal.formtools import FiniteDecimalField, PortalForm
from portal.i18n import lazy_gettext as _l
from portal.parsing import WholeNumberField, coerce_id

# The chokepoint scale, from level 0 up.
LEVEL_LABELS = (
    _l("0 · no chokepoint"),
    _l("1 · minor dependence"),
    _l("2 · notable dependence"),
    _l("3 · chokepoint: few suppliers abroad"),
    _l("4 · severe: supply can be cut"),
    _l("5 · critical: no domestic supply"),
)
LEVELS = [(str(level), label) for level, label in enumerate(LEVEL_LABELS)]


class PeriodForm(PortalForm):
    """The quarter a chain or link page shows (a GET form)."""

    class Meta:
        csrf = False

    period = SelectField(_l("Quarter"), choices=lambda: quarter_choices(12), validate_choice=False)


class AssessmentForm(PortalForm):
    period = SelectField(_l("Quarter"), choices=lambda: quarter_choices(12), validate_choice=False)
    external_dependence = FiniteDecimalField(
        _l("External dependence (%)"), places=2, validators=[InputRequired()]
    )
    local_supporting_rate = FiniteDecimalField(
        _l("Local supporting rate (%)"), places=2, validators=[InputRequired()]
    )
    local_firms = WholeNumberField(_l("Local firms"), validators=[InputRequired()])
    chokepoint_level = SelectField(_l("Chokepoint level"), choices=LEVELS, default="0")
    source = StringField(_l("Source"), validators=[InputRequired(), Length(max=500)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])

    @classmethod
    def from_model(cls, obj: LinkAssessment, **kwargs) -> AssessmentForm:
        form = cls(obj=obj, **kwargs)
        form.chokepoint_level.data = str(obj.chokepoint_level)
        return form

    def figures(self, period: str) -> AssessmentInput:
        return AssessmentInput(
            period=period,
            external_dependence=self.external_dependence.data,
            local_supporting_rate=self.local_supporting_rate.data,
            local_firms=self.local_firms.data,
            chokepoint_level=int(self.chokepoint_level.data),
            source=self.source.data or "",
            note=self.note.data or "",
        )

    def to_input(self) -> AssessmentInput:
        return self.figures(self.period.data or "")


class CorrectionForm(AssessmentForm):
    """The same figures, with the reason for the correction (the quarter cannot change)."""

    period = None
    reason = TextAreaField(
        _l("Why are the figures corrected?"), validators=[InputRequired(), Length(max=1000)]
    )

    def to_input(self) -> dict:
        return {"data": self.figures(""), "reason": self.reason.data or ""}


def _link_id(value: object) -> int | None:
    """A link's id, or None for anything else: the service then asks for a link of the chain."""
    try:
        return coerce_id(value)
    except ValueError:
        return None


class RelationForm(PortalForm):
    supplier_id = SelectField(_l("Supplier link"), coerce=_link_id, validate_choice=False)
    customer_id = SelectField(_l("Customer link"), coerce=_link_id, validate_choice=False)
    note = StringField(_l("What flows (optional)"), validators=[Optional(), Length(max=200)])


class ImportForm(PortalForm):
    period = SelectField(_l("Quarter"), choices=lambda: quarter_choices(12), validate_choice=False)
    file = FileField(_l("Workbook (XLSX)"), validators=[InputRequired()])

    problems: list[CellProblem] = []

    def place_errors(self, problems: DomainError | dict) -> None:
        """The workbook's problems are listed cell by cell above the form; the file field says
        that nothing was imported."""
        if isinstance(problems, ImportRefused):
            self.problems = problems.problems
        super().place_errors(problems)
