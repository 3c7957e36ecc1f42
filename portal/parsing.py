"""Reading what a request carries: ids and whole numbers, calendar days, and `next=` targets.

Python is generous where a request must be strict. `str.isdigit()` is true for "²", which
`int()` then refuses; `int()` reads "１２", "٣" and "1_000" as numbers; an id of 2**64 reaches
the database driver and overflows there; a day such as 0001-01-01 parses, then overflows when
the time-zone offset is applied; and a `next=` holding a tab becomes `//evil.example` once the
tab is dropped. Every such value is read here instead: plain ASCII digits in the range the
database holds, days in the years people plan in, and redirect targets that every browser reads
as a path on this site. What does not pass is refused with a message (forms), answered 404
(URLs) or ignored (filters of a list).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import unquote, urlsplit

from flask import request
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError
from wtforms import DateField, HiddenField, IntegerField

from portal.i18n import lazy_gettext as _l

# The largest value of the database's INTEGER columns (PostgreSQL's int4): every id, revision
# and version number lives in one.
ID_MAX = 2**31 - 1
# Whole numbers typed into forms: far more than any count or duration, far less than overflows.
WHOLE_LIMIT = 10**15
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)

_DIGITS = re.compile(r"[0-9]+")
_SIGNED = re.compile(r"[+-]?[0-9]+")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_whole(text: object, *, low: int = 0, high: int = ID_MAX) -> int | None:
    """`text` as a number of plain ASCII digits from `low` to `high`, or None."""
    if not isinstance(text, str) or not _DIGITS.fullmatch(text) or len(text) > 20:
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_id(text: object) -> int | None:
    """A database id (1 and up) written in plain ASCII digits, or None."""
    return parse_whole(text, low=1)


def coerce_id(value: object) -> int | None:
    """The `coerce` of a SelectField of ids: "" is no choice, "0" the choice of none where a
    form offers it, anything but plain digits in the id range is refused."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = parse_whole(value)
    if number is None:
        raise ValueError(f"not an id: {value!r}")
    return number


def parse_integer(text: object, limit: int = WHOLE_LIMIT) -> int | None:
    """A whole number as a person types it (an optional sign, ASCII digits), or None."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not _SIGNED.fullmatch(text) or len(text) > 20:
        return None
    number = int(text)
    return number if abs(number) <= limit else None


def parse_day(text: object) -> date | None:
    """A day written 2026-03-01 in ASCII digits, or None; see `supported_day` for its range."""
    if not isinstance(text, str) or not _DAY.fullmatch(text.strip()):
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def supported_day(day: date | datetime) -> bool:
    """Whether a day (or the day of a moment) lies in the years the portal accepts: far enough
    from year 1 and 9999 that a time-zone offset or a few years added never overflow."""
    day = day.date() if isinstance(day, datetime) else day
    return FIRST_DAY <= day <= LAST_DAY


DAY_RANGE_MESSAGE = _l(
    "Give a date between %(first)s and %(last)s.",
    first=FIRST_DAY.isoformat(),
    last=LAST_DAY.isoformat(),
)


class IdConverter(IntegerConverter):
    """The portal's `<int:…>` URL converter: plain ASCII digits up to ID_MAX, anything else is
    no match (404). Werkzeug's own reads "１２" as 12 and lets 2**64 through to the database."""

    regex = r"[0-9]+"

    def to_python(self, value: str) -> int:
        number = parse_whole(value)
        if number is None:
            raise ValidationError()
        return number


class TextConverter(UnicodeConverter):
    """The portal's `<name>` URL converter: a segment with a control character matches no
    route (404). Werkzeug's own passes a NUL on, which PostgreSQL refuses in any text."""

    def to_python(self, value: str) -> str:
        if not value.isprintable():
            raise ValidationError()
        return value


def register_converters(app) -> None:
    """Every `<int:…>` and `<name>` of every route reads through the converters above."""
    app.url_map.converters.update(int=IdConverter, default=TextConverter, string=TextConverter)


class HiddenNumberField(HiddenField):
    """A number the portal itself put in the page (a row's id, the revision a form was opened
    at): ASCII digits within the id range. Anything else was not sent by the portal's page."""

    message = _l("This form was changed outside the portal, or is out of date; open it again.")

    def process_formdata(self, valuelist):
        self.data = None
        text = valuelist[0] if valuelist else ""
        if text == "":
            return
        self.data = parse_whole(text)
        if self.data is None:
            raise ValueError(str(self.message))

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class WholeNumberField(IntegerField):
    """A whole number typed by a person: an optional sign and ASCII digits. Ranges are left to
    validators; this only refuses what is not a number, with a message of the portal's own."""

    message = _l("Enter a whole number, e.g. 4.")

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = parse_integer(valuelist[0])
        if self.data is None:
            raise ValueError(str(self.message))


class DayField(DateField):
    """A calendar day (2026-03-01, ASCII digits) within FIRST_DAY and LAST_DAY; the browser's
    date picker is told the same range."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()}
        render_kw.update(kwargs.pop("render_kw", None) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        text = " ".join(valuelist)
        day = parse_day(text)
        if day is None:
            raise ValueError(str(_l("Not a real date; use the form 2026-03-01.")))
        if not supported_day(day):
            raise ValueError(str(DAY_RANGE_MESSAGE))
        self.data = day


# ---- where to go next ------------------------------------------------------------------------

NEXT_MAX = 2000


def _reads_as_path(target: str) -> bool:
    """A path on this site however a browser reads it: one leading slash, no backslash (which
    browsers take for a slash) and nothing invisible (which they drop, or which ends a header)."""
    return (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
    )


def same_site_path(target: object) -> str | None:
    """`target` when it is a path on this site, as written and once every percent-escape is
    undone (`/%2F%2Fevil`, `/%09/evil.example`, `/%5Cevil` are refused); otherwise None."""
    if not isinstance(target, str) or not target or len(target) > NEXT_MAX:
        return None
    decoded, previous = target, None
    while decoded != previous:
        if not _reads_as_path(decoded):
            return None
        previous, decoded = decoded, unquote(decoded)
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def safe_next(default: str) -> str:
    """Where to go after a login or a switch of language: the request's `next=` when it is a
    path on this site, otherwise `default`. Every redirect to a user-supplied target uses this."""
    return same_site_path(request.args.get("next")) or default
