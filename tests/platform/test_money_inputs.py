"""Every money input of the portal (each MoneyField of every form: the cap, co-funding, the budget
and shares, milestone tranches, award amounts, refunds, the catalogue's filter) is typed in 万元:
it reads full-width digits, separators, 万 and 亿 with their meaning, and refuses anything else at
the field with the typed text kept."""

from __future__ import annotations

import importlib
import pkgutil
from decimal import Decimal

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.fields.core import UnboundField

import portal
from portal.money import MoneyField

WAN = Decimal(10000)
ACCEPTED = {
    "２８００万": 2800 * WAN,
    "１００万": 100 * WAN,
    "2,800.5": Decimal("2800.5") * WAN,
    "2，800": 2800 * WAN,
    "0.3亿": 3000 * WAN,
    "2800元": Decimal(2800),
}
REFUSED = ["12万3", "1e6", "--5", "NaN", "一千万", "1,2,3", "1,2", "100000001", "-5"]


def money_inputs() -> dict[str, UnboundField]:
    """`Form.field` → its unbound MoneyField, for every form class of the portal."""
    found = {}
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if not module.name.endswith(".forms"):
            continue
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, type) and issubclass(value, Form):
                for name, field in vars(value).items():
                    if isinstance(field, UnboundField) and issubclass(
                        field.field_class, MoneyField
                    ):
                        found[f"{value.__name__}.{name}"] = field
    return found


INPUTS = money_inputs()


def typed_into(field: UnboundField, text: str):
    class One(Form):
        amount = field

    form = One(MultiDict({"amount": text}))
    form.validate()
    return form.amount


def test_every_amount_a_person_types_is_a_money_input():
    assert {
        "ChallengeForm.funding_cap",
        "ChallengeForm.cofunding",
        "CatalogueForm.funding_min",
        "CatalogueForm.funding_max",
        "BudgetForm.requested",
        "BudgetForm.self_funds",
        "ShareRow.share",
        "MilestoneRow.tranche",
        "ConfirmForm.amount",
        "TerminateForm.refund_due",
    } <= set(INPUTS)


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_each_money_input_reads_what_people_write_in_wan(app, name):
    with app.test_request_context(), force_locale("zh"):
        for text, yuan in ACCEPTED.items():
            field = typed_into(INPUTS[name], text)
            assert (field.data, field.errors) == (yuan, []), text
        assert "万元" in str(typed_into(INPUTS[name], "1").label.text)


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_each_money_input_refuses_anything_else_and_keeps_the_text(app, name):
    with app.test_request_context():
        for text in REFUSED:
            field = typed_into(INPUTS[name], text)
            assert field.errors and field.data is None, text
            assert field._value() == text
