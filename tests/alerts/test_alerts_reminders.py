"""Reminders with a moved clock: each reminder reaches the right person once, at its time, and a
scheduler run twice (or two at once) sends nothing twice."""

from __future__ import annotations

from datetime import timedelta

from portal import clock
from portal.awards import services as award_services
from portal.awards.models import Award, Decision
from portal.db import db
from portal.reviews.assignment import set_due_date
from portal.vocabulary import DecisionStatus, ReminderKind
from tests.awards.helpers import START
from tests.together import together

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


def kinds(notes) -> list[str]:
    return [note.kind for note in notes]


# ---- experts --------------------------------------------------------------------------------


def test_an_expert_is_reminded_before_the_review_is_due_and_once_it_is_overdue(
    start_clock, make_proposal, make_expert, assign, run_at, inbox
):
    proposal = make_proposal(status="in_review")
    expert = make_expert("expert@univ.example")
    done = make_expert("done@univ.example")
    assign(expert, proposal)  # due 14 days later (REMINDER_REVIEW_PERIOD_DAYS)
    assign(done, proposal, status="submitted")

    assert run_at(START + 10 * DAY) == {}  # four days before: too early
    assert run_at(START + 11 * DAY + MINUTE) == {ReminderKind.review_due: 1}
    assert run_at(START + 12 * DAY) == {}  # the same reminder is not sent again
    (note,) = inbox(expert)
    assert note.kind == "reminder_review_due"
    assert proposal.challenge.number in note.title
    assert note.link == f"/reviews/proposals/{proposal.id}/review"

    assert run_at(START + 14 * DAY + MINUTE) == {ReminderKind.review_overdue: 1}
    assert run_at(START + 20 * DAY) == {}
    assert kinds(inbox(expert)) == ["reminder_review_due", "reminder_review_overdue"]
    assert inbox(done) == []


def test_the_panels_due_date_is_when_the_review_is_due(
    app, start_clock, make_proposal, make_expert, make_user, assign, run_at
):
    proposal = make_proposal(status="in_review")
    assign(make_expert("expert@univ.example"), proposal)
    officer = make_user("panel@gov.example", role="officer")
    with app.test_request_context():
        challenge = db.session.get(type(proposal.challenge), proposal.challenge_id)
        due_on = clock.local_date(START + 30 * DAY)
        set_due_date(challenge, due_on=due_on, by=officer)
        db.session.commit()
    assert run_at(START + 14 * DAY + MINUTE) == {}  # the assignment's own period no longer counts
    assert run_at(START + 28 * DAY) == {ReminderKind.review_due: 1}  # 3 days before it ends
    assert run_at(START + 31 * DAY + MINUTE) == {ReminderKind.review_overdue: 1}


def test_the_review_reminder_follows_its_setting(
    app, monkeypatch, start_clock, make_proposal, make_expert, assign, run_at, inbox
):
    monkeypatch.setitem(app.config, "REMINDER_REVIEW_DUE_DAYS", 5)
    expert = make_expert("expert@univ.example")
    assign(expert, make_proposal(status="in_review"))
    assert run_at(START + 9 * DAY + MINUTE) == {ReminderKind.review_due: 1}


# ---- applicants with a draft ----------------------------------------------------------------


def test_applicants_with_a_draft_are_reminded_a_week_and_a_day_before_the_deadline(
    start_clock, make_challenge, make_proposal, make_user, lead_org, run_at, inbox
):
    challenge = make_challenge(deadline=START + 10 * DAY)
    draft = make_proposal(challenge=challenge, status="draft")
    alice = make_user("alice@alpha.example", org=lead_org(draft))
    bob = make_user("bob@alpha.example", org=lead_org(draft), org_role="member")
    handed_in = make_proposal(lead="Beta Labs", challenge=challenge, status="submitted")
    carol = make_user("carol@beta.example", org=lead_org(handed_in))

    assert run_at(START + 2 * DAY) == {}
    assert run_at(START + 3 * DAY + MINUTE) == {ReminderKind.draft_deadline_week: 2}
    assert run_at(START + 4 * DAY) == {}
    assert run_at(START + 9 * DAY + MINUTE) == {ReminderKind.draft_deadline_day: 2}
    assert run_at(START + 9 * DAY + 2 * MINUTE) == {}
    assert run_at(START + 11 * DAY) == {}  # the deadline has passed
    both = ["reminder_draft_deadline_week", "reminder_draft_deadline_day"]
    for person in (alice, bob):
        assert kinds(inbox(person)) == both
        assert inbox(person)[0].link == f"/proposals/{draft.id}"
    assert inbox(carol) == []


def test_a_moved_deadline_is_reminded_of_again(
    app, start_clock, make_challenge, make_proposal, make_user, lead_org, run_at, inbox
):
    from portal.challenges.models import Challenge

    challenge = make_challenge(deadline=START + 5 * DAY)
    draft = make_proposal(challenge=challenge, status="draft")
    alice = make_user("alice@alpha.example", org=lead_org(draft))
    assert run_at(START + MINUTE) == {ReminderKind.draft_deadline_week: 1}
    with app.app_context():
        db.session.get(Challenge, challenge.id).deadline = START + 6 * DAY
        db.session.commit()
    assert run_at(START + 2 * MINUTE) == {ReminderKind.draft_deadline_week: 1}
    assert len(inbox(alice)) == 2


def test_a_reminder_reaches_each_person_in_their_language(
    start_clock, make_challenge, make_proposal, make_user, lead_org, run_at, inbox
):
    draft = make_proposal(challenge=make_challenge(deadline=START + 5 * DAY), status="draft")
    wang = make_user("wang@alpha.example", org=lead_org(draft), language="zh")
    run_at(START + MINUTE)
    (note,) = inbox(wang)
    assert "截止" in note.title


# ---- teams ----------------------------------------------------------------------------------


def test_a_team_is_reminded_before_a_milestone_is_due_and_once_it_is_overdue(
    app, make_project, make_user, lead_org, run_at, inbox
):
    award_id = make_project()
    alice = make_user("alice@alpha.example", org=lead_org(award_id))
    with app.app_context():
        first = db.session.get(Award, award_id).milestones[0]
        due = first.due_date
    due_start = START.replace(year=due.year, month=due.month, day=due.day)  # 10:00 in Shanghai

    assert run_at(due_start - 15 * DAY) == {}
    assert run_at(due_start - 13 * DAY) == {ReminderKind.milestone_due: 1}
    assert run_at(due_start - 12 * DAY) == {}
    assert run_at(due_start + DAY) == {ReminderKind.milestone_overdue: 1}
    assert run_at(due_start + 2 * DAY) == {}
    notes = inbox(alice)
    assert kinds(notes) == ["reminder_milestone_due", "reminder_milestone_overdue"]
    assert first.title in notes[0].title
    assert notes[0].link == f"/projects/{award_id}"


# ---- officers -------------------------------------------------------------------------------


def test_officers_are_told_once_when_a_publicity_period_ends_with_objections_open(
    app, officer, make_proposal, make_user, publicise, run_at, inbox
):
    objected = publicise(make_proposal(status="awarded"))
    quiet = publicise(make_proposal(lead="Beta Labs", status="awarded"))
    citizen = make_user("citizen@gamma.example")
    with app.app_context():
        award = db.session.get(Award, objected)
        award_services.lodge_objection(award, by=citizen, reason="The pilot line is not theirs.")
        db.session.commit()
        ends = award.publicity_ends_at
        assert db.session.get(Award, quiet).publicity_ends_at == ends

    assert run_at(ends - MINUTE) == {}
    assert run_at(ends + MINUTE) == {ReminderKind.publicity_objections: 1}
    assert run_at(ends + DAY) == {}
    (note,) = inbox(officer, "reminder_publicity_objections")
    assert note.link == "/officer/objections"
    assert inbox(citizen, "reminder_publicity_objections") == []


# ---- two schedulers -------------------------------------------------------------------------


def test_two_schedulers_at_once_tell_each_person_once(
    app, start_clock, make_challenge, make_proposal, make_user, lead_org, inbox
):
    from portal.alerts.reminders import run_due

    challenge = make_challenge(deadline=START + 5 * DAY)
    drafts = [
        make_proposal(lead=f"Team {i}", challenge=challenge, status="draft") for i in range(3)
    ]
    people = [make_user(f"p{i}@team-{i}.example", org=lead_org(d)) for i, d in enumerate(drafts)]
    moment = START + MINUTE
    clock.set_now(moment)

    def act(_i, _prepared):
        with app.app_context():
            return sum(run_due(moment).values())

    sent = together(2, lambda i: None, act)
    assert sum(sent) == 3
    for person in people:
        assert kinds(inbox(person)) == ["reminder_draft_deadline_week"]


def test_the_command_runs_the_scheduler_once(
    app, start_clock, make_challenge, make_proposal, make_user, lead_org
):
    draft = make_proposal(challenge=make_challenge(deadline=START + 5 * DAY), status="draft")
    make_user("alice@alpha.example", org=lead_org(draft))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reminders"])
    assert first.exit_code == 0, first.output
    assert "draft_deadline_week: 1" in first.output
    again = runner.invoke(args=["reminders"])
    assert "No reminder was due." in again.output


def test_the_unique_key_refuses_a_reminder_another_run_has_written(
    app, start_clock, make_challenge, make_proposal, make_user, lead_org
):
    """What decides between two schedulers that both found the reminder unsent."""
    from portal.alerts.reminders import _claim, due_reminders

    draft = make_proposal(challenge=make_challenge(deadline=START + 5 * DAY), status="draft")
    make_user("alice@alpha.example", org=lead_org(draft))
    with app.app_context():
        (reminder,) = due_reminders(START)
        (alice,) = reminder.people
        assert _claim(reminder, alice, START) is True
        db.session.commit()
        assert _claim(reminder, alice, START) is False  # the other run's row stands
        db.session.rollback()


def test_staff_are_reminded_of_a_decision_still_waiting_for_their_approval(
    app, officer, make_user, make_challenge, run_at, inbox
):
    second = make_user("second@example.gov.cn", role="officer", name="Officer Li")
    challenge = make_challenge(status="reviewing")
    with app.app_context():
        waiting = Decision(
            challenge_id=challenge.id,
            status=DecisionStatus.proposed,
            needs_approval=True,
            proposed_by_id=officer.id,
            proposed_at=START,
        )
        db.session.add(waiting)
        db.session.commit()

    assert run_at(START + DAY) == {}  # two days (REMINDER_DECISION_APPROVAL_DAYS) not yet over
    assert run_at(START + 2 * DAY + MINUTE) == {ReminderKind.decision_approval: 1}
    assert run_at(START + 5 * DAY) == {}
    (note,) = inbox(second)
    assert challenge.number in note.title
    assert note.link == f"/officer/challenges/{challenge.id}/decision"
    assert inbox(officer) == []  # its proposer cannot approve it
