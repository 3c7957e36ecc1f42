"""Twenty people at once: applicants submitting, colleagues saving the same draft, experts
scoring, an expert double-clicking; and the database layer underneath. Each person is a thread
with their own test client (so their own requests, contexts and sessions), released together by
a barrier. Nobody sees a 5xx, nothing is submitted twice, and nothing saved is silently lost, on
SQLite and on PostgreSQL."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import func, select

from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.challenges.models import Challenge
from portal.db import db, sqlite_begin
from portal.proposals.models import Proposal, SubmittedVersion
from portal.reviews import assignment as reviews
from portal.reviews.models import Assignment, Review
from portal.sequences import Sequence
from portal.vocabulary import AssignmentStatus, ProposalStatus, ReviewStatus
from tests.factories import PASSWORD
from tests.proposals.fixtures import attach, current_revision, sign_as_leader
from tests.together import PEOPLE, together

pytestmark = pytest.mark.slow


def logged_in(app: Flask, email: str):
    """A test client of its own, logged in as `email`."""
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def same_session(app: Flask, client, copies: int) -> list:
    """`copies` clients sharing `client`'s login, as tabs of one browser (one password hash)."""
    cookie = client.get_cookie("session")
    clients = []
    for _ in range(copies):
        other = app.test_client()
        other.set_cookie("session", cookie.value)
        clients.append(other)
    return clients


def statuses(responses) -> Counter:
    return Counter(r.status_code for r in responses)


# ---- proposals ----------------------------------------------------------------------------


def test_twenty_applicants_submit_their_own_proposals_at_the_same_moment(
    app, make_challenge, make_org, make_user, make_proposal
):
    challenge = make_challenge()
    proposals = []
    for i in range(PEOPLE):
        org = make_org(f"Team {i} Ltd")
        make_user(f"lead{i}@team{i}.example", org=org)
        proposal = make_proposal(lead=org, challenge=challenge, status="draft")
        attach(app, proposal.id)
        sign_as_leader(app, proposal.id, f"leader{i}@team{i}.example")
        proposals.append(proposal.id)

    responses = together(
        PEOPLE,
        lambda i: logged_in(app, f"lead{i}@team{i}.example"),
        lambda i, client: client.post(f"/proposals/{proposals[i]}/submit"),
    )

    assert statuses(responses) == {302: PEOPLE}
    with app.app_context():
        rows = db.session.exec(select(Proposal).where(Proposal.id.in_(proposals))).all()
        assert {p.status for p in rows} == {ProposalStatus.submitted}
        versions = db.session.exec(
            select(SubmittedVersion.proposal_id, SubmittedVersion.number)
        ).all()
        assert sorted(versions) == [(pid, 1) for pid in sorted(proposals)]


def test_twenty_clicks_on_submit_submit_the_proposal_once(
    app, make_challenge, make_org, make_user, make_proposal
):
    org = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=org)
    proposal = make_proposal(lead=org, challenge=make_challenge(), status="draft")
    attach(app, proposal.id)
    sign_as_leader(app, proposal.id)
    tabs = same_session(app, logged_in(app, "alice@alpha.example"), PEOPLE)

    responses = together(
        PEOPLE,
        lambda i: tabs[i],
        lambda i, client: client.post(f"/proposals/{proposal.id}/submit"),
    )

    # The first submits; a click that reaches the page after it is sent to the read-only page
    # (302), one that raced it is refused (422). Either way the proposal is submitted once.
    assert set(statuses(responses)) <= {302, 422}
    for refused in (r for r in responses if r.status_code == 422):
        assert "Only a draft or a withdrawn proposal can be submitted." in refused.get_data(
            as_text=True
        )
    with app.app_context():
        assert db.session.get(Proposal, proposal.id).status is ProposalStatus.submitted
        assert db.session.exec(select(func.count()).select_from(SubmittedVersion)).one() == 1
        submitted = db.session.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "proposal.submitted")
        ).one()
        assert submitted == 1


def test_twenty_colleagues_saving_the_same_draft_keep_one_save_and_are_told(
    app, make_challenge, make_org, make_user, make_proposal
):
    org = make_org("Alpha Tech")
    for i in range(PEOPLE):
        make_user(f"colleague{i}@alpha.example", org=org)
    proposal = make_proposal(lead=org, challenge=make_challenge(), status="draft")
    opened_at = current_revision(app, proposal.id)  # everyone opened the form at this revision

    def save(i: int, client):
        data = {"revision": opened_at, "title": f"Title by {i}", "approach": f"Route of {i}"}
        return client.post(f"/proposals/{proposal.id}/edit/general", data=data)

    responses = together(PEOPLE, lambda i: logged_in(app, f"colleague{i}@alpha.example"), save)

    assert statuses(responses) == {302: 1, 409: PEOPLE - 1}
    winner = next(i for i, r in enumerate(responses) if r.status_code == 302)
    for i, refused in enumerate(responses):
        if i != winner:
            html = refused.get_data(as_text=True)
            assert "Someone else saved this proposal while you were editing it" in html
            assert f"Route of {i}" in html  # what they typed is still in the form
    with app.app_context():
        saved = db.session.get(Proposal, proposal.id)
        assert (saved.title, saved.approach) == (f"Title by {winner}", f"Route of {winner}")
        assert saved.revision == opened_at + 1


# ---- reviews ------------------------------------------------------------------------------


@pytest.fixture
def review_round(app, closed_challenge, make_proposal, make_org, make_expert, officer):
    """A challenge in review with 20 proposals and 20 experts; expert i is assigned proposals
    i and i + 1 (so that every proposal has two reviewers). Returns (proposal ids, criteria)."""
    challenge = closed_challenge(status="reviewing")
    proposals = [
        make_proposal(lead=make_org(f"Team {i} Ltd"), challenge=challenge, status="in_review").id
        for i in range(PEOPLE)
    ]
    experts = [make_expert(f"expert{i}@review.example") for i in range(PEOPLE)]
    with app.test_request_context(method="POST"):
        by = db.session.get(User, officer.id)
        for expert in experts:
            reviews.add_panel_member(challenge, db.session.get(User, expert.id), by=by)
        for i, expert in enumerate(experts):
            for pid in (proposals[i], proposals[(i + 1) % PEOPLE]):
                reviews.assign(
                    db.session.get(Proposal, pid),
                    db.session.get(User, expert.id),
                    by=by,
                    notify_expert=False,
                )
        db.session.commit()
        criteria = [c.id for c in db.session.get(Proposal, proposals[0]).challenge.criteria]
    return proposals, criteria


def review_form(criteria: list[int], values: list[str]) -> dict:
    data = {"overall_comment": "Sound plan.", "recommendation": "fund", "submit": "1"}
    for i, (cid, value) in enumerate(zip(criteria, values, strict=True)):
        data[f"scores-{i}-criterion_id"] = str(cid)
        data[f"scores-{i}-value"] = value
        data[f"scores-{i}-comment"] = f"Comment {i}"
    return data


def test_twenty_experts_score_their_proposals_at_the_same_moment(app, review_round):
    proposals, criteria = review_round

    def score_both(i: int, client) -> list:
        return [
            client.post(
                f"/reviews/proposals/{pid}/review", data=review_form(criteria, ["8", "7", "6", "9"])
            )
            for pid in (proposals[i], proposals[(i + 1) % PEOPLE])
        ]

    results = together(PEOPLE, lambda i: logged_in(app, f"expert{i}@review.example"), score_both)

    assert statuses(r for pair in results for r in pair) == {302: 2 * PEOPLE}
    with app.app_context():
        rows = db.session.exec(select(Review)).all()
        assert len(rows) == 2 * PEOPLE
        assert len({(r.proposal_id, r.expert_id) for r in rows}) == 2 * PEOPLE
        assert {r.status for r in rows} == {ReviewStatus.submitted}
        assert {str(r.total) for r in rows} == {"75.00"}  # (8×30 + 7×30 + 6×20 + 9×20) / 10
        assert set(db.session.exec(select(Assignment.status)).all()) == {AssignmentStatus.submitted}


def test_an_expert_submitting_the_same_review_from_ten_tabs_submits_it_once(app, review_round):
    proposals, criteria = review_round
    tabs = same_session(app, logged_in(app, "expert0@review.example"), 10)
    url = f"/reviews/proposals/{proposals[0]}/review"

    responses = together(
        len(tabs),
        lambda i: tabs[i],
        lambda i, client: client.post(url, data=review_form(criteria, ["8", "7", "6", "9"])),
    )

    assert statuses(responses) == {302: 1, 422: len(tabs) - 1}
    for refused in (r for r in responses if r.status_code == 422):
        assert "This review is submitted and locked" in refused.get_data(as_text=True)
    with app.app_context():
        expert = db.session.exec(select(User).where(User.email == "expert0@review.example")).one()
        mine = db.session.exec(
            select(Review).where(Review.expert_id == expert.id, Review.proposal_id == proposals[0])
        ).all()
        assert len(mine) == 1 and mine[0].status is ReviewStatus.submitted
        assert len(mine[0].scores) == len(criteria)
        submitted = db.session.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "review.submitted", AuditEvent.object_id == mine[0].id)
        ).one()
        assert submitted == 1


# ---- the database layer -------------------------------------------------------------------


def test_twenty_transactions_that_read_then_write_the_same_row_lose_no_update(app):
    """The pattern of every guard: read a row (locked), decide, write. On SQLite a deferred
    transaction would fail with "database is locked" or overwrite another's write; the
    transaction begins IMMEDIATE there, and PostgreSQL locks the row (FOR UPDATE)."""
    with app.app_context():
        db.session.add(Sequence(key="counter", value=0))
        db.session.commit()

    def add_one(_i: int, _prepared) -> None:
        with app.app_context():
            row = db.session.exec(
                select(Sequence).where(Sequence.key == "counter").with_for_update()
            ).one()
            row.value += 1
            db.session.commit()

    together(PEOPLE, lambda i: None, add_one)

    with app.app_context():
        assert db.session.get(Sequence, "counter").value == PEOPLE


def test_a_page_is_read_while_another_transaction_holds_the_write_lock(app, client, make_challenge):
    challenge = make_challenge(title="Readable while locked")
    with db.engine.connect() as writer:  # outside a request: a transaction that may write
        writer.execute(
            sa.update(Challenge.__table__)
            .where(Challenge.__table__.c.id == challenge.id)
            .values(title="Not committed yet")
        )
        page = client.get(f"/challenges/{challenge.number}")
        writer.rollback()
    assert page.status_code == 200
    assert "Readable while locked" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path", "begin"),
    [
        ("GET", "/challenges", "BEGIN"),
        ("HEAD", "/challenges", "BEGIN"),
        ("POST", "/login", "BEGIN IMMEDIATE"),
        ("GET", "/language/zh", "BEGIN IMMEDIATE"),  # a GET that writes, marked @writes
        (None, None, "BEGIN IMMEDIATE"),  # commands, loaders, services outside a request
    ],
)
def test_sqlite_transactions_that_may_write_take_the_write_lock_first(app, method, path, begin):
    if method is None:
        with app.app_context():
            assert sqlite_begin() == begin
    else:
        with app.test_request_context(path, method=method):
            assert sqlite_begin() == begin
