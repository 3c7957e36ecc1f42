"""Scoring: every criterion 0–10 in half points, a weighted total on 100, drafts, a locked
submission that only an officer may reopen, and clear refusals that lose nothing typed."""

import pytest
from sqlmodel import select

from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.db import db
from portal.errors import NotAllowed
from portal.proposals.models import Proposal
from portal.reviews import scoring
from portal.reviews.assignment import assign
from portal.reviews.models import Assignment, Review
from portal.vocabulary import ReviewStatus


@pytest.fixture
def assigned(app, closed_challenge, make_proposal, make_expert, officer, add_to_panel):
    """A proposal assigned to expert@x.example on a rubric weighted 30/30/20/20."""
    challenge = closed_challenge()
    proposal = make_proposal(challenge=challenge, status="in_review")
    expert = make_expert("expert@x.example")
    add_to_panel(challenge, expert)
    with app.test_request_context():
        assign(
            db.session.get(Proposal, proposal.id),
            db.session.get(User, expert.id),
            by=db.session.get(User, officer.id),
        )
        db.session.commit()
        criteria = [c.id for c in db.session.get(Proposal, proposal.id).challenge.criteria]
    return proposal, expert, criteria


def form(criteria, values, comments=None, submit=True, recommendation="fund"):
    data = {"overall_comment": "Sound plan.", "recommendation": recommendation}
    for i, (cid, value) in enumerate(zip(criteria, values, strict=True)):
        data[f"scores-{i}-criterion_id"] = str(cid)
        data[f"scores-{i}-value"] = value
        data[f"scores-{i}-comment"] = (comments or {}).get(i, f"Comment {i}")
    data["submit" if submit else "save"] = "1"
    return data


def stored_review(app, proposal_id):
    with app.app_context():
        return db.session.exec(select(Review).where(Review.proposal_id == proposal_id)).first()


def test_a_complete_review_is_submitted_with_its_weighted_total(app, client, login, assigned):
    proposal, _expert, criteria = assigned
    login("expert@x.example")
    url = f"/reviews/proposals/{proposal.id}/review"
    assert client.get(url).status_code == 200
    response = client.post(url, data=form(criteria, ["8", "7.5", "6", "9"]))
    assert response.status_code == 302
    review = stored_review(app, proposal.id)
    # (8×30 + 7.5×30 + 6×20 + 9×20) / 10
    assert str(review.total) == "76.50"
    assert review.status is ReviewStatus.submitted
    assert review.recommendation.value == "fund"
    with app.app_context():
        assert db.session.get(Assignment, review.assignment_id).status.value == "submitted"


def test_bad_scores_are_refused_with_clear_messages_and_nothing_typed_is_lost(
    app, client, login, assigned
):
    proposal, _expert, criteria = assigned
    login("expert@x.example")
    response = client.post(
        f"/reviews/proposals/{proposal.id}/review",
        data=form(criteria, ["11", "7.3", "", "abc"], comments={0: "Kept comment"}),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "A score must be from 0 to 10." in html
    assert "Use whole or half points, such as 7 or 7.5." in html
    assert "Score this criterion before submitting." in html
    assert "Enter a number from 0 to 10." in html
    assert 'id="scores-0-value-error"' in html and 'id="scores-2-value-error"' in html  # by the row
    assert 'value="11"' in html and 'value="7.3"' in html and "Kept comment" in html
    negative = client.post(
        f"/reviews/proposals/{proposal.id}/review", data=form(criteria, ["-1", "5", "5", "5"])
    )
    assert negative.status_code == 422
    assert "A score must be from 0 to 10." in negative.get_data(as_text=True)
    assert stored_review(app, proposal.id) is None


def test_a_missing_criterion_or_recommendation_is_refused_on_submit(app, client, login, assigned):
    proposal, _expert, criteria = assigned
    login("expert@x.example")
    data = form(criteria[:3], ["5", "5", "5"], recommendation="")
    response = client.post(f"/reviews/proposals/{proposal.id}/review", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Score every criterion of the rubric before submitting." in html
    assert "Choose a recommendation before submitting." in html
    # As a draft, the same is kept without a total.
    draft = form(criteria[:3], ["5", "5", "5"], submit=False, recommendation="")
    assert client.post(f"/reviews/proposals/{proposal.id}/review", data=draft).status_code == 302
    review = stored_review(app, proposal.id)
    assert review.status is ReviewStatus.draft and review.total is None


def test_a_review_for_a_proposal_not_assigned_to_you_is_refused(
    app, client, login, assigned, make_expert
):
    proposal, _expert, criteria = assigned
    intruder = make_expert("intruder@x.example")
    login("intruder@x.example")
    url = f"/reviews/proposals/{proposal.id}/review"
    assert client.get(url).status_code == 404
    assert client.post(url, data=form(criteria, ["5", "5", "5", "5"])).status_code == 404
    with app.test_request_context():
        assignment = db.session.exec(
            select(Assignment).where(Assignment.proposal_id == proposal.id)
        ).one()
        with pytest.raises(NotAllowed, match="not assigned to you"):
            scoring.save_review(
                assignment,
                by=db.session.get(User, intruder.id),
                scores=[],
                overall_comment="",
                recommendation=None,
                submit=False,
            )
    assert stored_review(app, proposal.id) is None


def test_a_submitted_review_cannot_be_changed_by_its_expert_until_an_officer_reopens_it(
    app, client, login, assigned
):
    proposal, _expert, criteria = assigned
    url = f"/reviews/proposals/{proposal.id}/review"
    login("expert@x.example")
    client.post(url, data=form(criteria, ["8", "8", "8", "8"]))
    changed = client.post(url, data=form(criteria, ["2", "2", "2", "2"]))
    assert changed.status_code == 422
    assert "submitted and locked" in changed.get_data(as_text=True)
    assert str(stored_review(app, proposal.id).total) == "80.00"
    assert "is locked" in client.get(url).get_data(as_text=True)

    review_id = stored_review(app, proposal.id).id
    login("officer@gov.example")
    assert (
        client.post(f"/reviews/reviews/{review_id}/reopen", data={"reason": ""}).status_code == 422
    )
    reopened = client.post(
        f"/reviews/reviews/{review_id}/reopen", data={"reason": "Criterion 2 was misread."}
    )
    assert reopened.status_code == 302
    with app.app_context():
        event = db.session.exec(
            select(AuditEvent).where(AuditEvent.action == "review.reopened").order_by(AuditEvent.id)
        ).one()
        assert event.after["reopen_reason"] == "Criterion 2 was misread."

    login("expert@x.example")
    assert client.post(url, data=form(criteria, ["6", "6", "6", "6"])).status_code == 302
    assert str(stored_review(app, proposal.id).total) == "60.00"
