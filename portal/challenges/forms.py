"""Forms of the challenge pages. Indicator and criterion rows are FieldLists of plain
wtforms.Form rows, added and removed by submit buttons so that the form works without JavaScript;
every value that does not parse keeps what was typed and says why next to the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import get_locale
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    Field,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.challenges.content import (
    DEFAULT_RUBRIC,
    QUESTION_MAX,
    REASON_MAX,
    SETTING_RANGES,
    TEXT_MAX,
    TITLE_MAX,
    ChallengeData,
    CriterionRow,
    IndicatorRow,
    RubricItem,
    blind_team_conflict,
)
from portal.challenges.models import CONTENT_FIELDS, DEFAULT_CHECKLIST, Chain, Challenge
from portal.challenges.queries import CatalogueFilters, CatalogueOrder
from portal.errors import DomainError, ValidationFailed
from portal.formtools import PortalForm, TypedTextField, required_text
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.money import MoneyField
from portal.parsing import (
    DAY_RANGE_MESSAGE,
    DayField,
    HiddenNumberField,
    WholeNumberField,
    coerce_id,
    parse_whole,
    supported_day,
)
from portal.presentation import plain_number
from portal.vocabulary import (
    Aggregation,
    ChallengeStatus,
    CheckItem,
    Comparison,
    Feedback,
    FundingMode,
    OrgType,
    Stage,
)

NUMBER_LIMIT = Decimal("1e13")

BLIND_TEAM_WARNING = _l(
    "The rubric asks the experts to judge the team, but blind review hides the team "
    "from them. Remove or reword that criterion, or turn blind review off."
)

COMPARISON_CHOICES = [(c.value, c.symbol) for c in Comparison]


def _parse_number(text: str) -> Decimal:
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "")
    if not cleaned.isascii():  # Decimal() reads "１２" and "٣" as numbers too
        raise InvalidOperation
    number = Decimal(cleaned)
    if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
        raise InvalidOperation
    return number


class NumberField(TypedTextField):
    """A decimal number typed by a person (commas allowed); keeps the text when it is not one."""

    message = _l("Enter a number, e.g. 28 or 0.5.")

    def parse(self, text: str) -> Decimal:
        try:
            return _parse_number(text)
        except (InvalidOperation, ValueError) as exc:
            raise ValueError(str(self.message)) from exc

    def show(self, value: Decimal) -> str:
        return plain_number(Decimal(value))


class LocalDateTimeField(DateTimeLocalField):
    """A date and time in the portal's zone, as typed (2026-03-01T17:00 or 2026-03-01 17:00)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
            if not " ".join(valuelist).isascii():
                raise ValueError("digits other than 0-9")
        except ValueError as exc:
            self.data = None
            raise ValueError(
                str(_l("Not a real date and time; use the form 2026-03-01 17:00."))
            ) from exc
        if self.data is not None and not supported_day(self.data):
            self.data = None
            raise ValueError(str(DAY_RANGE_MESSAGE))


def between(low: int, high: int, message):
    """A range check that stays quiet when the value did not parse (one message is enough)."""

    def check(form, field):
        if field.process_errors or field.data is None:
            return
        if not low <= field.data <= high:
            raise ValidationError(str(message))

    return check


def setting_field(label, name: str) -> WholeNumberField:
    """A whole-number setting of a challenge: required, within the range the content is held
    to (SETTING_RANGES), and starting from a new challenge's value."""
    allowed = SETTING_RANGES[name]
    return WholeNumberField(
        label,
        default=getattr(ChallengeData, name),
        validators=[
            InputRequired(_l("Give a whole number.")),
            between(allowed.low, allowed.high, allowed.message),
        ],
    )


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class _TableRowForm(Form):
    """A row of the indicator or criterion table: a row left blank is dropped; a row filled in
    needs its name and its value (a value that did not parse has said so already)."""

    typed: tuple[str, ...] = ()  # the fields a person types into
    value_field = ""
    name_missing = value_missing = ""

    def is_blank(self) -> bool:
        return not any(
            (self[name].raw_data[0].strip() if self[name].raw_data else "") for name in self.typed
        )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_blank():
            return ok
        value = self[self.value_field]
        if not (self.name.data or "").strip():
            self.name.errors = [*self.name.errors, str(self.name_missing)]
            ok = False
        if value.data is None and not value.errors:
            value.errors = [*value.errors, str(self.value_missing)]
            ok = False
        return ok


class IndicatorRowForm(_TableRowForm):
    indicator_id = HiddenNumberField()  # the saved indicator this row is: it keeps its identity
    name = StringField(_l("Indicator"), validators=[Length(max=200)])
    comparison = SelectField(_l("Comparison"), choices=COMPARISON_CHOICES, default="ge")
    target = NumberField(_l("Target value"))
    unit = StringField(_l("Unit"), validators=[Length(max=40)])
    test_method = StringField(_l("Test method"), validators=[Length(max=500)])

    typed = ("name", "target", "unit", "test_method")
    value_field = "target"
    name_missing, value_missing = _l("Name the indicator."), _l("Give the target value.")


class CriterionRowForm(_TableRowForm):
    criterion_id = HiddenNumberField()
    name = StringField(_l("Criterion"), validators=[Length(max=200)])
    weight = WholeNumberField(
        _l("Weight"),
        validators=[Optional(), between(1, 100, _l("A weight is a whole number from 1 to 100."))],
    )
    description = StringField(_l("What the experts look for"), validators=[Length(max=1000)])

    typed = ("name", "weight", "description")
    value_field = "weight"
    name_missing, value_missing = _l("Name the criterion."), _l("Give the weight.")


class ChallengeForm(PortalForm):
    title = StringField(
        _l("Title"),
        validators=[
            InputRequired(_l("Give the challenge a title.")),
            Length(max=TITLE_MAX, message=_l("At most %(max)d characters.")),
        ],
    )
    chain_link_id = SelectField(_l("Chain link"), coerce=coerce_id, validate_choice=True)
    statement = TextAreaField(
        _l("Chokepoint statement"),
        validators=[Length(max=TEXT_MAX, message=_l("At most %(max)d characters."))],
    )
    background = TextAreaField(
        _l("Background"),
        validators=[Length(max=TEXT_MAX, message=_l("At most %(max)d characters."))],
    )
    deliverable = StringField(
        _l("Expected deliverable"),
        validators=[Length(max=500, message=_l("At most %(max)d characters."))],
    )
    funding_cap = MoneyField(_l("Funding cap (in 10,000 yuan)"))
    cofunding = MoneyField(_l("Co-funding by the demand owner (in 10,000 yuan)"))
    duration_months = WholeNumberField(
        _l("Duration (months)"),
        validators=[Optional(), between(1, 120, _l("Between 1 and 120 months."))],
    )
    deadline = LocalDateTimeField(_l("Submission deadline"), validators=[Optional()])
    funding_mode = SelectField(
        _l("Funding mode"),
        choices=FundingMode.choices(),
        default=FundingMode.single.value,
    )
    horse_race_teams = WholeNumberField(
        _l("Teams funded in a horse race"), default=3, validators=[Optional()]
    )
    allowed_org_types = MultiCheckboxField(
        _l("Organisations that may lead"),
        choices=OrgType.choices(),
        default=[t.value for t in OrgType],
    )
    region = StringField(_l("Region (if restricted)"), validators=[Length(max=100)])
    max_members = setting_field(_l("Maximum consortium members besides the lead"), "max_members")
    aggregation = SelectField(
        _l("How the experts' scores are combined"),
        choices=Aggregation.choices(),
        default=Aggregation.mean.value,
    )
    reviewers_per_proposal = setting_field(_l("Reviewers per proposal"), "reviewers_per_proposal")
    blind_review = BooleanField(
        _l("Blind review: hide the organisations and people from the experts"), default=True
    )
    feedback = RadioField(
        _l("What applicants see after the decision"),
        choices=Feedback.choices(),
        default=Feedback.none.value,
    )
    check_items = MultiCheckboxField(
        _l("Items of the formal check"),
        choices=CheckItem.choices(),
        default=list(DEFAULT_CHECKLIST),
        validate_choice=False,
    )
    check_extra = TextAreaField(
        _l("Further items of the formal check, one per line"),
        validators=[Length(max=4000, message=_l("At most %(max)d characters."))],
    )
    pass_mark = setting_field(_l("Pass mark"), "pass_mark")
    publicity_days = setting_field(_l("Publicity period (days)"), "publicity_days")
    indicators = FieldList(FormField(IndicatorRowForm), min_entries=1, max_entries=30)
    criteria = FieldList(FormField(CriterionRowForm), min_entries=0, max_entries=20)
    add_indicator = SubmitField(_l("Add an indicator"))
    add_criterion = SubmitField(_l("Add a criterion"))
    default_rubric = SubmitField(_l("Use the default rubric"))
    save = SubmitField(_l("Save draft"))

    def __init__(self, *args, link_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.chain_link_id.choices = [("", _l("— choose —")), *link_choices]

    # -- the row buttons ------------------------------------------------------------------

    def row_action(self, formdata) -> bool:
        """Add or remove a row, or offer the default rubric, if one of those buttons was pressed.
        Returns True when the form is to be shown again instead of saved."""
        if self.add_indicator.data:
            self.indicators.append_entry()
            return True
        if self.add_criterion.data:
            self.criteria.append_entry()
            return True
        if self.default_rubric.data:
            self.set_rubric(DEFAULT_RUBRIC)
            return True
        for name in ("indicators", "criteria"):
            raw = formdata.get(f"remove_{name}")
            if raw is not None:
                entries = getattr(self, name).entries
                index = parse_whole(raw)
                if index is not None:
                    entries[:] = [e for e in entries if e.name != f"{name}-{index}"]
                return True
        return False

    def set_rubric(self, rows: tuple[RubricItem, ...]) -> None:
        """The default rubric, named in the language of the page."""
        locale = str(get_locale() or "en")
        self.criteria.entries = []
        self.criteria.last_index = -1
        for item in rows:
            self.criteria.append_entry(
                {"name": item.name(locale), "weight": item.weight, "description": ""}
            )

    def blind_team_warning(self) -> bool:
        """Blind review is on while a criterion judges the team: the page warns."""
        return blind_team_conflict(
            ChallengeData(
                title="",
                blind_review=bool(self.blind_review.data),
                criteria=[CriterionRow(row.form.name.data or "", None) for row in self.criteria],
            )
        )

    # -- the form protocol ----------------------------------------------------------------

    @classmethod
    def from_model(cls, challenge: Challenge, **kwargs: Any) -> ChallengeForm:
        """The form filled from a saved challenge, rows with their ids."""
        data = ChallengeData.of(challenge)
        zone = ZoneInfo(current_app.config["TIME_ZONE"])
        values = {name: getattr(data, name) for name in CONTENT_FIELDS}
        values.update(
            deadline=(
                data.deadline.astimezone(zone).replace(tzinfo=None) if data.deadline else None
            ),
            horse_race_teams=(
                data.horse_race_teams if data.funding_mode is FundingMode.horse_race else None
            ),
            funding_mode=data.funding_mode.value,
            aggregation=data.aggregation.value,
            feedback=data.feedback.value,
            check_items=[i for i in data.formal_checklist if i in DEFAULT_CHECKLIST],
            check_extra="\n".join(i for i in data.formal_checklist if i not in DEFAULT_CHECKLIST),
            indicators=[
                {
                    "indicator_id": r.id,
                    "name": r.name,
                    "comparison": r.comparison.value,
                    "target": r.target,
                    "unit": r.unit,
                    "test_method": r.test_method,
                }
                for r in data.indicators
            ]
            or [{}],
            criteria=[
                {
                    "criterion_id": r.id,
                    "name": r.name,
                    "weight": r.weight,
                    "description": r.description,
                }
                for r in data.criteria
            ],
        )
        return cls(data=values, **kwargs)

    def to_input(self) -> dict[str, Any]:
        """{"data": ChallengeData}: blank rows left out, the deadline in UTC."""
        deadline = None
        if self.deadline.data is not None:
            zone = ZoneInfo(current_app.config["TIME_ZONE"])
            deadline = self.deadline.data.replace(tzinfo=zone).astimezone(UTC)
        data = ChallengeData(
            title=self.title.data or "",
            chain_link_id=self.chain_link_id.data,
            statement=self.statement.data or "",
            background=self.background.data or "",
            deliverable=self.deliverable.data or "",
            funding_cap=self.funding_cap.data,
            cofunding=self.cofunding.data,
            duration_months=self.duration_months.data,
            deadline=deadline,
            funding_mode=FundingMode(self.funding_mode.data),
            horse_race_teams=self.horse_race_teams.data or 1,
            allowed_org_types=list(self.allowed_org_types.data or []),
            region=self.region.data or "",
            max_members=self.max_members.data,
            aggregation=Aggregation(self.aggregation.data),
            reviewers_per_proposal=self.reviewers_per_proposal.data,
            blind_review=bool(self.blind_review.data),
            feedback=Feedback.find(self.feedback.data, Feedback.none),
            pass_mark=self.pass_mark.data,
            publicity_days=self.publicity_days.data,
            formal_checklist=[
                *[i for i in DEFAULT_CHECKLIST if i in (self.check_items.data or [])],
                *(self.check_extra.data or "").splitlines(),
            ],
            indicators=[
                IndicatorRow(
                    name=row.name.data or "",
                    comparison=Comparison(row.comparison.data),
                    target=row.target.data,
                    unit=row.unit.data or "",
                    test_method=row.test_method.data or "",
                    id=row.indicator_id.data,
                )
                for row in self.given_rows("indicators")
            ],
            criteria=[
                CriterionRow(
                    name=row.name.data or "",
                    weight=row.weight.data,
                    description=row.description.data or "",
                    id=row.criterion_id.data,
                )
                for row in self.given_rows("criteria")
            ],
        )
        return {"data": data}

    def place_errors(self, problems: DomainError | dict[str | None, str]) -> None:
        """The service numbers rows as it was given them ("indicators-1-target": the second
        row that was not blank); each problem goes to that row's field in this form."""
        if isinstance(problems, ValidationFailed):
            problems = {
                self._row_field(name): message for name, message in problems.problems.items()
            }
        if isinstance(problems, dict) and "formal_checklist" in problems:
            problems["check_extra"] = problems.pop("formal_checklist")
        super().place_errors(problems)

    def given_rows(self, list_name: str) -> list[Form]:
        """The rows of `list_name` that are not blank, in the order the service is given them."""
        return [row.form for row in getattr(self, list_name) if not row.form.is_blank()]

    def _row_field(self, name: str | None) -> str | None:
        parts = (name or "").split("-", 2)
        if len(parts) != 3 or parts[0] not in ("indicators", "criteria"):
            return name
        rows = [row for row in getattr(self, parts[0]) if not row.form.is_blank()]
        position = parse_whole(parts[1], high=len(rows) - 1)
        return name if position is None else f"{rows[position].name}-{parts[2]}"


class AmendForm(ChallengeForm):
    reason = required_text(
        _l("Reason for the amendment"),
        _l("Say why the challenge is amended; applicants will read it."),
        REASON_MAX,
    )
    save = SubmitField(_l("Publish the amendment"))

    def to_input(self) -> dict[str, Any]:
        return {**super().to_input(), "reason": self.reason.data}


class ReasonForm(PortalForm):
    reason = required_text(_l("Reason"), _l("Give the reason for cancelling."), REASON_MAX)


class DeadlineReturnForm(PortalForm):
    reason = required_text(
        _l("Why the earlier deadline is returned"),
        _l("Give the reason for returning the change."),
        REASON_MAX,
    )


class ConfirmForm(PortalForm):
    """A POST with nothing but its CSRF token: the confirmation step."""


class AttachmentForm(PortalForm):
    file = FileField(
        _l("Add a guide (PDF)"),
        validators=[FileRequired(_l("Choose a PDF file to upload."))],
        render_kw={"accept": "application/pdf"},
    )

    def to_input(self) -> dict[str, Any]:
        return {"upload": self.file.data}


class QuestionForm(PortalForm):
    question = required_text(_l("Your question"), _l("Write your question."), QUESTION_MAX)


class AnswerForm(PortalForm):
    answer = required_text(_l("Answer"), _l("Write the answer."), QUESTION_MAX)


class ChainForm(PortalForm):
    name = StringField(
        _l("Chain"), validators=[InputRequired(_l("Name the chain.")), Length(max=100)]
    )
    leader_title = StringField(_l("Chain leader"), validators=[Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])


class LinkForm(PortalForm):
    name = StringField(
        _l("Link"), validators=[InputRequired(_l("Name the link.")), Length(max=100)]
    )
    stage = SelectField(
        _l("Stage"),
        choices=Stage.choices(),
        default=Stage.midstream.value,
    )

    def to_input(self) -> dict[str, Any]:
        return {"name": self.name.data, "stage": Stage(self.stage.data)}


class CatalogueForm(PortalForm):
    """The catalogue's search and filters (GET, no CSRF). A filter that does not parse is left
    out, with its message next to it; the others still apply."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)])
    chain = SelectField(_l("Chain"), coerce=coerce_id, validators=[Optional()])
    link = SelectField(_l("Chain link"), coerce=coerce_id, validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    deadline_from = DayField(_l("Deadline from"), validators=[Optional()])
    deadline_to = DayField(_l("Deadline until"), validators=[Optional()])
    funding_min = MoneyField(_l("Funding cap at least (in 10,000 yuan)"))
    funding_max = MoneyField(_l("Funding cap at most (in 10,000 yuan)"))
    sort = SelectField(
        _l("Sort by"),
        choices=CatalogueOrder.choices(),
        default=CatalogueOrder.deadline.value,
        validate_choice=False,
    )

    def __init__(self, *args, chains: list[Chain], drafts: bool, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = [s for s in ChallengeStatus if drafts or s is not ChallengeStatus.draft]
        self.status.choices = [("", _("Any status")), *ChallengeStatus.choices(statuses)]
        self.chain.choices = [("", _("Any chain")), *[(c.id, c.name) for c in chains]]
        self.link.choices = [
            ("", _("Any link")),
            *[(link.id, f"{c.name} · {link.name}") for c in chains for link in c.links],
        ]

    def to_input(self) -> CatalogueFilters:
        self.validate()
        zone = current_app.config["TIME_ZONE"]
        filters = CatalogueFilters(
            sort=CatalogueOrder.find(self.sort.data, CatalogueOrder.deadline)
        )

        def given(field: Field) -> Any:
            return None if field.errors else field.data

        filters.q = (given(self.q) or "").strip()
        filters.chain_id = given(self.chain)
        filters.link_id = given(self.link)
        if given(self.status):
            filters.status = ChallengeStatus(self.status.data)
        if given(self.deadline_from):
            filters.deadline_from = local_day_start(self.deadline_from.data, zone)
        if given(self.deadline_to):
            filters.deadline_to = local_day_start(self.deadline_to.data, zone) + timedelta(days=1)
        if given(self.funding_min) is not None:
            filters.funding_min = self.funding_min.data
        if given(self.funding_max) is not None:
            filters.funding_max = self.funding_max.data
        return filters


def local_day_start(day, zone: str) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone)).astimezone(UTC)
