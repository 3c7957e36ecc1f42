"""The states of review change only as their tables allow (portal/reviews/states.py), and the
database refuses a row whose columns do not go with its state, however it is written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal import clock
from portal.db import db
from portal.reviews import states
from portal.reviews.models import Assignment, AvoidanceRequest, Review
from portal.statemachine import IllegalTransition
from portal.vocabulary import AssignmentStatus, AvoidanceStatus, ReviewStatus
from tests.factories import committing

ENTITIES = {
    Assignment: AssignmentStatus,
    Review: ReviewStatus,
    AvoidanceRequest: AvoidanceStatus,
}
ILLEGAL = [
    (model, current, to)
    for model, states_ in ENTITIES.items()
    for current in states_
    for to in states_
    if not states.MACHINES[model].allowed(current, to)
]


@pytest.mark.parametrize(
    ("model", "current", "to"),
    ILLEGAL,
    ids=[f"{m.__tablename__}:{c.value}->{t.value}" for m, c, t in ILLEGAL],
)
def test_each_illegal_transition_is_refused_and_changes_nothing(ctx, model, current, to):
    row = model(status=current)
    with pytest.raises(IllegalTransition):
        states.set_status(row, to, by=None, reason="A reason.")
    assert row.status is current


def test_the_tables_allow_what_review_needs_and_nothing_else():
    allowed = {
        model: {(c.value, t.value) for c in s for t in s if states.MACHINES[model].allowed(c, t)}
        for model, s in ENTITIES.items()
    }
    assert allowed == {
        Assignment: {("assigned", "recused"), ("assigned", "submitted"), ("submitted", "assigned")},
        Review: {("draft", "submitted"), ("submitted", "draft")},
        AvoidanceRequest: {("pending", "accepted"), ("pending", "refused")},
    }


@pytest.fixture
def rows(app, closed_challenge, make_proposal, make_expert, write_reviews):
    """A submitted review (with its assignment) and a pending avoidance request."""
    challenge = closed_challenge(status="reviewing")
    proposal = make_proposal(challenge=challenge, status="in_review")
    expert = make_expert("e@x.example")
    write_reviews(challenge, {proposal.id: {expert.id: 80}})
    with committing(app):
        db.session.add(
            AvoidanceRequest(
                proposal_id=proposal.id,
                expert_email="x@x.example",
                reason="A rival.",
                requested_at=clock.now(),
            )
        )


BAD_ROWS = {
    "a recusal without its time": "UPDATE assignment SET status = 'recused', "
    "recusal_reason = 'Knows them.'",
    "a recusal without its reason": "UPDATE assignment SET status = 'recused', "
    "recused_at = CURRENT_TIMESTAMP",
    "an assignment stamped recused that is not": "UPDATE assignment SET "
    "recused_at = CURRENT_TIMESTAMP",
    "a submitted review without a total": "UPDATE review SET total = NULL",
    "a submitted review without a recommendation": "UPDATE review SET recommendation = NULL",
    "a submitted review without its time": "UPDATE review SET submitted_at = NULL",
    "a reopening without its reason": "UPDATE review SET status = 'draft', "
    "reopened_at = CURRENT_TIMESTAMP",
    "a reason for a reopening that did not happen": "UPDATE review SET reopen_reason = 'Why?'",
    "a decided request without its time": "UPDATE avoidance_request SET status = 'accepted'",
    "a pending request stamped decided": "UPDATE avoidance_request SET "
    "decided_at = CURRENT_TIMESTAMP",
}


@pytest.mark.parametrize("bad", list(BAD_ROWS))
def test_the_database_refuses_a_row_whose_columns_do_not_go_with_its_state(app, rows, bad):
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
        connection.execute(sa.text(BAD_ROWS[bad]))
