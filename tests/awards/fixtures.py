"""Fixtures of the awards stories: a moment to start from, an officer, awards, projects."""

from __future__ import annotations

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
