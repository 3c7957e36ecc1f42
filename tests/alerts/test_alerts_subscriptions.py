"""Alerts: a person who follows a chain or a link hears of each challenge published there, and an
applicant drafting for a challenge may hear of each answered question on it."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from portal import clock
from portal.accounts.models import User
from portal.challenges import clarifications
from portal.challenges.models import Clarification
from portal.db import db
from tests.challenges.fixtures import publish_challenge


def test_a_follower_of_a_chain_gets_a_new_challenges_alert(
    app, client, make_chain, make_user, make_expert, login, inbox
):
    link = make_chain("集成电路", stage="upstream")
    other_link = make_chain("集成电路", stage="downstream")
    elsewhere = make_chain("新能源汽车", stage="midstream")
    officer = make_user("officer@gov.example", role="officer")
    alice = make_user("alice@alpha.example")
    expert = make_expert("expert@univ.example")
    bystander = make_user("bob@beta.example")
    downstream_only = make_user("dora@delta.example")

    login("alice@alpha.example")
    page = client.get("/alerts").get_data(as_text=True)
    assert f'value="chain-{link.chain_id}"' in page and f'value="link-{link.id}"' in page
    assert (
        client.post("/alerts/follow", data={"target": f"chain-{link.chain_id}"}).status_code == 302
    )
    assert "集成电路" in client.get("/alerts").get_data(as_text=True)
    login("expert@univ.example")
    assert client.post("/alerts/follow", data={"target": f"link-{link.id}"}).status_code == 302
    login("dora@delta.example")
    assert (
        client.post("/alerts/follow", data={"target": f"link-{other_link.id}"}).status_code == 302
    )

    _id, number = publish_challenge(app, officer.id, link.id, clock.now() + timedelta(days=30))
    publish_challenge(app, officer.id, elsewhere.id, clock.now() + timedelta(days=30))

    for follower in (alice, expert):
        (note,) = inbox(follower, "challenge_published")
        assert number in note.title and "集成电路" in note.title
        assert note.link == f"/challenges/{number}"
    assert inbox(bystander) == []
    assert inbox(downstream_only) == []


def test_following_twice_is_refused_at_the_field(client, make_chain, make_user, login):
    link = make_chain()
    make_user("alice@alpha.example")
    login("alice@alpha.example")
    client.post("/alerts/follow", data={"target": f"link-{link.id}"})
    again = client.post("/alerts/follow", data={"target": f"link-{link.id}"})
    assert again.status_code == 422
    assert "You follow this already." in again.get_data(as_text=True)
    nothing = client.post("/alerts/follow", data={"target": ""})
    assert nothing.status_code == 422


def test_a_follower_stops_following_and_nobody_else_can_stop_it(
    app, client, make_chain, make_user, login
):
    link = make_chain()
    make_user("alice@alpha.example")
    make_user("bob@beta.example")
    login("alice@alpha.example")
    client.post("/alerts/follow", data={"target": f"link-{link.id}"})
    with app.app_context():
        from portal.alerts.models import Subscription

        (subscription_id,) = db.session.exec(select(Subscription.id)).all()
    login("bob@beta.example")
    assert client.post(f"/alerts/subscriptions/{subscription_id}/remove").status_code == 404
    login("alice@alpha.example")
    assert client.post(f"/alerts/subscriptions/{subscription_id}/remove").status_code == 302
    assert "You follow no chain yet." in client.get("/alerts").get_data(as_text=True)


def test_officers_follow_nothing_and_strangers_are_sent_to_log_in(
    client, make_chain, make_user, login
):
    link = make_chain()
    assert client.get("/alerts").status_code == 302
    make_user("officer@gov.example", role="officer")
    login("officer@gov.example")
    page = client.get("/alerts")
    assert page.status_code == 200 and "/alerts/follow" not in page.get_data(as_text=True)
    refused = client.post("/alerts/follow", data={"target": f"link-{link.id}"})
    assert refused.status_code == 403


def test_an_applicant_drafting_hears_of_each_answered_question_when_they_asked_to(
    app, client, make_challenge, make_proposal, make_user, lead_org, login, inbox
):
    challenge = make_challenge()
    alpha = lead_org(make_proposal(challenge=challenge, status="draft"))
    beta = lead_org(make_proposal(lead="Beta Labs", challenge=challenge, status="draft"))
    alice = make_user("alice@alpha.example", org=alpha)
    bob = make_user("bob@beta.example", org=beta)  # drafting, but did not ask to hear
    asker = make_user("carol@gamma.example")
    officer = make_user("officer@gov.example", role="officer")

    login("alice@alpha.example")
    assert "/alerts/answered-questions" in client.get("/alerts").get_data(as_text=True)
    saved = client.post("/alerts/answered-questions", data={"answered_questions": "y"})
    assert saved.status_code == 302
    assert "checked" in client.get("/alerts").get_data(as_text=True)

    with app.app_context():
        question = clarifications.ask(
            challenge, "May a university lead?", by=db.session.get(User, asker.id)
        )
        db.session.commit()
        clarifications.answer(
            db.session.get(Clarification, question.id),
            "Yes.",
            by=db.session.get(User, officer.id),
        )
        db.session.commit()

    (note,) = inbox(alice, "clarification_published")
    assert challenge.number in note.title
    assert "May a university lead?" in note.body and "Yes." in note.body
    assert inbox(bob, "clarification_published") == []
    assert inbox(asker, "clarification_published") == []  # told as the asker instead
