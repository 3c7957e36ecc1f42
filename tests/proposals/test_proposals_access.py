"""Who sees a proposal: the lead edits, members read, officers read, nobody else (404)."""

from __future__ import annotations

from portal.accounts.models import Organisation
from portal.db import db
from tests.proposals.fixtures import attach


def test_a_member_organisation_reads_but_cannot_edit(
    app,
    client,
    login,
    consortium,
    make_proposal,
):
    c = consortium
    proposal = make_proposal(lead=c["alpha"], members=(c["beta"],), challenge=c["challenge"])
    attachment_id = attach(app, proposal.id, "plan.pdf")
    login("bob@beta.example")
    page = client.get(f"/proposals/{proposal.id}")
    assert page.status_code == 200
    assert "Domestic photoresist" in page.get_data(as_text=True)
    download = client.get(f"/proposals/{proposal.id}/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert client.get(f"/proposals/{proposal.id}/versions/1").status_code == 200
    for section in ("general", "members", "commitments", "milestones", "budget"):
        assert client.get(f"/proposals/{proposal.id}/edit/{section}").status_code == 404
    assert client.get(f"/proposals/{proposal.id}/attachments").status_code == 404
    assert client.post(f"/proposals/{proposal.id}/withdraw").status_code == 404
    assert client.post(f"/proposals/{proposal.id}/submit").status_code == 404
    html = client.get("/proposals").get_data(as_text=True)
    assert "Domestic photoresist" in html  # listed among the proposals Bob's organisation is in


def test_an_unrelated_applicant_gets_404_on_the_proposal_and_its_attachments(
    app,
    client,
    login,
    consortium,
    make_proposal,
):
    c = consortium
    proposal = make_proposal(lead=c["alpha"], members=(c["beta"],), challenge=c["challenge"])
    attachment_id = attach(app, proposal.id)
    login("eve@omega.example")
    assert client.get(f"/proposals/{proposal.id}").status_code == 404
    assert client.get(f"/proposals/{proposal.id}/attachments/{attachment_id}").status_code == 404
    assert client.get(f"/proposals/{proposal.id}/versions/1").status_code == 404
    assert client.get(f"/proposals/{proposal.id}/edit/general").status_code == 404
    assert "Domestic photoresist" not in client.get("/proposals").get_data(as_text=True)


def test_an_attachment_of_another_proposal_is_not_served_through_mine(
    app,
    client,
    login,
    consortium,
    make_proposal,
    make_challenge,
):
    c = consortium
    with app.app_context():
        omega = db.session.get(Organisation, c["eve"].organisation_id)
    mine = make_proposal(lead=omega, challenge=c["challenge"])
    theirs = make_proposal(lead=c["alpha"], challenge=c["challenge"])
    their_file = attach(app, theirs.id)
    login("eve@omega.example")
    assert client.get(f"/proposals/{mine.id}").status_code == 200
    assert client.get(f"/proposals/{mine.id}/attachments/{their_file}").status_code == 404


def test_officers_read_every_submitted_proposal_but_cannot_edit(
    app,
    client,
    login,
    consortium,
    make_proposal,
):
    c = consortium
    proposal = make_proposal(lead=c["alpha"], challenge=c["challenge"])
    login("officer@gov.example")
    assert client.get(f"/proposals/{proposal.id}").status_code == 200
    assert client.get(f"/proposals/{proposal.id}/edit/general").status_code == 403


def test_experts_see_no_proposal_here(app, client, login, make_user, consortium, make_proposal):
    c = consortium
    proposal = make_proposal(lead=c["alpha"], challenge=c["challenge"])
    make_user("expert@review.example", role="expert")
    login("expert@review.example")
    assert client.get(f"/proposals/{proposal.id}").status_code == 403
    assert client.get("/proposals").status_code == 403
