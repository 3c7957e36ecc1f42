"""Awards made before the task book was a step of its own are brought over by migration 0010:
a project confirmed then was running at once, so its task book counts as signed the day it was
confirmed; a report left undecided when its project ended gets the time the project closed."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from alembic import command

from portal.db import make_engine
from portal.schema import alembic_config
from tests.platform.test_migrations import T0, add, database_at, fill_at_0003


def _terminated_project(connection, ids: dict[str, int]) -> dict[str, int]:
    """As 0006 knew them: a project confirmed and terminated, whose report of its second
    milestone was returned by the termination without a time."""
    tables = sa.MetaData()
    tables.reflect(connection)
    tables = tables.tables
    confirmed, closed = T0 + timedelta(days=10), T0 + timedelta(days=200)
    award = add(
        connection,
        tables,
        "award",
        proposal_id=ids["submitted"],
        challenge_id=ids["second"],
        status="terminated",
        amount=1000,
        publicity_starts_at=T0,
        publicity_ends_at=T0 + timedelta(days=5),
        confirmed_at=confirmed,
        starts_on=date(2026, 2, 1),
        ends_on=date(2028, 2, 1),
        closed_at=closed,
        close_reason="The team left.",
        refund_due=0,
        acceptance_comments="",
        created_at=T0,
    )
    milestone = add(
        connection,
        tables,
        "milestone",
        award_id=award,
        position=0,
        title="Pilot line",
        due_date=date(2027, 1, 1),
        deliverable="",
        verification="",
        tranche=1000,
        status="cancelled",
    )
    report = add(
        connection,
        tables,
        "milestone_report",
        milestone_id=milestone,
        number=1,
        progress="Half built.",
        indicator_values={},
        submitted_by_id=ids["alice"],
        submitted_at=T0 + timedelta(days=150),
        decision="returned",
        comments="The team left.",
    )
    return {"award": award, "report": report}


def test_projects_confirmed_before_the_task_book_step_count_it_signed(tmp_path, database_url):
    with database_at("0003", tmp_path, database_url) as url:
        engine = make_engine(url)
        with engine.begin() as connection:
            ids = fill_at_0003(connection)
        command.upgrade(alembic_config(url), "0010")  # the revision before the awards checks
        with engine.begin() as connection:
            made = _terminated_project(connection, ids)
        command.upgrade(alembic_config(url), "head")
        with engine.connect() as connection:
            signed = connection.execute(
                sa.text("SELECT task_book_signed_on FROM award WHERE id = :id"),
                {"id": made["award"]},
            ).scalar_one()
            decided = connection.execute(
                sa.text("SELECT decided_at FROM milestone_report WHERE id = :id"),
                {"id": made["report"]},
            ).scalar_one()
        engine.dispose()

    assert str(signed)[:10] == "2026-01-15"  # the day it was confirmed
    assert str(decided)[:19] == "2026-07-24 02:00:00"  # when the project closed


def test_decisions_made_before_approval_existed_are_in_effect_by_their_decider(
    tmp_path, database_url
):
    """Migration 0014: a decision recorded before took effect when it was made, proposed by the
    person who made it; its award may be revoked and the proposal awarded again."""
    with database_at("0003", tmp_path, database_url) as url:
        engine = make_engine(url)
        with engine.begin() as connection:
            ids = fill_at_0003(connection)
        command.upgrade(alembic_config(url), "0013")  # the revision before decisions' states
        with engine.begin() as connection:
            tables = sa.MetaData()
            tables.reflect(connection)
            decision = add(
                connection,
                tables.tables,
                "decision",
                challenge_id=ids["second"],
                winner_ids=[ids["submitted"]],
                reserve_ids=[],
                note="Panel consensus.",
                decided_by_id=ids["alice"],
                decided_at=T0,
            )
        command.upgrade(alembic_config(url), "head")
        with engine.connect() as connection:
            row = connection.execute(
                sa.text(
                    "SELECT status, round, proposed_by_id, proposed_at, decided_at "
                    "FROM decision WHERE id = :id"
                ),
                {"id": decision},
            ).one()
        engine.dispose()

    assert (row.status, row.round, row.proposed_by_id) == ("effective", 1, ids["alice"])
    assert str(row.proposed_at)[:19] == str(row.decided_at)[:19] == "2026-01-05 02:00:00"
