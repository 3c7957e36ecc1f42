"""Who opens what: a project and its reports, evidence and objections are loaded only through
the awards' access helpers, and anything not one's own answers 404 (a page for another role,
403)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from werkzeug.datastructures import FileStorage

from portal import clock
from portal.awards import milestones
from portal.awards.models import Award, MilestoneReport, Objection
from portal.db import db
from tests.awards.helpers import START, confirm_as_proposed, pdf, within


@pytest.fixture
def two_projects(app, make_org, make_project, make_user, make_challenge):
    """Alpha's project (with Beta as a member that accepted) and Gamma's, each with a report
    and its evidence; their users alice (Alpha), bob (Beta) and carol (Gamma)."""
    challenge = make_challenge()
    alpha, beta, gamma = (make_org(name) for name in ("Alpha Tech", "Beta Univ", "Gamma Labs"))
    people = {
        "alice": make_user("alice@alpha.example", org=alpha),
        "bob": make_user("bob@beta.example", org=beta),
        "carol": make_user("carol@gamma.example", org=gamma),
    }
    ours = make_project(lead=alpha, challenge=challenge, members=(beta,))
    theirs = make_project(lead=gamma, challenge=challenge)
    reports = {}
    for award_id, who in ((ours, "alice"), (theirs, "carol")):
        with app.test_request_context():
            award = db.session.get(Award, award_id)
            report = _report_with_evidence(award, people[who])
            db.session.commit()
            reports[award_id] = (report.id, report.evidence[0].id)
    return ours, theirs, reports, people


def _report_with_evidence(award: Award, user) -> MilestoneReport:
    stream, name = pdf("lab-report.pdf")
    return milestones.report_milestone(
        award.milestones[0],
        by=user,
        progress="Resin made.",
        values={},
        evidence=[FileStorage(stream, filename=name, content_type="application/pdf")],
    )


def test_a_member_organisation_reads_the_project_but_only_the_lead_reports(
    client, login, two_projects
):
    ours, _theirs, reports, _people = two_projects
    report_id, evidence_id = reports[ours]
    login("bob@beta.example")
    assert client.get(f"/projects/{ours}").status_code == 200
    assert client.get(f"/projects/{ours}/evidence/{evidence_id}").status_code == 200
    assert "Report this milestone" not in client.get(f"/projects/{ours}").get_data(as_text=True)
    with client.application.app_context():
        second = db.session.get(Award, ours).milestones[1].id
    assert client.get(f"/projects/{ours}/milestones/{second}/report").status_code == 404
    login("alice@alpha.example")
    assert client.get(f"/projects/{ours}/milestones/{second}/report").status_code == 200


def test_another_organisations_project_and_its_evidence_answer_404(client, login, two_projects):
    ours, theirs, reports, _people = two_projects
    login("carol@gamma.example")
    _report_id, evidence_id = reports[ours]
    assert client.get(f"/projects/{ours}").status_code == 404
    assert client.get(f"/projects/{ours}/evidence/{evidence_id}").status_code == 404
    with client.application.app_context():
        milestone = db.session.get(Award, ours).milestones[1].id
    assert client.get(f"/projects/{ours}/milestones/{milestone}/report").status_code == 404
    # Carol's own milestone, asked for under Alpha's project: not found either.
    with client.application.app_context():
        own = db.session.get(Award, theirs).milestones[1].id
    assert client.get(f"/projects/{ours}/milestones/{own}/report").status_code == 404


def test_a_report_or_evidence_under_another_projects_address_answers_404(
    client, login, two_projects, officer
):
    ours, theirs, reports, _people = two_projects
    login(officer.email)
    report_id, evidence_id = reports[theirs]
    assert client.get(f"/projects/{theirs}/reports/{report_id}").status_code == 200
    assert client.get(f"/projects/{ours}/reports/{report_id}").status_code == 404
    assert client.get(f"/projects/{ours}/evidence/{evidence_id}").status_code == 404
    assert client.get(f"/projects/{theirs}/evidence/{evidence_id}").status_code == 200


def test_officer_pages_answer_403_to_applicants(client, login, two_projects):
    ours, _theirs, reports, _people = two_projects
    report_id, _evidence_id = reports[ours]
    login("alice@alpha.example")
    for path in (
        f"/projects/{ours}/reports/{report_id}",
        f"/projects/{ours}/acceptance",
        f"/projects/{ours}/terminate",
        "/officer/projects",
        "/officer/objections",
    ):
        assert client.get(path).status_code == 403, path


def test_objection_evidence_is_for_staff_and_the_objector(
    app, client, login, make_proposal, make_user, publicise, officer
):
    award_id = publicise(make_proposal(status="awarded"))
    make_user("rival@gamma.example", org="Gamma Labs")
    make_user("other@delta.example", org="Delta Co")
    login("rival@gamma.example")
    client.post(
        f"/publicity/awards/{award_id}/objection",
        data={"reason": "See the photos.", "evidence": pdf("photos.pdf")},
        content_type="multipart/form-data",
    )
    with app.app_context():
        objection_id = db.session.exec(select(Objection.id)).one()
    for who, status in (
        ("rival@gamma.example", 200),
        (officer.email, 200),
        ("other@delta.example", 404),
    ):
        login(who)
        assert client.get(f"/objections/{objection_id}/evidence").status_code == status, who


def test_only_an_award_in_publicity_takes_objections(
    app, client, login, make_proposal, make_user, publicise, officer
):
    award_id = publicise(make_proposal(status="awarded"))
    make_user("rival@gamma.example", org="Gamma Labs")
    login("rival@gamma.example")
    assert client.get(f"/publicity/awards/{award_id}/objection").status_code == 200
    clock.set_now(START + timedelta(days=7))
    with within(app):
        confirm_as_proposed(award_id, officer.id)
        db.session.commit()
    login("rival@gamma.example")  # a week later, in a new login
    assert client.get(f"/publicity/awards/{award_id}/objection").status_code == 404
