"""Indicator and criterion rows are added and removed with buttons, without JavaScript."""

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from portal import clock
from portal.challenges import services
from portal.challenges.models import Challenge
from portal.db import db
from tests.challenges.fixtures import challenge_form, form_values


def test_rows_are_added_and_removed_keeping_what_was_typed(
    app, client, login, make_user, make_chain
):
    clock.set_now(datetime(2026, 11, 29, tzinfo=UTC))
    link = make_chain()
    make_user("officer@example.com", role="officer")
    login("officer@example.com")

    new = client.get("/officer/challenges/new").get_data(as_text=True)
    assert 'value="技术方案 Technical approach"' in new  # the default rubric is offered
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
    assert 'value="经费合理性 Soundness of the budget"' in html


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
        before = services.content_of(challenge)
        assert challenge.horse_race_teams == (3 if mode == "horse_race" else 1)
    page = client.get(f"/officer/challenges/{challenge.id}/edit").get_data(as_text=True)
    values = form_values(page)
    assert values["funding_cap"] == ["3000"] and values["deadline"] == ["2030-06-30T17:00"]
    response = client.post(
        f"/officer/challenges/{challenge.id}/edit", data={**values, "save": "Save"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        assert services.content_of(db.session.get(Challenge, challenge.id)) == before
