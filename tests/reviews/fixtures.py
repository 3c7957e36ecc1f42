"""Fixtures for the review tests: experts, a challenge in review with eligible proposals and a
panel, and reviews written straight into the database (for statistics and speed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from portal import clock
from portal.challenges.models import Challenge
from portal.db import db
from portal.proposals.models import Proposal
from portal.reviews.models import Assignment, PanelMember, Review
from portal.vocabulary import (
    AssignmentStatus,
    ChallengeStatus,
    ProposalStatus,
    Recommendation,
    ReviewStatus,
)
from tests.factories import committing


@pytest.fixture
def make_expert(make_user) -> Callable:
    def make(email: str, affiliation_org=None, expertise: str = "", name: str | None = None):
        return make_user(
            email,
            role="expert",
            name=name,
            affiliation=affiliation_org.name if affiliation_org else "Independent",
            affiliation_org_id=affiliation_org.id if affiliation_org else None,
            expertise=expertise,
        )

    return make


@pytest.fixture
def officer(make_user):
    return make_user("officer@gov.example", role="officer", name="Officer Wang")


@pytest.fixture
def closed_challenge(make_challenge) -> Callable:
    """A challenge whose deadline has passed (closed, ready for the formal check)."""

    def make(**fields) -> Challenge:
        fields.setdefault("status", "closed")
        fields.setdefault("deadline", clock.now() - timedelta(days=1))
        return make_challenge(**fields)

    return make


@pytest.fixture
def add_to_panel(app) -> Callable:
    def add(challenge: Challenge, *experts) -> None:
        with committing(app):
            for expert in experts:
                db.session.add(
                    PanelMember(
                        challenge_id=challenge.id, expert_id=expert.id, added_at=clock.now()
                    )
                )

    return add


@pytest.fixture
def assign_expert(app, officer, make_expert) -> Callable:
    """An expert (made from the address) on the panel of the proposal's challenge and
    assigned to the proposal by the officer; returns the expert."""

    def make(proposal: Proposal, email: str, name: str | None = None):
        from portal.reviews.assignment import assign

        expert = make_expert(email, name=name)
        with app.test_request_context():
            db.session.add(
                PanelMember(
                    challenge_id=proposal.challenge_id, expert_id=expert.id, added_at=clock.now()
                )
            )
            assign(
                db.session.get(Proposal, proposal.id),
                db.session.get(type(expert), expert.id),
                by=db.session.get(type(officer), officer.id),
            )
            db.session.commit()
        return expert

    return make


@pytest.fixture
def set_status(app) -> Callable:
    def set_(obj, status: str) -> None:
        with committing(app):
            row = db.session.get(type(obj), obj.id)
            row.status = (
                ChallengeStatus(status) if isinstance(row, Challenge) else ProposalStatus(status)
            )

    return set_


@pytest.fixture
def write_reviews(app) -> Callable:
    """Submitted reviews with the given totals: {proposal: {expert: total}}; bulk inserts."""

    def write(challenge: Challenge, totals: dict) -> None:
        from sqlalchemy import insert

        now = clock.now()
        with committing(app):
            pairs = [(p, e, t) for p, by in totals.items() for e, t in by.items()]
            db.session.execute(
                insert(Assignment),
                [
                    {
                        "challenge_id": challenge.id,
                        "proposal_id": p,
                        "expert_id": e,
                        "status": AssignmentStatus.submitted,
                        "assigned_at": now,
                        "recusal_reason": "",
                    }
                    for p, e, _t in pairs
                ],
            )
            ids = {
                (a.proposal_id, a.expert_id): a.id
                for a in db.session.exec(
                    select(Assignment).where(Assignment.challenge_id == challenge.id)
                )
            }
            db.session.execute(
                insert(Review),
                [
                    {
                        "assignment_id": ids[(p, e)],
                        "challenge_id": challenge.id,
                        "proposal_id": p,
                        "expert_id": e,
                        "status": ReviewStatus.submitted,
                        "recommendation": Recommendation.fund,
                        "overall_comment": "Reviewed.",
                        "total": Decimal(str(t)),
                        "created_at": now,
                        "updated_at": now,
                        "submitted_at": now,
                        "reopen_reason": "",
                    }
                    for p, e, t in pairs
                ],
            )

    return write


def in_review_proposals(app, challenge_id: int) -> list[Proposal]:
    with app.app_context():
        return list(
            db.session.exec(
                select(Proposal).where(Proposal.challenge_id == challenge_id).order_by(Proposal.id)
            )
        )


@pytest.fixture
def bulk_proposals(app) -> Callable:
    """`n` proposals in review for `challenge`, each with its own lead organisation; inserted in
    bulk (the ranking's speed test needs hundreds)."""

    def make(challenge: Challenge, n: int, prefix: str) -> list[int]:
        from sqlalchemy import insert

        from portal.accounts.models import Organisation, OrgType
        from portal.proposals.models import ConsortiumMember, MemberRole
        from tests.factories import fresh_credit_code

        now = clock.now()
        with committing(app):
            db.session.execute(
                insert(Organisation),
                [
                    {
                        "name": f"{prefix} Org {i}",
                        "type": OrgType.enterprise,
                        "credit_code": fresh_credit_code(),
                        "region": "",
                        "created_at": now,
                    }
                    for i in range(n)
                ],
            )
            orgs = db.session.exec(
                select(Organisation.id).where(Organisation.name.like(f"{prefix} Org %"))
            ).all()
            db.session.execute(
                insert(Proposal),
                [
                    {
                        "challenge_id": challenge.id,
                        "lead_org_id": org_id,
                        "status": ProposalStatus.in_review,
                        "title": f"{prefix} proposal {i}",
                        "created_at": now,
                        "updated_at": now,
                        "submitted_at": now + timedelta(seconds=i),
                    }
                    for i, org_id in enumerate(orgs)
                ],
            )
            rows = db.session.exec(
                select(Proposal.id, Proposal.lead_org_id).where(
                    Proposal.challenge_id == challenge.id
                )
            ).all()
            db.session.execute(
                insert(ConsortiumMember),
                [
                    {"proposal_id": pid, "organisation_id": oid, "role": MemberRole.lead}
                    for pid, oid in rows
                ],
            )
        return [pid for pid, _oid in rows]

    return make
