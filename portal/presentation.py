"""How values are shown to people: money, local times and plain numbers, in the reader's
language. Services (for messages), templates and exports all format through here, so that no
service needs to import the templating layer."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_datetime, get_locale
from flask_babel.speaklater import LazyString

# Babel's fields that are plain digits in every language, as strftime writes them.
_DIGIT_FIELDS = {"yyyy": "%Y", "MM": "%m", "dd": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}
_FIELD = re.compile(r"[A-Za-z]+")


def chinese_page() -> bool:
    return str(get_locale() or "").startswith("zh")


def format_money(amount: Decimal | int | float | None, unit: str | None = None) -> str:
    """Yuan in 万元, the unit amounts are typed in: "2,800.00 万元". An English reader also gets
    the amount in yuan beside it ("2,800.00 万元 (CNY 28,000,000.00)"), unless `unit` is "wan"
    (a chart or a table of 万元 figures)."""
    if amount is None:
        return "—"
    amount = Decimal(amount)
    wan = f"{(amount / Decimal(10000)).quantize(Decimal('0.01')):,.2f} 万元"
    if unit == "wan" or chinese_page():
        return wan
    return f"{wan} (CNY {amount:,.2f})"


def listing(items: Iterable[object]) -> str:
    """Items in a sentence: separated by 、 in Chinese, by commas in English."""
    return ("、" if chinese_page() else ", ").join(str(item) for item in items)


@cache
def _digits_only(pattern: str) -> str | None:
    """`pattern` as a strftime format when it has nothing but digits and separators (the same in
    every language), else None."""
    fields = _FIELD.findall(pattern)
    if not all(field in _DIGIT_FIELDS for field in fields) or "%" in pattern or "'" in pattern:
        return None
    return _FIELD.sub(lambda found: _DIGIT_FIELDS[found.group()], pattern)


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def format_local(moment: datetime | None, pattern: str = "yyyy-MM-dd HH:mm") -> str:
    """A stored (UTC) moment in the portal's time zone. A pattern of digits only (the usual one)
    is written by strftime: Babel's formatter, which looks up the locale and the zone each time,
    was a tenth of a list page's time."""
    if not moment:
        return "—"
    digits = _digits_only(pattern)
    if digits is None:
        return format_datetime(moment, pattern)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone(current_app.config["TIME_ZONE"])).strftime(digits)


def lazy_money(amount: Decimal | int | float | None) -> LazyString:
    """format_money(amount) worked out when the text is shown, under the locale then in force:
    a sum in a lazy message (a notification's), written for each reader in their language."""
    return LazyString(format_money, amount)


def lazy_local(moment: datetime | None) -> LazyString:
    """format_local(moment) worked out when the text is shown, as lazy_money."""
    return LazyString(format_local, moment)


def machine_time(moment: datetime) -> str:
    """A moment as HTML's `datetime` attribute takes it: UTC, to the second (a stored moment
    carries microseconds, which HTML does not allow). A moment without a zone is UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


def two_places(value: float | Decimal | None) -> str:
    """A statistic as tables show it: two decimal places, or a dash when there is none."""
    return "—" if value is None else f"{value:.2f}"


def plain_number(value: Decimal) -> str:
    """A number without trailing zeros: 99.50 → "99.5", 3.000 → "3"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
