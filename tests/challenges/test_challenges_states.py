"""A challenge moves only as its transition table allows, each move is locked, stamped and
audited, and the database refuses a row whose columns do not go with its state."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import select

from portal import clock
from portal.audit import AuditEvent
from portal.challenges import services, states
from portal.challenges.content import ChallengeData
from portal.challenges.models import Challenge
from portal.db import db, make_engine
from portal.schema import alembic_config
from portal.statemachine import IllegalTransition
from portal.vocabulary import ChallengeStatus
from tests.challenges.fixtures import draft_data
from tests.platform.test_migrations import database_at

S = ChallengeStatus
STORED = [S.draft, S.published, S.reviewing, S.decided, S.cancelled]
ILLEGAL = [
    (current, to)
    for current in STORED
    for to in ChallengeStatus
    if to not in states.TRANSITIONS[current]
]


@pytest.fixture
def officer(make_user):
    return make_user("officer@example.com", role="officer")


@pytest.fixture
def challenge_in(make_challenge):
    """A challenge stored in `status`, its deadline passed (so only the table decides)."""

    def make(status: ChallengeStatus) -> Challenge:
        now = clock.now()
        cancellation = (
            {"cancelled_at": now, "cancel_reason": "Merged"} if status is S.cancelled else {}
        )
        challenge = make_challenge(
            status=status.value, deadline=now - timedelta(days=1), **cancellation
        )
        return db.session.get(Challenge, challenge.id)

    return make


@pytest.mark.parametrize(("current", "to"), ILLEGAL, ids=[f"{c}-to-{t}" for c, t in ILLEGAL])
def test_each_move_the_table_does_not_allow_is_refused(ctx, officer, challenge_in, current, to):
    challenge = challenge_in(current)
    with pytest.raises(IllegalTransition):
        states.set_status(challenge, to, by=officer, reason="Because")
    assert challenge.status is current
    assert db.session.exec(select(AuditEvent).order_by(AuditEvent.id)).all() == []


def test_review_starts_only_once_the_deadline_has_passed(ctx, officer, make_challenge):
    challenge = db.session.get(
        Challenge, make_challenge(deadline=clock.now() + timedelta(days=1)).id
    )
    with pytest.raises(IllegalTransition, match="only when the challenge has closed"):
        states.set_status(challenge, S.reviewing, by=officer)
    with clock.frozen_at(clock.now() + timedelta(days=2)):
        states.set_status(challenge, S.reviewing, by=officer)
        states.set_status(challenge, S.decided, by=officer)
    db.session.flush()
    actions = db.session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["challenge.reviewing", "challenge.decided"]


def test_publishing_and_cancelling_stamp_their_columns_and_are_audited(ctx, officer, make_chain):
    clock.set_now(datetime(2026, 11, 29, 8, 0, tzinfo=UTC))
    link = make_chain()
    challenge = services.create_draft(
        draft_data(link.id, clock.now() + timedelta(days=30)), by=officer
    )
    services.publish(challenge, by=officer)
    assert challenge.published_at == clock.now() and challenge.version == 1
    services.cancel(challenge, reason="Solved elsewhere", by=officer)
    assert challenge.cancelled_at == clock.now() and challenge.cancel_reason == "Solved elsewhere"
    cancelled = db.session.exec(
        select(AuditEvent).where(AuditEvent.action == "challenge.cancelled").order_by(AuditEvent.id)
    ).one()
    assert cancelled.before["status"] == "published"
    assert cancelled.after["cancel_reason"] == "Solved elsewhere"


def test_the_services_refuse_what_the_table_refuses_in_its_own_words(ctx, officer, make_chain):
    link = make_chain()
    challenge = services.create_draft(
        draft_data(link.id, clock.now() + timedelta(days=30)), by=officer
    )
    services.cancel(challenge, reason="Merged into another", by=officer)
    with pytest.raises(IllegalTransition, match="Only a draft can be published."):
        services.publish(challenge, by=officer)
    with pytest.raises(
        IllegalTransition, match="Only a draft or a published challenge can be cancelled."
    ):
        services.cancel(challenge, reason="Again", by=officer)


def test_every_change_of_a_challenge_locks_it_before_reading_its_state(
    ctx, officer, make_chain, monkeypatch
):
    link = make_chain()
    challenge = services.create_draft(
        draft_data(link.id, clock.now() + timedelta(days=30)), by=officer
    )
    locked = []
    lock = db.lock

    def spy(obj, *relations):
        locked.append((type(obj).__name__, obj.status))
        return lock(obj, *relations)

    monkeypatch.setattr(db, "lock", spy)
    services.update_draft(
        challenge, draft_data(link.id, clock.now() + timedelta(days=31)), by=officer
    )
    services.publish(challenge, by=officer)
    amended = ChallengeData.of(challenge)
    amended.title = "A clearer title"
    services.amend(challenge, amended, reason="Clearer", by=officer)
    services.cancel(challenge, reason="Solved elsewhere", by=officer)
    assert locked == [
        ("Challenge", S.draft),
        ("Challenge", S.draft),
        ("Challenge", S.published),
        ("Challenge", S.published),
    ]


BAD_ROWS = {
    "closed is stored": {"status": "closed"},
    "published, never stamped": {"published_at": None, "version": 0},
    "a version without its time": {"published_at": None},
    "a draft with a publication": {"status": "draft"},
    "cancelled without its time": {"status": "cancelled", "cancel_reason": "Merged"},
    "cancelled without a reason": {"status": "cancelled", "cancelled_at": sa.func.now()},
    "a reason while published": {"cancel_reason": "Merged"},
    "a cancellation time while published": {"cancelled_at": sa.func.now()},
}


@pytest.mark.parametrize("values", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_the_database_refuses_a_row_that_does_not_go_with_its_state(ctx, make_challenge, values):
    challenge = make_challenge()  # published, version 1
    table = Challenge.__table__
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(table.update().where(table.c.id == challenge.id).values(**values))
    db.session.rollback()
    assert db.session.get(Challenge, challenge.id).status is S.published


def test_migration_0007_brings_existing_challenges_in_line(tmp_path, database_url):
    """Rows the services never wrote, but an older database may hold: each is repaired so that
    the new CHECK constraints can hold."""
    with database_at("0006", tmp_path, database_url) as url:
        engine = make_engine(url)
        moment = "2026-01-05 02:00:00"
        common = (
            "title, statement, background, deliverable, funding_mode, horse_race_teams, "
            "allowed_org_types, region, max_members, aggregation, reviewers_per_proposal, "
            "pass_mark, publicity_days, blind_review, comments_to_applicants, created_at, "
            "updated_at"
        )
        values = (
            "'t', '', '', '', 'single', 1, '[]', '', 2, 'mean', 3, 60, 5, false, false, "
            f"'{moment}', '{moment}'"
        )
        rows = {
            "stored-closed": ("closed", 1, f"'{moment}'", "NULL", "''"),
            "unstamped": ("published", 1, "NULL", "NULL", "''"),
            "silent-cancel": ("cancelled", 0, "NULL", "NULL", "''"),
        }
        with engine.begin() as connection:
            for number, (status, version, published, cancelled, reason) in rows.items():
                connection.execute(
                    sa.text(
                        f"INSERT INTO challenge (number, status, version, published_at, "
                        f"cancelled_at, cancel_reason, {common}) VALUES ('{number}', '{status}', "
                        f"{version}, {published}, {cancelled}, {reason}, {values})"
                    )
                )
        command.upgrade(alembic_config(url), "head")
        with engine.connect() as connection:
            found = {
                row.number: row
                for row in connection.execute(
                    sa.text(
                        "SELECT number, status, version, published_at, cancelled_at, "
                        "cancel_reason FROM challenge"
                    )
                )
            }
        engine.dispose()
    assert found["stored-closed"].status == "published"
    assert found["unstamped"].published_at is not None
    assert found["silent-cancel"].cancelled_at is not None
    assert found["silent-cancel"].cancel_reason != ""
    assert found["silent-cancel"].published_at is None
