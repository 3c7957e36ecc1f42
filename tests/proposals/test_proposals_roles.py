"""Inside the lead organisation: approved members prepare a proposal together, and only its
administrators submit and withdraw it (单位推荐). A member asks them with one button; every
notification names who did what."""

from __future__ import annotations

from sqlmodel import select

from portal.audit import AuditEvent
from portal.db import db
from portal.notifications.models import Notification
from portal.proposals.models import SubmittedVersion
from portal.vocabulary import ProposalStatus
from tests.proposals.fixtures import attach, load, sign_as_leader


def notes(app, kind: str) -> list[Notification]:
    with app.app_context():
        return list(db.session.exec(select(Notification).where(Notification.kind == kind)))


def test_a_member_who_is_not_an_administrator_asks_and_the_administrator_submits(
    app, client, login, consortium, make_user, make_proposal, smtp
):
    c = consortium
    make_user("wang@alpha.example", org=c["alpha"], name="王小明", org_role="member")
    proposal = make_proposal(lead=c["alpha"], challenge=c["challenge"], status="draft")
    attach(app, proposal.id)
    sign_as_leader(app, proposal.id)
    page_of = f"/proposals/{proposal.id}"

    # Wang prepares the proposal but is not offered, and not allowed, to submit it.
    login("wang@alpha.example")
    html = client.get(page_of).get_data(as_text=True)
    assert "Everything is complete" in html
    assert "Submit…" not in html and "Ask an administrator to submit" in html
    response = client.post(f"{page_of}/submit")
    assert response.status_code == 403
    assert "Only an administrator of Alpha Tech 阿尔法科技 can submit" in response.get_data(
        as_text=True
    )
    assert load(app, proposal.id).status is ProposalStatus.draft

    # His request reaches the administrators, in the inbox and by e-mail, naming him.
    response = client.post(f"{page_of}/request-submission", follow_redirects=True)
    assert "administrators have been asked to submit" in response.get_data(as_text=True)
    asked = notes(app, "submission_requested")
    assert {n.user_id for n in asked} == {c["alice"].id, c["alice2"].id}
    assert all(n.title.startswith("王小明 asks you to submit") for n in asked)
    mail = smtp.last("alice@alpha.example")
    assert mail.subject.startswith("王小明 asks you to submit")
    assert mail.path().endswith(page_of)

    # The administrator submits; the team is told who did.
    login("alice@alpha.example")
    assert "Submit…" in client.get(page_of).get_data(as_text=True)
    assert client.post(f"{page_of}/submit").status_code == 302
    assert load(app, proposal.id).status is ProposalStatus.submitted
    submitted = notes(app, "proposal_submitted")
    assert submitted and all("submitted by Alice" in n.title for n in submitted)

    # Wang cannot withdraw it either; the administrator can, and says so by name.
    login("wang@alpha.example")
    assert "Withdraw…" not in client.get(page_of).get_data(as_text=True)
    response = client.post(f"{page_of}/withdraw", follow_redirects=True)
    assert "Only an administrator of Alpha Tech 阿尔法科技 can withdraw" in response.get_data(
        as_text=True
    )
    assert load(app, proposal.id).status is ProposalStatus.submitted
    login("alice@alpha.example")
    client.post(f"{page_of}/withdraw")
    assert load(app, proposal.id).status is ProposalStatus.withdrawn
    withdrawn = notes(app, "proposal_withdrawn")
    assert withdrawn and all(n.title.startswith("Alice withdrew") for n in withdrawn)
    with app.app_context():
        actions = {
            (e.action, e.actor_email)
            for e in db.session.exec(
                select(AuditEvent)
                .where(AuditEvent.object_type == "proposal")
                .order_by(AuditEvent.id)
            )
        }
    assert ("proposal.submission_requested", "wang@alpha.example") in actions
    assert ("proposal.submitted", "alice@alpha.example") in actions
    assert ("proposal.withdrawn", "alice@alpha.example") in actions


def test_an_unverified_lead_organisation_drafts_but_cannot_submit(
    app, client, login, make_org, make_user, make_challenge, make_proposal
):
    newco = make_org("Newco 新公司", status="unverified")
    make_user("founder@newco.example", org=newco)
    proposal = make_proposal(lead=newco, challenge=make_challenge(), status="draft")
    attach(app, proposal.id)
    sign_as_leader(app, proposal.id)
    login("founder@newco.example")
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "has not been verified by platform staff yet" in html
    response = client.post(f"/proposals/{proposal.id}/submit")
    assert response.status_code == 422
    assert "has not been verified by platform staff yet" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.exec(select(SubmittedVersion)).all() == []
    assert load(app, proposal.id).status is ProposalStatus.draft
