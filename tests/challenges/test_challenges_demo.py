"""The demo data shows every state of a challenge, and its pages render."""

import pytest
from sqlmodel import select

from portal.challenges.models import Challenge, Clarification
from portal.db import db
from portal.vocabulary import ChallengeStatus, FundingMode

pytestmark = pytest.mark.slow


def test_the_demo_has_challenges_in_every_state(demo, app, client, login):
    with app.app_context():
        db.session.commit()
        from portal import clock

        now = clock.now()
        challenges = db.session.exec(select(Challenge)).all()
        states = {c.effective_status(now) for c in challenges}
        assert {
            ChallengeStatus.draft,
            ChallengeStatus.published,
            ChallengeStatus.closed,
            ChallengeStatus.cancelled,
        } <= states
        amended = [c for c in challenges if c.version == 2]
        assert len(amended) == 1
        assert any(
            c.funding_mode is FundingMode.horse_race and c.horse_race_teams == 3 for c in challenges
        )
        questions = db.session.exec(select(Clarification)).all()
        assert any(q.answered_at for q in questions) and any(not q.answered_at for q in questions)
        numbers = {c.number: c for c in challenges}

    catalogue = client.get("/challenges").get_data(as_text=True)
    assert "ArF" in catalogue and "EDA" not in catalogue
    for number, challenge in numbers.items():
        expected = 404 if challenge.published_at is None else 200
        assert client.get(f"/challenges/{number}").status_code == expected
    login("officer@example.com", "portal-demo")
    assert client.get("/officer/challenges").status_code == 200
    for challenge in numbers.values():
        assert client.get(f"/officer/challenges/{challenge.id}").status_code == 200
    assert "KrF" in client.get("/officer/questions").get_data(as_text=True)


def assert_accessible_markup(html: str, url: str) -> None:
    """No duplicate ids, every label and aria-describedby points to an element, no "None"."""
    import re
    from collections import Counter

    ids = Counter(re.findall(r'\sid="([^"]*)"', html))
    assert [k for k, n in ids.items() if n > 1] == [], url
    refs = re.findall(r'\s(?:for|aria-describedby)="([^"]*)"', html)
    assert [r for ref in refs for r in ref.split() if r not in ids] == [], url
    assert '="None"' not in html, url


def test_the_challenge_pages_have_sound_markup(demo, app, client, login):
    with app.app_context():
        db.session.commit()
        challenges = db.session.exec(select(Challenge)).all()
        amended = next(c for c in challenges if c.version == 2)
        chain_id = amended.chain_link.chain_id
    urls = [
        "/challenges",
        f"/challenges/{amended.number}",
        f"/challenges/{amended.number}/versions/1",
    ]
    for url in urls:
        assert_accessible_markup(client.get(url).get_data(as_text=True), url)
    login("alice@example.com", "portal-demo")
    assert_accessible_markup(client.get(urls[1]).get_data(as_text=True), urls[1] + " (applicant)")
    login("officer@example.com", "portal-demo")
    officer_urls = [
        "/officer/challenges",
        "/officer/challenges/new",
        f"/officer/challenges/{amended.id}",
        f"/officer/challenges/{amended.id}/amend",
        f"/officer/challenges/{amended.id}/cancel",
        "/officer/chains",
        f"/officer/chains/{chain_id}",
        "/officer/questions",
    ]
    for url in officer_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_accessible_markup(response.get_data(as_text=True), url)
    invalid = client.post("/officer/challenges/new", data={"title": "", "funding_cap": "x"})
    assert invalid.status_code == 422
    assert_accessible_markup(invalid.get_data(as_text=True), "invalid new challenge")
