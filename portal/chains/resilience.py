"""The resilience index (韧性指数) of a link or a chain, 0–100.

    index = 100 × Σ weight × term ÷ Σ weight

over the terms that have data (a chain without chokepoints has no "chokepoints attacked" term,
a quarter without milestones due has no "on time" term); each term lies between 0 and 1. The
weights are RESILIENCE_WEIGHTS in the configuration, and the pages state them as set there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app

from portal.chains.figures import Figures
from portal.i18n import lazy_gettext as _l

ONE = Decimal(1)
INDEX_PLACES = Decimal("0.1")


def _fraction(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def _complement(mean: Decimal | None, scale: int) -> Decimal | None:
    return None if mean is None else ONE - mean / scale


@dataclass(frozen=True)
class Term:
    key: str
    label: object
    explanation: object
    value: Callable[[Figures], Decimal | None]


TERMS: tuple[Term, ...] = (
    Term(
        "local_supporting",
        _l("Local supporting"),
        _l("local supporting rate ÷ 100"),
        lambda f: None if f.local_supporting_rate is None else f.local_supporting_rate / 100,
    ),
    Term(
        "independence",
        _l("Independence"),
        _l("1 − external dependence ÷ 100"),
        lambda f: _complement(f.external_dependence, 100),
    ),
    Term(
        "chokepoint_relief",
        _l("Chokepoint relief"),
        _l("1 − chokepoint level ÷ 5"),
        lambda f: _complement(f.chokepoint_level, 5),
    ),
    Term(
        "chokepoints_attacked",
        _l("Chokepoints attacked"),
        _l("chokepoints with a running or completed project ÷ chokepoints"),
        lambda f: _fraction(f.attacked, f.chokepoints),
    ),
    Term(
        "milestones_on_time",
        _l("Milestones on time"),
        _l("milestones accepted by their due date ÷ milestones due"),
        lambda f: _fraction(f.milestones_on_time, f.milestones_due),
    ),
    Term(
        "industry_academia",
        _l("Industry–academia fusion"),
        _l("funded consortia mixing enterprises, universities and institutes ÷ funded consortia"),
        lambda f: _fraction(f.mixed, f.consortia),
    ),
)


def weights() -> Mapping[str, int | float]:
    """The configured weights, for the terms the index knows (others are ignored)."""
    configured = current_app.config["RESILIENCE_WEIGHTS"]
    return {term.key: configured.get(term.key, 0) for term in TERMS}


def index(figures: Figures, weighting: Mapping[str, int | float] | None = None) -> Decimal | None:
    """The index of `figures`; None when no weighted term has data."""
    weighting = weights() if weighting is None else weighting
    total = weight_sum = Decimal(0)
    for term in TERMS:
        weight = Decimal(str(weighting.get(term.key, 0)))
        value = term.value(figures)
        if weight and value is not None:
            total += weight * value
            weight_sum += weight
    if not weight_sum:
        return None
    return (100 * total / weight_sum).quantize(INDEX_PLACES)
