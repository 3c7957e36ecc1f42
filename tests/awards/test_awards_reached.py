"""A project's page shows the indicator values its accepted milestone reports give, before the
final acceptance records what was achieved."""

from __future__ import annotations

from decimal import Decimal

from portal.accounts.models import User
from portal.awards import milestones
from portal.awards.models import Award
from portal.db import db
from tests.awards.helpers import START, within


def test_an_accepted_report_shows_its_values_until_the_final_acceptance(
    app, client, login, make_project, make_user, officer
):
    project = make_project(lead="Alpha Tech")
    with within(app):
        award = db.session.get(Award, project)
        alice = make_user("alice@alpha.example", org=award.proposal.lead_org)
    with within(app):
        award = db.session.get(Award, project)
        first = award.indicators[0]
        report = milestones.report_milestone(
            award.milestones[0],
            by=db.session.get(User, alice.id),
            progress="Pilot line built.",
            values={first.id: Decimal("150")},
        )
        db.session.commit()
    login("alice@alpha.example")
    page = client.get(f"/projects/{project}").get_data(as_text=True)
    assert "in the latest accepted report" not in page  # reported, not accepted yet

    with within(app):
        milestones.accept_report(
            db.session.get(type(report), report.id),
            by=db.session.get(User, officer.id),
            paid_on=START.date(),
        )
        db.session.commit()
    page = client.get(f"/projects/{project}").get_data(as_text=True)
    assert "150 " in page
    # the first indicator only: the second was not reported, so it still shows a dash
    assert page.count("(in the latest accepted report)") == 1
