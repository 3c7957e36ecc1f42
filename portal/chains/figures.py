"""What the KPIs are made of, and the KPIs themselves.

`Figures` holds the counts and sums the SQL aggregates return for one link (or, added up, one
chain) in one quarter. `KPIS` is the one list of indicators, in the order every page, chart,
PDF and workbook shows them, each with how it is computed from the figures; nothing else
decides what a KPI means.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from decimal import Decimal

from portal.i18n import lazy_gettext as _l

ZERO = Decimal(0)
PERCENT_PLACES = Decimal("0.1")
RATIO_PLACES = Decimal("0.01")


@dataclass
class Assessed:
    """A link's figures from its assessment (the latest at or before the quarter)."""

    period: str
    external_dependence: Decimal
    local_supporting_rate: Decimal
    local_firms: int
    chokepoint_level: int


@dataclass
class Figures:
    # challenges
    published: int = 0
    open: int = 0
    decided: int = 0
    running: int = 0  # challenges with a project under way
    completed: int = 0  # challenges whose projects are all done, one at least accepted
    closed: int = 0  # deadline passed: proposals counted for competition
    proposals: int = 0  # handed in to the closed challenges
    # money, in yuan
    capped: Decimal = ZERO
    awarded: Decimal = ZERO
    disbursed: Decimal = ZERO
    cofunding: Decimal = ZERO
    # funded consortia
    consortia: int = 0
    members: int = 0
    enterprise: int = 0
    university: int = 0
    institute: int = 0
    mixed: int = 0
    local_members: int = 0
    # projects
    projects: int = 0
    milestones_due: int = 0
    milestones_on_time: int = 0
    behind_schedule: int = 0
    indicators_measured: int = 0
    indicators_met: int = 0
    races: int = 0
    race_teams: int = 0
    eliminated: int = 0
    attacking: int = 0  # projects running or completed (a link with one is being attacked)
    # links and their assessments (filled for the chain by `chain_total`)
    links: int = 0
    assessed: int = 0
    chokepoints: int = 0
    attacked: int = 0
    external_dependence_sum: Decimal = ZERO
    local_supporting_sum: Decimal = ZERO
    local_firms: int = 0
    chokepoint_level_sum: int = 0
    assessment: Assessed | None = field(default=None, compare=False)

    def add(self, other: Figures) -> None:
        for f in fields(self):
            if f.name != "assessment":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def take_assessment(self, assessed: Assessed | None, chokepoint_level: int) -> None:
        """Count this link's assessment into the sums that the chain averages."""
        self.assessment = assessed
        self.links = 1
        if assessed is None:
            return
        self.assessed = 1
        self.external_dependence_sum = assessed.external_dependence
        self.local_supporting_sum = assessed.local_supporting_rate
        self.local_firms = assessed.local_firms
        self.chokepoint_level_sum = assessed.chokepoint_level
        self.chokepoints = int(assessed.chokepoint_level >= chokepoint_level)
        self.attacked = int(self.chokepoints and self.attacking > 0)

    # ---- derived --------------------------------------------------------------------------

    def mean(self, total: Decimal | int) -> Decimal | None:
        """A sum over the assessed links, as their mean."""
        return Decimal(total) / self.assessed if self.assessed else None

    @property
    def external_dependence(self) -> Decimal | None:
        return self.mean(self.external_dependence_sum)

    @property
    def local_supporting_rate(self) -> Decimal | None:
        return self.mean(self.local_supporting_sum)

    @property
    def chokepoint_level(self) -> Decimal | None:
        return self.mean(self.chokepoint_level_sum)


def share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """`part` of `whole` in per cent, one place; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT_PLACES)


def ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATIO_PLACES)


def percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(PERCENT_PLACES)


@dataclass(frozen=True)
class Kpi:
    key: str
    label: object  # a lazy translation
    value: Callable[[Figures], Decimal | int | None]
    kind: str  # count, money, percent, ratio, level
    group: object


CHALLENGES = _l("Challenges")
FUNDING = _l("Funding (in 10,000 yuan)")
COMPETITION = _l("Competition and consortia")
DELIVERY = _l("Delivery")
CHOKEPOINTS = _l("Chokepoints and supply")

KPIS: tuple[Kpi, ...] = (
    Kpi("published", _l("Challenges published"), lambda f: f.published, "count", CHALLENGES),
    Kpi("open", _l("Challenges open"), lambda f: f.open, "count", CHALLENGES),
    Kpi("decided", _l("Challenges decided"), lambda f: f.decided, "count", CHALLENGES),
    Kpi("capped", _l("Funding capped"), lambda f: f.capped, "money", FUNDING),
    Kpi("awarded", _l("Funding awarded"), lambda f: f.awarded, "money", FUNDING),
    Kpi("disbursed", _l("Funding disbursed"), lambda f: f.disbursed, "money", FUNDING),
    Kpi("cofunding", _l("Co-funding raised"), lambda f: f.cofunding, "money", FUNDING),
    Kpi(
        "competition",
        _l("Proposals per challenge"),
        lambda f: ratio(f.proposals, f.closed),
        "ratio",
        COMPETITION,
    ),
    Kpi(
        "enterprise_share",
        _l("Enterprise share of consortium members"),
        lambda f: share(f.enterprise, f.members),
        "percent",
        COMPETITION,
    ),
    Kpi(
        "university_share",
        _l("University share of consortium members"),
        lambda f: share(f.university, f.members),
        "percent",
        COMPETITION,
    ),
    Kpi(
        "institute_share",
        _l("Institute share of consortium members"),
        lambda f: share(f.institute, f.members),
        "percent",
        COMPETITION,
    ),
    Kpi(
        "mixed_share",
        _l("Consortia mixing industry, universities and institutes"),
        lambda f: share(f.mixed, f.consortia),
        "percent",
        COMPETITION,
    ),
    Kpi(
        "local_share",
        _l("Local share of consortium members"),
        lambda f: share(f.local_members, f.members),
        "percent",
        COMPETITION,
    ),
    Kpi(
        "on_time",
        _l("Milestones accepted on time"),
        lambda f: share(f.milestones_on_time, f.milestones_due),
        "percent",
        DELIVERY,
    ),
    Kpi(
        "attainment",
        _l("Indicators attained at acceptance"),
        lambda f: share(f.indicators_met, f.indicators_measured),
        "percent",
        DELIVERY,
    ),
    Kpi("races", _l("Horse races"), lambda f: f.races, "count", DELIVERY),
    Kpi("race_teams", _l("Teams funded in horse races"), lambda f: f.race_teams, "count", DELIVERY),
    Kpi(
        "eliminated",
        _l("Teams eliminated at stage gates"),
        lambda f: f.eliminated,
        "count",
        DELIVERY,
    ),
    Kpi(
        "behind_schedule",
        _l("Projects behind schedule"),
        lambda f: f.behind_schedule,
        "count",
        DELIVERY,
    ),
    Kpi("chokepoints", _l("Chokepoint links"), lambda f: f.chokepoints, "count", CHOKEPOINTS),
    Kpi(
        "attacked",
        _l("Chokepoints attacked"),
        lambda f: f.attacked,
        "count",
        CHOKEPOINTS,
    ),
    Kpi(
        "external_dependence",
        _l("External dependence (mean of links)"),
        lambda f: percent(f.external_dependence),
        "percent",
        CHOKEPOINTS,
    ),
    Kpi(
        "local_supporting_rate",
        _l("Local supporting rate (mean of links)"),
        lambda f: percent(f.local_supporting_rate),
        "percent",
        CHOKEPOINTS,
    ),
    Kpi("local_firms", _l("Local firms"), lambda f: f.local_firms, "count", CHOKEPOINTS),
)
KPI_BY_KEY = {kpi.key: kpi for kpi in KPIS}
