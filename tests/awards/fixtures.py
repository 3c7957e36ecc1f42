"""Fixtures of the awards stories: a moment to start from, an officer, awards, projects."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from portal import clock
from portal.awards import services
from portal.awards.models import Award
from portal.db import db
from portal.proposals.models import Proposal
from tests.awards.helpers import START, confirm_as_proposed, sign_task_book, within


@pytest.fixture
def start_clock():
    clock.set_now(START)
    return START


@pytest.fixture
def officer(make_user, start_clock):
    return make_user("officer@example.gov.cn", role="officer", name="Officer Wang")


@pytest.fixture
def publicise(app, start_clock):
    """Start the publicity of a proposal (as the review decision will); returns the award id."""

    def do(proposal: Proposal, by=None) -> int:
        with within(app):
            award = services.start_publicity(db.session.get(Proposal, proposal.id), by=by)
            db.session.commit()
            return award.id

    return do


@pytest.fixture
def make_project(app, make_proposal, make_user, publicise, officer):
    """A running project: an awarded proposal whose publicity ended without objection, which
    an officer confirmed as proposed and whose task book was signed. Returns the award id."""

    def make(
        lead: str = "Alpha Tech",
        challenge=None,
        requested=Decimal("20000000.00"),
        **proposal_fields,
    ) -> int:
        proposal = make_proposal(
            lead=lead, challenge=challenge, status="awarded", requested=requested, **proposal_fields
        )
        award_id = publicise(proposal)
        with within(app):
            award = db.session.get(Award, award_id)
            clock.set_now(award.publicity_ends_at)
            confirm_as_proposed(award_id, officer.id)
            sign_task_book(award_id, officer.id)
            db.session.commit()
        clock.set_now(START)
        return award_id

    return make


@pytest.fixture
def second_officer(make_user, start_clock):
    """Another programme officer: the second pair of eyes."""
    return make_user("officer2@example.gov.cn", role="officer", name="Officer Li")


@pytest.fixture
def ranked_challenge(
    make_challenge, make_proposal, make_org, make_user, make_expert, write_reviews, start_clock
):
    """A challenge in review ranked as the officer found it: Alpha 78.62, Beta 67.67, Gamma
    53.58 (pass mark 60), three reviews each, three required; an applicant of each lead
    organisation. `extra` adds proposals as {name: [totals]}. Returns (challenge, proposals by
    name, applicants by name)."""

    def make(extra: dict[str, list[float]] | None = None, **fields):
        fields.setdefault("deadline", clock.now() - timedelta(days=20))
        challenge = make_challenge(status="reviewing", reviewers_per_proposal=3, **fields)
        scores = {"Alpha": [78.62] * 3, "Beta": [67.67] * 3, "Gamma": [53.58] * 3}
        scores.update(extra or {})
        experts = [make_expert(f"expert{i}.{challenge.id}@review.example") for i in range(3)]
        proposals, applicants = {}, {}
        for name in scores:
            org = make_org(f"{name} Tech")
            proposals[name] = make_proposal(
                lead=org, challenge=challenge, status="in_review", title=f"{name} plan"
            )
            applicants[name] = make_user(f"lead.{challenge.id}@{name.lower()}.example", org=org)
        write_reviews(
            challenge,
            {
                proposals[name].id: dict(zip([e.id for e in experts], totals, strict=False))
                for name, totals in scores.items()
            },
        )
        return challenge, proposals, applicants

    return make
