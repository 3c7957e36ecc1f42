"""Money as people type it: every amount is typed and read back in 万元 and stored in yuan.

`parse_wan` reads what a person typed: ASCII or full-width digits, thousands separators that
group by three (`,` or `，`), a decimal point, and a trailing 万, 亿 or 元 (万元, 亿元) that
means what it says (`2800万` is 2,800 万元, `1.5亿` is 15,000 万元, `2800元` is 0.28 万元).
Anything else is refused, never shortened: `1,2`, `12万3`, `1e6`, `--5`, `NaN`, `一千万`,
amounts below zero, beyond 10¹² yuan or finer than one fen.

`MoneyField` is the form field for every amount: it keeps the typed text when it is refused,
shows the stored amount back in 万元 with grouping, and offers the amount in capitals
(人民币…元整) for the page to show beside the input.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from portal.formtools import TypedTextField
from portal.i18n import lazy_gettext as _l
from portal.numerals import LIMIT, amount_in_capitals

WAN = Decimal(10000)
FEN = Decimal("0.01")
# The words an amount may end with, as a number of 万元 each; no word means 万元.
_UNITS = {"": 1, "万": 1, "万元": 1, "亿": WAN, "亿元": WAN, "元": 1 / WAN}
_AMOUNT = re.compile(
    r"(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<fraction>[0-9]+))?(?P<unit>[万亿]?元?)"
)

MESSAGE = _l("Enter an amount in 10,000 yuan using digits, e.g. 2800 or 2,800.5.")
TOO_LARGE = _l("This amount is too large.")
NEGATIVE = _l("An amount cannot be below zero.")
TOO_FINE = _l("An amount is exact to the fen: at most six decimals of 10,000 yuan.")


class MoneyError(ValueError):
    """Why a typed amount was refused, in the reader's language."""


def parse_wan(text: str) -> Decimal:
    """Yuan for an amount typed in 万元. Raises MoneyError with the reason."""
    folded = unicodedata.normalize("NFKC", text).replace(" ", "").replace("，", ",")
    match = _AMOUNT.fullmatch(folded)
    if not match:
        negative = folded[:1] in ("-", "−") and _AMOUNT.fullmatch(folded[1:])
        raise MoneyError(str(NEGATIVE if negative else MESSAGE))
    number = Decimal(f"{match['whole'].replace(',', '')}.{match['fraction'] or '0'}")
    yuan = number * _UNITS[match["unit"]] * WAN
    if yuan >= LIMIT:
        raise MoneyError(str(TOO_LARGE))
    if yuan != yuan.quantize(FEN):
        raise MoneyError(str(TOO_FINE))
    return yuan.quantize(FEN)


def wan_text(yuan: Decimal) -> str:
    """An amount in 万元 as an input shows it: grouped, two decimals, more only when needed."""
    wan = (Decimal(yuan) / WAN).normalize()
    places = max(2, -wan.as_tuple().exponent)
    return f"{wan:,.{places}f}"


def capitals(yuan: Decimal | None) -> str:
    """人民币…元整 for an amount the portal can hold, or "" for none."""
    if yuan is None or yuan < 0 or yuan >= LIMIT:
        return ""
    return amount_in_capitals(Decimal(yuan).quantize(FEN))


class MoneyField(TypedTextField):
    """An amount typed in 万元 and kept in yuan (Decimal). A page may set `warning` to flag an
    amount that is valid but implausible, shown beside the field without refusing it."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off", "data-money": "wan"}
        render_kw.update(kwargs.pop("render_kw", None) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.warning = ""

    def parse(self, text: str) -> Decimal:
        return parse_wan(text)

    def show(self, value: Decimal) -> str:
        return wan_text(value)

    @property
    def capitals(self) -> str:
        return capitals(self.data) if not self.errors else ""
