"""Only the lead organisation's users, officers and admins may download a notice."""

from __future__ import annotations

import pytest

from tests.notices.fixtures import issue


@pytest.fixture
def notice(app, make_award, make_org, officer):
    lead = make_org("Alpha Tech")
    member = make_org("Beta University")
    award = make_award(lead=lead, members=(member,))
    return issue(app, award, officer), lead, member


def test_the_lead_organisation_and_staff_download_the_notice(
    client, login, make_user, notice, officer
):
    notice, lead, _member = notice
    make_user("alice@alpha.example", org=lead)
    make_user("root@portal.example", role="admin")
    for email in ("alice@alpha.example", officer.email, "root@portal.example"):
        login(email)
        response = client.get(f"/notices/{notice.id}/download")
        assert response.status_code == 200, email
        assert response.data.startswith(b"%PDF-")
        assert client.get(f"/notices/{notice.id}").status_code == 200


@pytest.mark.parametrize("who", ["unrelated applicant", "expert", "member organisation"])
def test_everyone_else_gets_404(client, login, make_user, notice, who):
    notice, _lead, member = notice
    if who == "unrelated applicant":
        make_user("eve@gamma.example")
        login("eve@gamma.example")
        listing = client.get("/notices/").get_data(as_text=True)
        assert notice.number not in listing
    elif who == "expert":
        make_user("liu@experts.example", role="expert")
        login("liu@experts.example")
    else:
        make_user("bob@beta.example", org=member)
        login("bob@beta.example")

    download = client.get(f"/notices/{notice.id}/download")
    assert download.status_code == 404
    assert b"%PDF" not in download.data
    assert client.get(f"/notices/{notice.id}").status_code == 404


def test_someone_logged_out_is_sent_to_log_in(client, notice):
    notice, _lead, _member = notice
    response = client.get(f"/notices/{notice.id}/download")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
