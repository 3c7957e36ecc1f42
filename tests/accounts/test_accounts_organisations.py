"""Organisations verified by platform staff against their business licence: the administrator
uploads it (a PDF or an image, checked by content), staff verify or reject with a reason, correct
details with a reason kept in the audit trail, and name an administrator where there is none."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlmodel import select

from portal.accounts.models import Membership, Organisation
from portal.audit import AuditEvent
from portal.db import db
from portal.notifications.models import Notification
from portal.vocabulary import MembershipRole, OrgStatus
from tests.proposals.fixtures import PDF


def png() -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(data, format="PNG")
    return data.getvalue()


def org_now(app, org_id: int) -> Organisation:
    with app.app_context():
        return db.session.get(Organisation, org_id)


def upload(client, data: bytes, name: str):
    return client.post(
        "/organisation/licence",
        data={"licence-licence": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def waiting(make_org, make_user, login):
    """Gamma Materials, unverified; Gina its administrator (logged in); an officer."""
    org = make_org("Gamma Materials", status="unverified", region="广东省佛山市")
    make_user("gina@gamma.example", org=org, name="Gina")
    make_user("olga@gov.example", role="officer", name="Olga")
    login("gina@gamma.example")
    return org


def test_the_administrator_uploads_the_licence_as_a_pdf_or_an_image(app, client, waiting):
    page = client.get("/organisation").get_data(as_text=True)
    assert "Platform staff have not verified this organisation yet" in page
    assert "Upload its business licence" in page

    for data, name in (
        (b"hello, not a licence", "licence.pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 64, "scan.png"),
    ):
        refused = upload(client, data, name)
        assert refused.status_code == 422, name
        assert 'id="licence-licence-error"' in refused.get_data(as_text=True)
    assert org_now(app, waiting.id).licence_stored_name == ""

    assert upload(client, png(), "营业执照.png").location == "/organisation"
    download = client.get("/organisation/licence")
    assert download.mimetype == "image/png" and download.data == png()
    assert upload(client, PDF, "licence.pdf").location == "/organisation"
    assert client.get("/organisation/licence").mimetype == "application/pdf"
    assert "Its business licence waits for their check" in client.get("/organisation").get_data(
        as_text=True
    )


def test_staff_verify_an_organisation_and_its_administrator_is_told(app, client, waiting, login):
    upload(client, PDF, "licence.pdf")
    login("olga@gov.example")
    listing = client.get("/officer/organisations?status=unverified").get_data(as_text=True)
    assert "Gamma Materials" in listing
    assert client.get(f"/officer/organisations/{waiting.id}/licence").data == PDF
    client.post(f"/officer/organisations/{waiting.id}/verify")

    verified = org_now(app, waiting.id)
    assert verified.status is OrgStatus.verified and verified.verified_at is not None
    again = client.post(f"/officer/organisations/{waiting.id}/verify", follow_redirects=True)
    assert "already been decided" in again.get_data(as_text=True)
    with app.app_context():
        titles = db.session.exec(select(Notification.title)).all()
        event = db.session.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "organisation.verified")
            .order_by(AuditEvent.id)
        ).one()
    assert "Gamma Materials has been verified" in titles
    assert event.actor_email == "olga@gov.example"


def test_staff_reject_with_a_reason_and_the_administrator_uploads_again(
    app, client, waiting, login
):
    upload(client, PDF, "licence.pdf")
    login("olga@gov.example")
    missing = client.post(f"/officer/organisations/{waiting.id}/reject", data={"reject-reason": ""})
    assert missing.status_code == 422 and 'id="reject-reason-error"' in missing.get_data(
        as_text=True
    )
    client.post(
        f"/officer/organisations/{waiting.id}/reject",
        data={"reject-reason": "The licence names another company."},
    )
    rejected = org_now(app, waiting.id)
    assert rejected.status is OrgStatus.rejected
    assert rejected.rejection_reason == "The licence names another company."
    with app.app_context():
        told = db.session.exec(
            select(Notification).where(Notification.kind == "organisation_rejected")
        ).one()
    assert "The licence names another company." in told.body

    login("gina@gamma.example")
    page = client.get("/organisation").get_data(as_text=True)
    assert "Reason: The licence names another company." in page
    upload(client, png(), "licence.png")
    again = org_now(app, waiting.id)
    assert again.status is OrgStatus.unverified and again.rejection_reason == ""


def test_staff_correct_details_with_a_reason_kept_in_the_audit_trail(
    app, client, waiting, login, make_org
):
    other = make_org("Delta Works")
    login("olga@gov.example")
    path = f"/officer/organisations/{waiting.id}/edit"
    form = {
        "name": "Gamma Advanced Materials Co., Ltd.",
        "short_name": "Gamma",
        "english_name": "Gamma Materials",
        "type": "enterprise",
        "credit_code": waiting.credit_code,
        "region": "广东省佛山市",
        "reason": "",
    }
    no_reason = client.post(path, data=form)
    assert no_reason.status_code == 422
    assert 'id="reason-error"' in no_reason.get_data(as_text=True)
    assert 'value="Gamma Advanced Materials Co., Ltd."' in no_reason.get_data(as_text=True)
    taken = client.post(path, data=form | {"credit_code": other.credit_code, "reason": "Typo."})
    assert taken.status_code == 422
    assert "Another organisation has this credit code." in taken.get_data(as_text=True)
    assert org_now(app, waiting.id).name == "Gamma Materials"

    done = client.post(path, data=form | {"reason": "Name as on the licence."})
    assert done.location == f"/officer/organisations/{waiting.id}"
    with app.app_context():
        event = db.session.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "organisation.edited")
            .order_by(AuditEvent.id)
        ).one()
    assert event.before["name"] == "Gamma Materials"
    assert event.after["name"] == "Gamma Advanced Materials Co., Ltd."
    assert event.after["reason"] == "Name as on the licence."
    assert event.actor_email == "olga@gov.example"


def test_staff_search_organisations_by_name_code_type_region_and_status(
    client, make_org, make_user, login
):
    make_org("Alpha Tech", region="广东省深圳市")
    beta = make_org("Beta University", type="university", region="北京市")
    make_org("Gamma Materials", status="unverified")
    make_user("olga@gov.example", role="officer")
    login("olga@gov.example")

    def names(query: str) -> set[str]:
        html = client.get(f"/officer/organisations?{query}").get_data(as_text=True)
        return {n for n in ("Alpha Tech", "Beta University", "Gamma Materials") if n in html}

    assert names("q=beta") == {"Beta University"}
    assert names(f"q={beta.credit_code[-6:].lower()}") == {"Beta University"}
    assert names("type=university") == {"Beta University"}
    assert names("region=深圳") == {"Alpha Tech"}
    assert names("status=unverified") == {"Gamma Materials"}
    assert names("") == {"Alpha Tech", "Beta University", "Gamma Materials"}


def test_staff_name_an_administrator_where_an_organisation_has_none(
    app, client, make_org, make_user, login
):
    org = make_org("Old Data Ltd")
    make_user("pat@old.example", org=org, org_role="member", name="Pat")
    make_user("olga@gov.example", role="officer")
    login("olga@gov.example")
    page = client.get(f"/officer/organisations/{org.id}").get_data(as_text=True)
    assert "Name an administrator" in page
    with app.app_context():
        pat_membership = db.session.exec(select(Membership.id)).one()
    client.post(
        f"/officer/organisations/{org.id}/administrator", data={"name-membership": pat_membership}
    )
    with app.app_context():
        assert db.session.get(Membership, pat_membership).role is MembershipRole.administrator
    assert "Name an administrator" not in client.get(f"/officer/organisations/{org.id}").get_data(
        as_text=True
    )


def test_the_organisations_pages_are_for_staff_only(client, waiting, make_user, login):
    assert client.get("/officer/organisations").status_code == 403
    assert client.get(f"/officer/organisations/{waiting.id}/licence").status_code == 403
    make_user("eve@omega.example")
    login("eve@omega.example")
    assert client.get("/organisation/licence").status_code == 404  # Omega has none


def test_an_unverified_organisation_prepares_but_does_not_submit(
    app, client, waiting, make_proposal, login
):
    from tests.proposals.fixtures import attach, sign_as_leader

    draft = make_proposal(lead=waiting, status="draft")
    attach(app, draft.id)
    sign_as_leader(app, draft.id)
    refused = client.post(f"/proposals/{draft.id}/submit")
    assert refused.status_code == 422
    assert "Gamma Materials has not been verified by platform staff yet" in refused.get_data(
        as_text=True
    )

    upload(client, PDF, "licence.pdf")
    login("olga@gov.example")
    client.post(f"/officer/organisations/{waiting.id}/verify")
    login("gina@gamma.example")
    assert client.post(f"/proposals/{draft.id}/submit").status_code == 302
