"""Amounts in capital numerals, as a bank reads them."""

from decimal import Decimal

import pytest

from portal.numerals import amount_in_capitals

TABLE = [
    ("0", "人民币零元整"),
    ("0.5", "人民币伍角整"),
    ("0.05", "人民币伍分"),
    ("0.55", "人民币伍角伍分"),
    ("1.05", "人民币壹元零伍分"),
    ("10", "人民币壹拾元整"),
    ("15", "人民币壹拾伍元整"),
    ("100", "人民币壹佰元整"),
    ("1010", "人民币壹仟零壹拾元整"),
    ("1001", "人民币壹仟零壹元整"),
    ("1000.5", "人民币壹仟元伍角整"),
    ("100000", "人民币壹拾万元整"),
    ("110000", "人民币壹拾壹万元整"),
    ("1100000", "人民币壹佰壹拾万元整"),
    ("1000001.01", "人民币壹佰万零壹元零壹分"),
    ("10000010", "人民币壹仟万零壹拾元整"),
    ("30000000", "人民币叁仟万元整"),
    ("35006000.70", "人民币叁仟伍佰万陆仟元柒角整"),
    ("100000000", "人民币壹亿元整"),
    ("100000001", "人民币壹亿零壹元整"),
    ("100010000", "人民币壹亿零壹万元整"),
    ("1200345678.90", "人民币壹拾贰亿零叁拾肆万伍仟陆佰柒拾捌元玖角整"),
    ("999999999999.99", "人民币玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
]


@pytest.mark.parametrize(("amount", "capitals"), TABLE)
def test_a_tricky_amount_is_written_as_a_bank_writes_it(amount, capitals):
    assert amount_in_capitals(Decimal(amount)) == capitals


@pytest.mark.parametrize("amount", ["-1", "0.001", "1000000000000"])
def test_amounts_without_a_capital_form_are_refused(amount):
    with pytest.raises(ValueError):
        amount_in_capitals(Decimal(amount))
