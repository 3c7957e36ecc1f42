"""An applicant builds a three-organisation consortium proposal, saves it with errors,
completes it, the members accept, the team leader signs, and it is submitted; the frozen version
holds exactly what was submitted."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from portal import clock
from portal.accounts.models import Organisation
from portal.db import db
from portal.notifications.models import Notification
from portal.vocabulary import ProposalStatus
from tests.factories import PASSWORD
from tests.proposals.fixtures import (
    current_revision,
    everyone_accepts,
    field_value,
    leader_account,
    load,
    pdf_upload,
)


def start(client, challenge) -> int:
    response = client.post(f"/challenges/{challenge.number}/propose")
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def save(client, app, pid, section, data, follow=True):
    payload = {"revision": current_revision(app, pid), **data}
    return client.post(f"/proposals/{pid}/edit/{section}", data=payload, follow_redirects=follow)


def milestone_rows(shares, start_day: date):
    data = {}
    for i, share in enumerate(shares):
        data.update(
            {
                f"milestones-{i}-title": f"Stage {i + 1} 阶段",
                f"milestones-{i}-due_date": (start_day + timedelta(days=300 * (i + 1))).isoformat(),
                f"milestones-{i}-deliverable": f"Deliverable {i + 1}",
                f"milestones-{i}-verification": "Third-party test",
                f"milestones-{i}-share_percent": share,
            }
        )
    return data


def test_applicant_builds_saves_with_errors_completes_and_submits(
    app,
    client,
    login,
    consortium,
):
    c = consortium
    challenge = c["challenge"]
    login("alice@alpha.example")
    pid = start(client, challenge)

    # A draft saved with hardly anything in it shows the checklist of what is missing.
    page = client.get(f"/proposals/{pid}").get_data(as_text=True)
    assert "Checklist before submitting" in page
    assert "Give the project a title." in page
    assert "Attach the proposal document as a PDF." in page

    response = save(
        client,
        app,
        pid,
        "general",
        {
            "title": "国产 ArF 光刻胶 Domestic photoresist",
            "leader_name": "李雷",
            "leader_title": "Chief engineer",
            "leader_phone": "+86 755 1234 5678",
            "leader_email": "lilei@alpha.example",
            "leader_org_id": str(c["alpha"].id),
            "approach": "## Route\n\n* resin\n* **pilot line**\n\n<script>alert(1)</script>",
            "innovation": "",
        },
    )
    html = response.get_data(as_text=True)
    assert "Describe the innovation points." in html  # saved, with the open point at its field
    assert "国产 ArF 光刻胶" in html

    response = save(
        client,
        app,
        pid,
        "members",
        {
            "lead_responsibility": "Resin synthesis and the pilot line",
            "members-0-credit_code": c["beta"].credit_code,
            "members-0-responsibility": "Lithography tests",
            "members-1-credit_code": c["gamma_code"],
            "members-1-name": "Gamma Institute 伽马研究所",
            "members-1-type": "institute",
            "members-1-region": "北京市",
            "members-1-email": "head@gamma.example",
            "members-1-responsibility": "Metrology",
        },
    )
    assert response.status_code == 200
    with app.app_context():
        gamma = db.session.exec(
            select(Organisation).where(Organisation.credit_code == c["gamma_code"])
        ).one()
        assert gamma.name == "Gamma Institute 伽马研究所"

    save(
        client,
        app,
        pid,
        "general",
        {
            "title": "国产 ArF 光刻胶 Domestic photoresist",
            "leader_name": "李雷",
            "leader_title": "Chief engineer",
            "leader_phone": "+86 755 1234 5678",
            "leader_email": "lilei@alpha.example",
            "leader_org_id": str(c["alpha"].id),
            "approach": "## Route\n\n* **pilot line**\n\n<script>alert(1)</script>",
            "innovation": "A new resin",
        },
    )

    # One commitment below target: flagged, and a justification is asked for.
    indicators = load(app, pid).challenge.indicators
    response = save(
        client,
        app,
        pid,
        "commitments",
        {
            "commitments-0-indicator_id": str(indicators[0].id),
            "commitments-0-value": "90",
            "commitments-1-indicator_id": str(indicators[1].id),
            "commitments-1-value": "250",
        },
    )
    assert "does not meet the target" in response.get_data(as_text=True)
    save(
        client,
        app,
        pid,
        "commitments",
        {
            "commitments-0-indicator_id": str(indicators[0].id),
            "commitments-0-value": "90",
            "commitments-0-justification": "90 nm is what the domestic stepper reaches.",
            "commitments-1-indicator_id": str(indicators[1].id),
            "commitments-1-value": "250",
        },
    )

    # Milestone shares that do not add up: the error is at the fields, the values stay.
    today = clock.now().date()
    response = save(client, app, pid, "milestones", milestone_rows(["30", "30", "30"], today))
    html = response.get_data(as_text=True)
    assert "The shares add up to 90 %; they must add up to 100 %." in html
    assert field_value(html, "milestones-2-title") == "Stage 3 阶段"
    assert field_value(html, "milestones-2-share_percent") == "30.00"
    save(client, app, pid, "milestones", milestone_rows(["30", "30", "40"], today))

    # Budget shares that do not add up: errors at the share fields, the typed amounts stay.
    members = load(app, pid).members
    assert [m.organisation.name for m in members] == [
        "Alpha Tech 阿尔法科技",
        "Beta University 贝塔大学",
        "Gamma Institute 伽马研究所",
    ]
    budget = {
        "requested": "2000",
        "self_funds": "500",
        "shares-0-member_id": str(members[0].id),
        "shares-0-share": "1000",
        "shares-1-member_id": str(members[1].id),
        "shares-1-share": "600",
        "shares-2-member_id": str(members[2].id),
        "shares-2-share": "300",
    }
    html = save(client, app, pid, "budget", budget).get_data(as_text=True)
    assert (
        "add up to 1,900.00 万元 (CNY 19,000,000.00), not the 2,000.00 万元 (CNY 20,000,000.00)"
        in html
    )
    assert field_value(html, "shares-2-share") == "300.00"
    save(client, app, pid, "budget", {**budget, "shares-2-share": "400"})

    # Submitting before the attachments are there is refused with the checklist.
    response = client.post(f"/proposals/{pid}/submit")
    assert response.status_code == 422
    assert "Attach the proposal document as a PDF." in response.get_data(as_text=True)

    for name in ("proposal.pdf", "test-report.pdf"):
        response = client.post(
            f"/proposals/{pid}/attachments",
            data={"title": name, "file": pdf_upload(name)},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302

    # What is still missing is the others' doing: the members' answers, the leader's signature.
    page = client.get(f"/proposals/{pid}").get_data(as_text=True)
    assert "<strong>pilot line</strong>" in page and "<script>alert(1)" not in page
    assert "Beta University 贝塔大学 has not accepted the invitation" in page
    assert "Gamma Institute 伽马研究所 has not accepted the invitation" in page
    assert "has not signed the pledge yet" in page
    assert client.post(f"/proposals/{pid}/submit").status_code == 422

    everyone_accepts(app, pid)
    leader_account(app, "lilei@alpha.example", "李雷")  # registered through the invitation
    login("lilei@alpha.example")
    response = client.post(
        f"/proposals/{pid}/pledge", data={"leads_the_team": "y", "password": PASSWORD}
    )
    assert response.status_code == 302

    login("alice@alpha.example")
    page = client.get(f"/proposals/{pid}").get_data(as_text=True)
    assert "Everything is complete" in page
    response = client.post(f"/proposals/{pid}/submit")
    assert response.status_code == 302

    proposal = load(app, pid)
    assert proposal.status is ProposalStatus.submitted
    assert [v.number for v in proposal.versions] == [1]
    content = proposal.versions[0].content
    assert [m["name"] for m in content["members"]] == [
        "Alpha Tech 阿尔法科技",
        "Beta University 贝塔大学",
        "Gamma Institute 伽马研究所",
    ]
    assert content["members"][2]["credit_code"] == c["gamma_code"]
    assert [m["share_percent"] for m in content["milestones"]] == ["30", "30", "40"]
    assert content["commitments"][0]["meets_target"] is False
    assert content["commitments"][0]["indicator"] == "Indicator 1"
    assert content["budget"]["requested"] == "20000000.00"
    assert sorted(a["filename"] for a in content["attachments"]) == [
        "proposal.pdf",
        "test-report.pdf",
    ]
    assert all(len(a["sha256"]) == 64 for a in content["attachments"])
    assert content["pledge"]["signed_by"] == "李雷"
    assert len(content["pledge"]["sha256"]) == 64

    # The team is told who submitted, and the frozen proposal can no longer be edited.
    with app.app_context():
        notes = db.session.exec(
            select(Notification).where(Notification.kind == "proposal_submitted")
        ).all()
        assert {n.user_id for n in notes} == {c["alice"].id, c["alice2"].id}
        assert all("submitted by Alice" in n.title for n in notes)
    html = client.get(f"/proposals/{pid}").get_data(as_text=True)
    assert "Version 1" in html and "Withdraw" in html
    # Its edit address leads to the read-only page with a word on why, not to a dead form.
    response = save(client, app, pid, "general", {"title": "Changed"}, follow=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/proposals/{pid}")
    assert "frozen" in client.get(f"/proposals/{pid}").get_data(as_text=True)
