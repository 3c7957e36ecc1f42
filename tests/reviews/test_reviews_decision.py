"""The formal check before review, and what applicants read after the decision (the decision
itself: tests/awards/test_awards_decision.py)."""

from datetime import timedelta

from sqlmodel import select

from portal import clock
from portal.awards import decision
from portal.challenges.models import DEFAULT_CHECKLIST, Challenge
from portal.db import db
from portal.notifications.models import Notification
from portal.proposals.models import Proposal
from portal.reviews import scoring
from portal.reviews.assignment import assign
from portal.vocabulary import ChallengeStatus, Feedback, ProposalStatus


def status_of(app, model, obj):
    with app.app_context():
        return db.session.get(model, obj.id).status


def titles_for(app, user):
    with app.app_context():
        return [
            n.title
            for n in db.session.exec(select(Notification).where(Notification.user_id == user.id))
        ]


def test_the_formal_check_passes_or_rejects_with_a_reason_and_tells_the_applicant(
    app, client, login, officer, closed_challenge, make_proposal, make_user, make_org
):
    challenge = closed_challenge()
    alpha, beta = make_org("Alpha Tech"), make_org("Beta Ltd")
    good = make_proposal(lead=alpha, challenge=challenge, title="Good plan")
    bad = make_proposal(lead=beta, challenge=challenge, title="Bad plan")
    alice = make_user("alice@alpha.example", org=alpha)
    bob = make_user("bob@beta.example", org=beta)
    login("officer@gov.example")

    passing = {"items": DEFAULT_CHECKLIST, "passes": "1"}
    assert client.post(f"/reviews/proposals/{good.id}/check", data=passing).status_code == 302
    assert status_of(app, Proposal, good) is ProposalStatus.in_review
    empty = client.post(f"/reviews/proposals/{bad.id}/check", data={"reason": "", "reject": "1"})
    assert empty.status_code == 422
    response = client.post(
        f"/reviews/proposals/{bad.id}/check",
        data={"reason": "The pledge is unsigned.", "reject": "1"},
    )
    assert response.status_code == 302
    assert status_of(app, Proposal, bad) is ProposalStatus.rejected
    assert any("passed the formal check" in t for t in titles_for(app, alice))
    assert any("did not pass" in t for t in titles_for(app, bob))
    with app.app_context():
        note = db.session.exec(select(Notification).where(Notification.user_id == bob.id)).one()
        assert "The pledge is unsigned." in note.body

    assert client.post(f"/reviews/challenges/{challenge.id}/start").status_code == 302
    assert status_of(app, Challenge, challenge) is ChallengeStatus.reviewing


def test_the_formal_check_waits_for_the_deadline(
    app, client, login, officer, make_challenge, make_proposal
):
    challenge = make_challenge(deadline=clock.now() + timedelta(days=3))
    proposal = make_proposal(challenge=challenge)
    login("officer@gov.example")
    desk = client.get(f"/reviews/challenges/{challenge.id}").get_data(as_text=True)
    assert f"/reviews/proposals/{proposal.id}/check" not in desk  # no button before the deadline
    response = client.post(
        f"/reviews/proposals/{proposal.id}/check",
        data={"items": DEFAULT_CHECKLIST, "passes": "1"},
    )
    assert "starts when the challenge has closed" in response.get_data(as_text=True)
    assert status_of(app, Proposal, proposal) is ProposalStatus.submitted


def test_applicants_read_anonymised_comments_after_the_decision(
    app,
    client,
    login,
    officer,
    closed_challenge,
    make_proposal,
    make_user,
    make_org,
    make_expert,
    add_to_panel,
):
    alpha = make_org("Alpha Tech")
    challenge = closed_challenge(feedback=Feedback.comments, reviewers_per_proposal=1)
    proposal = make_proposal(lead=alpha, challenge=challenge, status="in_review")
    make_user("alice@alpha.example", org=alpha)
    expert = make_expert("reviewer@x.example", name="Professor Hidden")
    add_to_panel(challenge, expert)
    with app.test_request_context():
        p = db.session.get(Proposal, proposal.id)
        assignment = assign(p, db.session.get(type(expert), expert.id), by=officer)
        scoring.save_review(
            assignment,
            by=db.session.get(type(expert), expert.id),
            scores=[
                scoring.ScoreInput(c.id, "8", "Strong resin data.") for c in p.challenge.criteria
            ],
            overall_comment="Fund it.",
            recommendation="fund",
            submit=True,
        )
        db.session.commit()
    login("alice@alpha.example")
    before = client.get(f"/reviews/proposals/{proposal.id}/feedback").get_data(as_text=True)
    assert "Strong resin data." not in before and "not been made yet" in before
    with app.test_request_context():
        decision.decide(
            db.session.get(Challenge, challenge.id),
            winners=[db.session.get(Proposal, proposal.id)],
            reserve=[],
            note="Clear winner.",
            by=officer,
        )
        db.session.commit()
    after = client.get(f"/reviews/proposals/{proposal.id}/feedback").get_data(as_text=True)
    assert "Strong resin data." in after and "Fund it." in after and "Reviewer 1" in after
    assert "Professor Hidden" not in after and "reviewer@x.example" not in after
