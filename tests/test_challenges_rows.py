"""Indicator and criterion rows are added and removed with buttons, without JavaScript."""

from datetime import UTC, datetime

from sqlmodel import select

from portal import clock
from portal.challenges.models import Challenge
from portal.db import db
from tests.challenges_fixtures import challenge_form


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
