"""Indicator and criterion rows are added and removed with buttons, without JavaScript."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from portal import clock
from portal.challenges.content import IndicatorRow, content_of
from portal.challenges.models import Challenge
from portal.db import db
from portal.proposals.models import Commitment
from portal.vocabulary import Comparison
from tests.challenges.fixtures import INDICATORS, challenge_form, form_values, publish_challenge


def test_rows_are_added_and_removed_keeping_what_was_typed(
    app, client, login, make_user, make_chain
):
    clock.set_now(datetime(2026, 11, 29, tzinfo=UTC))
    link = make_chain()
    make_user("officer@example.com", role="officer")
    login("officer@example.com")

    new = client.get("/officer/challenges/new").get_data(as_text=True)
    assert 'value="Technical approach"' in new  # the default rubric, in the page's language
    assert 'name="criteria-4-weight"' in new

    form = challenge_form(link.id)
    del form["save"]
    added = client.post("/officer/challenges/new", data={**form, "add_indicator": "Add"})
    html = added.get_data(as_text=True)
    assert added.status_code == 200
    assert 'name="indicators-3-name"' in html
    assert 'value="批次良率 Batch yield"' in html

    removed = client.post("/officer/challenges/new", data={**form, "remove_indicators": "1"})
    html = removed.get_data(as_text=True)
    assert 'value="线边缘粗糙度 LER"' not in html
    assert 'value="分辨率 Resolution"' in html and 'value="批次良率 Batch yield"' in html

    # saving after a removal stores the remaining rows in order
    after_removal = {k: v for k, v in form.items() if not k.startswith("indicators-1-")}
    saved = client.post("/officer/challenges/new", data={**after_removal, "save": "Save"})
    assert saved.status_code == 302
    with app.app_context():
        challenge = db.session.exec(select(Challenge)).one()
        assert [i.name for i in challenge.indicators] == [
            "分辨率 Resolution",
            "批次良率 Batch yield",
        ]


def test_the_default_rubric_replaces_the_criteria(client, login, make_user, make_chain):
    link = make_chain()
    make_user("officer@example.com", role="officer")
    login("officer@example.com")
    form = challenge_form(link.id, **{"criteria-0-name": "Only one", "criteria-0-weight": "100"})
    form = {
        k: v
        for k, v in form.items()
        if not k.startswith(("criteria-1", "criteria-2", "criteria-3", "criteria-4"))
    }
    del form["save"]
    html = client.post("/officer/challenges/new", data={**form, "default_rubric": "Use"}).get_data(
        as_text=True
    )
    assert 'value="Only one"' not in html
    assert 'value="Soundness of the budget"' in html


@pytest.mark.parametrize("mode", ["single", "horse_race"])
def test_opening_a_draft_and_saving_it_unchanged_keeps_everything(
    app, client, login, make_user, make_chain, mode
):
    clock.set_now(datetime(2026, 11, 29, tzinfo=UTC))
    link = make_chain()
    make_user("officer@example.com", role="officer")
    login("officer@example.com")
    client.post("/officer/challenges/new", data=challenge_form(link.id, funding_mode=mode))
    with app.app_context():
        challenge = db.session.exec(select(Challenge)).one()
        before = content_of(challenge)
        assert challenge.horse_race_teams == (3 if mode == "horse_race" else 1)
    page = client.get(f"/officer/challenges/{challenge.id}/edit").get_data(as_text=True)
    values = form_values(page)
    assert values["funding_cap"] == ["3,000.00"] and values["deadline"] == ["2030-06-30T17:00"]
    response = client.post(
        f"/officer/challenges/{challenge.id}/edit", data={**values, "save": "Save"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        assert content_of(db.session.get(Challenge, challenge.id)) == before


def test_removing_indicator_1_of_3_in_an_amendment_keeps_the_commitments_of_2_and_3(
    app, client, login, make_user, make_chain, make_proposal
):
    clock.set_now(datetime(2026, 11, 29, tzinfo=UTC))
    link = make_chain()
    officer = make_user("officer@example.com", role="officer")
    rows = [
        IndicatorRow(name, Comparison(cmp), Decimal(target), unit, method)
        for name, cmp, target, unit, method in INDICATORS
    ]
    challenge_id, _number = publish_challenge(
        app, officer.id, link.id, clock.now() + timedelta(days=60), indicators=rows
    )
    with app.app_context():
        challenge = db.session.get(Challenge, challenge_id)
        first, second, third = (i.id for i in challenge.indicators)
    proposal = make_proposal(challenge=challenge, status="draft")  # commits to each target

    login("officer@example.com")
    page = client.get(f"/officer/challenges/{challenge_id}/amend").get_data(as_text=True)
    values = form_values(page)
    assert values["indicators-0-indicator_id"] == [str(first)]
    removed = client.post(
        f"/officer/challenges/{challenge_id}/amend", data={**values, "remove_indicators": "0"}
    )
    assert removed.status_code == 200
    values = form_values(removed.get_data(as_text=True))
    assert "indicators-0-name" not in values
    values["reason"] = ["Resolution is measured by the batch yield now."]
    response = client.post(
        f"/officer/challenges/{challenge_id}/amend", data={**values, "save": "Publish"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]

    with app.app_context():
        indicators = db.session.get(Challenge, challenge_id).indicators
        assert [(i.id, i.name) for i in indicators] == [
            (second, "线边缘粗糙度 LER"),
            (third, "批次良率 Batch yield"),
        ]
        commitments = db.session.exec(
            select(Commitment.indicator_id, Commitment.value).where(
                Commitment.proposal_id == proposal.id
            )
        ).all()
        assert sorted(commitments) == [(second, Decimal("2.5")), (third, Decimal("95"))]


def test_a_row_that_names_an_indicator_of_another_challenge_is_refused(
    app, client, login, make_user, make_chain
):
    clock.set_now(datetime(2026, 11, 29, tzinfo=UTC))
    link = make_chain()
    officer = make_user("officer@example.com", role="officer")
    deadline = clock.now() + timedelta(days=60)
    challenge_id, _number = publish_challenge(app, officer.id, link.id, deadline)
    other_id, _other = publish_challenge(app, officer.id, link.id, deadline, title="Another")
    with app.app_context():
        foreign = db.session.get(Challenge, other_id).indicators[0].id
        before = content_of(db.session.get(Challenge, challenge_id))

    login("officer@example.com")
    values = form_values(
        client.get(f"/officer/challenges/{challenge_id}/amend").get_data(as_text=True)
    )
    values["indicators-0-indicator_id"] = [str(foreign)]
    values["indicators-0-target"] = ["200"]
    values["reason"] = ["Tighter"]
    response = client.post(
        f"/officer/challenges/{challenge_id}/amend", data={**values, "save": "Publish"}
    )
    assert response.status_code == 422
    errors = response.get_data(as_text=True).split('class="form-errors"', 1)[1].split("</div>")[0]
    assert "This form was changed outside the portal, or is out of date" in errors
    with app.app_context():
        assert content_of(db.session.get(Challenge, challenge_id)) == before
