"""Money is typed and read back in 万元, stored in yuan, and never silently changed: what a person
types is read with the meaning its words have, or refused at the field with the text kept."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.money import MoneyError, capitals, parse_wan, wan_text

WAN = Decimal(10000)


@pytest.mark.parametrize(
    ("typed", "yuan"),
    [
        ("2800", 2800 * WAN),
        ("２８００万", 2800 * WAN),
        ("2,800.5", Decimal("2800.5") * WAN),
        ("2，800", 2800 * WAN),
        ("1,234,567", 1234567 * WAN),
        ("2800万元", 2800 * WAN),
        ("1.5亿", 15000 * WAN),
        ("１００万", 100 * WAN),
        ("0.0001", Decimal(1)),
        ("2800元", Decimal(2800)),
        ("1.5亿元", 15000 * WAN),
        (" 12 ", 12 * WAN),
        ("0", Decimal(0)),
    ],
)
def test_an_amount_is_read_with_the_meaning_of_its_words(typed, yuan):
    assert parse_wan(typed) == yuan


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("12万3", "using digits"),
        ("1e6", "using digits"),
        ("--5", "using digits"),
        ("NaN", "using digits"),
        ("一千万", "using digits"),
        ("1,2,3", "using digits"),
        ("1,2", "using digits"),
        ("12,34", "using digits"),
        ("٣", "using digits"),
        ("-5", "below zero"),
        ("100000000", "too large"),
        ("1亿亿", "using digits"),
        ("0.0000001", "exact to the fen"),
    ],
)
def test_anything_else_is_refused_with_its_reason_never_shortened(typed, reason):
    with pytest.raises(MoneyError, match=reason):
        parse_wan(typed)


def test_the_amount_is_read_back_grouped_in_wan_and_in_capitals():
    assert wan_text(2800 * WAN) == "2,800.00"
    assert wan_text(Decimal("1")) == "0.0001"
    assert capitals(2800 * WAN) == "人民币贰仟捌佰万元整"
    assert capitals(None) == ""
