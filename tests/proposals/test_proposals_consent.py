"""Consortium consent (联合体确认): an organisation is a member only once it says so.

Adding a member invites it; its administrators accept, or decline with a reason. Until it
accepts, it sees only the invitation. Submission waits for every member; a member may withdraw
its consent before the deadline, and a submitted proposal then goes back to draft.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from sqlmodel import select

from portal import clock
from portal.accounts import invitations
from portal.accounts.models import Invitation, Membership, Organisation, User
from portal.audit import AuditEvent
from portal.awards.permissions import get_award_or_404
from portal.awards.services import start_publicity
from portal.db import db
from portal.notifications.models import Notification
from portal.proposals.models import ConsortiumMember, Proposal
from portal.vocabulary import (
    ConsentStatus,
    InvitationPurpose,
    MembershipRole,
    OrgStatus,
    ProposalStatus,
    SignatureStatus,
    VoidCause,
)
from tests.proposals.fixtures import (
    attach,
    current_revision,
    leader_account,
    load,
    sign_as_leader,
    start_proposal,
)


def member_row(app, proposal_id: int, org) -> ConsortiumMember:
    with app.app_context():
        return db.session.exec(
            select(ConsortiumMember).where(
                ConsortiumMember.proposal_id == proposal_id,
                ConsortiumMember.organisation_id == org.id,
            )
        ).one()


def complete_draft(app, client, c, members: dict) -> int:
    """Alice's draft, complete but for the consortium's answers and the leader's signature,
    with `members` (credit code → e-mail, or "" for a registered organisation)."""
    pid = start_proposal(app, client, c["challenge"])
    data = {"revision": current_revision(app, pid), "lead_responsibility": "Resin"}
    for i, (credit_code, email) in enumerate(members.items()):
        data |= {
            f"members-{i}-credit_code": credit_code,
            f"members-{i}-email": email,
            f"members-{i}-name": "Gamma Institute 伽马研究所",
            f"members-{i}-type": "institute",
            f"members-{i}-responsibility": "Tests",
        }
    response = client.post(f"/proposals/{pid}/edit/members", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return pid


def fill_the_rest(app, pid: int) -> None:
    """Everything but the consortium, through the services (the pages are told elsewhere)."""
    from decimal import Decimal

    from portal.proposals import drafting

    with app.test_request_context():
        proposal = load(app, pid)
        proposal = db.session.merge(proposal)
        alice = db.session.exec(select(User).where(User.email == "alice@alpha.example")).one()
        drafting.save_general(
            proposal,
            by=alice,
            revision=proposal.revision,
            title="Domestic photoresist",
            leader_name="",
            leader_title="Chief engineer",
            leader_phone="+86 755 0000 0000",
            leader_email="leader@example.com",
            leader_org_id=proposal.lead_org_id,
            approach="A pilot line.",
            innovation="A new resin.",
        )
        drafting.save_commitments(
            proposal,
            by=alice,
            revision=proposal.revision,
            rows=[
                drafting.CommitmentInput(indicator_id=i.id, value=i.target)
                for i in proposal.challenge.indicators
            ],
        )
        today = clock.local_date(clock.now())
        drafting.save_milestones(
            proposal,
            by=alice,
            revision=proposal.revision,
            rows=[
                drafting.MilestoneInput("Pilot", today + timedelta(days=400), "Line", "Visit", 100)
            ],
        )
        others = proposal.members[1:]
        shares = {m.id: Decimal("5000000") for m in others}
        shares[proposal.members[0].id] = Decimal("20000000") - 5000000 * len(others)
        drafting.save_budget(
            proposal,
            by=alice,
            revision=proposal.revision,
            requested=Decimal("20000000"),
            self_funds=Decimal("0"),
            shares=shares,
        )
        db.session.commit()
    attach(app, pid)


def test_a_three_organisation_consortium_is_submitted_only_when_every_member_accepted(
    app, client, login, consortium, make_org, make_user, smtp
):
    c = consortium
    gamma = make_org("Gamma Institute 伽马研究所", "institute")
    make_user("carl@gamma.example", org=gamma, name="Carl")
    login("alice@alpha.example")
    pid = complete_draft(app, client, c, {c["beta"].credit_code: "", gamma.credit_code: ""})
    fill_the_rest(app, pid)
    leader_account(app)
    sign_as_leader(app, pid)

    # Both member organisations' administrators are told, in the inbox and by e-mail.
    for address in ("bob@beta.example", "carl@gamma.example"):
        mail = smtp.last(address)
        assert "invites" in mail.subject and "to join its consortium" in mail.subject
        assert mail.path().endswith("/proposals/invitations")

    # Beta accepts on its invitations page; Gamma has not answered: submission is refused.
    login("bob@beta.example")
    html = client.get("/proposals/invitations").get_data(as_text=True)
    assert "Domestic photoresist" in html and "Alpha Tech 阿尔法科技" in html
    beta_row = member_row(app, pid, c["beta"])
    response = client.post(f"/proposals/invitations/{beta_row.id}/accept", follow_redirects=True)
    assert "Your organisation has joined the consortium" in response.get_data(as_text=True)
    assert client.get(f"/proposals/{pid}").status_code == 200

    login("alice@alpha.example")
    response = client.post(f"/proposals/{pid}/submit")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Gamma Institute 伽马研究所 has not accepted the invitation" in html
    assert "Beta University 贝塔大学 has not accepted" not in html
    assert load(app, pid).status is ProposalStatus.draft
    with app.app_context():
        accepted = db.session.exec(
            select(Notification).where(Notification.kind == "consortium_accepted")
        ).all()
    assert {n.user_id for n in accepted} == {c["alice"].id, c["alice2"].id}
    assert "answered by Bob" in accepted[0].title

    # Gamma's acceptance unblocks submission.
    login("carl@gamma.example")
    client.post(f"/proposals/invitations/{member_row(app, pid, gamma).id}/accept")
    login("alice@alpha.example")
    assert client.post(f"/proposals/{pid}/submit").status_code == 302
    assert load(app, pid).status is ProposalStatus.submitted


def test_a_decline_reaches_the_lead_with_its_reason_and_needs_one(
    app, client, login, consortium, smtp
):
    c = consortium
    login("alice@alpha.example")
    pid = complete_draft(app, client, c, {c["beta"].credit_code: ""})
    sign_as_leader(app, pid)
    beta_row = member_row(app, pid, c["beta"])

    login("bob@beta.example")
    response = client.post(f"/proposals/invitations/{beta_row.id}/decline", data={"reason": " "})
    assert response.status_code == 422
    assert "Say why your organisation declines" in response.get_data(as_text=True)
    assert member_row(app, pid, c["beta"]).consent is ConsentStatus.invited  # nothing written

    reason = "Our lab is fully booked until 2027."
    response = client.post(f"/proposals/invitations/{beta_row.id}/decline", data={"reason": reason})
    assert response.status_code == 302
    declined = member_row(app, pid, c["beta"])
    assert declined.consent is ConsentStatus.declined and declined.consent_reason == reason
    mail = smtp.last("alice@alpha.example")
    assert "Beta University 贝塔大学 declined" in mail.subject and reason in mail.body
    with app.app_context():
        signature = load(app, pid).signatures[-1]
        assert signature.status is SignatureStatus.void
        assert signature.void_cause is VoidCause.consent

    login("alice@alpha.example")
    html = client.get(f"/proposals/{pid}").get_data(as_text=True)
    assert f"Its reason: {reason}" in html
    response = client.post(f"/proposals/{pid}/submit")
    assert response.status_code == 422
    assert "declined to join (“Our lab is fully booked" in response.get_data(as_text=True)


def test_until_it_accepts_a_member_sees_only_the_invitation(
    app, client, login, consortium, make_proposal
):
    c = consortium
    proposal = make_proposal(
        lead=c["alpha"], members=(c["beta"],), challenge=c["challenge"], consent="invited"
    )
    attachment_id = attach(app, proposal.id)
    awarded = make_proposal(
        lead=c["alpha"],
        members=(c["beta"],),
        status="awarded",
        title="Awarded bid",
        consent="invited",
    )
    with app.app_context():
        award_id = start_publicity(db.session.get(Proposal, awarded.id), by=None).id
        db.session.commit()

    login("bob@beta.example")
    html = client.get("/proposals/invitations").get_data(as_text=True)
    for shown in ("Domestic photoresist", "Alpha Tech 阿尔法科技", c["challenge"].number):
        assert shown in html
    assert "10,000,000.00" in html  # its own budget share
    assert f'href="/proposals/{proposal.id}"' not in html
    assert "2 invitations wait for an answer" in client.get("/proposals").get_data(as_text=True)
    for url in (
        f"/proposals/{proposal.id}",
        f"/proposals/{proposal.id}/versions/1",
        f"/proposals/{proposal.id}/attachments/{attachment_id}",
        f"/projects/{award_id}",
    ):
        assert client.get(url).status_code == 404, url
    assert "Domestic photoresist" not in client.get("/proposals").get_data(as_text=True)

    with app.app_context():
        for member in db.session.exec(select(ConsortiumMember)):
            member.consent, member.consent_decided_at = ConsentStatus.accepted, clock.now()
        db.session.commit()
        bob = db.session.get(User, c["bob"].id)
        assert get_award_or_404(award_id, bob).id == award_id
    assert client.get(f"/proposals/{proposal.id}").status_code == 200
    assert client.get(f"/projects/{award_id}").status_code == 200


def test_nobody_accepts_on_behalf_of_another_organisation(
    app, client, login, consortium, make_user, make_proposal
):
    c = consortium
    make_user("intern@beta.example", org=c["beta"], org_role="member")
    proposal = make_proposal(
        lead=c["alpha"], members=(c["beta"],), challenge=c["challenge"], consent="invited"
    )
    beta_row = member_row(app, proposal.id, c["beta"])
    accept = f"/proposals/invitations/{beta_row.id}/accept"

    login("alice@alpha.example")  # the lead's administrator
    response = client.post(accept, follow_redirects=True)
    assert "Only an administrator of Beta University 贝塔大学 can answer" in response.get_data(
        as_text=True
    )
    login("intern@beta.example")  # a member of Beta, not its administrator
    response = client.post(accept, follow_redirects=True)
    assert "Only an administrator of Beta University 贝塔大学 can answer" in response.get_data(
        as_text=True
    )
    assert "Accept" not in client.get("/proposals/invitations").get_data(as_text=True)
    login("eve@omega.example")  # an unrelated organisation does not even see it
    assert client.post(accept).status_code == 404
    assert client.get(f"/proposals/invitations/{beta_row.id}/decline").status_code == 404

    assert member_row(app, proposal.id, c["beta"]).consent is ConsentStatus.invited
    with app.app_context():
        assert not db.session.exec(
            select(AuditEvent).where(AuditEvent.action.like("consortium.%")).order_by(AuditEvent.id)
        ).all()


def test_an_organisation_not_registered_yet_is_invited_by_e_mail_and_accepts(
    app, client, login, consortium, smtp
):
    c = consortium
    login("alice@alpha.example")
    first = start_proposal(app, client, c["challenge"])
    response = client.post(
        f"/proposals/{first}/edit/members",
        data={
            "revision": current_revision(app, first),
            "members-0-credit_code": c["gamma_code"],
            "members-0-name": "Gamma Institute 伽马研究所",
            "members-0-type": "institute",
            "members-0-responsibility": "Metrology",
        },
    )
    assert response.status_code == 422  # nobody to ask: an address is needed
    assert "give the e-mail address of the person there" in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.exec(select(Organisation).where(Organisation.name.like("Gamma%"))).all()
            == []
        )

    pid = complete_draft(app, client, c, {c["gamma_code"]: "head@gamma.example"})
    with app.app_context():
        gamma = db.session.exec(
            select(Organisation).where(Organisation.credit_code == c["gamma_code"])
        ).one()
        assert gamma.name == "Gamma Institute 伽马研究所"
        assert gamma.status is OrgStatus.unverified
        assert (
            db.session.exec(select(Membership).where(Membership.organisation_id == gamma.id)).all()
            == []
        )
        sent = db.session.exec(select(Invitation)).one()
        assert (sent.purpose, sent.role, sent.approved_on_join, sent.email) == (
            InvitationPurpose.consortium,
            MembershipRole.administrator,
            True,
            "head@gamma.example",
        )
    assert "invited at head@gamma.example" in client.get(f"/proposals/{pid}").get_data(as_text=True)

    # The link in the e-mail registers the organisation's administrator, then the invitations.
    link = urlparse(smtp.last("head@gamma.example").path())
    assert link.path.startswith("/invitations/")
    assert parse_qs(link.query)["next"] == ["/proposals/invitations"]
    head_id = leader_account(app, "head@gamma.example", "Head of Gamma")
    with app.test_request_context():
        invitation = invitations.open_invitation(link.path.rsplit("/", 1)[1])
        invitations.join_through(invitation, db.session.get(User, head_id))
        db.session.commit()

    login("head@gamma.example")
    row = member_row(app, pid, gamma)
    client.post(f"/proposals/invitations/{row.id}/accept")
    assert member_row(app, pid, gamma).consent is ConsentStatus.accepted
    assert client.get(f"/proposals/{pid}").status_code == 200


def test_a_member_withdraws_its_consent_before_the_deadline_and_the_proposal_is_a_draft_again(
    app, client, login, consortium, make_proposal
):
    c = consortium
    proposal = make_proposal(lead=c["alpha"], members=(c["beta"],), challenge=c["challenge"])
    sign_as_leader(app, proposal.id)
    beta_row = member_row(app, proposal.id, c["beta"])
    login("bob@beta.example")
    page = client.get(f"/proposals/invitations/{beta_row.id}/withdraw")
    assert "it goes back to draft" in page.get_data(as_text=True)

    clock.set_now(c["challenge"].deadline + timedelta(minutes=1))
    login("bob@beta.example")  # a login ends after SESSION_MAX_HOURS, and the clock jumped
    response = client.post(f"/proposals/invitations/{beta_row.id}/withdraw", data={"reason": "x"})
    assert response.status_code == 422
    assert "consent can no longer be withdrawn" in response.get_data(as_text=True)
    assert load(app, proposal.id).status is ProposalStatus.submitted

    clock.set_now(c["challenge"].deadline - timedelta(days=1))
    login("bob@beta.example")
    response = client.post(
        f"/proposals/invitations/{beta_row.id}/withdraw",
        data={"reason": "Our partner lab closed."},
    )
    assert response.status_code == 302
    proposal = load(app, proposal.id)
    assert proposal.status is ProposalStatus.draft
    assert proposal.versions[0].withdrawn_at is not None
    assert member_row(app, proposal.id, c["beta"]).consent is ConsentStatus.withdrawn
    assert client.get(f"/proposals/{proposal.id}").status_code == 404  # no longer a member

    login("alice@alpha.example")
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Beta University 贝塔大学 withdrew its consent to this consortium" in html
    assert "Our partner lab closed." in html and "went back to draft" in html
    assert "The team leader's signature is void." in html
    with app.app_context():
        told = db.session.exec(
            select(Notification).where(Notification.kind == "consortium_withdrawn")
        ).all()
        events = db.session.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "consortium.withdrawn")
            .order_by(AuditEvent.id)
        ).all()
    assert {n.user_id for n in told} == {c["alice"].id, c["alice2"].id}
    assert [(e.actor_email, e.after["consent"]) for e in events] == [
        ("bob@beta.example", "withdrawn")
    ]
    assert client.post(f"/proposals/{proposal.id}/submit").status_code == 422


def test_changing_the_consortium_invites_the_added_member_and_voids_the_signature(
    app, client, login, consortium, make_org, make_user, make_proposal
):
    c = consortium
    gamma = make_org("Gamma Institute 伽马研究所", "institute")
    make_user("carl@gamma.example", org=gamma, name="Carl")
    proposal = make_proposal(
        lead=c["alpha"], members=(c["beta"],), challenge=c["challenge"], status="draft"
    )
    sign_as_leader(app, proposal.id)
    login("alice@alpha.example")
    response = client.post(
        f"/proposals/{proposal.id}/edit/members",
        data={
            "revision": current_revision(app, proposal.id),
            "lead_responsibility": "Resin",
            "members-0-credit_code": c["beta"].credit_code,
            "members-0-responsibility": "Research and development",
            "members-1-credit_code": gamma.credit_code,
            "members-1-responsibility": "Metrology",
        },
    )
    assert response.status_code == 302
    assert member_row(app, proposal.id, c["beta"]).consent is ConsentStatus.accepted  # kept
    assert member_row(app, proposal.id, gamma).consent is ConsentStatus.invited
    with app.app_context():
        told = db.session.exec(
            select(Notification).where(Notification.kind == "consortium_invited")
        ).all()
        assert [n.user_id for n in told] == [
            db.session.exec(select(User.id).where(User.email == "carl@gamma.example")).one()
        ]
    [voided] = load(app, proposal.id).signatures
    assert voided.status is SignatureStatus.void and voided.void_cause is VoidCause.consortium
