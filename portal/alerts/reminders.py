"""Reminders that nobody has to click for: `run_due(now)` tells each person of what is due, once.

Which reminders are due is read from the data at `now` (queries.py), so a run that was missed
is made up by the next one. Each message is a notification (portal.notifications) in the
recipient's language, written in the same transaction as a SentReminder row whose unique key
(kind, person, object, occasion) refuses a second one: two schedulers running at once, or one
running twice, tell each person once. The occasion is the date the reminder is about, so a
deadline that moves is reminded of again.

The periodic job and `flask --app portal reminders` call `run_due`; it commits each reminder as
it goes (it runs outside any request, and one person's failure must not undo another's
reminder).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from portal import clock, jobs
from portal.accounts.models import User
from portal.alerts import queries
from portal.alerts.models import SentReminder
from portal.awards.queries import active_staff
from portal.db import db
from portal.notifications.services import notify
from portal.presentation import lazy_local
from portal.reviews.links import score_path
from portal.vocabulary import ReminderKind

OFFICER_OBJECTIONS_PATH = "/officer/objections"


@dataclass(frozen=True)
class Reminder:
    """One reminder about one object, for the people it concerns; its message is the
    notification `reminder_<kind>`, filled in with `params`."""

    kind: ReminderKind
    object_id: int
    occasion: str
    people: list[User]
    params: dict[str, object]
    link: str

    @property
    def key(self) -> dict:
        """What, with the person, makes the reminder one of a kind (SentReminder's unique key)."""
        return {"kind": self.kind, "object_id": self.object_id, "occasion": self.occasion}


def _days(name: str) -> timedelta:
    return timedelta(days=current_app.config[name])


# ---- what is due ----------------------------------------------------------------------------


def _reviews(now: datetime) -> Iterable[Reminder]:
    due = queries.open_reviews(due_by=now + _days("REMINDER_REVIEW_DUE_DAYS"))
    experts = queries.users_by_id(d.assignment.expert_id for d in due)
    for item in due:
        assignment, due_at = item.assignment, item.due_at
        challenge = assignment.proposal.challenge
        expert = experts.get(assignment.expert_id)
        if expert is None:
            continue
        yield Reminder(
            ReminderKind.review_overdue if due_at <= now else ReminderKind.review_due,
            assignment.id,
            due_at.isoformat(),
            [expert],
            {"number": challenge.number, "title": challenge.title, "due": lazy_local(due_at)},
            score_path(assignment.proposal_id),
        )


def _drafts(now: datetime) -> Iterable[Reminder]:
    last = _days("REMINDER_DRAFT_LAST_DAYS")
    drafts = queries.drafts_closing(now, max(_days("REMINDER_DRAFT_FIRST_DAYS"), last))
    applicants = queries.applicants_of(p.lead_org_id for p in drafts)
    for proposal in drafts:
        challenge = proposal.challenge
        deadline = challenge.deadline
        kind = (
            ReminderKind.draft_deadline_day
            if deadline <= now + last
            else ReminderKind.draft_deadline_week
        )
        yield Reminder(
            kind,
            proposal.id,
            deadline.isoformat(),
            applicants.get(proposal.lead_org_id, []),
            {
                "number": challenge.number,
                "deadline": lazy_local(deadline),
                "name": proposal.title or challenge.title,
            },
            f"/proposals/{proposal.id}",
        )


def _milestones(now: datetime) -> Iterable[Reminder]:
    today = clock.local_date(now)
    milestones = queries.milestones_due(today + _days("REMINDER_MILESTONE_DUE_DAYS"))
    awards = [m.award for m in milestones]
    applicants = queries.applicants_of(a.proposal.lead_org_id for a in awards)
    leaders = queries.users_by_id(a.proposal.leader_user_id for a in awards)
    for milestone in milestones:
        award = milestone.award
        due = milestone.due_date
        yield Reminder(
            ReminderKind.milestone_overdue if due < today else ReminderKind.milestone_due,
            milestone.id,
            due.isoformat(),
            queries.team_of(award, applicants, leaders),
            {"title": milestone.title, "project": award.proposal.title, "due": due.isoformat()},
            f"/projects/{award.id}",
        )


def _publicity(now: datetime) -> Iterable[Reminder]:
    awards = queries.publicity_ended_with_objections(now)
    staff = active_staff() if awards else []
    for award in awards:
        yield Reminder(
            ReminderKind.publicity_objections,
            award.id,
            award.publicity_ends_at.isoformat(),
            staff,
            {"project": award.proposal.title, "number": award.challenge.number},
            OFFICER_OBJECTIONS_PATH,
        )


def _approvals(now: datetime) -> Iterable[Reminder]:
    """Staff other than its proposer, of a decision still waiting for their approval after
    REMINDER_DECISION_APPROVAL_DAYS."""
    decisions = queries.decisions_waiting(now - _days("REMINDER_DECISION_APPROVAL_DAYS"))
    staff = active_staff() if decisions else []
    for decision in decisions:
        yield Reminder(
            ReminderKind.decision_approval,
            decision.id,
            decision.proposed_at.isoformat(),
            [person for person in staff if person.id != decision.proposed_by_id],
            {"number": decision.challenge.number},
            f"/officer/challenges/{decision.challenge_id}/decision",
        )


def due_reminders(now: datetime) -> list[Reminder]:
    """Every reminder due at `now`, sent before or not."""
    return [
        *_reviews(now),
        *_drafts(now),
        *_milestones(now),
        *_publicity(now),
        *_approvals(now),
    ]


# ---- telling each person once ---------------------------------------------------------------


Key = tuple[str, int, int, str]


def _already_sent(reminders: list[Reminder]) -> set[Key]:
    """The keys of these reminders that were sent before, in one query."""
    by_kind: dict[ReminderKind, set[int]] = {}
    for reminder in reminders:
        by_kind.setdefault(reminder.kind, set()).add(reminder.object_id)
    if not by_kind:
        return set()
    rows = db.session.exec(
        select(
            SentReminder.kind, SentReminder.user_id, SentReminder.object_id, SentReminder.occasion
        ).where(
            or_(
                *(
                    and_(SentReminder.kind == kind, SentReminder.object_id.in_(sorted(ids)))
                    for kind, ids in by_kind.items()
                )
            )
        )
    )
    return {
        (str(kind), user_id, object_id, occasion) for kind, user_id, object_id, occasion in rows
    }


def _claim(reminder: Reminder, person: User, now: datetime) -> bool:
    """Write the reminder's row for `person`, unless another run has written it: the unique key
    decides (on PostgreSQL a second writer waits for the first to commit, then is refused)."""
    row = SentReminder(user_id=person.id, sent_at=now, **reminder.key)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True


def run_due(now: datetime | None = None) -> Counter[ReminderKind]:
    """Send every reminder due at `now` to whoever has not had it yet; how many went, by kind.
    Each reminder is committed with its notification."""
    now = now or clock.now()
    reminders = due_reminders(now)
    sent_before = _already_sent(reminders)
    db.session.commit()  # end the reading transaction: each reminder is a transaction of its own
    sent: Counter[ReminderKind] = Counter()
    for reminder in reminders:
        for person in reminder.people:
            key = (str(reminder.kind), person.id, reminder.object_id, reminder.occasion)
            if key in sent_before or not person.active:
                continue
            sent_before.add(key)
            if _claim(reminder, person, now):
                notify([person], f"reminder_{reminder.kind}", link=reminder.link, **reminder.params)
                sent[reminder.kind] += 1
            db.session.commit()
    return sent


@jobs.periodic("alerts.reminders", every="REMINDERS_EVERY_MINUTES")
def run_reminders(now: datetime) -> None:
    """The scheduled run: once every REMINDERS_EVERY_MINUTES across all workers."""
    run_due(now)
