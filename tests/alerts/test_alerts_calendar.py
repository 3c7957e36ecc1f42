"""Calendars: each person's private iCalendar feed lists their deadlines, due reviews and
milestones, parses with a real iCalendar library, and a reset address makes the old one 404."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from icalendar import Calendar

from portal.db import db
from tests.awards.helpers import START

DAY = timedelta(days=1)


def feed_path(client) -> str:
    """Ask for a calendar address (the first, or a new one) and return its path."""
    assert client.post("/alerts/calendar/reset").status_code == 302
    page = client.get("/alerts").get_data(as_text=True)
    (address,) = set(re.findall(r'value="(http[^"]+\.ics)"', page))
    return address.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def read_feed(client, path: str) -> Calendar:
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def events(calendar: Calendar) -> dict[str, object]:
    """Each event's summary and start."""
    return {str(e["SUMMARY"]): e.decoded("DTSTART") for e in calendar.walk("VEVENT")}


def test_an_applicants_feed_lists_the_deadlines_of_their_organisations_proposals(
    client, start_clock, make_challenge, make_proposal, make_user, lead_org, login
):
    deadline = START + 10 * DAY
    challenge = make_challenge(deadline=deadline)
    draft = make_proposal(challenge=challenge, status="draft")
    make_proposal(lead="Beta Labs", challenge=make_challenge(title="Elsewhere"))
    make_user("alice@alpha.example", org=lead_org(draft))
    login("alice@alpha.example")
    path = feed_path(client)
    client.post("/logout")  # a calendar client has no login: the secret address is enough

    calendar = read_feed(client, path)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    found = events(calendar)
    (summary,) = found
    assert challenge.number in summary and "28nm ArF photoresist" in summary
    assert found[summary] == deadline
    (event,) = calendar.walk("VEVENT")
    assert str(event["URL"]).endswith(f"/proposals/{draft.id}")
    assert event["UID"] and event["DTSTAMP"]


def test_resetting_the_address_makes_the_old_one_404(client, make_user, login):
    make_user("alice@alpha.example")
    login("alice@alpha.example")
    old = feed_path(client)
    assert client.get(old).status_code == 200
    new = feed_path(client)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_a_deactivated_accounts_calendar_opens_no_more(app, client, make_user, login):
    from portal.accounts.models import User

    alice = make_user("alice@alpha.example")
    login("alice@alpha.example")
    path = feed_path(client)
    with app.app_context():
        db.session.get(User, alice.id).active = False
        db.session.commit()
    assert client.get(path).status_code == 404


def test_an_experts_feed_lists_the_reviews_still_due(
    client, start_clock, make_challenge, make_proposal, make_expert, assign, login
):
    expert = make_expert("expert@univ.example")
    challenge = make_challenge()
    waiting = make_proposal(challenge=challenge, status="in_review")
    assign(expert, waiting)
    assign(expert, make_proposal(lead="Beta Labs", status="in_review"), status="submitted")
    login("expert@univ.example")
    found = events(read_feed(client, feed_path(client)))
    assert found == {f"Review due: {challenge.number}": START + 14 * DAY}


def test_a_teams_feed_lists_its_milestones_as_whole_days(
    app, client, make_project, make_user, lead_org, login
):
    from portal.awards.models import Award

    award_id = make_project()
    make_user("alice@alpha.example", org=lead_org(award_id))
    with app.app_context():
        planned = {m.title: m.due_date for m in db.session.get(Award, award_id).milestones}
    login("alice@alpha.example")
    calendar = read_feed(client, feed_path(client))
    milestones = {
        str(e["SUMMARY"]): e.decoded("DTSTART")
        for e in calendar.walk("VEVENT")
        if str(e["SUMMARY"]).startswith("Milestone due")
    }
    assert sorted(milestones.values()) == sorted(planned.values())
    assert all(isinstance(d, date) and not isinstance(d, datetime) for d in milestones.values())
