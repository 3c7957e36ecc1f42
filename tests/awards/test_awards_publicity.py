"""Publicity (公示) and objections (异议): the public list, lodging, upholding and dismissing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from portal import clock
from portal.audit import AuditEvent
from portal.awards import objections, services
from portal.awards.models import Award, Objection
from portal.db import db
from portal.errors import DomainError
from portal.notifications.models import Notification
from portal.proposals.models import Proposal
from portal.vocabulary import AwardStatus, ObjectionStatus, ProposalStatus
from tests.awards.helpers import START, confirm_as_proposed, pdf


@pytest.fixture
def challenge(make_challenge, start_clock):
    return make_challenge(title="EUV pellicle", publicity_days=7)


def test_the_public_sees_awards_in_publicity(client, challenge, make_proposal, publicise):
    proposal = make_proposal(
        lead="Alpha Tech", challenge=challenge, status="awarded", leader_name="Li Lei"
    )
    publicise(proposal)
    page = client.get("/publicity").get_data(as_text=True)
    assert "Domestic photoresist" in page
    assert "Alpha Tech" in page and "Li Lei" in page
    assert "CNY 20,000,000.00" in page
    assert "2026-03-09" in page  # seven days later, shown in Shanghai time
    per_challenge = client.get(f"/publicity/{challenge.number}")
    assert per_challenge.status_code == 200 and "Alpha Tech" in per_challenge.get_data(as_text=True)


def test_publicity_lists_nothing_before_any_decision(client, start_clock):
    assert "No award is in publicity" in client.get("/publicity").get_data(as_text=True)


def test_publicity_needs_an_awarded_proposal(ctx, make_proposal, start_clock):
    proposal = make_proposal(status="reserve")
    with pytest.raises(DomainError, match="Only an awarded proposal"):
        services.start_publicity(db.session.get(Proposal, proposal.id), by=None)


def test_an_objection_needs_a_login(client, challenge, make_proposal, publicise):
    award_id = publicise(make_proposal(challenge=challenge, status="awarded"))
    response = client.get(f"/publicity/awards/{award_id}/objection")
    assert response.status_code == 302 and "/login" in response.location


def test_objection_upheld_revokes_the_award_and_promotes_the_reserve(
    app, client, login, challenge, make_proposal, make_user, publicise, officer
):
    winner = make_proposal(lead="Alpha Tech", challenge=challenge, status="awarded")
    reserve = make_proposal(
        lead="Beta Materials", challenge=challenge, status="reserve", title="Reserve pellicle"
    )
    award_id = publicise(winner)
    make_user("rival@gamma.example", org="Gamma Labs")

    login("rival@gamma.example")
    response = client.post(
        f"/publicity/awards/{award_id}/objection",
        data={"reason": "The pilot line does not exist.", "evidence": pdf("photos.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        objection = db.session.exec(select(Objection)).one()
        assert objection.status is ObjectionStatus.open
        assert objection.evidence_filename == "photos.pdf"
        objection_id = objection.id

    login("officer@example.gov.cn")
    page = client.get(f"/officer/objections/{objection_id}").get_data(as_text=True)
    assert "The pilot line does not exist." in page and "Reserve pellicle" in page
    evidence = client.get(f"/objections/{objection_id}/evidence")
    assert evidence.status_code == 200 and evidence.data.startswith(b"%PDF")

    response = client.post(
        f"/officer/objections/{objection_id}",
        data={
            "decision": "upheld",
            "reason": "Site visit confirmed: no pilot line.",
            "promote": str(reserve.id),
        },
    )
    assert response.status_code == 302

    with app.app_context():
        award = db.session.get(Award, award_id)
        assert award.status is AwardStatus.revoked
        assert award.close_reason == "Site visit confirmed: no pilot line."
        assert db.session.get(Proposal, winner.id).status is ProposalStatus.not_funded
        promoted = db.session.get(Proposal, reserve.id)
        assert promoted.status is ProposalStatus.awarded
        new_award = db.session.exec(select(Award).where(Award.proposal_id == reserve.id)).one()
        assert new_award.status is AwardStatus.in_publicity
        assert new_award.publicity_ends_at == START + timedelta(days=7)
        rival_notes = db.session.exec(
            select(Notification).where(Notification.title == "Your objection was upheld")
        ).all()
        assert len(rival_notes) == 1
        actions = set(db.session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all())
        assert {"objection.lodged", "objection.upheld", "award.revoked"} <= actions
        assert "proposal.promoted" in actions

    public = client.get("/publicity").get_data(as_text=True)
    assert "Reserve pellicle" in public and "Domestic photoresist" not in public


def test_a_dismissed_objection_leaves_the_award_standing(
    app, ctx, challenge, make_proposal, make_user, publicise, officer
):
    award_id = publicise(make_proposal(challenge=challenge, status="awarded"))
    rival = make_user("rival@gamma.example", org="Gamma Labs")
    award = db.session.get(Award, award_id)
    objection = services.lodge_objection(award, by=rival, reason="I dislike them.")
    objections.resolve(objection, by=officer, upheld=False, reason="No rule was broken.")
    db.session.commit()
    assert award.status is AwardStatus.in_publicity
    assert objection.status is ObjectionStatus.dismissed
    assert objection.resolution == "No rule was broken."
    note = db.session.exec(select(Notification).where(Notification.user_id == rival.id)).one()
    assert note.title == "Your objection was dismissed"


def test_objections_are_refused_once_the_publicity_ends(
    client, login, challenge, make_proposal, make_user, publicise
):
    award_id = publicise(make_proposal(challenge=challenge, status="awarded"))
    make_user("rival@gamma.example", org="Gamma Labs")
    clock.set_now(START + timedelta(days=7) - timedelta(seconds=1))
    login("rival@gamma.example")
    ok = client.post(f"/publicity/awards/{award_id}/objection", data={"reason": "Last second."})
    assert ok.status_code == 302
    clock.set_now(START + timedelta(days=7))
    late = client.post(f"/publicity/awards/{award_id}/objection", data={"reason": "Too late."})
    assert late.status_code == 422
    page = late.get_data(as_text=True)
    assert "The publicity period has ended" in page and "Too late." in page


def test_an_objection_accepts_only_pdf_evidence(
    client, login, challenge, make_proposal, make_user, publicise
):
    award_id = publicise(make_proposal(challenge=challenge, status="awarded"))
    make_user("rival@gamma.example", org="Gamma Labs")
    login("rival@gamma.example")
    import io

    response = client.post(
        f"/publicity/awards/{award_id}/objection",
        data={"reason": "See attached.", "evidence": (io.BytesIO(b"MZ not a pdf"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "this file is not a PDF" in response.get_data(as_text=True)


def test_confirmation_is_refused_during_publicity_and_while_an_objection_is_open(
    ctx, challenge, make_proposal, make_user, publicise, officer
):
    award_id = publicise(make_proposal(challenge=challenge, status="awarded"))
    rival = make_user("rival@gamma.example", org="Gamma Labs")
    with pytest.raises(DomainError, match="has not ended yet"):
        confirm_as_proposed(award_id, officer.id)

    objection = services.lodge_objection(
        db.session.get(Award, award_id), by=rival, reason="Conflict of interest."
    )
    clock.set_now(START + timedelta(days=7))
    with pytest.raises(DomainError, match="objection is still open"):
        confirm_as_proposed(award_id, officer.id)

    objections.resolve(objection, by=officer, upheld=False, reason="None found.")
    award = confirm_as_proposed(award_id, officer.id)
    assert award.status is AwardStatus.confirmed


def test_only_staff_resolve_objections(
    client, login, challenge, make_proposal, make_user, publicise
):
    award_id = publicise(make_proposal(challenge=challenge, status="awarded"))
    make_user("rival@gamma.example", org="Gamma Labs")
    login("rival@gamma.example")
    client.post(f"/publicity/awards/{award_id}/objection", data={"reason": "Because."})
    assert client.get("/officer/objections").status_code == 403
    mine = client.get("/objections/mine").get_data(as_text=True)
    assert "Domestic photoresist" in mine and "Open" in mine


def test_officers_reach_the_confirmation_from_the_publicity_list(
    client, login, challenge, make_proposal, publicise, officer
):
    award_id = publicise(make_proposal(challenge=challenge, status="awarded"))
    login("officer@example.gov.cn")
    assert f"/projects/{award_id}" in client.get("/publicity").get_data(as_text=True)
    during = client.get(f"/projects/{award_id}").get_data(as_text=True)
    assert "Confirmation opens when the publicity period ends." in during
    clock.set_now(START + timedelta(days=7))
    login("officer@example.gov.cn")  # a week later, in a new login
    after = client.get(f"/projects/{award_id}").get_data(as_text=True)
    assert f"/officer/awards/{award_id}/confirm" in after
