"""The demo data shows every state of a challenge, and its pages render."""

from sqlmodel import select

from portal.challenges.models import Challenge, ChallengeStatus, Clarification, FundingMode
from portal.db import db
from portal.demo import load_demo


def test_the_demo_has_challenges_in_every_state(app, client, login):
    with app.app_context():
        load_demo()
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
