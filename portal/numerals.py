"""Amounts in Chinese capital numerals (大写金额), as banks and financial documents write them.

The conventions follow the People's Bank of China's rules for cheques and vouchers (《支付结算办法》
附件《正确填写票据和结算凭证的基本规定》), choosing one form where they allow two:

- Every amount starts with 人民币 and ends with 整 when it has no 分 (… 元整, … 角整).
- A leading ten is written 壹拾 (壹拾元, 壹拾万元), never a bare 拾: banks do not accept 拾 alone
  because a digit could be added in front of it.
- Zeros inside the yuan part are written as one 零 per run of zeros (壹仟零壹拾元, 壹佰万零壹元);
  zeros at the end of a section (万, 亿) are not written (壹亿元, 壹拾万元).
- When 角 is zero and 分 is not, a 零 stands between 元 and 分 (壹元零伍分). When the yuan part ends
  in zeros and 角 is not zero, no 零 is written (壹仟元伍角整); the rules allow either.
- Below one yuan, no 元 is written (伍角整, 伍分); zero is 人民币零元整.
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("仟", "佰", "拾", "")
SECTIONS = ("", "万", "亿")
LIMIT = Decimal(10) ** 12  # MONEY holds up to 999,999,999,999.99


def _group(value: int) -> str:
    """1 … 9999 in capitals, with one 零 for each run of inner zeros and none at the end."""
    out = []
    started = zero = False
    for digit, place in zip(f"{value:04d}", PLACES, strict=True):
        d = int(digit)
        if d == 0:
            zero = started
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[d] + place)
        started = True
    return "".join(out)


def _yuan(value: int) -> str:
    groups = []
    while value:
        value, group = divmod(value, 10000)
        groups.append(group)
    out = []
    zero_between = False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            zero_between = bool(out)
            continue
        if out and (zero_between or group < 1000):
            out.append("零")
        out.append(_group(group) + SECTIONS[index])
        zero_between = False
    return "".join(out)


def amount_in_capitals(amount: Decimal | int | str) -> str:
    """人民币… in capital numerals; e.g. Decimal("30000000") → 人民币叁仟万元整.

    Raises ValueError for negative amounts, fractions of a fen and amounts of 10^12 yuan or more.
    """
    amount = Decimal(amount)
    if amount < 0:
        raise ValueError("a negative amount has no capital form")
    if amount >= LIMIT:
        raise ValueError("amounts of 10^12 yuan or more are not supported")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("an amount in capitals is exact to the fen (0.01)")
    fen_total = int(amount * 100)
    yuan, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    if fen_total == 0:
        return "人民币零元整"
    parts = ["人民币"]
    if yuan:
        parts.append(_yuan(yuan) + "元")
    if jiao:
        parts.append(DIGITS[jiao] + "角")
    elif fen and yuan:
        parts.append("零")
    parts.append(DIGITS[fen] + "分" if fen else "整")
    return "".join(parts)
