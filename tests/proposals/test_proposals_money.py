"""An applicant types the budget in 万元 as people write it; the page reads it back grouped and
in capitals, refuses anything it cannot read at the field with the typed text kept, and flags a
request too small to be meant."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.proposals.fixtures import current_revision, field_value, load, start_proposal


@pytest.fixture
def draft(app, client, consortium, login):
    login("alice@alpha.example")
    return start_proposal(app, client, consortium["challenge"])


def save_budget(app, client, pid: int, **typed) -> str:
    member = load(app, pid).members[0]
    data = {
        "revision": current_revision(app, pid),
        "shares-0-member_id": str(member.id),
        **typed,
    }
    response = client.post(f"/proposals/{pid}/edit/budget", data=data, follow_redirects=True)
    return response.get_data(as_text=True)


def test_full_width_wan_is_read_as_wan_and_read_back_in_capitals(app, client, draft):
    save_budget(app, client, draft, requested="２８００万", **{"shares-0-share": "１００万"})
    proposal = load(app, draft)
    assert proposal.requested == Decimal("28000000.00")
    assert proposal.members[0].budget_share == Decimal("1000000.00")
    page = client.get(f"/proposals/{draft}/edit/budget").get_data(as_text=True)
    assert field_value(page, "requested") == "2,800.00"
    assert "人民币贰仟捌佰万元整" in page and "人民币壹佰万元整" in page


@pytest.mark.parametrize(
    "typed", ["12万3", "1e6", "--5", "NaN", "一千万", "1,2,3", "100000001", "-5", "1,2"]
)
def test_an_amount_it_cannot_read_is_refused_at_the_field_and_nothing_is_written(
    app, client, draft, typed
):
    save_budget(app, client, draft, requested="2800")
    page = save_budget(app, client, draft, requested="2900", **{"shares-0-share": typed})
    assert 'id="shares-0-share-error"' in page
    assert field_value(page, "shares-0-share") == typed
    assert field_value(page, "requested") == "2900"
    proposal = load(app, draft)
    assert proposal.requested == Decimal("28000000.00")
    assert proposal.members[0].budget_share is None


def test_a_request_under_one_per_cent_of_the_cap_is_flagged_at_the_field(app, client, draft):
    page = save_budget(app, client, draft, requested="2800元")
    assert load(app, draft).requested == Decimal("2800.00")
    page = client.get(f"/proposals/{draft}/edit/budget").get_data(as_text=True)
    assert 'id="requested-warning"' in page and "under 1 % of the funding cap" in page
    assert field_value(page, "requested") == "0.28"
