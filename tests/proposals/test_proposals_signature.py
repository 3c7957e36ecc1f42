"""The team leader (挂帅人) signs the pledge themself: named by e-mail, invited if new, they
confirm and sign with their password; the signature keeps who, when, from where and a hash of
exactly what was signed, and any change to what it covers voids it."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlparse

from sqlmodel import select

from portal.accounts import invitations
from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.db import db
from portal.notifications.models import Notification
from portal.proposals import signature, submission
from portal.proposals.models import Commitment, PledgeSignature, Proposal
from portal.reviews.blind import proposal_view
from portal.vocabulary import (
    InvitationPurpose,
    MembershipStatus,
    ProposalStatus,
    SignatureStatus,
    VoidCause,
)
from tests.factories import PASSWORD
from tests.proposals.fixtures import (
    attach,
    current_revision,
    leader_account,
    load,
    sign_as_leader,
)


def general(app, pid: int, leader_email: str, org_id: int, **changes) -> dict:
    return {
        "revision": current_revision(app, pid),
        "title": "Domestic photoresist",
        "leader_email": leader_email,
        "leader_name": "李雷",
        "leader_title": "Chief engineer",
        "leader_phone": "+86 755 0000 0000",
        "leader_org_id": str(org_id),
        "approach": "A pilot line.",
        "innovation": "A new resin.",
        **changes,
    }


def budget(app, pid: int, requested: str) -> dict:
    members = load(app, pid).members
    return {
        "revision": current_revision(app, pid),
        "requested": requested,
        "self_funds": "500",
        "shares-0-member_id": str(members[0].id),
        "shares-0-share": requested,
    }


def signatures(app, pid: int) -> list[PledgeSignature]:
    with app.app_context():
        return list(
            db.session.exec(
                select(PledgeSignature)
                .where(PledgeSignature.proposal_id == pid)
                .order_by(PledgeSignature.id)
            )
        )


def test_the_leader_invited_by_e_mail_signs_and_a_budget_change_voids_the_signature(
    app, client, login, consortium, make_proposal, smtp
):
    c = consortium
    proposal = make_proposal(lead=c["alpha"], challenge=c["challenge"], status="draft")
    pid = proposal.id
    attach(app, pid)
    login("alice@alpha.example")
    response = client.post(
        f"/proposals/{pid}/edit/general",
        data=general(app, pid, "LiLei@New.example", c["alpha"].id),
    )
    assert response.status_code == 302

    # The invitation reaches the leader through SMTP; registering through it leads to the pledge.
    mail = smtp.last("lilei@new.example")
    assert "names you team leader" in mail.subject
    link = urlparse(mail.path())
    assert link.path.startswith("/invitations/")
    assert parse_qs(link.query)["next"] == [f"/proposals/{pid}/pledge"]
    leader_id = leader_account(app, "lilei@new.example", "李雷")
    with app.test_request_context():
        invitation = invitations.open_invitation(link.path.rsplit("/", 1)[1])
        assert invitation.purpose is InvitationPurpose.leader
        assert invitation.organisation_id == c["alpha"].id
        membership = invitations.join_through(invitation, db.session.get(User, leader_id))
        assert membership.status is MembershipStatus.approved  # Alice administers Alpha
        db.session.commit()

    # The pledge page shows the text and what it covers; a wrong password writes nothing.
    login("lilei@new.example")
    page = client.get(f"/proposals/{pid}/pledge").get_data(as_text=True)
    assert "We, the lead organisation and every member of this consortium" in page
    assert "Indicator 1" in page and "Milestone 3" in page and "20,000,000.00" in page
    response = client.post(
        f"/proposals/{pid}/pledge", data={"leads_the_team": "y", "password": "not it"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="password-error"' in html and "The password is not right." in html
    response = client.post(f"/proposals/{pid}/pledge", data={"password": PASSWORD})
    assert "Confirm that you lead this team." in response.get_data(as_text=True)
    assert signatures(app, pid) == []

    response = client.post(
        f"/proposals/{pid}/pledge", data={"leads_the_team": "y", "password": PASSWORD}
    )
    assert response.status_code == 302
    [signed] = signatures(app, pid)
    assert (signed.signer_id, signed.signer_name, signed.remote_addr) == (
        leader_id,
        "李雷",
        "127.0.0.1",  # the test client's address
    )
    assert signed.status is SignatureStatus.signed
    assert signed.content_sha256 == signature.digest(signed.content)
    assert signed.content["covers"]["budget"]["requested"] == "20000000.00"

    # Alice changes the budget: the signature is void, the page says so, submission is refused.
    login("alice@alpha.example")
    client.post(f"/proposals/{pid}/edit/budget", data=budget(app, pid, "1900"))
    [voided] = signatures(app, pid)
    assert voided.status is SignatureStatus.void and voided.void_cause is VoidCause.budget
    assert voided.voided_by_id == c["alice"].id and voided.voided_at is not None
    html = client.get(f"/proposals/{pid}").get_data(as_text=True)
    assert "The team leader's signature is void." in html and "the budget was changed" in html
    response = client.post(f"/proposals/{pid}/submit")
    assert response.status_code == 422
    assert "must sign the pledge again" in response.get_data(as_text=True)
    assert load(app, pid).status is ProposalStatus.draft

    # The leader signs again; now it holds, and the submitted version records it.
    login("lilei@new.example")
    client.post(f"/proposals/{pid}/pledge", data={"leads_the_team": "y", "password": PASSWORD})
    login("alice@alpha.example")
    assert client.post(f"/proposals/{pid}/submit").status_code == 302
    submitted = load(app, pid)
    again = submitted.signatures[-1]
    assert again.status is SignatureStatus.signed
    assert submitted.versions[0].content["pledge"]["signed_by"] == "李雷"
    assert submitted.versions[0].content["pledge"]["sha256"] == again.content_sha256


def test_a_leader_with_an_account_is_told_and_only_they_open_the_pledge(
    app, client, login, consortium, make_user, make_proposal, smtp
):
    c = consortium
    lilei = make_user("lilei@beta.example", org=c["beta"], name="李雷", org_role="member")
    proposal = make_proposal(
        lead=c["alpha"], members=(c["beta"],), challenge=c["challenge"], status="draft"
    )
    pid = proposal.id
    login("alice@alpha.example")
    client.post(
        f"/proposals/{pid}/edit/general",
        data=general(app, pid, "lilei@beta.example", c["beta"].id, leader_name="Someone else"),
    )
    named = load(
        app, pid
    )  # the typed name until 李雷 signs: the lead learns nothing of the account
    assert (named.leader_name, named.leader_user_id) == ("Someone else", lilei.id)
    assert "named you team leader" in smtp.last("lilei@beta.example").subject
    with app.app_context():
        told = db.session.exec(select(Notification).where(Notification.kind == "leader_named"))
        assert [n.link for n in told] == [f"/proposals/{pid}/pledge"]

    for outsider in ("alice@alpha.example", "bob@beta.example", "eve@omega.example"):
        login(outsider)
        assert client.get(f"/proposals/{pid}/pledge").status_code == 404
        response = client.post(
            f"/proposals/{pid}/pledge", data={"leads_the_team": "y", "password": PASSWORD}
        )
        assert response.status_code == 404
    assert signatures(app, pid) == []

    login("lilei@beta.example")  # a member of Beta: the pledge is theirs to sign
    assert client.get(f"/proposals/{pid}/pledge").status_code == 200


def test_naming_a_leader_reveals_nothing_about_who_owns_the_address(
    app, client, login, consortium, make_proposal, smtp
):
    """Eve has an account at Omega, outside the consortium: the lead's save answers as for any
    address, Eve learns by e-mail why she cannot sign, and the pledge page tells her again."""
    c = consortium
    proposal = make_proposal(lead=c["alpha"], challenge=c["challenge"], status="draft")
    login("alice@alpha.example")
    response = client.post(
        f"/proposals/{proposal.id}/edit/general",
        data=general(app, proposal.id, "eve@omega.example", c["alpha"].id, leader_name="E. Ve"),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Omega" not in page
    saved = load(app, proposal.id)
    assert (saved.leader_email, saved.leader_name, saved.leader_user_id) == (
        "eve@omega.example",
        "E. Ve",
        None,
    )
    assert "belongs to another organisation (Omega)" in smtp.last("eve@omega.example").body

    login("eve@omega.example")
    refused = client.post(
        f"/proposals/{proposal.id}/pledge", data={"leads_the_team": "y", "password": PASSWORD}
    )
    assert refused.status_code == 422
    assert "belongs to another organisation (Omega)" in refused.get_data(as_text=True)
    assert signatures(app, proposal.id) == []


def test_submission_compares_the_hash_of_what_was_signed(
    app, client, login, consortium, make_proposal
):
    """A change that did not pass through a save (so voided nothing) is still caught."""
    c = consortium
    proposal = make_proposal(lead=c["alpha"], challenge=c["challenge"], status="draft")
    attach(app, proposal.id)
    sign_as_leader(app, proposal.id)
    with app.app_context():
        commitment = db.session.exec(
            select(Commitment).where(Commitment.proposal_id == proposal.id)
        ).first()
        commitment.value += Decimal(1)
        db.session.commit()
    login("alice@alpha.example")
    response = client.post(f"/proposals/{proposal.id}/submit")
    assert response.status_code == 422
    assert "is no longer what the proposal says" in response.get_data(as_text=True)
    assert load(app, proposal.id).status is ProposalStatus.draft


def test_the_expert_blind_view_withholds_the_signature(app, consortium, make_proposal):
    c = consortium
    proposal = make_proposal(lead=c["alpha"], challenge=c["challenge"], status="draft")
    attach(app, proposal.id)
    sign_as_leader(app, proposal.id)
    with app.test_request_context():
        alice = db.session.get(User, c["alice"].id)
        submission.submit_proposal(db.session.get(Proposal, proposal.id), by=alice)
        db.session.commit()
        shown = str(proposal_view(db.session.get(Proposal, proposal.id), blind=True).content)
    frozen = load(app, proposal.id).versions[0].content
    assert frozen["pledge"]["signed_by"] == "Li Lei"
    for hidden in ("Li Lei", "leader@example.com", frozen["pledge"]["sha256"], "Alpha Tech"):
        assert hidden not in shown


def test_signatures_and_answers_are_in_the_audit_trail_with_actor_and_time(
    app, client, login, consortium, make_proposal
):
    c = consortium
    proposal = make_proposal(
        lead=c["alpha"],
        members=(c["beta"],),
        challenge=c["challenge"],
        status="draft",
        consent="invited",
    )
    leader_id = sign_as_leader(app, proposal.id)
    login("bob@beta.example")
    with app.app_context():
        [member] = [m for m in load(app, proposal.id).members if m.organisation_id == c["beta"].id]
    client.post(f"/proposals/invitations/{member.id}/accept")
    login("alice@alpha.example")
    client.post(f"/proposals/{proposal.id}/edit/budget", data=budget(app, proposal.id, "0.1"))
    with app.app_context():
        events = db.session.exec(
            select(AuditEvent)
            .where(AuditEvent.object_type.in_(["pledge_signature", "consortium_member"]))
            .order_by(AuditEvent.id)
        ).all()
    assert [(e.action, e.actor_id) for e in events] == [
        ("pledge.signed", leader_id),
        ("consortium.accepted", c["bob"].id),
        ("pledge.voided", c["alice"].id),
    ]
    assert all(e.at is not None for e in events)
    assert events[2].after["void_cause"] == "budget"


def test_a_leader_of_a_member_organisation_waits_for_approval_and_still_signs(
    app, client, login, consortium, make_proposal, smtp
):
    """Alice does not administer Beta: the leader she invites there joins Beta as a pending
    member, whom Beta's administrators approve; the pledge is theirs to sign meanwhile."""
    c = consortium
    proposal = make_proposal(
        lead=c["alpha"], members=(c["beta"],), challenge=c["challenge"], status="draft"
    )
    login("alice@alpha.example")
    client.post(
        f"/proposals/{proposal.id}/edit/general",
        data=general(app, proposal.id, "prof@beta.example", c["beta"].id),
    )
    link = urlparse(smtp.last("prof@beta.example").path())
    leader_id = leader_account(app, "prof@beta.example", "李教授")
    with app.test_request_context():
        invitation = invitations.open_invitation(link.path.rsplit("/", 1)[1])
        assert invitation.approved_on_join is False
        membership = invitations.join_through(invitation, db.session.get(User, leader_id))
        assert membership.status is MembershipStatus.pending
        db.session.commit()

    login("prof@beta.example")
    assert client.get(f"/proposals/{proposal.id}").status_code == 404  # not approved yet
    response = client.post(
        f"/proposals/{proposal.id}/pledge", data={"leads_the_team": "y", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert [s.signer_id for s in signatures(app, proposal.id)] == [leader_id]
