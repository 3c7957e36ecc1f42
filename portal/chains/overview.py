"""One chain in one quarter, as its page, its charts, its report and its workbook show it: the
KPIs against the previous quarter, the links with their figures and resilience, the trend over
the last quarters, the chokepoints attacked and not, and the largest changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from flask import current_app

from portal.chains import queries, records, resilience
from portal.chains.figures import KPIS, Figures, Kpi
from portal.chains.mapping import ChainMap, layout
from portal.chains.models import LinkRelation
from portal.chains.periods import Quarter
from portal.challenges.models import Chain, ChainLink
from portal.i18n import lazy_gettext as _l
from portal.presentation import format_money

LARGEST_CHANGES = 5
RESILIENCE = Kpi("resilience", _l("Resilience index (0–100)"), lambda f: None, "index", "")


def format_kpi(kind: str, value: Decimal | int | None) -> str:
    """A KPI's value as the pages, the report and the workbook's readers see it."""
    if value is None:
        return "—"
    if kind == "money":
        return format_money(value, "wan")
    if kind == "percent":
        return f"{value} %"
    return str(value)


@dataclass(frozen=True)
class KpiRow:
    kpi: Kpi
    value: Decimal | int | None
    previous: Decimal | int | None

    @property
    def shown(self) -> str:
        return format_kpi(self.kpi.kind, self.value)

    @property
    def shown_previous(self) -> str:
        return format_kpi(self.kpi.kind, self.previous)

    @property
    def change(self) -> Decimal | int | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def shown_change(self) -> str:
        change = self.change
        if change is None:
            return "—"
        sign = "+" if change > 0 else ""
        if self.kpi.kind == "money":
            return sign + format_money(change, "wan")
        if self.kpi.kind == "percent":
            return f"{sign}{change} pp"
        return f"{sign}{change}"

    @property
    def weight_of_change(self) -> Decimal:
        """How large the change is, comparable across kinds: percentage points as a fraction of
        100, everything else relative to the previous value (at least 1)."""
        change = self.change
        if not change:
            return Decimal(0)
        if self.kpi.kind in ("percent", "index"):
            return abs(Decimal(change)) / 100
        return abs(Decimal(change)) / max(abs(Decimal(self.previous)), Decimal(1))


def kpi_rows(current: Figures, previous: Figures | None) -> list[KpiRow]:
    rows = [
        KpiRow(kpi, kpi.value(current), kpi.value(previous) if previous else None) for kpi in KPIS
    ]
    rows.append(
        KpiRow(
            RESILIENCE, resilience.index(current), resilience.index(previous) if previous else None
        )
    )
    return rows


@dataclass(frozen=True)
class LinkLine:
    link: ChainLink
    figures: Figures
    resilience: Decimal | None


@dataclass
class Overview:
    chain: Chain
    quarter: Quarter
    links: list[ChainLink]
    relations: list[LinkRelation]
    history: list[queries.ChainFigures]  # oldest first; the last is `quarter`

    @property
    def now(self) -> queries.ChainFigures:
        return self.history[-1]

    @property
    def before(self) -> queries.ChainFigures | None:
        return self.history[-2] if len(self.history) > 1 else None

    @cached_property
    def kpis(self) -> list[KpiRow]:
        return kpi_rows(self.now.chain, self.before.chain if self.before else None)

    @property
    def resilience(self) -> Decimal | None:
        return resilience.index(self.now.chain)

    @cached_property
    def lines(self) -> list[LinkLine]:
        return [
            LinkLine(link, self.now.links[link.id], resilience.index(self.now.links[link.id]))
            for link in self.links
        ]

    @cached_property
    def map(self) -> ChainMap:
        return layout(self.links, self.now.links, self.relations)

    def chokepoints(self, attacked: bool) -> list[LinkLine]:
        return [
            line
            for line in self.lines
            if line.figures.chokepoints and bool(line.figures.attacked) is attacked
        ]

    @cached_property
    def largest_changes(self) -> list[KpiRow]:
        moved = [row for row in self.kpis if row.weight_of_change]
        return sorted(moved, key=lambda row: row.weight_of_change, reverse=True)[:LARGEST_CHANGES]

    def trend(self, value) -> list[Decimal | int | None]:
        """`value(figures)` of the chain in each quarter of the history, oldest first."""
        return [value(period.chain) for period in self.history]

    @property
    def weights(self) -> list[tuple[resilience.Term, int | float]]:
        weighting = resilience.weights()
        return [(term, weighting[term.key]) for term in resilience.TERMS]


def build(chain: Chain, quarter: Quarter, *, public: bool = False) -> Overview:
    """Everything about `chain` in `quarter`, with the quarters before it for the trend (only
    this quarter for the public summary)."""
    links = records.links_in_order(chain)
    quarters = quarter.back(1 if public else max(2, current_app.config["CHAIN_TREND_QUARTERS"]))
    history = queries.chain_figures(chain.id, [link.id for link in links], quarters, public=public)
    return Overview(chain, quarter, links, records.relations(chain.id), history)
