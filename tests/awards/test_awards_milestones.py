"""Projects and milestones: reports, returns, acceptance with disbursement, overdue, closing."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import func, select

from portal import clock
from portal.accounts.models import User
from portal.awards import milestones, services
from portal.awards.models import Award, Disbursement, Milestone, MilestoneReport
from portal.db import db
from portal.errors import DomainError, ValidationFailed
from portal.vocabulary import AwardStatus, MilestoneStatus, ReportDecision
from tests.awards.helpers import START, pdf, pending_report


@pytest.fixture
def project(make_project):
    return make_project(lead="Alpha Tech")


@pytest.fixture
def alice(make_user, project, app):
    with app.app_context():
        lead_org_id = db.session.get(Award, project).proposal.lead_org_id
    from portal.accounts.models import Organisation

    with app.app_context():
        org = db.session.get(Organisation, lead_org_id)
    return make_user("alice@alpha.example", org=org)


def _milestone_ids(app, award_id):
    with app.app_context():
        return [m.id for m in db.session.get(Award, award_id).milestones]


def _latest_report_id(app, milestone_id):
    with app.app_context():
        return db.session.exec(
            select(MilestoneReport.id)
            .where(MilestoneReport.milestone_id == milestone_id)
            .order_by(MilestoneReport.number.desc())
        ).first()


def test_report_return_report_accept_records_the_disbursement(app, client, login, project, alice):
    first = _milestone_ids(app, project)[0]
    login("alice@alpha.example")
    page = client.get(f"/projects/{project}").get_data(as_text=True)
    assert "Report this milestone" in page
    response = client.post(
        f"/projects/{project}/milestones/{first}/report",
        data={
            "progress": "Resin synthesised.",
            "values-0-indicator_id": "",
            "evidence": [pdf("lab-report.pdf"), pdf("photos.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    report_1 = _latest_report_id(app, first)

    login("officer@example.gov.cn")
    review = client.get(f"/projects/{project}/reports/{report_1}").get_data(as_text=True)
    assert "Resin synthesised." in review and "lab-report.pdf" in review
    refused = client.post(f"/projects/{project}/reports/{report_1}", data={"send_back": "1"})
    assert refused.status_code == 422
    assert "Say what must change" in refused.get_data(as_text=True)
    client.post(
        f"/projects/{project}/reports/{report_1}",
        data={"send_back": "1", "comments": "Attach the third-party test report."},
    )
    with app.app_context():
        assert db.session.get(Milestone, first).status is MilestoneStatus.returned

    login("alice@alpha.example")
    page = client.get(f"/projects/{project}").get_data(as_text=True)
    assert "Attach the third-party test report." in page and "Report again" in page
    client.post(
        f"/projects/{project}/milestones/{first}/report",
        data={"progress": "Test report attached.", "evidence": pdf("sgs.pdf")},
        content_type="multipart/form-data",
    )
    report_2 = _latest_report_id(app, first)
    assert report_2 != report_1

    login("officer@example.gov.cn")
    response = client.post(
        f"/projects/{project}/reports/{report_2}",
        data={"accept": "1", "paid_on": "2026-04-15", "comments": "Verified."},
    )
    assert response.status_code == 302
    with app.app_context():
        milestone = db.session.get(Milestone, first)
        assert milestone.status is MilestoneStatus.accepted
        paid = db.session.exec(select(Disbursement)).one()
        assert (paid.amount, paid.paid_on) == (Decimal("6000000.00"), date(2026, 4, 15))
        reports = db.session.exec(
            select(MilestoneReport.decision).order_by(MilestoneReport.number)
        ).all()
        assert reports == [ReportDecision.returned, ReportDecision.accepted]

    login("alice@alpha.example")
    page = client.get(f"/projects/{project}").get_data(as_text=True)
    assert "2026-04-15" in page and "CNY 6,000,000.00" in page
    evidence_id = page.split("/evidence/")[1].split('"')[0]
    assert client.get(f"/projects/{project}/evidence/{evidence_id}").data.startswith(b"%PDF")


def test_only_the_lead_organisation_reports(app, client, login, project, make_user):
    first = _milestone_ids(app, project)[0]
    make_user("mallory@other.example", org="Other Corp")
    login("mallory@other.example")
    assert client.get(f"/projects/{project}").status_code == 404
    response = client.get(f"/projects/{project}/milestones/{first}/report")
    assert response.status_code == 404


def test_a_milestone_is_overdue_once_the_clock_passes_its_due_date(
    app, client, login, project, alice
):
    with app.app_context():
        due = db.session.get(Award, project).milestones[0].due_date
    # Due dates are local (Shanghai) dates: the last moment of the due date is 15:59:59 UTC.
    clock.set_now(START.replace(year=due.year, month=due.month, day=due.day, hour=15, minute=59))
    login("officer@example.gov.cn")
    before = client.get("/officer/projects").get_data(as_text=True)
    assert "1 overdue" not in before and "No milestone is overdue." in before
    clock.set_now(clock.now() + timedelta(minutes=1))
    dashboard = client.get("/officer/projects").get_data(as_text=True)
    assert "1 overdue" in dashboard
    overdue = dashboard[dashboard.index("Overdue milestones") :]
    with app.app_context():
        proposal = db.session.get(Award, project).proposal
        named = (proposal.title, proposal.lead_org.name)
    start = overdue.index("Milestone 1")
    row = overdue[start : overdue.index("</tr>", start)]
    assert f'href="/projects/{project}"' in row and all(name in row for name in named)
    login("alice@alpha.example")
    assert "Overdue" in client.get(f"/projects/{project}").get_data(as_text=True)


def test_an_accepted_milestone_is_never_overdue(app, ctx, project, alice, officer):
    report_id = pending_report(app, project, alice.id)
    report = db.session.get(MilestoneReport, report_id)
    milestones.accept_report(report, by=officer, paid_on=START.date())
    db.session.commit()
    milestone = report.milestone
    later = milestone.due_date + timedelta(days=10)
    assert not milestone.is_overdue(later)
    assert milestone.award.overdue_milestones(later) == []


def test_a_report_cannot_be_accepted_twice(app, ctx, project, alice, officer):
    report_id = pending_report(app, project, alice.id)
    report = db.session.get(MilestoneReport, report_id)
    milestones.accept_report(report, by=officer, paid_on=START.date())
    db.session.commit()
    with pytest.raises(DomainError, match="already been decided"):
        milestones.accept_report(report, by=officer, paid_on=START.date())


def test_disbursed_money_never_exceeds_the_award(app, ctx, project, alice, officer):
    """Even if tranches were somehow planned above the amount, payment stops at the award."""
    award = db.session.get(Award, project)
    for milestone in award.milestones:
        milestone.tranche = Decimal("9000000.00")  # 3 × 9M > 20M
    db.session.commit()
    for position in range(3):
        report = db.session.get(MilestoneReport, pending_report(app, project, alice.id, position))
        try:
            milestones.accept_report(report, by=officer, paid_on=START.date())
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            assert "more than the award" in str(exc)
    paid = db.session.exec(select(func.sum(Disbursement.amount))).one()
    assert paid == Decimal("18000000.00") <= award.amount


def _accept_in_thread(app, report_id: int, officer_id: int, barrier, outcomes: list) -> None:
    """One officer's request (a POST): its own request and application context and session."""
    with app.test_request_context(method="POST"):
        try:
            report = db.session.get(MilestoneReport, report_id)
            officer = db.session.get(User, officer_id)
            db.session.commit()  # what we read stays loaded; the race starts a new transaction
            barrier.wait(timeout=10)
            milestones.accept_report(report, by=officer, paid_on=START.date())
            db.session.commit()
            outcomes.append("paid")
        except DomainError as exc:
            db.session.rollback()
            outcomes.append(str(exc))
        finally:
            db.remove()


def _race(app, report_ids, officer_ids) -> list[str]:
    barrier = threading.Barrier(len(report_ids))
    outcomes: list[str] = []
    threads = [
        threading.Thread(target=_accept_in_thread, args=(app, r, o, barrier, outcomes))
        for r, o in zip(report_ids, officer_ids, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_officers_accepting_the_same_report_at_once_pay_once(
    app, project, alice, officer, make_user
):
    second = make_user("officer2@example.gov.cn", role="officer")
    report_id = pending_report(app, project, alice.id)
    outcomes = _race(app, [report_id, report_id], [officer.id, second.id])
    assert sorted(outcomes) == ["This report has already been decided.", "paid"]
    with app.app_context():
        assert db.session.exec(select(func.count()).select_from(Disbursement)).one() == 1


def test_two_officers_accepting_two_milestones_at_once_stay_within_the_award(
    app, project, alice, officer, make_user
):
    second = make_user("officer2@example.gov.cn", role="officer")
    with app.app_context():
        award = db.session.get(Award, project)
        for milestone in award.milestones[:2]:
            milestone.tranche = Decimal("12000000.00")  # together 24M > 20M
        db.session.commit()
    reports = [pending_report(app, project, alice.id, position) for position in (0, 1)]
    outcomes = _race(app, reports, [officer.id, second.id])
    assert outcomes.count("paid") == 1
    assert any("more than the award" in o for o in outcomes)
    with app.app_context():
        paid = db.session.exec(select(func.sum(Disbursement.amount))).one()
        assert paid == Decimal("12000000.00")


def test_final_acceptance_closes_the_project(app, client, login, project, alice, officer):
    with app.app_context():
        award = db.session.get(Award, project)
        for position in range(3):
            report = db.session.get(
                MilestoneReport, pending_report(app, project, alice.id, position)
            )
            milestones.accept_report(report, by=officer, paid_on=START.date())
        db.session.commit()
        indicator_ids = [i.id for i in award.indicators]
    login("officer@example.gov.cn")
    form = {"comments": "All targets verified by a third party."}
    for i, indicator_id in enumerate(indicator_ids):
        form[f"achieved-{i}-indicator_id"] = str(indicator_id)
    unmet = client.post(
        f"/projects/{project}/acceptance",
        data=form | {"achieved-0-value": "99", "achieved-1-value": "250"},
    )
    assert unmet.status_code == 422
    assert "These targets are not met: Indicator 1" in unmet.get_data(as_text=True)
    done = client.post(
        f"/projects/{project}/acceptance",
        data=form | {"achieved-0-value": "105", "achieved-1-value": "250"},
    )
    assert done.status_code == 302
    with app.app_context():
        award = db.session.get(Award, project)
        assert award.status is AwardStatus.completed
        assert [i.achieved for i in award.indicators] == [Decimal(105), Decimal(250)]
    page = client.get(f"/projects/{project}").get_data(as_text=True)
    assert "Completed" in page and "All targets verified" in page


def test_final_acceptance_waits_for_every_milestone(ctx, project, officer):
    award = db.session.get(Award, project)
    with pytest.raises(DomainError, match="Every milestone must be accepted"):
        services.complete_project(award, by=officer, achieved={})


def test_termination_cancels_the_remaining_tranches_and_records_the_refund(
    app, client, login, project, alice, officer
):
    with app.app_context():
        report = db.session.get(MilestoneReport, pending_report(app, project, alice.id))
        milestones.accept_report(report, by=officer, paid_on=START.date())
        db.session.commit()
    pending_report(app, project, alice.id, 1)
    login("officer@example.gov.cn")
    too_much = client.post(
        f"/projects/{project}/terminate", data={"reason": "Team left.", "refund_due": "700"}
    )
    assert too_much.status_code == 422
    assert "between zero and what was paid" in too_much.get_data(as_text=True)
    response = client.post(
        f"/projects/{project}/terminate",
        data={"reason": "The team leader left.", "refund_due": "100万"},
    )
    assert response.status_code == 302
    with app.test_request_context():
        award = db.session.get(Award, project)
        assert award.status is AwardStatus.terminated
        assert award.refund_due == Decimal("1000000.00")
        assert [m.status for m in award.milestones] == [
            MilestoneStatus.accepted,
            MilestoneStatus.cancelled,
            MilestoneStatus.cancelled,
        ]
        with pytest.raises(DomainError):
            milestones.report_milestone(
                award.milestones[2], by=db.session.get(User, alice.id), progress="x", values={}
            )


def test_a_report_needs_progress(ctx, project, alice):
    award = db.session.get(Award, project)
    with pytest.raises(ValidationFailed, match="Describe the progress"):
        milestones.report_milestone(award.milestones[0], by=alice, progress=" ", values={})
