"""The one clock every deadline reads, so that tests can set the time exactly, and the calendar
arithmetic of plans (days in the portal's time zone, months ahead)."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

_frozen: datetime | None = None


def now() -> datetime:
    """The current time, aware and in UTC."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def set_now(moment: datetime | None) -> None:
    """Freeze the clock at `moment` (aware), or let it run again with None."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("the clock keeps aware datetimes only")
    _frozen = moment.astimezone(UTC) if moment is not None else None


@contextmanager
def frozen_at(moment: datetime) -> Iterator[datetime]:
    set_now(moment)
    try:
        yield moment
    finally:
        set_now(None)


def local_date(moment: datetime) -> date:
    """The day `moment` falls on in the portal's time zone."""
    return moment.astimezone(ZoneInfo(current_app.config["TIME_ZONE"])).date()


def end_of_local_day(day: date) -> datetime:
    """The moment `day` ends in the portal's time zone (midnight after it), in UTC."""
    zone = ZoneInfo(current_app.config["TIME_ZONE"])
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
