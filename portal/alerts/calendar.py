"""Each person's iCalendar feed (RFC 5545): the dates that concern them, for calendar clients.

- applicants: the deadline of each challenge their organisation has a draft or a submitted
  proposal on, and the milestones of their projects (also the team leader's);
- experts: the due moment of each review still to write;
- officers and admins: the deadlines of open challenges and the ends of publicity periods.

Each event keeps its UID from one reading to the next, so a client updates it rather than adding
another when a date moves. The text is in the owner's language.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from icalendar import Calendar, Event

from portal import clock
from portal.accounts.models import User
from portal.alerts import queries
from portal.i18n import gettext as _
from portal.reviews.links import score_path
from portal.vocabulary import Role

PRODUCT = "-//Jiebang Portal//Alerts//EN"


def _address(path: str) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}{path}"


def _event(uid: str, summary: str, when: datetime | date, path: str, description: str = ""):
    """One event: a moment (deadlines, reviews), or a whole day (milestones)."""
    event = Event()
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname or "jiebang.example"
    event.add("uid", f"{uid}@{host}")
    event.add("dtstamp", clock.now())
    event.add("summary", summary)
    event.add("dtstart", when)
    if not isinstance(when, datetime):
        event.add("dtend", when + timedelta(days=1))
    if description:
        event.add("description", description)
    event.add("url", _address(path))
    return event


def _applicant_events(user: User) -> list[Event]:
    events = []
    for proposal in queries.deadlines_of(user):
        challenge = proposal.challenge
        events.append(
            _event(
                f"deadline-{proposal.id}",
                _("Deadline: %(number)s %(title)s", number=challenge.number, title=challenge.title),
                challenge.deadline,
                f"/proposals/{proposal.id}",
                _("Proposal: %(status)s", status=proposal.status.label),
            )
        )
    return events


def _milestone_events(user: User) -> list[Event]:
    return [
        _event(
            f"milestone-{milestone.id}",
            _(
                "Milestone due: %(title)s (%(project)s)",
                title=milestone.title,
                project=milestone.award.proposal.title,
            ),
            milestone.due_date,
            f"/projects/{milestone.award_id}",
            milestone.deliverable,
        )
        for milestone in queries.milestones_of(user)
    ]


def _expert_events(user: User) -> list[Event]:
    return [
        _event(
            f"review-{due.assignment.id}",
            _("Review due: %(number)s", number=due.assignment.proposal.challenge.number),
            due.due_at,
            score_path(due.assignment.proposal_id),
            due.assignment.proposal.challenge.title,
        )
        for due in queries.open_reviews(expert_id=user.id)
    ]


def _staff_events() -> list[Event]:
    events = [
        _event(
            f"challenge-{challenge.id}",
            _("Deadline: %(number)s %(title)s", number=challenge.number, title=challenge.title),
            challenge.deadline,
            f"/challenges/{challenge.number}",
        )
        for challenge in queries.open_challenges()
    ]
    events += [
        _event(
            f"publicity-{award.id}",
            _("Publicity ends: %(project)s", project=award.proposal.title),
            award.publicity_ends_at,
            "/officer/objections",
        )
        for award in queries.publicity_periods()
    ]
    return events


def events_of(user: User) -> list[Event]:
    if user.role is Role.applicant:
        return _applicant_events(user) + _milestone_events(user)
    if user.role is Role.expert:
        return _expert_events(user) + _milestone_events(user)
    if user.is_staff:
        return _staff_events()
    return []


def feed(user: User) -> bytes:
    """The user's calendar, as the bytes of an .ics file."""
    with force_locale(user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        calendar = Calendar()
        calendar.add("prodid", PRODUCT)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("Jiebang Portal: %(name)s", name=user.name))
        for event in events_of(user):
            calendar.add_component(event)
    return calendar.to_ical()
