"""What an expert may see is one SQL query: assigned, not recused, and no conflict by any rule.

An expert in conflict by any rule gets 404 on every page of the proposal and finds it in none
of their lists or exports, even while their assignment still stands (each conflict here is
written straight into the database, so that nothing recuses the assignment: the query alone
hides the proposal). The queries of the expert's list and of the officers' desk do not grow
with the number of rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from sqlmodel import select

from portal import clock
from portal.accounts.models import Organisation, User
from portal.db import db
from portal.proposals.models import Proposal
from portal.reviews import scoring
from portal.reviews.assignment import assign
from portal.reviews.models import Assignment, AvoidanceRequest, ConflictDeclaration
from portal.vocabulary import AssignmentStatus, AvoidanceStatus
from tests.factories import committing


@dataclass
class Scene:
    """An expert who reviewed two proposals of one challenge: `conflicted`, which the case puts
    in conflict with them, and `other`, which stays theirs."""

    challenge_id: int
    conflicted: Proposal
    other: Proposal
    expert: User
    lead: Organisation  # of `conflicted`
    member: Organisation  # of `conflicted`: 深芯微电子有限公司, short name 深芯微电子
    rival: Organisation  # in no consortium


def _declare(scene: Scene, **target) -> None:
    db.session.add(
        ConflictDeclaration(
            expert_id=scene.expert.id, reason="Written here.", declared_at=clock.now(), **target
        )
    )


def _avoid(scene: Scene, **target) -> None:
    now = clock.now()
    db.session.add(
        AvoidanceRequest(
            proposal_id=scene.conflicted.id,
            reason="Written here.",
            status=AvoidanceStatus.accepted,
            requested_at=now,
            decided_at=now,
            **target,
        )
    )


def _expert(scene: Scene) -> User:
    return db.session.get(User, scene.expert.id)


def _proposal(scene: Scene) -> Proposal:
    return db.session.get(Proposal, scene.conflicted.id)


CASES = {
    "works at a member (linked)": lambda s: setattr(_expert(s), "affiliation_org_id", s.member.id),
    "typed a member's short name": lambda s: setattr(_expert(s), "affiliation", "深芯微电子"),
    "typed the lead's name with a legal form": lambda s: setattr(
        _expert(s), "affiliation", "ALPHA TECH Co., Ltd."
    ),
    "is the team leader's account": lambda s: setattr(_proposal(s), "leader_user_id", s.expert.id),
    "has the team leader's e-mail": lambda s: setattr(
        _proposal(s), "leader_email", f" {s.expert.email.upper()} "
    ),
    "has the team leader's name": lambda s: setattr(
        _proposal(s), "leader_name", s.expert.name.lower()
    ),
    "declared the proposal": lambda s: _declare(s, proposal_id=s.conflicted.id),
    "declared the lead organisation": lambda s: _declare(
        s, organisation_id=s.lead.id, credit_code=s.lead.credit_code
    ),
    "declared a member's code before it registered": lambda s: _declare(
        s, credit_code=s.member.credit_code
    ),
    "was avoided by account": lambda s: _avoid(s, expert_id=s.expert.id),
    "was avoided by e-mail before registering": lambda s: _avoid(s, expert_email=s.expert.email),
    "works at an avoided organisation": lambda s: (
        setattr(_expert(s), "affiliation_org_id", s.rival.id),
        _avoid(s, organisation_id=s.rival.id, credit_code=s.rival.credit_code),
    ),
    "typed the name of an organisation avoided by its code": lambda s: (
        setattr(_expert(s), "affiliation", "Rival Labs"),
        _avoid(s, credit_code=s.rival.credit_code),
    ),
}


@pytest.fixture
def scene(app, closed_challenge, make_proposal, make_org, make_expert, officer, add_to_panel):
    lead = make_org("Alpha Tech")
    member = make_org("深芯微电子有限公司", short_name="深芯微电子")
    rival = make_org("Rival Labs")
    challenge = closed_challenge()
    conflicted = make_proposal(
        lead=lead, members=(member,), challenge=challenge, status="in_review", title="Resin"
    )
    other = make_proposal(lead="Other Ltd", challenge=challenge, status="in_review", title="Mask")
    expert = make_expert("zhou@x.example", name="Expert Zhou")
    add_to_panel(challenge, expert)
    with app.test_request_context():
        by = db.session.get(User, officer.id)
        reviewer = db.session.get(User, expert.id)
        for proposal in (conflicted, other):
            scoring.save_review(
                assign(db.session.get(Proposal, proposal.id), reviewer, by=by),
                by=reviewer,
                scores=[
                    scoring.ScoreInput(c.id, "7", f"Comment on {proposal.title}")
                    for c in challenge.criteria
                ],
                overall_comment="Reviewed.",
                recommendation="fund",
                submit=True,
            )
        db.session.commit()
    return Scene(challenge.id, conflicted, other, expert, lead, member, rival)


def exported_proposals(client, scene: Scene) -> set[str]:
    response = client.get(f"/reviews/mine/{scene.challenge_id}.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    return {row[0] for row in rows[1:]}


@pytest.mark.parametrize("case", list(CASES))
def test_an_expert_in_conflict_by_any_rule_gets_404_and_finds_it_in_no_list(
    app, client, login, scene, case
):
    conflicted, other = scene.conflicted.id, scene.other.id
    login("zhou@x.example")
    assert exported_proposals(client, scene) == {str(conflicted), str(other)}

    with committing(app):
        CASES[case](scene)

    for page in ("", "/review", "/recuse", "/attachments/1"):
        assert client.get(f"/reviews/proposals/{conflicted}{page}").status_code == 404, page
    assert client.post(f"/reviews/proposals/{conflicted}/review", data={}).status_code == 404
    assert client.get(f"/reviews/proposals/{other}").status_code == 200
    mine = client.get("/reviews/mine").get_data(as_text=True)
    assert f"/reviews/proposals/{other}" in mine
    assert f"/reviews/proposals/{conflicted}" not in mine
    offered = client.get("/reviews/conflicts").get_data(as_text=True)  # the proposals to name
    assert f'<option value="{other}">' in offered
    assert f'<option value="{conflicted}">' not in offered
    assert exported_proposals(client, scene) == {str(other)}
    with app.app_context():
        standing = db.session.exec(
            select(Assignment.status).where(Assignment.proposal_id == conflicted)
        ).one()
    assert standing is AssignmentStatus.submitted  # nothing recused it: the query hides it


def test_an_expert_whose_only_assignment_is_in_conflict_cannot_export_that_challenge(
    app, client, login, scene
):
    with committing(app):
        CASES["declared the proposal"](scene)
        CASES["declared the lead organisation"](scene)
        db.session.add(
            ConflictDeclaration(
                expert_id=scene.expert.id,
                proposal_id=scene.other.id,
                reason="Both.",
                declared_at=clock.now(),
            )
        )
    login("zhou@x.example")
    assert client.get(f"/reviews/mine/{scene.challenge_id}.csv").status_code == 404
    assert client.get(f"/reviews/mine/{scene.challenge_id}.xlsx").status_code == 404


def test_the_officer_still_reads_a_proposal_that_an_expert_is_in_conflict_with(
    app, client, login, scene
):
    with committing(app):
        CASES["declared the proposal"](scene)
    login("officer@gov.example")
    assert client.get(f"/reviews/proposals/{scene.conflicted.id}").status_code == 200


def expert_with_reviews(app, closed_challenge, bulk_proposals, write_reviews, make_expert, n):
    """An expert with `n` submitted reviews of one challenge, in conflict with every third
    proposal by their own declaration."""
    expert = make_expert(f"expert{n}@x.example")
    challenge = closed_challenge(title=f"Challenge of {n}", status="reviewing")
    ids = bulk_proposals(challenge, n, prefix=f"P{n}")
    write_reviews(challenge, {pid: {expert.id: 70} for pid in ids})
    with committing(app):
        for pid in ids[::3]:
            db.session.add(
                ConflictDeclaration(
                    expert_id=expert.id, proposal_id=pid, reason="Mine.", declared_at=clock.now()
                )
            )
    return expert, ids


def test_the_experts_list_runs_as_many_queries_for_45_reviews_as_for_6(
    app, client, login, closed_challenge, bulk_proposals, write_reviews, make_expert, count_queries
):
    counts = {}
    for n in (6, 45):
        expert, ids = expert_with_reviews(
            app, closed_challenge, bulk_proposals, write_reviews, make_expert, n
        )
        login(expert.email)
        with count_queries() as counted:
            page = client.get("/reviews/mine").get_data(as_text=True)
        assert f"/reviews/proposals/{ids[-1]}" in page  # the latest first
        assert f"/reviews/proposals/{ids[-3]}" not in page  # in conflict
        counts[n] = len(counted)
    assert counts[6] == counts[45]


def test_the_review_desk_runs_as_many_queries_for_18_proposals_as_for_3(
    client,
    login,
    officer,
    closed_challenge,
    bulk_proposals,
    make_expert,
    add_to_panel,
    count_queries,
):
    panel = [make_expert(f"panel{i}@x.example") for i in range(4)]
    counts = {}
    for n in (3, 18):
        challenge = closed_challenge(title=f"Challenge of {n}", status="reviewing")
        bulk_proposals(challenge, n, prefix=f"D{n}")
        add_to_panel(challenge, *panel)
        login("officer@gov.example")
        with count_queries() as counted:
            response = client.get(f"/reviews/challenges/{challenge.id}")
        assert response.status_code == 200
        counts[n] = len(counted)
    assert counts[3] == counts[18]
