"""Dashboards: officers see every project at constant cost; applicants see their own."""

from __future__ import annotations

from decimal import Decimal

from portal.awards.models import Award
from portal.db import db


def _make_many(make_challenge, make_project, n: int, start: int = 0) -> list[int]:
    challenge = make_challenge(title="Batch challenge")
    return [make_project(lead=f"Org {i}", challenge=challenge) for i in range(start, start + n)]


def test_officer_dashboard_query_count_does_not_grow_with_projects(
    client, login, make_challenge, make_project, count_queries, officer
):
    _make_many(make_challenge, make_project, 5)
    login("officer@example.gov.cn")
    with count_queries() as few:
        assert client.get("/officer/projects").status_code == 200
    _make_many(make_challenge, make_project, 45, start=5)
    with count_queries() as many:
        page = client.get("/officer/projects")
    assert page.status_code == 200
    assert "Page 1 of 3" in page.get_data(as_text=True)
    assert len(many) == len(few)


def test_officer_dashboard_shows_committed_and_disbursed(
    client, login, make_challenge, make_project, officer
):
    _make_many(make_challenge, make_project, 2)
    login("officer@example.gov.cn")
    page = client.get("/officer/projects").get_data(as_text=True)
    assert "CNY 40,000,000.00" in page  # committed
    assert "CNY 0.00" in page  # nothing disbursed yet
    assert "集成电路" in page


def test_dashboard_filters_by_chain(client, login, make_challenge, make_project, officer):
    chip = make_challenge(title="Chip", chain="集成电路")
    battery = make_challenge(title="Battery", chain="新能源汽车")
    make_project(lead="Chip Co", challenge=chip)
    make_project(lead="Battery Co", challenge=battery)
    login("officer@example.gov.cn")
    all_page = client.get("/officer/projects").get_data(as_text=True)
    assert "Chip Co" in all_page and "Battery Co" in all_page
    chain_id = all_page.split('<option value="')[2].split('"')[0]
    filtered = client.get(f"/officer/projects?chain={chain_id}").get_data(as_text=True)
    assert ("Chip Co" in filtered) != ("Battery Co" in filtered)


def test_applicants_see_their_organisations_projects_only(
    app, client, login, make_challenge, make_project, make_user
):
    ours, theirs = _make_many(make_challenge, make_project, 2)
    with app.app_context():
        org = db.session.get(Award, ours).proposal.lead_org
    make_user("alice@org0.example", org=org)
    login("alice@org0.example")
    page = client.get("/projects").get_data(as_text=True)
    assert "Org 0" in page and "Org 1" not in page
    assert "Milestone 1" in page  # the next milestone
    assert client.get(f"/projects/{theirs}").status_code == 404
    assert client.get(f"/projects/{ours}").status_code == 200
    assert client.get("/officer/projects").status_code == 403


def test_applicants_without_projects_see_an_empty_state(client, login, make_user, start_clock):
    make_user("new@newco.example")
    login("new@newco.example")
    assert "has no award yet" in client.get("/projects").get_data(as_text=True)


def test_a_project_page_shows_milestones_and_tranches(
    client, login, make_challenge, make_project, officer
):
    (award_id,) = _make_many(make_challenge, make_project, 1)
    login("officer@example.gov.cn")
    page = client.get(f"/projects/{award_id}").get_data(as_text=True)
    for tranche in (Decimal("6000000"), Decimal("8000000")):
        assert f"CNY {tranche:,.2f}" in page
    assert "Final acceptance" in page and "Terminate" in page
