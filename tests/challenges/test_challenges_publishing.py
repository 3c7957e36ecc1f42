"""An officer drafts a challenge through the pages, publishes it, and the public finds it."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlmodel import select

from portal import clock
from portal.challenges.models import Challenge, ChallengeVersion
from portal.db import db
from portal.vocabulary import ChallengeStatus
from tests.challenges.fixtures import challenge_form

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


def test_an_officer_creates_and_publishes_a_challenge_the_public_finds(
    app, client, login, make_user, make_chain
):
    clock.set_now(NOW)
    link = make_chain("集成电路", "upstream")
    other = make_chain("新能源汽车", "midstream", link="电驱与功率器件")
    make_user("officer@example.com", role="officer")
    login("officer@example.com")

    response = client.post("/officer/challenges/new", data=challenge_form(link.id))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        challenge = db.session.exec(select(Challenge)).one()
        assert challenge.number == "JB-2026-001"
        assert challenge.status is ChallengeStatus.draft
        assert [i.name for i in challenge.indicators][0] == "分辨率 Resolution"
        assert len(challenge.indicators) == 3 and len(challenge.criteria) == 5
        assert challenge.funding_cap == Decimal("30000000.00")
        # 17:00 in Shanghai is 09:00 UTC
        assert challenge.deadline == datetime(2030, 6, 30, 9, 0, tzinfo=UTC)
        challenge_id = challenge.id

    # not public while a draft
    assert client.get("/challenges/JB-2026-001").status_code == 404
    preview = client.get(f"/officer/challenges/{challenge_id}").get_data(as_text=True)
    assert "28nm ArF 光刻胶" in preview and "≤ 28" in preview

    confirm = client.get(f"/officer/challenges/{challenge_id}/publish")
    assert "Yes, publish it" in confirm.get_data(as_text=True)
    assert client.post(f"/officer/challenges/{challenge_id}/publish").status_code == 302
    with app.app_context():
        version = db.session.exec(select(ChallengeVersion)).one()
        assert version.version == 1
        assert version.content["indicators"][0]["target"] == "28"
        assert version.content["criteria"][4] == {
            "name": "经费合理性",
            "weight": 15,
            "description": "",
        }

    client.post("/logout")
    found = client.get("/challenges?q=arf").get_data(as_text=True)
    assert "JB-2026-001" in found
    by_statement = client.get("/challenges", query_string={"q": "依赖进口"}).get_data(as_text=True)
    assert "JB-2026-001" in by_statement
    assert "JB-2026-001" not in client.get("/challenges?q=battery").get_data(as_text=True)
    assert "JB-2026-001" in client.get(f"/challenges?chain={link.chain_id}").get_data(as_text=True)
    assert "JB-2026-001" not in client.get(f"/challenges?chain={other.chain_id}").get_data(
        as_text=True
    )
    page = client.get("/challenges/JB-2026-001").get_data(as_text=True)
    assert "分辨率 Resolution" in page and "≤ 28" in page
    days = (datetime(2030, 6, 30, 9, 0, tzinfo=UTC) - NOW).days
    assert f"{days} days left" in page
