"""Panels and assignment: automatic assignment balances loads, prefers expertise, never crosses
a conflict and reports what it could not do; recusal and reassignment."""

from collections import Counter

from sqlmodel import select

from portal.db import db
from portal.notifications.models import Notification
from portal.reviews.assignment import auto_assign
from portal.reviews.models import Assignment
from portal.vocabulary import AssignmentStatus, ChallengeStatus


def test_every_proposal_gets_its_reviewers_and_loads_differ_by_at_most_one(
    ctx, closed_challenge, make_proposal, make_expert, officer, add_to_panel
):
    challenge = closed_challenge(reviewers_per_proposal=3)
    proposals = [
        make_proposal(lead=f"Firm {i}", challenge=challenge, status="in_review") for i in range(7)
    ]
    experts = [make_expert(f"e{i}@x.example") for i in range(5)]
    add_to_panel(challenge, *experts)

    report = auto_assign(challenge, by=officer)

    assert report.shortfalls == []
    rows = db.session.exec(select(Assignment).where(Assignment.challenge_id == challenge.id)).all()
    per_proposal = Counter(a.proposal_id for a in rows)
    assert all(per_proposal[p.id] == 3 for p in proposals)
    assert len({(a.proposal_id, a.expert_id) for a in rows}) == len(rows) == 21
    loads = Counter(a.expert_id for a in rows)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert challenge.status is ChallengeStatus.reviewing
    told = db.session.exec(select(Notification).where(Notification.user_id == experts[0].id)).all()
    assert told and "await your review" in told[0].title


def test_conflicts_are_never_broken_and_the_shortfall_is_reported(
    ctx, closed_challenge, make_proposal, make_org, make_expert, officer, add_to_panel
):
    alpha = make_org("Alpha Tech")
    challenge = closed_challenge(reviewers_per_proposal=2)
    conflicted = make_proposal(lead=alpha, challenge=challenge, status="in_review")
    other = make_proposal(lead="Beta Ltd", challenge=challenge, status="in_review")
    insider = make_expert("insider@alpha.example", affiliation_org=alpha)
    outsider = make_expert("outsider@x.example")
    add_to_panel(challenge, insider, outsider)

    report = auto_assign(challenge, by=officer)

    pairs = {(a.proposal_id, a.expert_id) for a in report.made}
    assert (conflicted.id, insider.id) not in pairs
    assert pairs == {(conflicted.id, outsider.id), (other.id, outsider.id), (other.id, insider.id)}
    assert [(p.id, have, want) for p, have, want in report.shortfalls] == [(conflicted.id, 1, 2)]


def test_matching_expertise_is_preferred_when_loads_are_equal(
    ctx, closed_challenge, make_proposal, make_expert, officer, add_to_panel
):
    challenge = closed_challenge(reviewers_per_proposal=1, chain="集成电路")
    proposal = make_proposal(challenge=challenge, status="in_review")
    generalist = make_expert("a@x.example", expertise="agriculture")
    specialist = make_expert("b@x.example", expertise="集成电路, lithography")
    add_to_panel(challenge, generalist, specialist)

    report = auto_assign(challenge, by=officer)

    assert [(a.proposal_id, a.expert_id) for a in report.made] == [(proposal.id, specialist.id)]


def test_an_expert_recuses_and_the_officer_reassigns(
    app, client, login, closed_challenge, make_proposal, make_expert, officer, add_to_panel
):
    challenge = closed_challenge(reviewers_per_proposal=1)
    proposal = make_proposal(challenge=challenge, status="in_review")
    first = make_expert("first@x.example")
    second = make_expert("second@x.example", name="Second Expert")
    add_to_panel(challenge, first, second)
    login("officer@gov.example")
    assert (
        client.post(
            f"/reviews/proposals/{proposal.id}/assign", data={"expert": first.id}
        ).status_code
        == 302
    )

    login("first@x.example")
    empty = client.post(f"/reviews/proposals/{proposal.id}/recuse", data={"reason": ""})
    assert empty.status_code == 422
    response = client.post(
        f"/reviews/proposals/{proposal.id}/recuse", data={"reason": "I co-authored with them."}
    )
    assert response.status_code == 302
    assert client.get(f"/reviews/proposals/{proposal.id}").status_code == 404

    login("officer@gov.example")
    with app.app_context():
        note = db.session.exec(
            select(Notification).where(Notification.user_id == officer.id)
        ).first()
        assert note is not None and "recused" in note.title
    page = client.get(f"/reviews/proposals/{proposal.id}/assign").get_data(as_text=True)
    assert "I co-authored with them." in page and "Second Expert" in page
    assert (
        client.post(
            f"/reviews/proposals/{proposal.id}/assign", data={"expert": second.id}
        ).status_code
        == 302
    )
    with app.app_context():
        statuses = {
            a.expert_id: a.status
            for a in db.session.exec(
                select(Assignment).where(Assignment.proposal_id == proposal.id)
            )
        }
    assert statuses == {first.id: AssignmentStatus.recused, second.id: AssignmentStatus.assigned}
