"""Quarters (季度), the periods of the chain's digital brain, in the portal's time zone.

A quarter is written "2026Q1" in URLs, forms, files and the database. Figures "for a quarter"
are the records as they stood at its end, or now for the quarter under way (`Quarter.as_at`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from portal import clock
from portal.i18n import gettext as _

_PATTERN = re.compile(r"([0-9]{4})Q([1-4])")
FIRST_YEAR = 2000


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIME_ZONE"])


def local_today(now: datetime | None = None) -> date:
    return (now or clock.now()).astimezone(zone()).date()


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1 … 4

    @classmethod
    def parse(cls, text: object) -> Quarter | None:
        """ "2026Q1" as a Quarter; None for anything else (years before 2000 included)."""
        if not isinstance(text, str):
            return None
        found = _PATTERN.fullmatch(text.strip().upper())
        if found is None or int(found.group(1)) < FIRST_YEAR:
            return None
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def current(cls) -> Quarter:
        return cls.containing(local_today())

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        return _("%(year)s Q%(n)s", year=self.year, n=self.number)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    def back(self, count: int) -> list[Quarter]:
        """The `count` quarters ending with this one, oldest first."""
        quarters = [self]
        while len(quarters) < count:
            quarters.append(quarters[-1].previous)
        return quarters[::-1]

    def is_future(self) -> bool:
        return self > Quarter.current()

    def as_at(self) -> AsAt:
        """The moment the figures of this quarter are taken: its end, or now while it runs."""
        end_day = self.next.first_day
        end = datetime.combine(end_day, time(), zone()).astimezone(UTC)
        now = clock.now()
        if now < end:
            return AsAt(now, local_today(now) + timedelta(days=1))
        return AsAt(end, end_day)


@dataclass(frozen=True)
class AsAt:
    """Records stamped before `moment`, and dated records (payments, due dates) before `day`."""

    moment: datetime
    day: date


def quarter_choices(count: int = 12) -> list[tuple[str, str]]:
    """The current quarter and those before it, newest first, for a select field."""
    return [(str(q), q.label) for q in reversed(Quarter.current().back(count))]
