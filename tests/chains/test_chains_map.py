"""The chain map: links in stage columns, supply relations as arrows that officers enter."""

from __future__ import annotations

import re

from sqlmodel import select

from portal.audit import AuditEvent
from portal.chains.models import LinkRelation
from portal.challenges.models import ChainLink
from portal.db import db


def test_an_officer_draws_a_supply_arrow_and_every_reader_sees_it(
    app, client, login, officer, evaluator, story_chain
):
    """Given a chain of three links, when an officer enters that Wafers supplies Design, then
    the map of the chain page and of the public summary has one arrow, and a second identical
    relation, a link supplying itself or a link of another chain are refused."""
    chain_id = story_chain.chain.id
    wafers, design = story_chain.links["Wafers"], story_chain.links["Design"]
    login(officer.email)
    added = client.post(
        f"/chains/{chain_id}/relations",
        data={"supplier_id": wafers.id, "customer_id": design.id, "note": "12-inch wafers"},
    )
    assert added.status_code == 302
    for data, message in (
        ({"supplier_id": wafers.id, "customer_id": design.id}, "on the map already"),
        ({"supplier_id": wafers.id, "customer_id": wafers.id}, "cannot supply itself"),
        ({"supplier_id": wafers.id, "customer_id": 99999}, "Choose a link of this chain."),
        ({"supplier_id": "x", "customer_id": design.id}, "Choose a link of this chain."),
    ):
        refused = client.post(f"/chains/{chain_id}/relations", data=data)
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    login(evaluator.email)
    brain = client.get(f"/chains/{chain_id}/brain").get_data(as_text=True)
    public = client.get(f"/chains/{chain_id}").get_data(as_text=True)
    for html in (brain, public):
        assert len(re.findall(r'marker-end="url\(#chain-arrow\)"', html)) == 1
        assert "Wafers → Design: 12-inch wafers" in html
        assert html.count('class="box-link"') == 3
    assert f'href="/chains/links/{wafers.id}?period=2026Q3"' in brain  # a box opens its link


def test_removing_an_arrow_is_audited(app, client, login, officer, story_chain):
    chain_id = story_chain.chain.id
    login(officer.email)
    client.post(
        f"/chains/{chain_id}/relations",
        data={
            "supplier_id": story_chain.links["Wafers"].id,
            "customer_id": story_chain.links["Modules"].id,
        },
    )
    with app.app_context():
        relation = db.session.exec(select(LinkRelation)).one()
    assert client.post(f"/chains/{chain_id}/relations/{relation.id}/remove").status_code == 302
    assert client.post(f"/chains/{chain_id + 1}/relations/{relation.id}/remove").status_code == 404
    with app.app_context():
        assert db.session.exec(select(LinkRelation)).all() == []
        actions = db.session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert "link_relation.added" in actions and "link_relation.removed" in actions


def test_a_link_with_assessments_is_kept_and_one_without_loses_its_arrows(
    app, client, login, officer, make_chain
):
    """The challenges module asks before it removes a link: one with assessments stays (they
    are part of the chain's record); one without goes, and its arrows with it."""
    kept, gone = make_chain(stage="upstream"), make_chain(stage="downstream")
    login(officer.email)
    chain_id = kept.chain_id
    client.post(
        f"/chains/links/{kept.id}/assessments/new",
        data={
            "period": "2026Q2",
            "external_dependence": "10",
            "local_supporting_rate": "10",
            "local_firms": "1",
            "chokepoint_level": "1",
            "source": "S",
        },
    )
    client.post(
        f"/chains/{chain_id}/relations", data={"supplier_id": kept.id, "customer_id": gone.id}
    )
    refused = client.post(
        f"/officer/chains/{chain_id}/links/{kept.id}/delete", follow_redirects=True
    )
    assert "This link has assessments; it cannot be removed." in refused.get_data(as_text=True)
    client.post(f"/officer/chains/{chain_id}/links/{gone.id}/delete")
    with app.app_context():
        assert db.session.get(ChainLink, kept.id) is not None
        assert db.session.get(ChainLink, gone.id) is None
        assert db.session.exec(select(LinkRelation)).all() == []
