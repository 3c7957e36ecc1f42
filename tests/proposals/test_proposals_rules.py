"""The rules a proposal must keep: deadline, one per lead organisation, the challenge's
limits on organisations, PDFs only within the size limit, and no silent overwrites."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from portal import clock
from portal.db import db
from portal.proposals import drafting
from portal.proposals.models import Proposal
from portal.vocabulary import ProposalStatus
from tests.proposals.fixtures import (
    PDF,
    attach,
    current_revision,
    load,
    pdf_upload,
    sign_as_leader,
    start_proposal,
)


def test_submitting_after_the_deadline_is_refused_with_a_clear_message(
    app,
    client,
    login,
    consortium,
    make_proposal,
):
    c = consortium
    proposal = make_proposal(lead=c["alpha"], challenge=c["challenge"], status="draft")
    attach(app, proposal.id)
    sign_as_leader(app, proposal.id)
    clock.set_now(c["challenge"].deadline + timedelta(minutes=1))
    login("alice@alpha.example")
    response = client.post(f"/proposals/{proposal.id}/submit")
    assert response.status_code == 422
    assert "has passed; proposals are no longer accepted" in response.get_data(as_text=True)
    assert load(app, proposal.id).status is ProposalStatus.draft

    clock.set_now(c["challenge"].deadline - timedelta(minutes=1))
    response = client.post(f"/proposals/{proposal.id}/submit")
    assert response.status_code == 302
    assert load(app, proposal.id).status is ProposalStatus.submitted


def test_a_second_proposal_from_the_same_lead_organisation_is_refused(
    app,
    client,
    login,
    consortium,
):
    c = consortium
    login("alice@alpha.example")
    first = client.post(f"/challenges/{c['challenge'].number}/propose")
    assert first.status_code == 302
    login("alice2@alpha.example")
    page = client.get(f"/challenges/{c['challenge'].number}/propose").get_data(as_text=True)
    assert "already has a proposal for this challenge" in page
    second = client.post(f"/challenges/{c['challenge'].number}/propose", follow_redirects=True)
    assert "an organisation can lead only one" in second.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.exec(select(Proposal)).all()) == 1


def test_an_organisation_type_the_challenge_excludes_is_refused(
    app,
    client,
    login,
    make_challenge,
    make_user,
    consortium,
):
    c = consortium
    enterprises_only = make_challenge(
        title="Enterprises only", allowed_org_types=["enterprise", "institute"]
    )
    login("bob@beta.example")  # a university
    response = client.post(f"/challenges/{enterprises_only.number}/propose")
    assert response.status_code == 422
    assert "does not accept proposals from organisations of the type" in response.get_data(
        as_text=True
    )

    # …and as a member: the university cannot join Alpha's consortium either.
    login("alice@alpha.example")
    pid = start_proposal(app, client, enterprises_only)
    response = client.post(
        f"/proposals/{pid}/edit/members",
        data={
            "revision": current_revision(app, pid),
            "members-0-credit_code": c["beta"].credit_code,
            "members-0-responsibility": "Tests",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "does not accept organisations of the type “University”" in html
    assert c["beta"].credit_code in html  # what was typed is still there


def test_a_region_restricted_challenge_refuses_organisations_elsewhere(
    client,
    login,
    make_challenge,
    consortium,
):
    beijing = make_challenge(title="Beijing only", region="北京市")
    login("alice@alpha.example")  # 广东省深圳市
    response = client.post(f"/challenges/{beijing.number}/propose")
    assert response.status_code == 422
    assert "open only to organisations in 北京市" in response.get_data(as_text=True)


def test_one_member_too_many_is_refused(app, client, login, make_org, consortium):
    c = consortium  # the challenge allows two members besides the lead
    extra = [make_org(f"Member {i}", "enterprise") for i in range(3)]
    login("alice@alpha.example")
    pid = start_proposal(app, client, c["challenge"])
    data = {"revision": current_revision(app, pid)}
    for i, org in enumerate(extra):
        data[f"members-{i}-credit_code"] = org.credit_code
        data[f"members-{i}-responsibility"] = "Work"
    response = client.post(f"/proposals/{pid}/edit/members", data=data)
    assert response.status_code == 422
    assert "allows at most 2 member organisations besides the lead; you have 3" in (
        response.get_data(as_text=True)
    )
    assert len(load(app, pid).members) == 1  # nothing was saved


def test_an_invalid_or_unknown_credit_code_gets_an_error_at_its_field(
    app,
    client,
    login,
    consortium,
):
    c = consortium
    login("alice@alpha.example")
    pid = start_proposal(app, client, c["challenge"])
    response = client.post(
        f"/proposals/{pid}/edit/members",
        data={
            "revision": current_revision(app, pid),
            "members-0-credit_code": c["gamma_code"][:-1] + "0",
            "members-1-credit_code": c["gamma_code"],
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The check character does not match" in html
    assert "not in the portal yet: enter its name, type and region" in html


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(
    app,
    client,
    login,
    consortium,
):
    c = consortium
    login("alice@alpha.example")
    pid = start_proposal(app, client, c["challenge"])
    response = client.post(
        f"/proposals/{pid}/attachments",
        data={"title": "Plan", "file": pdf_upload("plan.pdf", b"MZ\x90\x00 not a pdf at all")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "this file is not a PDF" in html
    assert 'value="Plan"' in html
    assert load(app, pid).attachments == []


def test_a_file_over_the_limit_is_refused_with_a_clear_message(
    app,
    client,
    login,
    consortium,
    monkeypatch,
):
    c = consortium
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)
    login("alice@alpha.example")
    pid = start_proposal(app, client, c["challenge"])
    big = PDF + b"0" * (1024 * 1024 + 10)
    response = client.post(
        f"/proposals/{pid}/attachments",
        data={"file": pdf_upload("big.pdf", big)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "The file is larger than 1 MB." in response.get_data(as_text=True)


def test_a_request_over_the_portal_limit_gets_the_file_too_large_page(
    app,
    client,
    login,
    consortium,
    monkeypatch,
):
    c = consortium
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 512 * 1024)
    login("alice@alpha.example")
    pid = start_proposal(app, client, c["challenge"])
    response = client.post(
        f"/proposals/{pid}/attachments",
        data={"file": pdf_upload("huge.pdf", PDF + b"0" * (600 * 1024))},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "File too large" in html and "Nothing was saved" in html


def test_two_users_saving_the_same_draft_the_second_is_told_and_keeps_their_text(
    app,
    client,
    login,
    consortium,
):
    c = consortium
    login("alice@alpha.example")
    pid = start_proposal(app, client, c["challenge"])
    opened_at = current_revision(app, pid)  # both open the form at the same revision

    first = client.post(
        f"/proposals/{pid}/edit/general",
        data={"revision": opened_at, "title": "Alice's title", "approach": "Alice's route"},
    )
    assert first.status_code == 302

    login("alice2@alpha.example")
    second = client.post(
        f"/proposals/{pid}/edit/general",
        data={"revision": opened_at, "title": "Alicia's title", "approach": "Alicia's route"},
    )
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "Someone else saved this proposal while you were editing it" in html
    assert "Alicia&#39;s route" in html and 'value="Alicia&#39;s title"' in html
    proposal = load(app, pid)
    assert proposal.title == "Alice's title" and proposal.approach == "Alice's route"


def test_the_revision_check_holds_in_the_database_not_only_in_memory(ctx, consortium):
    """A save that read the proposal before another committed is refused by the database."""
    c = consortium
    alice = db.session.get(type(c["alice"]), c["alice"].id)
    challenge = db.session.get(type(c["challenge"]), c["challenge"].id)
    proposal = drafting.start_proposal(challenge, by=alice)
    db.session.commit()
    revision = proposal.revision
    db.session.execute(
        Proposal.__table__.update()
        .where(Proposal.__table__.c.id == proposal.id)
        .values(revision=revision + 1)
    )
    with pytest.raises(drafting.StaleDraft):
        drafting.save_general(
            proposal,
            by=alice,
            revision=revision,
            title="Stale",
            leader_name="",
            leader_title="",
            leader_phone="",
            leader_email="",
            leader_org_id=None,
            approach="",
            innovation="",
        )


def test_a_closed_or_draft_challenge_cannot_be_unveiled(client, login, make_challenge, consortium):
    c = consortium
    clock.set_now(c["challenge"].deadline + timedelta(hours=1))
    login("alice@alpha.example")
    page = client.get(f"/challenges/{c['challenge'].number}/propose").get_data(as_text=True)
    assert "This challenge is not open for proposals." in page
    assert "Start a proposal" not in page
    response = client.post(f"/challenges/{c['challenge'].number}/propose")
    assert response.status_code == 422
    draft = make_challenge(title="Not yet published", status="draft")
    assert client.get(f"/challenges/{draft.number}/propose").status_code == 404
