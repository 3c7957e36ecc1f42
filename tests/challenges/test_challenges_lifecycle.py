"""Amendments, the deadline, cancellation and what the public may see."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from portal import clock
from portal.challenges.models import Challenge, ChallengeVersion
from portal.db import db
from portal.notifications.models import Notification
from portal.vocabulary import ChallengeStatus
from tests.challenges.fixtures import challenge_form, publish_challenge

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
DEADLINE = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def published_with_proposals(app, make_user, make_org, make_proposal):
    """An officer publishes a challenge on `link`; Alice's organisation drafts a proposal on it
    (in progress), Bob's withdrew its own. Returns the challenge's id and number."""

    def make(link) -> tuple[int, str]:
        officer = make_user("officer@example.com", role="officer")
        challenge_id, number = publish_challenge(app, officer.id, link.id, DEADLINE)
        with app.app_context():
            challenge = db.session.get(Challenge, challenge_id)
        drafting = make_org("Alpha Drive")
        make_user("alice@alpha.example", org=drafting)
        make_proposal(lead=drafting, challenge=challenge, status="draft")
        withdrawn = make_org("Beta Power")
        make_user("bob@beta.example", org=withdrawn)
        make_proposal(lead=withdrawn, challenge=challenge, status="withdrawn")
        return challenge_id, number

    return make


def test_an_amendment_makes_version_2_keeps_version_1_and_shows_the_change(
    app, client, login, make_chain, published_with_proposals
):
    clock.set_now(NOW)
    link = make_chain("新能源汽车", "midstream", link="电驱与功率器件")
    challenge_id, number = published_with_proposals(link)

    login("officer@example.com")
    form = challenge_form(
        link.id,
        title="车规级 IGBT 模块 Automotive IGBT module",
        deadline="2027-04-01T17:00",
        funding_cap="2500",
        **{
            "indicators-0-name": "结温 Junction temperature",
            "indicators-0-comparison": "ge",
            "indicators-0-target": "200",
            "indicators-0-unit": "℃",
            "indicators-0-test_method": "AEC-Q101",
            "indicators-1-name": "导通压降 Vce(sat)",
            "indicators-1-comparison": "le",
            "indicators-1-target": "1.5",
            "indicators-1-unit": "V",
            "indicators-1-test_method": "At 600 A",
            "indicators-2-name": "功率循环 Power cycles",
            "indicators-2-comparison": "ge",
            "indicators-2-target": "100000",
            "indicators-2-unit": "次",
            "indicators-2-test_method": "ΔTj = 100 K",
        },
    )
    missing_reason = client.post(f"/officer/challenges/{challenge_id}/amend", data=form)
    assert missing_reason.status_code == 422
    assert 'id="reason-error"' in missing_reason.get_data(as_text=True)

    form["reason"] = "Raised the junction temperature after the industry hearing."
    response = client.post(f"/officer/challenges/{challenge_id}/amend", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]

    with app.app_context():
        versions = db.session.exec(
            select(ChallengeVersion).order_by(ChallengeVersion.version)
        ).all()
        assert [v.version for v in versions] == [1, 2]
        assert versions[0].content["indicators"][0]["target"] == "175"
        assert versions[1].content["indicators"][0]["target"] == "200"
        notified = db.session.exec(select(Notification)).all()
        assert [n.title for n in notified] == [f"Challenge {number} was amended (version 2)"]

    client.post("/logout")
    page = client.get(f"/challenges/{number}").get_data(as_text=True)
    assert "Version 2" in page and "Raised the junction temperature" in page
    assert "≥ 200" in page
    history = page.split('id="history"', 1)[1]
    assert "Indicator changed" in history and "Indicator added" in history
    assert "功率循环 Power cycles" in history
    assert "Funding cap (in 10,000 yuan)" in history

    old = client.get(f"/challenges/{number}/versions/1")
    assert old.status_code == 200
    assert "≥ 175" in old.get_data(as_text=True) and "superseded" in old.get_data(as_text=True)
    v2 = client.get(f"/challenges/{number}/versions/2").get_data(as_text=True)
    assert "What changed since version 1" in v2 and "≥ 200" in v2
    assert client.get(f"/challenges/{number}/versions/3").status_code == 404


def test_after_the_deadline_the_challenge_is_closed_and_refuses_proposals_and_questions(
    app, client, login, make_user, make_chain
):
    clock.set_now(NOW)
    link = make_chain()
    officer = make_user("officer@example.com", role="officer")
    challenge_id, number = publish_challenge(app, officer.id, link.id, DEADLINE)
    open_id, open_number = publish_challenge(
        app, officer.id, link.id, DEADLINE + timedelta(days=60), title="Still open"
    )
    make_user("alice@alpha.example")

    assert "Open for proposals" in client.get(f"/challenges/{number}").get_data(as_text=True)
    clock.set_now(DEADLINE + timedelta(minutes=1))
    page = client.get(f"/challenges/{number}").get_data(as_text=True)
    assert "Closed" in page and "no longer accepts proposals" in page
    with app.app_context():
        challenge = db.session.get(Challenge, challenge_id)
        assert challenge.status is ChallengeStatus.published  # nothing was written: derived
        assert challenge.effective_status(clock.now()) is ChallengeStatus.closed
        assert not challenge.accepts_proposals(clock.now())

    everything = client.get("/challenges").get_data(as_text=True)
    assert everything.index(open_number) < everything.index(number)  # open ones first
    closed = client.get("/challenges?status=closed").get_data(as_text=True)
    assert number in closed and open_number not in closed
    still_open = client.get("/challenges?status=published").get_data(as_text=True)
    assert open_number in still_open and number not in still_open

    login("alice@alpha.example")
    assert "Ask the programme office" not in client.get(f"/challenges/{number}").get_data(
        as_text=True
    )
    refused = client.post(f"/challenges/{number}/questions", data={"question": "Still time?"})
    assert refused.status_code == 422
    assert "only while the challenge is open" in refused.get_data(as_text=True)


def test_drafts_and_challenges_cancelled_before_publication_are_not_public(
    app, client, login, make_user, make_chain
):
    clock.set_now(NOW)
    link = make_chain()
    make_user("officer@example.com", role="officer")
    login("officer@example.com")
    client.post("/officer/challenges/new", data=challenge_form(link.id, title="Secret draft"))
    client.post("/officer/challenges/new", data=challenge_form(link.id, title="Dropped draft"))
    with app.app_context():
        first, second = db.session.exec(select(Challenge).order_by(Challenge.id)).all()
    assert (
        client.post(f"/officer/challenges/{second.id}/cancel", data={"reason": ""}).status_code
        == 422
    )
    client.post(f"/officer/challenges/{second.id}/cancel", data={"reason": "Merged into another"})
    client.post("/logout")
    assert client.get(f"/challenges/{first.number}").status_code == 404
    assert client.get(f"/challenges/{second.number}").status_code == 404
    catalogue = client.get("/challenges").get_data(as_text=True)
    assert "Secret draft" not in catalogue and "Dropped draft" not in catalogue
    assert "No challenge matches" in catalogue


def test_a_published_challenge_cancelled_shows_its_reason(
    app, client, login, make_user, make_chain
):
    clock.set_now(NOW)
    link = make_chain()
    officer = make_user("officer@example.com", role="officer")
    challenge_id, number = publish_challenge(app, officer.id, link.id, DEADLINE)
    login("officer@example.com")
    confirm = client.get(f"/officer/challenges/{challenge_id}/cancel").get_data(as_text=True)
    assert "Yes, cancel it" in confirm
    client.post(
        f"/officer/challenges/{challenge_id}/cancel",
        data={"reason": "Solved by a national project"},
    )
    page = client.get(f"/challenges/{number}").get_data(as_text=True)
    assert "Cancelled" in page and "Solved by a national project" in page


def test_numbers_are_never_reused(app, client, login, make_user, make_chain):
    clock.set_now(NOW)
    link = make_chain()
    make_user("officer@example.com", role="officer")
    login("officer@example.com")
    client.post("/officer/challenges/new", data=challenge_form(link.id))
    client.post("/officer/challenges/new", data=challenge_form(link.id, funding_cap="0"))
    client.post("/officer/challenges/new", data=challenge_form(link.id))
    with app.app_context():
        numbers = db.session.exec(select(Challenge.number).order_by(Challenge.id)).all()
    assert numbers[0] == "JB-2026-001"
    assert len(set(numbers)) == 2 and numbers[1] > numbers[0]


def test_publishing_refuses_an_incomplete_draft(app, client, login, make_user, make_chain):
    clock.set_now(NOW)
    link = make_chain()
    make_user("officer@example.com", role="officer")
    login("officer@example.com")
    form = challenge_form(link.id, statement="", funding_cap="")
    form = {k: v for k, v in form.items() if not k.startswith("indicators-")}
    assert client.post("/officer/challenges/new", data=form).status_code == 302
    with app.app_context():
        challenge = db.session.exec(select(Challenge)).one()
    preview = client.get(f"/officer/challenges/{challenge.id}").get_data(as_text=True)
    assert "Add at least one technical indicator." in preview
    response = client.post(f"/officer/challenges/{challenge.id}/publish")
    assert response.status_code == 302
    assert "cannot be published yet" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Challenge, challenge.id).status is ChallengeStatus.draft


def test_a_draft_with_only_a_title_is_saved_and_its_preview_lists_what_is_missing(
    app, client, login, make_user
):
    make_user("officer@example.com", role="officer")
    login("officer@example.com")
    response = client.post(
        "/officer/challenges/new",
        data={
            "title": "EDA 全流程工具",
            "max_members": "4",
            "reviewers_per_proposal": "3",
            "pass_mark": "60",
            "publicity_days": "7",
            "funding_mode": "single",
            "aggregation": "mean",
            "save": "Save",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    preview = client.get(response.location).get_data(as_text=True)
    assert "EDA 全流程工具" in preview
    assert "This is required before publishing." in preview
    assert "The weights of the criteria must sum to 100 (now 0)." in preview
    assert "Publish…" not in preview
    assert client.get(response.location + "/edit").status_code == 200


def test_cancelling_tells_the_applicants_whose_proposal_is_in_progress(
    app, client, login, make_chain, published_with_proposals
):
    clock.set_now(NOW)
    challenge_id, number = published_with_proposals(make_chain())

    login("officer@example.com")
    response = client.post(
        f"/officer/challenges/{challenge_id}/cancel", data={"reason": "Solved elsewhere"}
    )
    assert response.status_code == 302
    with app.app_context():
        notes = db.session.exec(select(Notification)).all()
        assert [(n.title, n.body) for n in notes] == [
            (f"Challenge {number} was cancelled", "Reason: Solved elsewhere")
        ]
