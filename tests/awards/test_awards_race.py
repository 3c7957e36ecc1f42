"""Horse race (赛马): teams run in parallel; a stage gate continues or eliminates each."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from portal.awards import milestones, queries, services
from portal.awards.models import Award
from portal.db import db
from portal.errors import DomainError, ValidationFailed
from portal.vocabulary import AwardStatus, GateOutcome, MilestoneStatus
from tests.awards.helpers import START, pending_report


@pytest.fixture
def race(make_challenge, make_project, start_clock):
    challenge = make_challenge(
        title="Solid-state electrolyte", funding_mode="horse_race", horse_race_teams=3
    )
    teams = [make_project(lead=name, challenge=challenge) for name in ("Red", "Blue", "Green")]
    return challenge, teams


def _gate_form(teams, outcomes, reasons):
    data = {"name": "Mid-term review"}
    for i, (award_id, outcome, reason) in enumerate(zip(teams, outcomes, reasons, strict=True)):
        data[f"decisions-{i}-award_id"] = str(award_id)
        data[f"decisions-{i}-outcome"] = outcome
        data[f"decisions-{i}-reason"] = reason
    return data


def test_a_stage_gate_eliminates_one_team_and_cancels_its_remaining_tranches(
    app, client, login, race, make_user, officer
):
    challenge, (red, blue, green) = race
    with app.app_context():
        red_org = db.session.get(Award, red).proposal.lead_org
    red_user = make_user("lead@red.example", org=red_org)
    with app.test_request_context():
        report = pending_report(app, red, red_user.id)
        from portal.awards.models import MilestoneReport

        milestones.accept_report(
            db.session.get(MilestoneReport, report), by=officer, paid_on=START.date()
        )
        db.session.commit()

    login("officer@example.gov.cn")
    missing = client.post(
        f"/officer/challenges/{challenge.number}/gate",
        data=_gate_form(
            [red, blue, green], ["continued", "eliminated", "continued"], ["Ahead", "", "On track"]
        ),
    )
    assert missing.status_code == 422
    assert "Decide every running team, with a reason." in missing.get_data(as_text=True)

    response = client.post(
        f"/officer/challenges/{challenge.number}/gate",
        data=_gate_form(
            [red, blue, green],
            ["continued", "eliminated", "continued"],
            ["Ahead on conductivity", "Missed the 1 mS/cm target", "On track"],
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        blue_award = db.session.get(Award, blue)
        assert blue_award.status is AwardStatus.eliminated
        assert {m.status for m in blue_award.milestones} == {MilestoneStatus.cancelled}
        assert db.session.get(Award, red).status is AwardStatus.active
        assert db.session.get(Award, green).status is AwardStatus.active

    client.post("/logout")
    page = client.get(f"/challenges/{challenge.number}/race").get_data(as_text=True)
    assert page.count(">Running<") == 2 and ">Eliminated<" in page  # the badges
    assert "Missed the 1 mS/cm target" in page
    assert "1 / 3" in page and "0 / 0" in page  # Red met one; Blue's milestones are cancelled
    assert "CNY 6,000,000.00" in page  # released to Red


def test_a_gate_must_decide_every_running_team(ctx, race, officer):
    challenge, (red, blue, _green) = race
    outcomes = {red: (GateOutcome.continued, "ok"), blue: (GateOutcome.continued, "ok")}
    with pytest.raises(ValidationFailed, match="Decide every running team"):
        services.decide_stage_gate(challenge, by=officer, name="Gate 1", outcomes=outcomes)


def test_an_eliminated_team_is_not_decided_again(ctx, race, officer):
    challenge, teams = race
    first = dict.fromkeys(teams, (GateOutcome.continued, "fine"))
    first[teams[0]] = (GateOutcome.eliminated, "slow")
    services.decide_stage_gate(challenge, by=officer, name="Gate 1", outcomes=first)
    assert [a.id for a in queries.running_teams(challenge)] == teams[1:]
    second = dict.fromkeys(teams[1:], (GateOutcome.continued, "fine"))
    gate = services.decide_stage_gate(challenge, by=officer, name="Gate 2", outcomes=second)
    assert len(gate.decisions) == 2


def test_stage_gates_are_for_horse_races_only(ctx, make_project, officer):
    award = db.session.get(Award, make_project())
    with pytest.raises(DomainError, match="horse-race challenges only"):
        services.decide_stage_gate(award.challenge, by=officer, name="Gate", outcomes={})


def test_the_race_page_is_only_for_horse_races(client, make_challenge, start_clock):
    single = make_challenge()
    assert client.get(f"/challenges/{single.number}/race").status_code == 404
    assert client.get("/challenges/JB-0000-000/race").status_code == 404


def test_eliminated_money_stays_within_the_award(ctx, race, officer):
    challenge, teams = race
    outcomes = dict.fromkeys(teams, (GateOutcome.continued, "fine"))
    outcomes[teams[1]] = (GateOutcome.eliminated, "slow")
    services.decide_stage_gate(challenge, by=officer, name="Gate 1", outcomes=outcomes)
    blue = db.session.get(Award, teams[1])
    open_tranches = [m.tranche for m in blue.milestones if m.is_open]
    assert open_tranches == []
    assert db.session.exec(select(Award.amount).where(Award.id == teams[1])).one() == Decimal(
        "20000000.00"
    )
