"""Who speaks for an organisation: a stranger who knows its credit code waits for its
administrator and sees nothing of it meanwhile; administrators approve, refuse, promote, remove
and invite; an organisation always keeps an administrator."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import func, select
from werkzeug.routing import IntegerConverter

from portal import clock, storage
from portal.accounts import invitations
from portal.accounts import membership as memberships
from portal.accounts.models import Invitation, Membership, Organisation, User
from portal.audit import AuditEvent
from portal.awards.models import AwardIndicator, Milestone, MilestoneReport, ReportEvidence
from portal.db import db
from portal.errors import DomainError
from portal.notices.models import Notice
from portal.notifications.models import Notification
from portal.vocabulary import (
    InvitationPurpose,
    InvitationStatus,
    MembershipRole,
    MembershipStatus,
    OrgType,
)
from tests.accounts.fixtures import membership_id
from tests.factories import PASSWORD, committing
from tests.notices.fixtures import make_award  # noqa: F401  (requested by name below)
from tests.proposals.fixtures import PDF, attach

STRANGER = {
    "name": "Mallory Ma",
    "email": "mallory@elsewhere.example",
    "password": "a long enough password",
    "confirm": "a long enough password",
    "org_name": "",
    "org_type": "enterprise",
    "org_region": "",
}
# The URL arguments that name one of an organisation's objects.
OWNED = {"proposal_id", "award_id", "notice_id"}


def register_and_confirm(client, smtp, credit_code: str, **overrides) -> dict:
    form = STRANGER | {"credit_code": credit_code} | overrides
    assert client.post("/register/applicant", data=form).status_code == 302
    client.get(smtp.last(form["email"]).path())
    assert client.post("/login", data=form).status_code == 302
    return form


def rows(app) -> dict[str, int]:
    """How many memberships (and of them, approved ones), used invitations, users and audit
    events (logging in and out aside)."""
    with app.app_context():

        def count(statement) -> int:
            return db.session.exec(statement).one()

        return {
            "memberships": count(select(func.count()).select_from(Membership)),
            "approved": count(
                select(func.count()).where(Membership.status == MembershipStatus.approved)
            ),
            "invitations used": count(
                select(func.count()).where(Invitation.status == InvitationStatus.used)
            ),
            "users": count(select(func.count()).select_from(User)),
            "audit events": count(
                select(func.count()).where(
                    AuditEvent.action.not_in(("user.logged_in", "user.logged_out"))
                )
            ),
        }


@pytest.fixture
def alpha(app, request, make_org, make_user, make_proposal):
    """Alpha Tech, its administrator Alice, and one of each thing it owns: a submitted proposal
    with a version and an attachment, an award with a milestone report, its evidence and an
    indicator, and the award's notice."""
    org = make_org("Alpha Tech")
    alice = make_user("alice@alpha.example", org=org, name="Alice")
    proposal = make_proposal(lead=org)
    attachment_id = attach(app, proposal.id)
    award = request.getfixturevalue("make_award")(lead=org, title="Awarded resist")
    with committing(app):
        pdf = storage.store_bytes(PDF, "file.pdf", "tests")
        milestone = db.session.exec(select(Milestone).where(Milestone.award_id == award.id)).first()
        report = MilestoneReport(
            milestone_id=milestone.id,
            progress="Pilot line built.",
            submitted_by_id=alice.id,
            submitted_at=clock.now(),
        )
        db.session.add(report)
        db.session.flush()
        evidence = ReportEvidence(
            report_id=report.id,
            filename=pdf.filename,
            stored_name=pdf.stored_name,
            size=pdf.size,
            sha256=pdf.sha256,
        )
        indicator = AwardIndicator(
            award_id=award.id, name="Resolution", committed=Decimal(28), target=Decimal(28)
        )
        notice = Notice(
            award_id=award.id,
            number="深科技〔2026〕1号",
            code="ABCD2345",
            amount=award.amount,
            content={},
            issued_on=date.today(),
            issued_at=clock.now(),
            stored_name=pdf.stored_name,
            size=pdf.size,
            sha256=pdf.sha256,
        )
        db.session.add_all([evidence, indicator, notice])
    return {
        "org": org,
        "alice": alice,
        "values": {
            "proposal_id": proposal.id,
            "int:number": 1,
            "attachment_id": attachment_id,
            "section": "general",
            "award_id": award.id,
            "milestone_id": milestone.id,
            "report_id": report.id,
            "evidence_id": evidence.id,
            "indicator_id": indicator.id,
            "notice_id": notice.id,
        },
    }


def owned_routes(app) -> list:
    """Every route about one of an organisation's proposals, awards or notices, from the URL map
    (public pages, such as the publicity list, excepted)."""
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if OWNED & set(rule.arguments)
            and app.view_functions[rule.endpoint].access_rule != "public"
        ),
        key=lambda rule: rule.rule,
    )


def url_values(rule, values: dict) -> dict:
    filled = {}
    for name in rule.arguments:
        key = f"int:{name}" if isinstance(rule._converters[name], IntegerConverter) else name
        key = key if key in values else name
        assert key in values, f"no value for <{name}> of {rule.rule}: add one to the fixture"
        filled[name] = values[key]
    return filled


def expected_status(app, rule) -> int:
    """404 where an applicant may come (the object is not theirs to see); 403 where only other
    roles may (staff, experts), before any object is looked up."""
    access = app.view_functions[rule.endpoint].access_rule
    return 404 if access == "login" or "applicant" in access else 403


def walk(app, client, values: dict) -> list[str]:
    wrong = []
    for rule in owned_routes(app):
        path = rule.build(url_values(rule, values))[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(path, method=method)
            if response.status_code != expected_status(app, rule):
                wrong.append(f"{method} {path}: {response.status_code}")
            elif b"Domestic photoresist" in response.data:
                wrong.append(f"{method} {path} shows the proposal")
    return wrong


def test_a_stranger_with_a_known_code_waits_and_sees_nothing_until_approved(
    app, client, smtp, alpha, login
):
    register_and_confirm(client, smtp, alpha["org"].credit_code)

    # Every page of Alpha's proposals, versions, attachments, awards and notices: 404.
    assert len(owned_routes(app)) >= 25
    assert walk(app, client, alpha["values"]) == []
    for dashboard in ("/proposals", "/proposals/open-challenges", "/projects", "/notices/"):
        assert client.get(dashboard).location == "/membership", dashboard
    assert client.get("/organisation").location == "/membership"

    waiting = client.get("/membership").get_data(as_text=True)
    assert "Alpha Tech" in waiting and "Alice (a***@alpha.example)" in waiting
    told = smtp.last("alice@alpha.example")
    assert told.subject == "Mallory Ma asks to join Alpha Tech"

    stranger = client
    login("alice@alpha.example")
    page = client.get("/organisation").get_data(as_text=True)
    assert "Mallory Ma" in page and "Waiting for approval" in page
    request_id = membership_id(app, STRANGER["email"])
    approved = client.post(f"/organisation/members/{request_id}/approve", follow_redirects=True)
    assert "Mallory Ma is now a member." in approved.get_data(as_text=True)

    login(STRANGER["email"], STRANGER["password"])
    assert stranger.get(f"/proposals/{alpha['values']['proposal_id']}").status_code == 200
    assert "Domestic photoresist" in stranger.get("/proposals").get_data(as_text=True)
    assert stranger.get(f"/notices/{alpha['values']['notice_id']}").status_code == 200
    with app.app_context():
        actions = db.session.exec(
            select(AuditEvent.action, AuditEvent.actor_email)
            .where(AuditEvent.action.like("membership.%"))
            .order_by(AuditEvent.id)
        ).all()
    assert ("membership.requested", STRANGER["email"]) in actions
    assert ("membership.approved", "alice@alpha.example") in actions


def test_an_administrator_refuses_with_a_reason_and_the_person_may_ask_again(
    app, client, smtp, make_org, make_user, login
):
    org = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=org)
    form = register_and_confirm(client, smtp, org.credit_code)
    stranger = client
    login("alice@alpha.example")
    request_id = membership_id(app, form["email"])
    assert client.get(f"/organisation/members/{request_id}/refuse").status_code == 200
    client.post(
        f"/organisation/members/{request_id}/refuse", data={"reason": "Not one of our staff."}
    )

    login(form["email"], form["password"])
    page = stranger.get("/membership").get_data(as_text=True)
    assert "Alpha Tech did not approve your request" in page and "Not one of our staff." in page
    with app.app_context():
        inbox = db.session.exec(select(Notification.title)).all()
    assert "Alpha Tech did not approve your request to join" in inbox

    again = stranger.post("/membership/join", data={"credit_code": org.credit_code})
    assert again.location == "/membership"
    assert "You asked to join Alpha Tech" in stranger.get("/membership").get_data(as_text=True)
    stranger.post("/membership/cancel")
    assert "does not belong to any organisation" in stranger.get("/membership").get_data(
        as_text=True
    )


def test_removal_ends_the_members_session_at_once(app, client, make_org, make_user, login):
    org = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=org)
    make_user("bob@alpha.example", org=org, org_role="member", name="Bob")
    bob = app.test_client()
    bob.post("/login", data={"email": "bob@alpha.example", "password": PASSWORD})
    assert bob.get("/proposals").status_code == 200

    login("alice@alpha.example")
    bob_membership = membership_id(app, "bob@alpha.example")
    assert "will no longer speak for the organisation" in client.get(
        f"/organisation/members/{bob_membership}/remove"
    ).get_data(as_text=True)
    client.post(f"/organisation/members/{bob_membership}/remove")

    assert bob.get("/proposals").location.startswith("/login")
    bob.post("/login", data={"email": "bob@alpha.example", "password": PASSWORD})
    assert bob.get("/proposals").location == "/membership"
    page = bob.get("/membership").get_data(as_text=True)
    assert "An administrator of Alpha Tech removed you from it" in page
    assert "Join an organisation" in page
    assert bob.get(f"/organisation/members/{bob_membership}/remove").status_code == 404


def test_an_organisation_always_keeps_an_administrator(app, client, make_org, make_user, login):
    org = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=org)
    make_user("bob@alpha.example", org=org, org_role="member", name="Bob")
    login("alice@alpha.example")
    alice_membership = membership_id(app, "alice@alpha.example")
    bob_membership = membership_id(app, "bob@alpha.example")
    before = rows(app)

    for action in ("demote", "remove"):
        response = client.post(
            f"/organisation/members/{alice_membership}/{action}", follow_redirects=True
        )
        assert "Alpha Tech must keep at least one administrator" in response.get_data(as_text=True)
    assert rows(app) == before

    client.post(f"/organisation/members/{bob_membership}/promote")
    client.post(f"/organisation/members/{alice_membership}/demote")  # Bob is an administrator now
    with app.app_context():
        assert [u.email for u in memberships.administrators(org.id)] == ["bob@alpha.example"]


def test_nobody_approves_or_promotes_themself(app, client, make_org, make_user, login):
    org = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=org)
    make_user("bob@alpha.example", org=org, org_role="member", name="Bob")
    make_user("pat@alpha.example", org=org, membership="pending", name="Pat")
    before = rows(app)

    login("bob@alpha.example")
    promoted = client.post(
        f"/organisation/members/{membership_id(app, 'bob@alpha.example')}/promote",
        follow_redirects=True,
    )
    assert "You cannot promote yourself." in promoted.get_data(as_text=True)
    approved = client.post(
        f"/organisation/members/{membership_id(app, 'pat@alpha.example')}/approve",
        follow_redirects=True,
    )
    assert "Only an administrator of Alpha Tech can do this." in approved.get_data(as_text=True)

    login("pat@alpha.example")
    own = membership_id(app, "pat@alpha.example")
    assert client.post(f"/organisation/members/{own}/approve").status_code == 404
    with app.test_request_context():
        pat = db.session.exec(select(User).where(User.email == "pat@alpha.example")).one()
        with pytest.raises(DomainError, match="You cannot approve your own request."):
            memberships.approve(db.session.get(Membership, own), by=pat)
        db.session.rollback()
    assert rows(app) == before


def test_a_pending_member_gets_404_on_the_member_pages(app, client, make_org, make_user, login):
    org = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=org)
    make_user("pat@alpha.example", org=org, membership="pending", name="Pat")
    alice_membership = membership_id(app, "alice@alpha.example")
    login("pat@alpha.example")
    assert client.get("/organisation").location == "/membership"
    for path in (
        f"/organisation/members/{alice_membership}/remove",
        f"/organisation/members/{alice_membership}/refuse",
    ):
        assert client.get(path).status_code == 404
    for action in ("approve", "promote", "demote", "remove", "refuse"):
        path = f"/organisation/members/{alice_membership}/{action}"
        assert client.post(path).status_code == 404, action
    assert client.get("/organisation/licence").status_code == 302


def test_a_colleague_invited_by_e_mail_joins_approved(
    app, client, smtp, make_org, make_user, login
):
    org = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=org, name="Alice")
    login("alice@alpha.example")
    client.post("/organisation/invitations", data={"invite-email": "Carl@Alpha.example"})
    mail = smtp.last("carl@alpha.example")
    assert mail.subject == "Alice invites you to join Alpha Tech on the Jiebang Portal"
    link = mail.path(r"https?://\S+/invitations/\S+")

    client.post("/logout")
    page = client.get(link).get_data(as_text=True)
    assert "carl@alpha.example" in page
    done = client.post(
        link,
        data={
            "name": "Carl",
            "password": "a long enough password",
            "confirm": "a long enough password",
        },
    )
    assert done.location.startswith("/login")
    login("carl@alpha.example", "a long enough password")
    assert client.get("/proposals").status_code == 200
    with app.app_context():
        carl = db.session.exec(select(User).where(User.email == "carl@alpha.example")).one()
        assert carl.organisation_id == org.id and carl.email_verified_at is not None
        trail = db.session.exec(
            select(AuditEvent.action, AuditEvent.actor_email)
            .where(AuditEvent.object_type == "invitation")
            .order_by(AuditEvent.id)
        ).all()
    assert trail == [
        ("invitation.created", "alice@alpha.example"),
        ("invitation.used", "carl@alpha.example"),
    ]


@pytest.fixture
def invited(app, make_org, make_user):
    """Alice, administrator of Alpha Tech, has invited carl@alpha.example; the link's path."""
    org = make_org("Alpha Tech")
    alice = make_user("alice@alpha.example", org=org)
    with app.test_request_context(), committing(app):
        _invitation, token = invitations.create_invitation(
            email="carl@alpha.example",
            organisation=db.session.get(Organisation, org.id),
            purpose=InvitationPurpose.colleague,
            by=db.session.get(User, alice.id),
        )
    return {"org": org, "path": f"/invitations/{token}"}


REGISTRATION = {"name": "Carl", "password": "a long enough password"} | {
    "confirm": "a long enough password"
}


def test_a_forged_expired_or_reused_invitation_says_why_and_writes_nothing(app, client, invited):
    before = rows(app)
    forged = client.post(invited["path"][:-2] + "xx", data=REGISTRATION)
    assert forged.status_code == 404 and "not valid" in forged.get_data(as_text=True)
    clock.set_now(clock.now() + timedelta(days=15))
    expired = client.post(invited["path"], data=REGISTRATION)
    assert expired.status_code == 404 and "expired" in expired.get_data(as_text=True)
    assert rows(app) == before

    clock.set_now(None)
    assert client.post(invited["path"], data=REGISTRATION).status_code == 302
    after_use = rows(app)
    reused = client.post(invited["path"], data=REGISTRATION | {"name": "Carl again"})
    assert reused.status_code == 404 and "already been used" in reused.get_data(as_text=True)
    assert rows(app) == after_use


def test_someone_elses_invitation_is_refused_with_a_message(app, client, invited, make_user, login):
    make_user("dora@delta.example", name="Dora")
    login("dora@delta.example")
    before = rows(app)
    page = client.get(invited["path"]).get_data(as_text=True)
    assert "This invitation was sent to carl@alpha.example" in page
    response = client.post(invited["path"])
    assert response.status_code == 409
    assert rows(app) == before


def test_an_invitation_cannot_be_accepted_for_a_different_organisation(
    app, client, invited, make_user, login
):
    """Carl already speaks for Beta Labs: joining Alpha Tech through its invitation would make
    his account speak for two organisations."""
    make_user("carl@alpha.example", org="Beta Labs", name="Carl")
    login("carl@alpha.example")
    before = rows(app)
    response = client.post(invited["path"])
    assert response.status_code == 409
    assert "You already belong to Beta Labs" in response.get_data(as_text=True)
    assert rows(app) == before


def test_a_logged_in_person_with_the_address_joins_with_one_click_then_follows_next(
    app, client, invited, make_user, login
):
    make_user("carl@alpha.example", org="Beta Labs", name="Carl", membership="removed")
    login("carl@alpha.example")
    response = client.post(invited["path"] + "?next=/account")
    assert response.location == "/account"
    with app.app_context():
        carl = db.session.exec(select(User).where(User.email == "carl@alpha.example")).one()
        assert carl.organisation_id == invited["org"].id


def invitation_path(app, org, by_email: str, **fields) -> str:
    """An invitation into `org`, sent by the user with `by_email`; the link's path."""
    with app.test_request_context(), committing(app):
        sender = db.session.exec(select(User).where(User.email == by_email)).one()
        _invitation, token = invitations.create_invitation(
            organisation=db.session.get(Organisation, org.id), by=sender, **fields
        )
    return f"/invitations/{token}"


def test_whoever_registers_through_a_consortium_invitation_runs_the_invited_organisation(
    app, client, make_org, make_user, login
):
    alpha = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=alpha)
    gamma = make_org("Gama Materals", status="unverified")  # as the lead typed it
    path = invitation_path(
        app,
        gamma,
        "alice@alpha.example",
        email="gina@gamma.example",
        purpose=InvitationPurpose.consortium,
        role=MembershipRole.administrator,
    )
    page = client.get(path).get_data(as_text=True)
    assert 'value="Gama Materals"' in page
    done = client.post(
        path + "?next=/organisation",
        data=REGISTRATION
        | {
            "name": "Gina",
            "org_name": "Gamma Materials",
            "org_type": "institute",
            "org_region": "北京市",
        },
    )
    assert done.location == "/login?next=/organisation"
    login("gina@gamma.example", REGISTRATION["password"])
    with app.app_context():
        corrected = db.session.get(Organisation, gamma.id)
        assert (corrected.name, corrected.type, corrected.region) == (
            "Gamma Materials",
            OrgType.institute,
            "北京市",
        )
        assert [u.email for u in memberships.administrators(gamma.id)] == ["gina@gamma.example"]
        assert (
            db.session.exec(
                select(AuditEvent.before)
                .where(AuditEvent.action == "organisation.corrected")
                .order_by(AuditEvent.id)
            ).one()["name"]
            == "Gama Materals"
        )


def test_a_team_leader_invited_by_e_mail_waits_for_approval_and_is_sent_on(
    app, client, smtp, make_org, make_user, login
):
    alpha = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=alpha)
    path = invitation_path(
        app,
        alpha,
        "alice@alpha.example",
        email="li.lei@alpha.example",
        purpose=InvitationPurpose.leader,
        approved_on_join=False,
    )
    done = client.post(path + "?next=/account", data=REGISTRATION | {"name": "Li Lei"})
    assert done.location == "/login?next=/account"
    response = client.post(
        "/login?next=/account",
        data={"email": "li.lei@alpha.example", "password": REGISTRATION["password"]},
    )
    assert response.location == "/account"
    assert client.get("/account").status_code == 200  # a page for any logged-in user
    assert client.get("/proposals").location == "/membership"
    assert smtp.last("alice@alpha.example").subject == "Li Lei asks to join Alpha Tech"


def test_administrators_are_told_in_their_own_language(app, client, smtp, make_org, make_user):
    org = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=org, language="zh")
    register_and_confirm(client, smtp, org.credit_code)
    assert smtp.last("alice@alpha.example").subject == "Mallory Ma 申请加入Alpha Tech"
    with app.app_context():
        assert db.session.exec(select(Notification.title)).all() == [
            "Mallory Ma 申请加入Alpha Tech"
        ]
