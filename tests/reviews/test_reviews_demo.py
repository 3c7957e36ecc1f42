"""The demo shows review in every state, and its pages open."""

import pytest
from sqlmodel import select

from portal.db import db
from portal.proposals.models import Proposal
from portal.reviews.models import Assignment, AvoidanceRequest, Review
from portal.reviews.queries import detected_conflicts

pytestmark = pytest.mark.slow


def test_the_demo_has_review_in_every_state_and_its_pages_open(demo, app, client):
    with app.test_request_context():
        base = demo.objects()
        db.session.commit()
        challenges = base["review_challenges"]
        ids = {k: c.id for k, c in challenges.items()}
        assert {c.status.value for c in challenges.values()} == {"reviewing", "decided"}
        proposal_states = {p.status.value for p in db.session.exec(select(Proposal))}
        assert proposal_states >= {
            "submitted",
            "rejected",
            "in_review",
            "awarded",
            "reserve",
            "not_funded",
        }
        assert {a.status.value for a in db.session.exec(select(Assignment))} == {
            "assigned",
            "recused",
            "submitted",
        }
        assert {r.status.value for r in db.session.exec(select(Review))} == {"draft", "submitted"}
        assert {r.status.value for r in db.session.exec(select(AvoidanceRequest))} == {
            "pending",
            "refused",
        }
        in_review = list(
            db.session.exec(select(Proposal).where(Proposal.challenge_id == ids["reviewing"]))
        )
        expert2 = base["users"]["expert2"]
        assert detected_conflicts([expert2.id], [p.id for p in in_review])  # detected

    client.post("/login", data={"email": "officer@example.com", "password": "portal-demo"})
    for url in (
        "/reviews/challenges",
        f"/reviews/challenges/{ids['reviewing']}",
        f"/reviews/challenges/{ids['reviewing']}/ranking",
        f"/reviews/challenges/{ids['decided']}/ranking",
    ):
        assert client.get(url).status_code == 200, url
    client.post("/logout")
    client.post("/login", data={"email": "expert1@example.com", "password": "portal-demo"})
    assert "Proposal #" in client.get("/reviews/mine").get_data(as_text=True)
