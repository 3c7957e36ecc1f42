"""The demo shows every state of awards, objections, milestones and reports."""

from __future__ import annotations

import pytest
from sqlmodel import select

from portal.awards.models import Award, Milestone, MilestoneReport, Objection
from portal.db import db
from portal.vocabulary import AwardStatus, MilestoneStatus, ObjectionStatus, ReportDecision

pytestmark = pytest.mark.slow


def test_the_demo_shows_every_state_and_its_pages_render(demo, app, client):
    with app.app_context():
        base = demo.objects()
        db.session.commit()
        awards = base["awards"]
        race_number = awards["race"].number
        running_id = awards["running"].id
        award_states = set(db.session.exec(select(Award.status)).all())
        milestone_states = set(db.session.exec(select(Milestone.status)).all())
        objection_states = set(db.session.exec(select(Objection.status)).all())
        decisions = set(db.session.exec(select(MilestoneReport.decision)).all())
    assert award_states == set(AwardStatus)
    assert milestone_states == set(MilestoneStatus)
    assert objection_states == set(ObjectionStatus)
    assert decisions == set(ReportDecision)

    assert "电子级三氟化氮纯化" in client.get("/publicity").get_data(as_text=True)
    race = client.get(f"/challenges/{race_number}/race").get_data(as_text=True)
    assert race.count(">Running<") == 2 and "首个里程碑未达成" in race

    client.post("/login", data={"email": "officer@example.com", "password": "portal-demo"})
    dashboard = client.get("/officer/projects").get_data(as_text=True)
    assert "1 overdue" in dashboard
    assert client.get(f"/projects/{running_id}").status_code == 200
    assert client.get("/officer/objections").status_code == 200

    client.post("/logout")
    client.post("/login", data={"email": "carol@example.com", "password": "portal-demo"})
    mine = client.get("/projects").get_data(as_text=True)
    assert "光刻胶树脂国产化" in mine and "Overdue" in mine
