"""Who sees what of the accounts module: another organisation's members, invitations and
licence answer 404 (their existence is not revealed); staff's and admins' pages answer 403 to
anyone else before anything is looked up; and the services refuse whoever may not act, however
they are called."""

from __future__ import annotations

import pytest
from sqlmodel import select

from portal.accounts import invitations, membership, organisations, throttling
from portal.accounts.models import Membership, Organisation, User
from portal.db import db
from portal.errors import NotAllowed
from portal.notifications.models import Notification
from portal.notifications.services import notify
from tests.accounts.fixtures import invitation_now


def test_another_organisations_members_and_invitations_answer_404(client, people, login):
    login("bea@beta.example")
    alpha = {name: row for name, row in people.memberships.items() if name != "Bea"}
    for name, row in alpha.items():
        for action in ("approve", "refuse", "promote", "demote", "remove"):
            path = f"/organisation/members/{row}/{action}"
            assert client.post(path).status_code == 404, (name, action)
        for page in ("refuse", "remove"):
            assert client.get(f"/organisation/members/{row}/{page}").status_code == 404
    revoke = f"/organisation/invitations/{people.invitation_id}/revoke"
    assert client.post(revoke).status_code == 404
    assert client.post("/organisation/members/999999/approve").status_code == 404


def test_only_who_may_withdraw_an_invitation_sees_it(app, client, people, login):
    revoke = f"/organisation/invitations/{people.invitation_id}/revoke"
    login("bob@alpha.example")  # a plain member of Alpha Tech
    assert client.post(revoke).status_code == 404
    login("alice@alpha.example")  # who sent it
    assert client.post(revoke).status_code == 302
    assert invitation_now(app, people.invitation_id).status.value == "revoked"


def test_a_plain_member_is_told_that_only_an_administrator_decides(app, client, people, login):
    """Bob sees his organisation's members; the buttons and forms are its administrators'."""
    login("bob@alpha.example")
    response = client.post(
        f"/organisation/members/{people.memberships['Pat']}/approve", follow_redirects=True
    )
    assert "Only an administrator of Alpha Tech can do this." in response.get_data(as_text=True)
    assert client.get("/organisation").status_code == 200
    for path, data in (
        ("/organisation/details", {"details-short_name": "Alpha"}),
        ("/organisation/invitations", {"invite-email": "x@alpha.example"}),
        ("/organisation/licence", {}),
    ):
        assert client.post(path, data=data).status_code == 404, path
    with app.app_context():
        assert db.session.get(Organisation, people.alpha.id).short_name == ""


def test_the_licence_is_for_staff_and_the_organisations_administrators(app, client, people, login):
    with app.app_context():
        organisation = db.session.get(Organisation, people.alpha.id)
        organisation.licence_stored_name = "licences/missing.pdf"
        organisation.licence_filename = "licence.pdf"
        db.session.commit()
    for email in ("bob@alpha.example", "bea@beta.example"):
        login(email)
        assert client.get("/organisation/licence").status_code == 404, email
    login("bea@beta.example")
    assert client.get(f"/officer/organisations/{people.alpha.id}/licence").status_code == 403


def test_staff_pages_answer_403_to_applicants_and_404_for_an_unknown_organisation(
    client, people, login
):
    known, unknown = people.alpha.id, 999999
    pages = [("GET", ""), ("GET", "/licence"), ("GET", "/edit"), ("POST", "/verify")]
    pages += [("POST", "/reject"), ("POST", "/edit"), ("POST", "/administrator")]
    login("alice@alpha.example")
    for method, tail in pages:
        path = f"/officer/organisations/{known}{tail}"
        assert client.open(path, method=method).status_code == 403, path
    login("olga@gov.example")
    for method, tail in pages:
        path = f"/officer/organisations/{unknown}{tail}"
        assert client.open(path, method=method).status_code == 404, path
    assert client.get(f"/officer/organisations/{known}").status_code == 200


def test_admin_pages_answer_403_to_officers_and_404_for_an_unknown_account(client, people, login):
    login("olga@gov.example")
    for path in ("/admin/users", "/admin/audit", "/admin/throttles", "/admin/users/new"):
        assert client.get(path).status_code == 403, path
    assert client.post("/admin/throttles/clear", data={"remote_addr": "1.2.3.4"}).status_code == 403
    login("adam@gov.example")
    for path in ("/admin/users/999999/active", "/admin/users/999999/role"):
        assert client.post(path, data={"active": "1", "role": "officer"}).status_code == 404


def test_someone_elses_notification_answers_404(app, client, people, login):
    with app.test_request_context():
        alice = db.session.exec(select(User).where(User.email == "alice@alpha.example")).one()
        note = notify([alice], "account_activated", link="/organisation")[0]
        db.session.commit()
    login("bea@beta.example")
    assert client.post(f"/inbox/{note.id}/open").status_code == 404
    login("alice@alpha.example")
    opened = client.post(f"/inbox/{note.id}/open")
    assert opened.status_code == 302 and opened.location == "/organisation"
    with app.app_context():
        assert db.session.get(Notification, note.id).read_at is not None


def test_the_services_refuse_whoever_may_not_act(ctx, people):
    def person(email: str) -> User:
        return db.session.exec(select(User).where(User.email == email)).one()

    alpha = db.session.get(Organisation, people.alpha.id)
    pat = db.session.get(Membership, people.memberships["Pat"])
    refusals = [
        lambda: organisations.verify(alpha, by=person("alice@alpha.example")),
        lambda: organisations.reject(alpha, by=person("alice@alpha.example"), reason="No."),
        lambda: membership.approve(pat, by=person("olga@gov.example")),
        lambda: membership.approve(pat, by=person("bea@beta.example")),
        lambda: membership.name_administrator(alpha, pat.id, by=person("alice@alpha.example")),
        lambda: invitations.invite_colleague(
            alpha, "x@alpha.example", by=person("bob@alpha.example")
        ),
        lambda: throttling.clear(by=person("olga@gov.example"), remote_addr="1.2.3.4"),
    ]
    for refusal in refusals:
        with pytest.raises(NotAllowed):
            refusal()
        db.session.rollback()
