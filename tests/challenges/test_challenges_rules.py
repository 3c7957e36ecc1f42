"""The rules of the challenge services, called directly."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from portal import clock
from portal.audit import AuditEvent
from portal.challenges import services
from portal.challenges.content import ChallengeData, CriterionRow
from portal.db import db
from portal.errors import DomainError, NotAllowed, ValidationFailed
from portal.proposals.models import Commitment
from portal.vocabulary import ChallengeStatus
from tests.challenges.fixtures import draft_data

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


@pytest.fixture
def officer(make_user):
    return make_user("officer@example.com", role="officer")


def test_a_draft_whose_deadline_has_passed_cannot_be_published(ctx, officer, make_chain):
    link = make_chain()
    with clock.frozen_at(NOW):
        challenge = services.create_draft(draft_data(link.id, NOW + timedelta(days=1)), by=officer)
    with clock.frozen_at(NOW + timedelta(days=2)), pytest.raises(ValidationFailed) as refused:
        services.publish(challenge, by=officer)
    assert refused.value.problems == {"deadline": "The deadline must be in the future."}
    assert challenge.status is ChallengeStatus.draft


def test_publishing_checks_weights_and_a_positive_cap(ctx, officer, make_chain):
    link = make_chain()
    clock.set_now(NOW)
    data = draft_data(link.id, NOW + timedelta(days=30), criteria=[CriterionRow("技术方案", 50)])
    with pytest.raises(ValidationFailed) as refused:
        services.create_draft(data, by=officer)
    assert "must sum to 100 (now 50)" in refused.value.problems["criteria"]
    for cap in (Decimal(0), Decimal("-1")):
        with pytest.raises(ValidationFailed) as refused:
            services.create_draft(
                draft_data(link.id, NOW + timedelta(days=30), funding_cap=cap), by=officer
            )
        assert "funding_cap" in refused.value.problems


def test_only_staff_change_challenges(ctx, make_user, make_chain):
    link = make_chain()
    applicant = make_user("alice@alpha.example")
    with pytest.raises(NotAllowed):
        services.create_draft(draft_data(link.id, clock.now() + timedelta(days=9)), by=applicant)


def test_publishing_freezes_version_1_and_is_audited(ctx, officer, make_chain):
    link = make_chain()
    clock.set_now(NOW)
    challenge = services.create_draft(draft_data(link.id, NOW + timedelta(days=30)), by=officer)
    version = services.publish(challenge, by=officer)
    assert version.version == 1 and challenge.version == 1
    assert version.content["funding_cap"] == "20000000.00"
    assert version.content["chain"] == "集成电路"
    actions = db.session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["challenge.created", "challenge.published"]
    with pytest.raises(DomainError):
        services.publish(challenge, by=officer)
    with pytest.raises(DomainError):
        services.update_draft(challenge, draft_data(link.id, NOW + timedelta(days=9)), by=officer)


def test_an_amendment_keeps_the_indicators_that_proposals_committed_to(
    ctx, officer, make_chain, make_proposal
):
    link = make_chain()
    clock.set_now(NOW)
    challenge = services.create_draft(draft_data(link.id, NOW + timedelta(days=30)), by=officer)
    services.publish(challenge, by=officer)
    db.session.commit()
    kept, dropped = (i.id for i in challenge.indicators)
    proposal = make_proposal(challenge=challenge, status="draft")
    data = ChallengeData.of(challenge)  # the saved rows, with their ids
    data.indicators[0].target = Decimal(200)
    del data.indicators[1]
    services.amend(challenge, data, reason="Tighter target", by=officer)
    db.session.commit()
    assert [i.id for i in challenge.indicators] == [kept]
    commitments = db.session.exec(
        select(Commitment.indicator_id).where(Commitment.proposal_id == proposal.id)
    ).all()
    assert commitments == [kept]
    assert dropped not in commitments


def test_cancelling_needs_a_reason_and_a_cancelled_challenge_stays_cancelled(
    ctx, officer, make_chain
):
    link = make_chain()
    clock.set_now(NOW)
    challenge = services.create_draft(draft_data(link.id, NOW + timedelta(days=30)), by=officer)
    with pytest.raises(ValidationFailed):
        services.cancel(challenge, reason="  ", by=officer)
    services.cancel(challenge, reason="Duplicate", by=officer)
    assert challenge.status is ChallengeStatus.cancelled
    with pytest.raises(DomainError):
        services.cancel(challenge, reason="Again", by=officer)
    with pytest.raises(DomainError):
        services.publish(challenge, by=officer)


def test_an_amendment_that_changes_nothing_is_refused(ctx, officer, make_chain):
    link = make_chain()
    clock.set_now(NOW)
    data = draft_data(link.id, NOW + timedelta(days=30))
    challenge = services.create_draft(data, by=officer)
    services.publish(challenge, by=officer)
    with pytest.raises(DomainError, match="Nothing has changed"):
        services.amend(challenge, data, reason="No reason", by=officer)
