"""Withdrawing and submitting again: every submitted version stays readable in the history,
and the files a version holds are never deleted."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from portal import clock, storage
from portal.audit import AuditEvent
from portal.db import db
from portal.notifications.models import Notification
from portal.proposals.models import Attachment
from portal.vocabulary import ProposalStatus
from tests.proposals.fixtures import attach, current_revision, load, sign_as_leader


def test_withdraw_and_resubmit_keeps_both_versions(
    app,
    client,
    login,
    consortium,
    make_proposal,
):
    c = consortium
    proposal = make_proposal(
        lead=c["alpha"],
        members=(c["beta"],),
        challenge=c["challenge"],
        status="draft",
        title="First title",
    )
    attach(app, proposal.id)
    sign_as_leader(app, proposal.id)
    login("alice@alpha.example")
    assert client.post(f"/proposals/{proposal.id}/submit").status_code == 302

    page = client.get(f"/proposals/{proposal.id}/withdraw")
    assert "The submitted version stays in the history" in page.get_data(as_text=True)
    response = client.post(f"/proposals/{proposal.id}/withdraw", follow_redirects=True)
    assert "Your proposal has been withdrawn" in response.get_data(as_text=True)
    withdrawn = load(app, proposal.id)
    assert withdrawn.status is ProposalStatus.withdrawn
    assert withdrawn.versions[0].withdrawn_at is not None

    # The withdrawn proposal is changed and submitted again.
    response = client.post(
        f"/proposals/{proposal.id}/edit/general",
        data={
            "revision": current_revision(app, proposal.id),
            "title": "Second title",
            "leader_name": "Li Lei",
            "leader_title": "Chief engineer",
            "leader_phone": "+86 755 0000 0000",
            "leader_email": "leader@example.com",
            "leader_org_id": str(c["alpha"].id),
            "approach": "A better route",
            "innovation": "A new resin",
        },
    )
    assert response.status_code == 302
    assert client.post(f"/proposals/{proposal.id}/submit").status_code == 302

    resubmitted = load(app, proposal.id)
    assert resubmitted.status is ProposalStatus.submitted
    assert [(v.number, v.content["title"]) for v in resubmitted.versions] == [
        (1, "First title"),
        (2, "Second title"),
    ]
    assert resubmitted.versions[0].withdrawn_at is not None
    assert resubmitted.versions[1].withdrawn_at is None

    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Version 1 withdrawn" in page and "Version 2 submitted" in page
    first = client.get(f"/proposals/{proposal.id}/versions/1").get_data(as_text=True)
    assert "First title" in first and "Withdrawn at" in first
    assert "Second title" in client.get(f"/proposals/{proposal.id}/versions/2").get_data(
        as_text=True
    )
    with app.app_context():
        kinds = [n.kind for n in db.session.exec(select(Notification)).all()]
        actions = [
            e.action
            for e in db.session.exec(
                select(AuditEvent)
                .where(AuditEvent.object_id == proposal.id)
                .order_by(AuditEvent.id)
            ).all()
            if e.object_type == "proposal"
        ]
    assert kinds.count("proposal_withdrawn") == 2  # Alice and Alicia
    assert kinds.count("proposal_submitted") == 4
    assert [a for a in actions if a != "proposal.saved"] == [
        "proposal.submitted",
        "proposal.withdrawn",
        "proposal.submitted",
    ]


def test_withdrawing_after_the_deadline_is_refused(
    app,
    client,
    login,
    consortium,
    make_proposal,
):
    c = consortium
    proposal = make_proposal(lead=c["alpha"], challenge=c["challenge"])
    clock.set_now(c["challenge"].deadline + timedelta(seconds=1))
    login("alice@alpha.example")
    response = client.post(f"/proposals/{proposal.id}/withdraw", follow_redirects=True)
    assert "can no longer be withdrawn" in response.get_data(as_text=True)
    assert load(app, proposal.id).status is ProposalStatus.submitted


def test_a_file_in_a_submitted_version_is_kept_when_the_draft_drops_it(
    app,
    client,
    login,
    consortium,
    make_proposal,
):
    c = consortium
    proposal = make_proposal(lead=c["alpha"], challenge=c["challenge"], status="draft")
    kept_id = attach(app, proposal.id, "submitted.pdf")
    sign_as_leader(app, proposal.id)
    login("alice@alpha.example")
    assert client.post(f"/proposals/{proposal.id}/submit").status_code == 302
    client.post(f"/proposals/{proposal.id}/withdraw")
    draft_only_id = attach(app, proposal.id, "draft-only.pdf")

    for attachment_id in (kept_id, draft_only_id):
        response = client.post(f"/proposals/{proposal.id}/attachments/{attachment_id}/remove")
        assert response.status_code == 302

    with app.app_context():
        kept = db.session.get(Attachment, kept_id)
        assert kept.removed_at is not None
        assert storage.path_of(kept.stored_name).exists()
        assert db.session.get(Attachment, draft_only_id) is None
    # The version still serves its file to those who may read the proposal.
    response = client.get(f"/proposals/{proposal.id}/attachments/{kept_id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    page = client.get(f"/proposals/{proposal.id}/attachments").get_data(as_text=True)
    assert "submitted.pdf" not in page  # no longer part of the draft
