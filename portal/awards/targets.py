"""The indicators a project must reach (考核指标): the targets set at confirmation, never lower
than what the proposal promised (不得降低考核指标), and raised later if the office decides so."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from portal import audit
from portal.accounts.models import User
from portal.awards.models import Award, AwardIndicator
from portal.awards.permissions import can_manage
from portal.db import db
from portal.errors import DomainError, ValidationFailed, require
from portal.i18n import gettext as _
from portal.presentation import plain_number
from portal.vocabulary import AwardStatus, Comparison


@dataclass
class TargetRow:
    indicator_id: int | None
    name: str
    comparison: Comparison
    unit: str
    committed: Decimal
    target: Decimal | None


def proposed_targets(award: Award) -> list[TargetRow]:
    """The indicators with what the proposal committed to (the challenge target if blank)."""
    committed = {c.indicator_id: c.value for c in award.proposal.commitments}
    rows = []
    for indicator in award.challenge.indicators:
        promised = committed.get(indicator.id)
        promised = indicator.target if promised is None else promised
        rows.append(
            TargetRow(
                indicator.id,
                indicator.name,
                indicator.comparison,
                indicator.unit,
                promised,
                promised,
            )
        )
    return rows


def lowers(comparison: Comparison, committed: Decimal, value: Decimal) -> bool:
    """Whether `value` is a weaker target than `committed` (不得降低考核指标)."""
    if comparison is Comparison.ge:
        return value < committed
    if comparison is Comparison.le:
        return value > committed
    return value != committed


def lowered_message(name: str, comparison: Comparison, committed: Decimal) -> str:
    return _(
        "The target for %(name)s may not be lowered below what the proposal promised "
        "(%(sign)s %(value)s).",
        name=name,
        sign=comparison.symbol,
        value=plain_number(committed),
    )


def target_problem(rows: list[TargetRow], targets: dict[int, Decimal]) -> str | None:
    """What is wrong with the targets an officer set for `rows`, if anything."""
    for row in rows:
        value = targets.get(row.indicator_id)
        if value is None:
            return _("Enter a target for every indicator.")
        if lowers(row.comparison, row.committed, value):
            return lowered_message(row.name, row.comparison, row.committed)
    return None


def award_indicators(rows: list[TargetRow], targets: dict[int, Decimal]) -> list[AwardIndicator]:
    return [
        AwardIndicator(
            indicator_id=row.indicator_id,
            position=i,
            name=row.name,
            comparison=row.comparison,
            unit=row.unit,
            committed=row.committed,
            target=targets[row.indicator_id],
        )
        for i, row in enumerate(rows)
    ]


def change_target(indicator: AwardIndicator, *, by: User, value: Decimal) -> AwardIndicator:
    """Raise a running project's indicator target; lowering it below the promise is refused."""
    require(can_manage(by, indicator.award))
    award = db.lock(indicator.award)
    if award.status is not AwardStatus.active:
        raise DomainError(_("Only a running project's targets can change."))
    if lowers(indicator.comparison, indicator.committed, value):
        raise ValidationFailed(
            {"target": lowered_message(indicator.name, indicator.comparison, indicator.committed)}
        )
    before = audit.snapshot(indicator)
    indicator.target = value
    audit.record(
        by, "award_indicator.changed", indicator, before=before, after=audit.snapshot(indicator)
    )
    return indicator
