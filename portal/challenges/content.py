"""The content of a challenge: what an officer types (ChallengeData), what is wrong with it, how
it is written onto the challenge, and the plain text a version freezes.

Indicator and criterion rows keep their identity by id: a row that comes back with its id
updates that row, a row without one is new, and a saved row that does not come back is removed.
Other modules point to these rows (a proposal's commitment to an indicator), so removing a row
first tells them through `signals.indicators_removed`, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from portal import audit
from portal.challenges import signals
from portal.challenges.models import (
    CONTENT_FIELDS,
    DEFAULT_CHECKLIST,
    ChainLink,
    Challenge,
    Criterion,
    Indicator,
)
from portal.db import db
from portal.errors import ValidationFailed
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.presentation import plain_number
from portal.vocabulary import Aggregation, Comparison, Feedback, FundingMode, OrgType

TITLE_MAX = 200
TEXT_MAX = 20000
REASON_MAX = 2000
QUESTION_MAX = 4000
MONEY_MAX = Decimal("999999999999.99")

CHECK_ITEM_MAX = 200
CHECK_ITEMS_MAX = 20


@dataclass(frozen=True)
class Range:
    """The whole numbers a setting may take, and what a person is told otherwise."""

    low: int
    high: int
    message: Any  # a lazy string: told in the reader's language


# The settings the form asks as whole numbers; content_problems holds the saved value to them.
SETTING_RANGES = {
    "max_members": Range(0, 20, _l("Between 0 and 20 members besides the lead.")),
    "reviewers_per_proposal": Range(1, 15, _l("Between 1 and 15 reviewers per proposal.")),
    "pass_mark": Range(0, 100, _l("The pass mark is a score between 0 and 100.")),
    "publicity_days": Range(1, 60, _l("The publicity period is between 1 and 60 days.")),
}


@dataclass(frozen=True)
class RubricItem:
    """A criterion of the default rubric, in both languages; a challenge takes it in the
    officer's language."""

    key: str
    zh: str
    en: str
    weight: int

    def name(self, locale: str) -> str:
        return self.zh if locale.startswith("zh") else self.en


DEFAULT_RUBRIC = (
    RubricItem("approach", "技术方案", "Technical approach", 30),
    RubricItem("team", "团队能力", "Team capability", 20),
    RubricItem("ambition", "指标先进性", "Ambition of the indicators", 20),
    RubricItem("plan", "实施计划", "Implementation plan", 15),
    RubricItem("budget", "经费合理性", "Soundness of the budget", 15),
)
TEAM_WORDS = ("团队", "team")


def judges_the_team(criterion_name: str) -> bool:
    """Whether a criterion asks the experts to judge the team (团队能力): what blind review
    hides from them."""
    name = (criterion_name or "").casefold()
    return any(word in name for word in TEAM_WORDS)


def blind_team_conflict(data: ChallengeData) -> bool:
    """Blind review is on while the rubric judges the team: worth a warning, not a refusal."""
    return data.blind_review and any(judges_the_team(row.name) for row in data.criteria)


def clean_checklist(items: Sequence[str]) -> list[str]:
    """The formal check's items as given, stripped, blanks and repeats left out."""
    return list(dict.fromkeys(item.strip() for item in items if item and item.strip()))


@dataclass
class IndicatorRow:
    name: str
    comparison: Comparison
    target: Decimal | None
    unit: str = ""
    test_method: str = ""
    id: int | None = None  # the saved indicator this row is; None for a new one


@dataclass
class CriterionRow:
    name: str
    weight: int | None
    description: str = ""
    id: int | None = None  # the saved criterion this row is; None for a new one


@dataclass
class ChallengeData:
    """What an officer typed, already parsed: the editable content of a challenge."""

    title: str
    chain_link_id: int | None = None
    statement: str = ""
    background: str = ""
    deliverable: str = ""
    funding_cap: Decimal | None = None
    cofunding: Decimal | None = None
    duration_months: int | None = None
    deadline: datetime | None = None  # aware
    funding_mode: FundingMode = FundingMode.single
    horse_race_teams: int = 1
    allowed_org_types: list[str] = field(default_factory=lambda: [t.value for t in OrgType])
    region: str = ""
    max_members: int = 4
    aggregation: Aggregation = Aggregation.mean
    reviewers_per_proposal: int = 3
    blind_review: bool = True
    feedback: Feedback = Feedback.none
    pass_mark: int = 60
    publicity_days: int = 7
    formal_checklist: list[str] = field(default_factory=lambda: list(DEFAULT_CHECKLIST))
    indicators: list[IndicatorRow] = field(default_factory=list)
    criteria: list[CriterionRow] = field(default_factory=list)

    @classmethod
    def of(cls, challenge: Challenge) -> ChallengeData:
        """The challenge's content as it is saved, rows with their ids."""
        values = {name: getattr(challenge, name) for name in CONTENT_FIELDS}
        return cls(
            **values
            | {
                "allowed_org_types": list(values["allowed_org_types"] or []),
                "formal_checklist": list(values["formal_checklist"] or []),
            },
            indicators=[
                IndicatorRow(i.name, i.comparison, i.target, i.unit, i.test_method, id=i.id)
                for i in challenge.indicators
            ],
            criteria=[
                CriterionRow(c.name, c.weight, c.description, id=c.id) for c in challenge.criteria
            ],
        )


# ---- checking -------------------------------------------------------------------------------


def content_problems(
    data: ChallengeData, *, complete: bool, now: datetime, challenge: Challenge | None = None
) -> dict[str | None, str]:
    """What is wrong with `data`, by field. A draft may be incomplete (`complete=False`), but
    whatever it holds must already be valid; publishing and amending need everything. Rows
    with an id must be rows of `challenge` (None: a new challenge has none)."""
    problems: dict[str | None, str] = {}
    title = (data.title or "").strip()
    if not title:
        problems["title"] = _("Give the challenge a title.")
    elif len(title) > TITLE_MAX:
        problems["title"] = _("The title is too long (at most %(n)s characters).", n=TITLE_MAX)
    for name in ("statement", "background"):
        if len(getattr(data, name) or "") > TEXT_MAX:
            problems[name] = _("This text is too long (at most %(n)s characters).", n=TEXT_MAX)
    if data.chain_link_id is not None and db.session.get(ChainLink, data.chain_link_id) is None:
        problems["chain_link_id"] = _("Choose a chain link from the list.")
    if data.funding_cap is not None and data.funding_cap <= 0:
        problems["funding_cap"] = _("The funding cap must be more than zero.")
    elif data.funding_cap is not None and data.funding_cap > MONEY_MAX:
        problems["funding_cap"] = _("This amount is too large.")
    if data.cofunding is not None and data.cofunding < 0:
        problems["cofunding"] = _("Co-funding cannot be negative.")
    elif data.cofunding is not None and data.cofunding > MONEY_MAX:
        problems["cofunding"] = _("This amount is too large.")
    if data.duration_months is not None and not 1 <= data.duration_months <= 120:
        problems["duration_months"] = _("The duration must be between 1 and 120 months.")
    if data.deadline is not None and data.deadline <= now:
        problems["deadline"] = _("The deadline must be in the future.")
    if data.funding_mode is FundingMode.horse_race and not 2 <= data.horse_race_teams <= 10:
        problems["horse_race_teams"] = _("A horse race funds between 2 and 10 teams.")
    unknown = set(data.allowed_org_types) - {t.value for t in OrgType}
    if unknown or (complete and not data.allowed_org_types):
        problems["allowed_org_types"] = _("Allow at least one type of organisation.")
    for name, allowed in SETTING_RANGES.items():
        if not allowed.low <= getattr(data, name) <= allowed.high:
            problems[name] = str(allowed.message)
    items = clean_checklist(data.formal_checklist)
    if len(items) > CHECK_ITEMS_MAX or any(len(item) > CHECK_ITEM_MAX for item in items):
        problems["formal_checklist"] = _(
            "At most %(n)s items of at most %(max)s characters each.",
            n=CHECK_ITEMS_MAX,
            max=CHECK_ITEM_MAX,
        )
    problems.update(_row_problems(data, challenge))
    weights = [row.weight or 0 for row in data.criteria]
    if (data.criteria or complete) and sum(weights) != 100:
        problems["criteria"] = _(
            "The weights of the criteria must sum to 100 (now %(total)s).", total=sum(weights)
        )
    if complete:
        required = {
            "chain_link_id": data.chain_link_id,
            "statement": (data.statement or "").strip(),
            "deliverable": (data.deliverable or "").strip(),
            "funding_cap": data.funding_cap,
            "duration_months": data.duration_months,
            "deadline": data.deadline,
        }
        for name, value in required.items():
            if name not in problems and value in (None, ""):
                problems[name] = _("This is required before publishing.")
        if not data.indicators:
            problems["indicators"] = _("Add at least one technical indicator.")
    return problems


def _row_problems(data: ChallengeData, challenge: Challenge | None) -> dict[str | None, str]:
    problems: dict[str | None, str] = {}
    for i, row in enumerate(data.indicators):
        if not row.name.strip():
            problems[f"indicators-{i}-name"] = _("Name the indicator.")
        if row.target is None:
            problems[f"indicators-{i}-target"] = _("Give the target value.")
    for i, row in enumerate(data.criteria):
        if not row.name.strip():
            problems[f"criteria-{i}-name"] = _("Name the criterion.")
        if row.weight is None or not 1 <= row.weight <= 100:
            problems[f"criteria-{i}-weight"] = _("A weight is a whole number from 1 to 100.")
    saved = {
        "indicators": {i.id for i in challenge.indicators} if challenge else set(),
        "criteria": {c.id for c in challenge.criteria} if challenge else set(),
    }
    for name, ids in saved.items():
        seen: set[int] = set()
        for i, row in enumerate(getattr(data, name)):
            if row.id is not None and (row.id not in ids or row.id in seen):
                problems[f"{name}-{i}-id"] = _(
                    "This form was changed outside the portal, or is out of date; open it again."
                )
            seen.add(row.id)
    return problems


def check_content(
    data: ChallengeData, *, complete: bool, now: datetime, challenge: Challenge | None = None
) -> None:
    problems = content_problems(data, complete=complete, now=now, challenge=challenge)
    if problems:
        raise ValidationFailed(problems)


# ---- writing --------------------------------------------------------------------------------


TEXT_FIELDS = frozenset({"title", "statement", "background", "deliverable", "region"})
"""The content fields written without their surrounding spaces."""
CLEANED_FIELDS = frozenset({"formal_checklist", "horse_race_teams", "allowed_org_types"})
"""The content fields `apply_content` cleans before it writes them."""


def apply_content(challenge: Challenge, data: ChallengeData) -> None:
    """Write checked `data` onto `challenge`, rows kept by their ids."""
    for name in CONTENT_FIELDS:
        value = getattr(data, name)
        if name in TEXT_FIELDS:
            value = (value or "").strip()
        if name not in CLEANED_FIELDS:
            setattr(challenge, name, value)
    challenge.formal_checklist = clean_checklist(data.formal_checklist)
    challenge.horse_race_teams = (
        data.horse_race_teams if data.funding_mode is FundingMode.horse_race else 1
    )
    challenge.allowed_org_types = [t.value for t in OrgType if t.value in data.allowed_org_types]
    indicators = _keep_rows(challenge.indicators, data.indicators, _fill_indicator)
    kept = {i.id for i in indicators}
    removed = [i.id for i in challenge.indicators if i.id not in kept]
    if removed:
        signals.indicators_removed.send(challenge, indicator_ids=removed)
    challenge.indicators = indicators
    challenge.criteria = _keep_rows(challenge.criteria, data.criteria, _fill_criterion)


Row = TypeVar("Row", Indicator, Criterion)


def _keep_rows(
    saved: Sequence[Row], rows: Sequence[Any], fill: Callable[[Row | None, Any, int], Row]
) -> list[Row]:
    """The rows as they are to be: each saved row that comes back by its id, filled anew and
    in its new position; new rows for those without an id."""
    by_id = {row.id: row for row in saved}
    return [fill(by_id.get(row.id), row, position) for position, row in enumerate(rows)]


def _fill_indicator(indicator: Indicator | None, row: IndicatorRow, position: int) -> Indicator:
    indicator = indicator or Indicator(name="", target=Decimal(0))
    indicator.position, indicator.name = position, row.name.strip()
    indicator.comparison, indicator.target = row.comparison, row.target
    indicator.unit, indicator.test_method = row.unit.strip(), row.test_method.strip()
    return indicator


def _fill_criterion(criterion: Criterion | None, row: CriterionRow, position: int) -> Criterion:
    criterion = criterion or Criterion(name="", weight=0)
    criterion.position, criterion.name, criterion.weight = position, row.name.strip(), row.weight
    criterion.description = (row.description or "").strip()
    return criterion


# ---- reading --------------------------------------------------------------------------------


def content_of(challenge: Challenge) -> dict[str, Any]:
    """The full public text of a challenge as plain JSON values: what a version freezes."""
    link = challenge.chain_link
    return {
        "number": challenge.number,
        "title": challenge.title,
        "chain": link.chain.name if link else "",
        "chain_id": link.chain_id if link else None,
        "link": link.name if link else "",
        "link_id": link.id if link else None,
        "stage": link.stage.value if link else "",
        "statement": challenge.statement,
        "background": challenge.background,
        "deliverable": challenge.deliverable,
        "funding_cap": str(challenge.funding_cap) if challenge.funding_cap is not None else None,
        "cofunding": str(challenge.cofunding) if challenge.cofunding is not None else None,
        "duration_months": challenge.duration_months,
        "deadline": challenge.deadline.isoformat() if challenge.deadline else None,
        "funding_mode": challenge.funding_mode.value,
        "horse_race_teams": challenge.horse_race_teams,
        "allowed_org_types": list(challenge.allowed_org_types or []),
        "region": challenge.region,
        "max_members": challenge.max_members,
        "aggregation": challenge.aggregation.value,
        "reviewers_per_proposal": challenge.reviewers_per_proposal,
        "blind_review": challenge.blind_review,
        "feedback": challenge.feedback.value,
        "pass_mark": challenge.pass_mark,
        "publicity_days": challenge.publicity_days,
        "formal_checklist": list(challenge.formal_checklist or []),
        "indicators": [
            {
                "name": i.name,
                "comparison": i.comparison.value,
                "target": plain_number(i.target) if i.target is not None else None,
                "unit": i.unit,
                "test_method": i.test_method,
            }
            for i in challenge.indicators
        ],
        "criteria": [
            {"name": c.name, "weight": c.weight, "description": c.description}
            for c in challenge.criteria
        ],
    }


def audit_content(challenge: Challenge) -> dict[str, Any]:
    """The columns and rows of a challenge for the audit trail."""
    db.session.flush()
    snap = audit.snapshot(challenge)
    snap["indicators"] = [audit.snapshot(i) for i in challenge.indicators]
    snap["criteria"] = [audit.snapshot(c) for c in challenge.criteria]
    return snap
