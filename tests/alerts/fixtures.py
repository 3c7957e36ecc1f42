"""Fixtures of the alerts stories: experts with assignments, a team on a running project, an
award in publicity with an objection, and a way to run the scheduler at a moved clock."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime

import pytest
from sqlmodel import select

from portal import clock
from portal.accounts.models import Organisation, User
from portal.alerts.reminders import run_due
from portal.awards.models import Award
from portal.db import db
from portal.notifications.models import Notification
from portal.proposals.models import Proposal
from portal.reviews.models import Assignment
from portal.vocabulary import AssignmentStatus
from tests.factories import committing


@pytest.fixture
def run_at(app) -> Callable[[datetime], Counter]:
    """Move the clock to `moment` and run the scheduler once, as the periodic job does."""

    def run(moment: datetime) -> Counter:
        clock.set_now(moment)
        with app.app_context():
            return run_due(moment)

    return run


@pytest.fixture
def inbox(app) -> Callable[[User], list[Notification]]:
    """What reached a person's inbox, oldest first."""

    def read(user: User, kind: str | None = None) -> list[Notification]:
        with app.app_context():
            statement = select(Notification).where(Notification.user_id == user.id)
            if kind:
                statement = statement.where(Notification.kind == kind)
            return list(db.session.exec(statement.order_by(Notification.id)).all())

    return read


@pytest.fixture
def assign(app) -> Callable[..., Assignment]:
    """Assign an expert to a proposal at the clock's time (as the review desk does)."""

    def make(expert: User, proposal: Proposal, status: str = "assigned") -> Assignment:
        with committing(app):
            assignment = Assignment(
                challenge_id=proposal.challenge_id,
                proposal_id=proposal.id,
                expert_id=expert.id,
                status=AssignmentStatus(status),
                assigned_at=clock.now(),
            )
            db.session.add(assignment)
        return assignment

    return make


@pytest.fixture
def lead_org(app) -> Callable[[Proposal | int], Organisation]:
    """The lead organisation of a proposal, or of an award (by its id)."""

    def find(of: Proposal | int) -> Organisation:
        with app.app_context():
            if isinstance(of, int):
                of = db.session.get(Award, of).proposal
            return db.session.get(Organisation, of.lead_org_id)

    return find
