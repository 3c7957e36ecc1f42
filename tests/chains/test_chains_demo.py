"""The demo chains tell a story: a chokepoint attacked by a horse race, local supply rising."""

from __future__ import annotations

import pytest
from sqlmodel import select

from portal.chains.models import LinkAssessment
from portal.challenges.models import ChainLink, Challenge
from portal.db import db
from portal.vocabulary import FundingMode

pytestmark = pytest.mark.slow


def test_the_demo_chain_shows_a_chokepoint_attacked_by_a_horse_race(demo, app, client, login):
    with app.app_context():
        base = demo.objects()
        db.session.commit()
        materials = db.session.exec(select(ChainLink).where(ChainLink.name == "材料与设备")).one()
        rows = db.session.exec(
            select(LinkAssessment)
            .where(LinkAssessment.link_id == materials.id, LinkAssessment.superseded_at.is_(None))
            .order_by(LinkAssessment.period)
        ).all()
        corrected = db.session.exec(
            select(LinkAssessment).where(LinkAssessment.superseded_at.is_not(None))
        ).all()
        races = db.session.exec(
            select(Challenge).where(
                Challenge.chain_link_id == materials.id,
                Challenge.funding_mode == FundingMode.horse_race,
            )
        ).all()
        chain_id = materials.chain_id
    assert len(rows) == 8 and len(corrected) == 1
    rates = [row.local_supporting_rate for row in rows]
    assert rates == sorted(rates) and rates[-1] > rates[0]
    assert rows[-1].chokepoint_level >= 3 and races
    assert base["users"]["evaluator"].role.value == "evaluator"

    login("evaluator@example.com", "portal-demo")
    html = client.get(f"/chains/{chain_id}/brain").get_data(as_text=True)
    attacked = html.split("Attacked: a project runs or was completed on them")[1].split("<h3>")[0]
    assert "材料与设备" in attacked
    assert 'marker-end="url(#chain-arrow)"' in html
