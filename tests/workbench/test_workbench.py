"""After login, the home page is the person's workbench: what waits for them, each item linked
to its page, read in the same few queries whatever the numbers."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from portal.accounts.models import Organisation, User
from portal.db import db
from portal.demo.build import PASSWORD
from portal.demo.scale import load_scale
from tests.pagewalk import links

pytestmark = pytest.mark.slow


def logged_in(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def queue_items(html: str, queue: str) -> str:
    """The text of one queue of the workbench (its <section>)."""
    found = re.search(
        rf'<section class="queue" aria-labelledby="q-{queue}">(.*?)</section>', html, re.S
    )
    assert found, f"no {queue} queue"
    return found.group(1)


def workbench(app, email: str) -> str:
    return logged_in(app, email).get("/").get_data(as_text=True)


def test_staff_see_their_queues_from_the_demo(app, demo):
    html = workbench(app, "officer@example.com")
    assert "My workbench" in html
    assert "KrF" in queue_items(html, "questions")
    assert "光刻胶配套试剂" in queue_items(html, "checks")
    assert "28nm ArF 光刻胶国产化" in queue_items(html, "decisions")
    assert "电子级三氟化氮纯化" in queue_items(html, "objections")
    assert "产品通过用户验证" in queue_items(html, "reports")
    assert "粤海新材料科技有限公司" in queue_items(html, "organisations")


def test_an_applicant_sees_drafts_with_what_they_lack_invitations_and_milestones(app, demo):
    carol = workbench(app, "carol@example.com")
    drafts = queue_items(carol, "drafts")
    assert "光刻胶检测平台" in drafts and "points still open" in drafts
    assert "Attach the proposal document as a PDF." in drafts
    assert "中试线建成" in queue_items(carol, "milestones")
    assert "产品通过用户验证" not in queue_items(carol, "milestones")  # reported: staff's turn
    assert "深科技〔2026〕1号" in queue_items(carol, "notices")
    bob = workbench(app, "bob@example.com")
    assert "Ready to submit" in queue_items(bob, "drafts")
    assert "光刻胶检测平台" in queue_items(bob, "invitations")


def test_an_expert_sees_the_reviews_due(app, demo):
    assert "高纯度光刻胶单体合成" in queue_items(workbench(app, "expert1@example.com"), "reviews")
    assert "Nothing waits here." in queue_items(workbench(app, "expert2@example.com"), "reviews")


@pytest.mark.parametrize(
    "email", ["officer@example.com", "carol@example.com", "expert1@example.com"]
)
def test_every_item_links_to_a_page_the_person_may_open(app, demo, email):
    client = logged_in(app, email)
    html = client.get("/").get_data(as_text=True)
    main = html[html.index("<main") : html.index("</main>")]
    targets = set(links(main))
    assert targets
    for target in targets:
        assert client.get(target).status_code == 200, target


def home_queries(app, count_queries, emails) -> dict[str, int]:
    counts = {}
    for email in emails:
        client = logged_in(app, email)
        with count_queries() as statements:
            assert client.get("/").status_code == 200
        counts[email] = len(statements)
    return counts


def test_the_workbench_runs_the_same_queries_at_demo_size_and_at_scale(
    app, demo, count_queries, make_proposal, make_challenge
):
    """Every queue holds a row before the count (a relation loaded in bulk costs its query only
    when there are rows to load it for), then the portal grows to 10,000 proposals and every
    queue to more rows than the workbench shows."""
    emails = [
        "officer@example.com",
        "admin@example.com",
        "carol@example.com",
        "bob@example.com",
        "expert1@example.com",
    ]
    with app.app_context():
        institute, university = (
            db.session.exec(select(Organisation).where(Organisation.name == name)).one()
            for name in ("中科先进材料研究院", "华南理工科技大学")
        )
        carol = db.session.exec(select(User).where(User.email == "carol@example.com")).one()
        db.session.expunge_all()

    def more_drafts(count: int, start: int = 0) -> None:
        for n in range(start, start + count):  # drafts, invitations and pledges, one each
            make_proposal(
                lead=institute,
                members=(university,),
                challenge=make_challenge(title=f"Scale challenge {n}"),
                status="draft",
                title=f"Scale draft {n}",
                leader=carol,
                consent="invited",
            )

    more_drafts(1)
    at_demo = home_queries(app, count_queries, emails)
    with app.app_context():
        load_scale(10_000)
        db.session.commit()
    more_drafts(11, start=1)
    at_scale = home_queries(app, count_queries, emails)
    assert at_scale == at_demo
    carol_page = workbench(app, "carol@example.com")
    assert "and 5 more" in queue_items(carol_page, "drafts")
    assert "and 4 more" in queue_items(carol_page, "pledges")
    assert "and 5 more" in queue_items(
        workbench(app, "bob@example.com"), "invitations"
    )  # and the demo's
    assert "more</a>" in queue_items(workbench(app, "officer@example.com"), "checks")
