"""Confirmation: amount, the milestone plan with exact tranches, and targets never lowered."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from portal import clock
from portal.awards import milestones, services
from portal.awards import targets as award_targets
from portal.awards.models import Award, AwardIndicator
from portal.challenges.models import Indicator
from portal.db import db
from portal.errors import ValidationFailed
from portal.vocabulary import AwardStatus, Comparison
from tests.awards.helpers import START, confirm_as_proposed, sign_task_book


@pytest.mark.parametrize(
    ("amount", "shares"),
    [
        ("20000000.00", ["30", "30", "40"]),
        ("100.00", ["33.33", "33.33", "33.34"]),
        ("0.05", ["1", "1", "1"]),
        ("12345678.91", ["10", "20", "30", "40"]),
    ],
)
def test_tranches_add_up_to_the_amount_to_the_cent(amount, shares):
    tranches = milestones.split_tranches(Decimal(amount), [Decimal(s) for s in shares])
    assert sum(tranches) == Decimal(amount)
    assert all(t == t.quantize(Decimal("0.01")) for t in tranches)


def test_thirds_of_a_hundred_yuan():
    thirds = milestones.split_tranches(Decimal("100.00"), [Decimal(1)] * 3)
    assert thirds == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


def in_wan(yuan: str) -> str:
    """An amount as an officer types it: in 万元."""
    return f"{Decimal(yuan) / 10000:f}"


def _form(award_id, amount="20000000.00", targets=("100", "200"), tranches=None):
    tranches = tranches or ["6000000.00", "6000000.00", "8000000.00"]
    data = {"amount": in_wan(amount), "starts_on": "2026-04-01", "ends_on": "2029-04-01"}
    for i, tranche in enumerate(tranches):
        data[f"milestones-{i}-title"] = f"Milestone {i + 1}"
        data[f"milestones-{i}-due_date"] = f"{2027 + i}-03-01"
        data[f"milestones-{i}-tranche"] = in_wan(tranche)
    return data, targets


@pytest.fixture
def ended_award(app, make_proposal, publicise, officer):
    award_id = publicise(make_proposal(status="awarded"))
    clock.set_now(START + timedelta(days=7))
    with app.app_context():
        ids = [i.id for i in db.session.get(Award, award_id).challenge.indicators]
    return award_id, ids


def _with_targets(data, ids, values):
    for i, (indicator_id, value) in enumerate(zip(ids, values, strict=True)):
        data[f"targets-{i}-indicator_id"] = str(indicator_id)
        data[f"targets-{i}-target"] = value
    return data


def test_the_officer_sees_the_plan_copied_from_the_proposal(client, login, ended_award):
    award_id, _ids = ended_award
    login("officer@example.gov.cn")
    page = client.get(f"/officer/awards/{award_id}/confirm").get_data(as_text=True)
    assert 'value="600.00"' in page and 'value="800.00"' in page  # read back in 万元
    assert "Milestone 3" in page


def test_the_officer_confirms_a_lower_amount_with_raised_targets(app, client, login, ended_award):
    award_id, ids = ended_award
    login("officer@example.gov.cn")
    data, _ = _form(award_id, amount="15000000.00", tranches=["5000000", "5000000", "5000000"])
    response = client.post(
        f"/officer/awards/{award_id}/confirm",
        data=_with_targets(data, ids, ["120", "200"]) | {"submit": "1"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        award = db.session.get(Award, award_id)
        assert award.status is AwardStatus.confirmed
        assert award.amount == Decimal("15000000.00")
        assert [m.tranche for m in award.milestones] == [Decimal("5000000.00")] * 3
        assert [i.target for i in award.indicators] == [Decimal(120), Decimal(200)]
        assert [i.committed for i in award.indicators] == [Decimal(100), Decimal(200)]


def test_lowering_a_committed_indicator_is_refused(app, client, login, ended_award):
    award_id, ids = ended_award
    login("officer@example.gov.cn")
    data, _ = _form(award_id)
    response = client.post(
        f"/officer/awards/{award_id}/confirm",
        data=_with_targets(data, ids, ["99.5", "200"]) | {"submit": "1"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "may not be lowered below what the proposal promised (≥ 100)" in page
    assert 'value="99.5"' in page  # what was typed is kept
    with app.app_context():
        assert db.session.get(Award, award_id).status is AwardStatus.in_publicity


def test_lowering_respects_the_direction_of_the_indicator(app, ctx, ended_award, officer):
    award_id, ids = ended_award
    indicator = db.session.get(Indicator, ids[0])
    indicator.comparison = Comparison.le  # e.g. a defect density: at most 100
    db.session.commit()
    targets = {ids[0]: Decimal("101"), ids[1]: Decimal("200")}
    award = db.session.get(Award, award_id)
    plan = milestones.proposed_plan(award)
    kwargs = {"by": officer, "amount": award.amount, "plan": plan}
    dates = {"starts_on": START.date(), "ends_on": START.date() + timedelta(days=900)}
    with pytest.raises(ValidationFailed, match=r"\(≤ 100\)"):
        services.confirm_award(award, targets=targets, **kwargs, **dates)
    targets[ids[0]] = Decimal("90")  # stricter: allowed
    services.confirm_award(award, targets=targets, **kwargs, **dates)
    assert award.indicators[0].target == Decimal("90")


def test_a_running_projects_target_may_rise_but_not_fall(ctx, ended_award, officer):
    award_id, _ids = ended_award
    confirm_as_proposed(award_id, officer.id)
    award = sign_task_book(award_id, officer.id)
    indicator = award.indicators[0]
    with pytest.raises(ValidationFailed, match="may not be lowered"):
        award_targets.change_target(indicator, by=officer, value=Decimal("99"))
    award_targets.change_target(indicator, by=officer, value=Decimal("110"))
    db.session.commit()
    targets = db.session.exec(select(AwardIndicator.target).order_by(AwardIndicator.position))
    assert targets.all() == [Decimal("110"), Decimal("200")]


def test_the_amount_may_not_exceed_the_request(client, login, ended_award):
    award_id, ids = ended_award
    login("officer@example.gov.cn")
    data, _ = _form(award_id, amount="20000000.01", tranches=["6000000", "6000000", "8000000.01"])
    response = client.post(
        f"/officer/awards/{award_id}/confirm",
        data=_with_targets(data, ids, ["100", "200"]) | {"submit": "1"},
    )
    assert response.status_code == 422
    assert "may not exceed what the proposal requested" in response.get_data(as_text=True)


def test_tranches_must_add_up_to_the_amount(client, login, ended_award):
    award_id, ids = ended_award
    login("officer@example.gov.cn")
    data, _ = _form(award_id, tranches=["6000000", "6000000", "7999999.99"])
    response = client.post(
        f"/officer/awards/{award_id}/confirm",
        data=_with_targets(data, ids, ["100", "200"]) | {"submit": "1"},
    )
    assert response.status_code == 422
    assert "they must be equal" in response.get_data(as_text=True)


def test_a_milestone_row_can_be_added_without_javascript(client, login, ended_award):
    award_id, ids = ended_award
    login("officer@example.gov.cn")
    data, _ = _form(award_id)
    response = client.post(
        f"/officer/awards/{award_id}/confirm",
        data=_with_targets(data, ids, ["100", "200"]) | {"add_row": "1"},
    )
    assert response.status_code == 200
    assert 'name="milestones-3-title"' in response.get_data(as_text=True)


def test_the_confirmation_form_waits_for_the_end_of_publicity(
    client, login, make_proposal, publicise, officer
):
    award_id = publicise(make_proposal(status="awarded"))
    login("officer@example.gov.cn")
    response = client.get(f"/officer/awards/{award_id}/confirm", follow_redirects=True)
    assert "Confirmation opens when the publicity period ends." in response.get_data(as_text=True)


def test_the_project_page_tells_whether_a_target_was_changed(
    app, client, login, make_project, officer
):
    award_id = make_project()
    with app.app_context():
        indicator_id = db.session.get(Award, award_id).indicators[0].id
    login(officer.email)
    address = f"/projects/{award_id}/indicators/{indicator_id}"

    lowered = client.post(address, data={"target": "99"}, follow_redirects=True)
    raised = client.post(address, data={"target": "120"}, follow_redirects=True)

    assert "The target was not changed: The target for Indicator 1 may not be lowered" in (
        lowered.get_data(as_text=True)
    )
    assert "The target has been changed." in raised.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AwardIndicator, indicator_id).target == Decimal("120")
