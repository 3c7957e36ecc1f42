"""The journeys of awards, milestones and objections: only the moves DESIGN describes are
allowed, and a row written around the services is refused by the database itself."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest
import sqlalchemy as sa
from sqlmodel import select

from portal import clock
from portal.audit import AuditEvent
from portal.awards import services, states
from portal.awards.models import Award, Decision, Milestone, MilestoneReport, Objection
from portal.db import db
from portal.errors import DomainError
from portal.statemachine import IllegalTransition
from portal.vocabulary import AwardStatus, DecisionStatus, MilestoneStatus, ObjectionStatus
from tests.awards.helpers import START, pending_report

A, M, OB = AwardStatus, MilestoneStatus, ObjectionStatus

# The journeys as DESIGN §3 tells them; the tables in portal/awards/states.py must say the same.
AWARD_JOURNEY = {
    (A.in_publicity, A.confirmed),
    (A.in_publicity, A.revoked),  # an objection upheld
    (A.confirmed, A.active),  # the task book signed
    (A.confirmed, A.revoked),  # the task book never signed
    (A.active, A.completed),
    (A.active, A.terminated),
    (A.active, A.revoked),  # 撤销立项
    (A.active, A.eliminated),  # at a stage gate
}
MILESTONE_JOURNEY = {
    (M.planned, M.reported),
    (M.reported, M.accepted),
    (M.reported, M.returned),
    (M.returned, M.reported),
    (M.planned, M.cancelled),
    (M.reported, M.cancelled),
    (M.returned, M.cancelled),
}
OBJECTION_JOURNEY = {(OB.open, OB.upheld), (OB.open, OB.dismissed)}


def _moves(table) -> set:
    return {(start, end) for start, ends in table.items() for end in ends}


def test_the_tables_are_the_journeys_of_the_design():
    assert _moves(states.TRANSITIONS) == AWARD_JOURNEY
    assert _moves(states.MILESTONE_TRANSITIONS) == MILESTONE_JOURNEY
    assert _moves(states.OBJECTION_TRANSITIONS) == OBJECTION_JOURNEY


def _illegal(enum, journey) -> list[tuple]:
    return [pair for pair in product(enum, enum) if pair not in journey]


@pytest.mark.parametrize(
    ("model", "journey", "move"),
    [
        (Award, AWARD_JOURNEY, lambda a, to: states.set_status(a, to, by=None, reason="Why.")),
        (Milestone, MILESTONE_JOURNEY, lambda m, to: states.set_milestone_status(m, to, by=None)),
        (
            Objection,
            OBJECTION_JOURNEY,
            lambda o, to: states.set_objection_status(o, to, by=None, reason="Why."),
        ),
    ],
    ids=["award", "milestone", "objection"],
)
def test_every_other_move_is_refused(ctx, subtests, model, journey, move):
    kind = type(next(iter(journey))[0])
    for start, end in _illegal(kind, journey):
        with subtests.test(move=f"{start} → {end}"):
            row = model(status=start)
            with pytest.raises(IllegalTransition):
                move(row, end)
            assert row.status is start


def test_ending_an_award_early_needs_a_reason(ctx, make_project, officer):
    award = db.session.get(Award, make_project())
    with pytest.raises(DomainError, match="Give a reason"):
        states.set_status(award, A.terminated, by=officer, reason="  ")
    assert award.status is A.active


def test_a_move_stamps_its_columns_and_writes_one_audit_event(ctx, make_project, officer):
    award = db.session.get(Award, make_project())
    states.set_status(award, A.terminated, by=officer, reason="The team left.")
    db.session.flush()
    assert (award.close_reason, award.closed_at, award.closed_by_id) == (
        "The team left.",
        clock.now(),
        officer.id,
    )
    events = db.session.exec(
        select(AuditEvent)
        .where(AuditEvent.object_type == "award", AuditEvent.object_id == award.id)
        .order_by(AuditEvent.id)
    ).all()
    ended = [e for e in events if e.action == "award.terminated"]
    assert len(ended) == 1
    assert ended[0].before["status"] == "active" and ended[0].after["status"] == "terminated"


# ---- the database holds the columns of each state -------------------------------------------

LATER = START + timedelta(days=30)


def refused_by_the_database(statement, constraint: str) -> None:
    """`statement` fails on the CHECK constraint `constraint`; what it tried is undone (to a
    savepoint), so that the next case starts from the same row."""
    with pytest.raises(sa.exc.IntegrityError, match=constraint), db.session.begin_nested():
        db.session.execute(statement)


# Values that contradict the state of a running project, each breaking one constraint.
BROKEN_PROJECTS = [
    ("closed", {"closed_at": LATER}),  # running, yet closed
    ("closed", {"status": "completed"}),  # completed without the time
    ("close_reason", {"close_reason": "Stray reason."}),  # running, with a close reason
    ("close_reason", {"status": "terminated", "closed_at": LATER}),  # terminated without one
    ("confirmed", {"confirmed_at": None}),  # running without its confirmation
    ("confirmed", {"ends_on": date(2026, 1, 1)}),  # execution ends before it starts
    ("task_book", {"task_book_signed_on": None}),  # running without its task book
    ("task_book", {"status": "confirmed"}),  # confirmed, yet the task book is signed
    ("refund", {"refund_due": 0}),  # a refund from a running project
]


def test_the_database_refuses_award_rows_that_contradict_their_state(ctx, make_project, subtests):
    project = sa.update(Award).where(Award.id == make_project())
    for constraint, values in BROKEN_PROJECTS:
        with subtests.test(constraint=constraint, values=values):
            refused_by_the_database(project.values(**values), f"ck_award_{constraint}")


def test_the_database_takes_a_row_that_says_what_its_state_needs(ctx, make_project):
    award_id = make_project()
    db.session.execute(
        sa.update(Award)
        .where(Award.id == award_id)
        .values(status="terminated", closed_at=LATER, close_reason="The team left.", refund_due=0)
    )
    assert db.session.get(Award, award_id).status is A.terminated


def test_the_database_refuses_milestone_and_report_rows_that_contradict_their_state(
    app, ctx, make_project, make_user, subtests
):
    award = db.session.get(Award, make_project())
    lead = make_user("alice@alpha.example", org=award.proposal.lead_org)
    report = sa.update(MilestoneReport).where(
        MilestoneReport.id == pending_report(app, award.id, lead.id)
    )
    planned = sa.update(Milestone).where(Milestone.id == award.milestones[1].id)
    for statement, constraint in [
        (planned.values(status="accepted"), "ck_milestone_accepted"),  # without the time
        (planned.values(accepted_at=LATER), "ck_milestone_accepted"),  # planned, yet accepted
        (planned.values(tranche=-1), "ck_milestone_tranche"),
        (report.values(decision="accepted"), "ck_milestone_report_decided"),  # without the time
        (report.values(decided_at=LATER), "ck_milestone_report_decided"),  # pending, yet decided
        (
            report.values(decision="returned", decided_at=LATER),  # returned without comments
            "ck_milestone_report_returned",
        ),
    ]:
        with subtests.test(constraint=constraint, values=str(statement.compile().params)):
            refused_by_the_database(statement, constraint)


def test_the_database_refuses_objection_rows_and_awards_in_publicity_that_contradict_their_state(
    ctx, make_proposal, make_user, publicise, subtests
):
    award = db.session.get(Award, publicise(make_proposal(status="awarded")))
    rival = make_user("rival@gamma.example", org="Gamma Labs")
    objection = services.lodge_objection(award, by=rival, reason="The pilot line is a mock-up.")
    db.session.flush()
    lodged = sa.update(Objection).where(Objection.id == objection.id)
    for values in (
        {"status": "upheld"},  # decided without time or reason
        {"status": "dismissed", "resolved_at": LATER},  # without a reason
        {"resolution": "A stray reason."},  # open, yet resolved
    ):
        with subtests.test(values=values):
            refused_by_the_database(lodged.values(**values), "ck_objection_resolved")
    in_publicity = sa.update(Award).where(Award.id == award.id)
    with subtests.test("an award in publicity that claims a confirmation"):
        refused_by_the_database(in_publicity.values(confirmed_at=LATER), "ck_award_confirmed")


# ---- decisions --------------------------------------------------------------------------------

D = DecisionStatus
DECISION_JOURNEY = {
    (D.proposed, D.effective),  # at once, or approved by a second person
    (D.proposed, D.returned),  # by that second person, with a reason
    (D.effective, D.reopened),  # before any award is confirmed
}


def test_the_decision_table_is_the_journey_of_the_design(ctx, subtests):
    assert _moves(states.DECISION_TRANSITIONS) == DECISION_JOURNEY
    for start, end in _illegal(DecisionStatus, DECISION_JOURNEY):
        with subtests.test(move=f"{start} → {end}"):
            row = Decision(status=start)
            with pytest.raises(IllegalTransition):
                states.set_decision_status(row, end, by=None, reason="Why.")
            assert row.status is start


# Values that contradict the state of a proposed decision, each breaking one constraint.
BROKEN_DECISIONS = [
    ("decided", {"status": "effective"}),  # in effect without the time
    ("decided", {"decided_at": LATER}),  # proposed, yet in effect since
    ("returned", {"status": "returned", "returned_at": LATER}),  # returned without a reason
    ("reopened", {"reopen_reason": "Stray."}),  # proposed, with a reopening reason
    ("approved", {"approved_at": LATER}),  # approved while still proposed
    ("second_person", {"returned_by_id": "proposer"}),  # returned by its own proposer
]


def test_the_database_refuses_decision_rows_that_contradict_their_state(
    ctx, officer, make_challenge, subtests
):
    challenge = make_challenge(status="reviewing")
    decision = Decision(challenge_id=challenge.id, proposed_by_id=officer.id, proposed_at=START)
    db.session.add(decision)
    db.session.flush()
    row = sa.update(Decision).where(Decision.id == decision.id)
    for constraint, values in BROKEN_DECISIONS:
        values = {k: officer.id if v == "proposer" else v for k, v in values.items()}
        with subtests.test(constraint=constraint, values=values):
            refused_by_the_database(row.values(**values), f"ck_decision_{constraint}")
    second = Decision(challenge_id=challenge.id, round=2, proposed_at=START)
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(second)  # a second live decision of the same challenge
        db.session.flush()
