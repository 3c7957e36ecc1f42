"""The one way a state column changes: a table of allowed transitions per entity, checked, stamped
and written to the audit trail in one place.

Each domain's `states.py` declares its machine, e.g.::

    MACHINE = StateMachine(
        "proposal",
        {ProposalStatus.draft: {ProposalStatus.submitted}, ...},
        stamps={ProposalStatus.submitted: "submitted_at"},
        reasons={ProposalStatus.rejected: "rejection_reason"},
    )

    set_status = MACHINE.move  # the only writer of Proposal.status

and nothing else assigns the column. What a domain adds to the table is declared with it: a
further condition (a challenge goes to review only after its deadline), its own refusals, a
column every move touches (`updated_at`), and what follows a move (`after`: a signal to the
modules above, a second stamp). CHECK constraints in the database hold the columns that go with
each state (a migration per domain), so a row written around the machine is refused too.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from portal import audit, clock
from portal.errors import DomainError
from portal.i18n import gettext as _

Row = TypeVar("Row")
S = TypeVar("S", bound=enum.Enum)


class IllegalTransition(DomainError):
    """A move the transition table does not allow (a programming error or a stale page)."""


@dataclass(frozen=True)
class StateMachine(Generic[Row, S]):
    entity: str  # the audit name: "proposal" → actions "proposal.submitted", …
    transitions: Mapping[S, frozenset[S] | set[S]]
    column: str = "status"
    stamps: Mapping[S, str] = field(default_factory=dict)  # state → timestamp column set on entry
    reasons: Mapping[S, str] = field(default_factory=dict)  # state → column that keeps the reason
    reason_required: frozenset[S] = frozenset()
    # state → columns emptied on entry: the stamps of a state left behind (a resubmitted
    # proposal is no longer withdrawn), so that the CHECK constraints hold after the move
    clears: Mapping[S, tuple[str, ...]] = field(default_factory=dict)
    # state → column that keeps who made the move (the id of `by`; None when no person did, as
    # on the command line); set before the row is written, left out of the audit event, which
    # names the same person as its actor
    movers: Mapping[S, str] = field(default_factory=dict)
    # state → audit action where it is not "<entity>.<state>" (the name the trail already uses)
    actions: Mapping[S, str] = field(default_factory=dict)
    # columns every audit event of the entity shows, before and after (what it belongs to)
    audit_fields: tuple[str, ...] = ()
    # a condition beyond the table, asked with the row, the state and the moment of the move
    condition: Callable[[Row, S, datetime], bool] | None = None
    # what a person is told when the row cannot move to a state (instead of the generic words)
    refusal: Callable[[S], str] | None = None
    updated: str | None = None  # a column set to the moment of every move (`updated_at`)
    # run after every move, with the row, its new state, the mover and the moment
    after: Callable[[Row, S, Any, datetime], None] | None = None

    def allowed(self, current: S, to: S) -> bool:
        return to in self.transitions.get(current, ())

    def may(self, obj: Row, to: S, now: datetime | None = None) -> bool:
        """Whether `obj` may move to `to` now: the table allows it and so does the condition."""
        if not self.allowed(getattr(obj, self.column), to):
            return False
        return self.condition is None or self.condition(obj, to, now or clock.now())

    def check(self, obj: Row, to: S, now: datetime | None = None) -> None:
        """Refuse a move that `may` does not allow, in the machine's `refusal` words where it
        has them."""
        if self.may(obj, to, now):
            return
        if self.refusal is not None:
            raise IllegalTransition(self.refusal(to))
        current = getattr(obj, self.column)
        raise IllegalTransition(
            _(
                "This cannot be done now: it is %(current)s, and cannot become %(to)s.",
                current=getattr(current, "label", current.value),
                to=getattr(to, "label", to.value),
            )
        )

    def move(
        self,
        obj: Row,
        to: S,
        *,
        by: Any,
        reason: str = "",
        now: datetime | None = None,
        action: str | None = None,
    ) -> Row:
        """Move `obj` to `to`: refused unless `check` allows it; stamps, reason and mover
        columns set; one audit event (action "<entity>.<to>" unless `action` or the machine's
        `actions` say otherwise) with the state, stamps, reason and `audit_fields` before and
        after; then `after`."""
        now = now or clock.now()
        self.check(obj, to, now)
        reason = (reason or "").strip()
        if to in self.reason_required and not reason:
            raise DomainError(_("Give a reason."), field="reason")
        touched = (self.column, *self._columns_of(to), *self.audit_fields)
        before = audit.snapshot(obj, *touched)
        for column in self.clears.get(to, ()):
            setattr(obj, column, None)
        setattr(obj, self.column, to)
        if self.updated:
            setattr(obj, self.updated, now)
        if to in self.stamps:
            setattr(obj, self.stamps[to], now)
        if to in self.reasons:
            setattr(obj, self.reasons[to], reason)
        if to in self.movers:
            setattr(obj, self.movers[to], getattr(by, "id", None))
        audit.record(
            by,
            action or self.actions.get(to) or f"{self.entity}.{to.value}",
            obj,
            before=before,
            after=audit.snapshot(obj, *touched),
        )
        if self.after is not None:
            self.after(obj, to, by, now)
        return obj

    def _columns_of(self, state: S) -> tuple[str, ...]:
        named = (self.stamps.get(state), self.reasons.get(state), *self.clears.get(state, ()))
        return tuple(dict.fromkeys(c for c in named if c))
