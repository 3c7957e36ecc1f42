"""The dashboard, the section forms' rows without JavaScript, and the officer's list."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

from portal import clock
from tests.factories import PASSWORD
from tests.pagecheck import page_problems
from tests.proposals.fixtures import current_revision, load, sign_as_leader, start_proposal


def test_the_dashboard_lists_my_proposals_with_a_countdown_and_the_open_challenges(
    app,
    client,
    login,
    consortium,
    make_challenge,
    make_proposal,
):
    c = consortium
    clock.set_now(c["challenge"].deadline - timedelta(days=3, hours=5))
    make_proposal(lead=c["alpha"], challenge=c["challenge"], status="draft", title="Our bid")
    make_challenge(title="Open to us")
    make_challenge(title="Universities only", allowed_org_types=["university"])
    make_challenge(title="Being drafted", status="draft")
    login("alice@alpha.example")
    html = client.get("/proposals").get_data(as_text=True)
    assert "Our bid" in html and "3 days 5 hours left" in html
    assert "Open to us" in html
    assert "Universities only" not in html and "Being drafted" not in html
    assert "28nm ArF photoresist</" not in html.split("Open challenges")[1]  # already unveiled


def test_an_applicant_without_proposals_sees_an_empty_state(client, login, make_user):
    make_user("new@nobody.example")
    login("new@nobody.example")
    html = client.get("/proposals").get_data(as_text=True)
    assert "Your organisation has no proposals yet" in html
    assert "No open challenge accepts a proposal from your organisation" in html


def test_every_section_form_opens_and_rows_are_added_and_removed_without_javascript(
    app,
    client,
    login,
    consortium,
):
    c = consortium
    login("alice@alpha.example")
    pid = start_proposal(app, client, c["challenge"])
    for section in ("general", "members", "commitments", "milestones", "budget"):
        response = client.get(f"/proposals/{pid}/edit/{section}")
        assert response.status_code == 200, section
    assert client.get(f"/proposals/{pid}/attachments").status_code == 200
    assert client.get(f"/proposals/{pid}/submit").status_code == 200

    revision = current_revision(app, pid)
    rows = {
        "revision": revision,
        "milestones-0-title": "First",
        "milestones-1-title": "Second",
        "milestones-2-title": "Third",
    }
    added = client.post(f"/proposals/{pid}/edit/milestones", data={**rows, "add_row": "1"})
    html = added.get_data(as_text=True)
    assert 'name="milestones-3-title"' in html and 'value="Third"' in html
    removed = client.post(f"/proposals/{pid}/edit/milestones", data={**rows, "remove_row": "1"})
    html = removed.get_data(as_text=True)
    assert 'value="Second"' not in html
    assert 'name="milestones-1-title"' in html and 'value="Third"' in html
    assert 'name="milestones-2-title"' not in html
    assert current_revision(app, pid) == revision  # nothing was saved


def test_rows_typed_before_the_login_ended_come_back_as_typed_not_as_saved(app, client, consortium):
    start = clock.now()
    clock.set_now(start)
    alice = {"email": "alice@alpha.example", "password": PASSWORD}
    client.post("/login", data=alice)
    pid = start_proposal(app, client, consortium["challenge"])
    path = f"/proposals/{pid}/edit/milestones"
    typed = {
        "revision": current_revision(app, pid),
        "milestones-0-title": "Pilot line",
        "milestones-1-title": "Customer qualification",
    }

    clock.set_now(start + timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 5))
    sent = client.post(path, data=typed)
    back_to = parse_qs(urlsplit(sent.headers["Location"]).query)["next"][0]
    logged_in = client.post(f"/login?next={quote(back_to)}", data=alice)
    page = client.get(logged_in.headers["Location"]).get_data(as_text=True)

    assert 'value="Pilot line"' in page and 'value="Customer qualification"' in page
    assert 'name="milestones-2-title"' not in page  # not the three empty rows of a new plan
    assert load(app, pid).milestones == []  # nothing was saved


def test_the_officer_sees_the_submissions_with_counts_and_exports_them(
    app,
    client,
    login,
    consortium,
    make_proposal,
    make_org,
):
    c = consortium
    make_proposal(
        lead=c["alpha"], members=(c["beta"],), challenge=c["challenge"], title="光刻胶 联合体"
    )
    make_proposal(
        lead=make_org("Delta"), challenge=c["challenge"], status="withdrawn", title="Withdrawn bid"
    )
    make_proposal(lead=make_org("Zeta"), challenge=c["challenge"], title="=HYPERLINK(1)")
    make_proposal(
        lead=make_org("Epsilon"), challenge=c["challenge"], status="draft", title="Secret draft"
    )
    login("officer@gov.example")
    number = c["challenge"].number
    html = client.get(f"/officer/challenges/{number}/proposals").get_data(as_text=True)
    assert "光刻胶 联合体" in html and "Withdrawn bid" in html
    assert "Secret draft" not in html
    assert "4 in all, drafts included" in html

    response = client.get(f"/officer/challenges/{number}/proposals.csv")
    assert response.mimetype == "text/csv"
    raw = response.data
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Proposal", "Title", "Lead organisation"]
    titles = {row[1]: row for row in rows[1:]}
    assert set(titles) == {"光刻胶 联合体", "Withdrawn bid", "'=HYPERLINK(1)"}
    assert titles["光刻胶 联合体"][4] == "Beta University 贝塔大学"


def test_applicants_cannot_see_the_officer_list(client, login, consortium):
    login("alice@alpha.example")
    number = consortium["challenge"].number
    assert client.get(f"/officer/challenges/{number}/proposals").status_code == 403


def test_the_officer_list_runs_the_same_queries_for_few_or_many_proposals(
    app,
    client,
    login,
    consortium,
    make_proposal,
    make_org,
    count_queries,
):
    c = consortium
    login("officer@gov.example")
    url = f"/officer/challenges/{c['challenge'].number}/proposals"

    def measure() -> int:
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    make_proposal(lead=make_org("One"), members=(make_org("One member"),), challenge=c["challenge"])
    few = measure()
    for i in range(6):
        make_proposal(
            lead=make_org(f"Lead {i}"), members=(make_org(f"Member {i}"),), challenge=c["challenge"]
        )
    assert measure() == few


def test_the_dashboard_runs_the_same_queries_for_few_or_many_proposals(
    app, client, login, consortium, make_proposal, make_challenge, count_queries
):
    c = consortium
    login("alice@alpha.example")

    def measure() -> int:
        with count_queries() as statements:
            assert client.get("/proposals").status_code == 200
        return len(statements)

    make_proposal(lead=c["alpha"], challenge=c["challenge"])
    few = measure()
    for i in range(5):
        make_proposal(lead=c["alpha"], challenge=make_challenge(title=f"Challenge {i}"))
    assert measure() == few


def test_the_invitation_and_pledge_pages_are_accessible_in_both_languages(
    app, client, login, consortium, make_proposal
):
    c = consortium
    invited = make_proposal(
        lead=c["alpha"],
        members=(c["beta"],),
        challenge=c["challenge"],
        consent="invited",
        status="draft",  # waiting for its member: a submitted one's submit page leads away
    )
    joined = make_proposal(
        lead=c["beta"], members=(c["alpha"],), challenge=c["challenge"], title="Beta's bid"
    )
    with app.app_context():
        rows = {
            m.proposal_id: m.id
            for m in load(app, invited.id).members + load(app, joined.id).members
            if m.role.value == "member"
        }
    sign_as_leader(app, invited.id)
    pages = {
        "bob@beta.example": [
            "/proposals/invitations",
            f"/proposals/invitations/{rows[invited.id]}/decline",
        ],
        "alice@alpha.example": [
            f"/proposals/{invited.id}",
            f"/proposals/{invited.id}/submit",
            f"/proposals/invitations/{rows[joined.id]}/withdraw",
        ],
        "leader@example.com": [f"/proposals/{invited.id}/pledge"],
    }
    for language in ("en", "zh"):
        for email, paths in pages.items():
            login(email)
            client.get(f"/language/{language}?next=/")
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, (language, path)
                html = response.get_data(as_text=True)
                assert page_problems(html) == [], (language, path)
                assert f'<html lang="{"zh-Hans" if language == "zh" else "en"}"' in html
