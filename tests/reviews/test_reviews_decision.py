"""The formal check before review, and the funding decision after it."""

from datetime import timedelta

import pytest
from sqlmodel import select

from portal import clock
from portal.awards.models import Award, AwardStatus
from portal.challenges.models import DEFAULT_CHECKLIST, Challenge, ChallengeStatus, Feedback
from portal.db import db
from portal.errors import ValidationFailed
from portal.notifications.models import Notification
from portal.proposals.models import Proposal, ProposalStatus
from portal.reviews import decision, scoring
from portal.reviews.assignment import assign
from portal.reviews.models import Decision


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


def test_the_decision_moves_each_proposal_to_its_state_and_tells_the_applicants(
    app, client, login, officer, closed_challenge, make_proposal, make_user, make_org
):
    challenge = closed_challenge(status="reviewing")
    orgs = [make_org(f"Firm {i}") for i in range(4)]
    winner, reserve, loser, rejected = (
        make_proposal(lead=o, challenge=challenge, status=s, title=f"Plan {i}")
        for i, (o, s) in enumerate(zip(orgs, ["in_review"] * 3 + ["rejected"], strict=True))
    )
    applicants = [make_user(f"a{i}@firm{i}.example", org=o) for i, o in enumerate(orgs)]
    login("officer@gov.example")
    too_many = client.post(
        f"/reviews/challenges/{challenge.id}/decide",
        data={"winners": [winner.id, reserve.id], "note": "Two?"},
    )
    assert too_many.status_code == 422
    assert "Choose at most 1 winners." in too_many.get_data(as_text=True)

    response = client.post(
        f"/reviews/challenges/{challenge.id}/decide",
        data={"winners": [winner.id], "reserve": [reserve.id], "note": "Panel consensus."},
    )
    assert response.status_code == 302
    assert status_of(app, Proposal, winner) is ProposalStatus.awarded
    assert status_of(app, Proposal, reserve) is ProposalStatus.reserve
    assert status_of(app, Proposal, loser) is ProposalStatus.not_funded
    assert status_of(app, Proposal, rejected) is ProposalStatus.rejected
    assert status_of(app, Challenge, challenge) is ChallengeStatus.decided
    with app.app_context():
        decision = db.session.exec(select(Decision)).one()
        assert (decision.winner_ids, decision.reserve_ids) == ([winner.id], [reserve.id])
        award = db.session.exec(select(Award)).one()  # the winner goes to publicity (公示)
        assert award.proposal_id == winner.id and award.status is AwardStatus.in_publicity
    assert "Plan 0" in client.get("/publicity").get_data(as_text=True)
    assert any("has been selected" in t for t in titles_for(app, applicants[0]))
    assert any("reserve list" in t for t in titles_for(app, applicants[1]))
    assert any("not selected" in t for t in titles_for(app, applicants[2]))
    assert titles_for(app, applicants[3]) == []


def test_a_horse_race_may_pick_several_winners(ctx, officer, closed_challenge, make_proposal):
    challenge = closed_challenge(status="reviewing", funding_mode="horse_race", horse_race_teams=2)
    a, b, c = (
        make_proposal(lead=f"Team {i}", challenge=challenge, status="in_review") for i in range(3)
    )
    challenge = db.session.get(Challenge, challenge.id)
    with pytest.raises(ValidationFailed):
        decision.decide(challenge, winners=[a, b, c], reserve=[], note="All?", by=officer)
    decision.decide(challenge, winners=[a, b], reserve=[], note="Two teams race.", by=officer)
    assert [p.status for p in (a, b, c)] == [
        ProposalStatus.awarded,
        ProposalStatus.awarded,
        ProposalStatus.not_funded,
    ]


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
    challenge = closed_challenge(feedback=Feedback.comments)
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
