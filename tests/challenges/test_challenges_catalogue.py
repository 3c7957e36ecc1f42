"""The public catalogue's filters, sorting and chains management, and guide downloads."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import BytesIO

from sqlmodel import select

from portal import clock
from portal.challenges.models import Chain, ChainLink
from portal.db import db
from tests.challenges.fixtures import publish_challenge
from tests.pdfs import pdf

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


def positions(html: str, *names: str) -> list[int]:
    return [html.index(name) for name in names]


def test_filters_by_deadline_window_funding_range_and_link_and_sorting(
    app, client, make_user, make_chain
):
    clock.set_now(NOW)
    officer = make_user("officer@example.com", role="officer")
    upstream = make_chain("集成电路", "upstream")
    downstream = make_chain("集成电路", "downstream")
    publish_challenge(
        app,
        officer.id,
        upstream.id,
        datetime(2027, 1, 10, 9, tzinfo=UTC),
        title="Small early",
        funding_cap=Decimal("5000000"),
    )
    publish_challenge(
        app,
        officer.id,
        downstream.id,
        datetime(2027, 6, 10, 9, tzinfo=UTC),
        title="Large late",
        funding_cap=Decimal("80000000"),
    )

    window = client.get("/challenges?deadline_from=2027-01-01&deadline_to=2027-01-31")
    assert "Small early" in window.get_data(as_text=True)
    assert "Large late" not in window.get_data(as_text=True)
    funded = client.get("/challenges?funding_min=1000&funding_max=10000").get_data(as_text=True)
    assert "Large late" in funded and "Small early" not in funded
    by_link = client.get(f"/challenges?link={downstream.id}").get_data(as_text=True)
    assert "Large late" in by_link and "Small early" not in by_link

    by_deadline = client.get("/challenges").get_data(as_text=True)
    early, late = positions(by_deadline, "Small early", "Large late")
    assert early < late
    by_funding = client.get("/challenges?sort=funding").get_data(as_text=True)
    early, late = positions(by_funding, "Small early", "Large late")
    assert late < early

    bad = client.get("/challenges?funding_min=lots&deadline_from=2027-02-30")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert 'id="funding_min-error"' in html and 'value="lots"' in html
    assert "Small early" in html and "Large late" in html  # the bad filters are ignored


def test_the_catalogue_paginates(app, client, make_user, make_chain):
    clock.set_now(NOW)
    officer = make_user("officer@example.com", role="officer")
    link = make_chain()
    for i in range(23):
        publish_challenge(
            app, officer.id, link.id, NOW + timedelta(days=20 + i), title=f"Challenge no. {i:02d}"
        )
    first = client.get("/challenges").get_data(as_text=True)
    assert "Challenge no. 00" in first and "Challenge no. 22" not in first
    assert "Page 1 of 2" in first
    second = client.get("/challenges?page=2").get_data(as_text=True)
    assert "Challenge no. 22" in second and "Challenge no. 00" not in second


def test_an_officer_manages_chains_and_links(app, client, login, make_user):
    make_user("officer@example.com", role="officer")
    login("officer@example.com")
    assert "No chain yet" in client.get("/officer/chains").get_data(as_text=True)
    created = client.post(
        "/officer/chains", data={"name": "新能源汽车", "leader_title": "新能源汽车产业链链长"}
    )
    assert created.status_code == 302
    duplicate = client.post("/officer/chains", data={"name": "新能源汽车"})
    assert duplicate.status_code == 422
    assert "exists already" in duplicate.get_data(as_text=True)
    with app.app_context():
        chain = db.session.exec(select(Chain)).one()
    for name, stage in (("动力电池材料", "upstream"), ("电驱与功率器件", "midstream")):
        response = client.post(
            f"/officer/chains/{chain.id}", data={"link-name": name, "link-stage": stage}
        )
        assert response.status_code == 302
    page = client.get(f"/officer/chains/{chain.id}").get_data(as_text=True)
    assert "动力电池材料" in page and "Midstream" in page
    with app.app_context():
        link = db.session.exec(select(ChainLink).where(ChainLink.name == "动力电池材料")).one()
    renamed = client.post(
        f"/officer/chains/{chain.id}/links/{link.id}",
        data={f"l{link.id}-name": "动力电池与材料", f"l{link.id}-stage": "upstream"},
    )
    assert renamed.status_code == 302
    assert "动力电池与材料" in client.get(f"/officer/chains/{chain.id}").get_data(as_text=True)
    clash = client.post(
        f"/officer/chains/{chain.id}/links/{link.id}",
        data={f"l{link.id}-name": "电驱与功率器件", f"l{link.id}-stage": "upstream"},
    )
    assert clash.status_code == 422
    error = clash.get_data(as_text=True).split(f'id="l{link.id}-name-error"', 1)[1]
    assert "This chain has a link with this name already." in error.split("</p>", 1)[0]
    client.post(f"/officer/chains/{chain.id}/links/{link.id}/delete")
    assert "动力电池与材料" not in client.get(f"/officer/chains/{chain.id}").get_data(as_text=True)


def test_a_link_with_challenges_cannot_be_removed(app, client, login, make_user, make_chain):
    clock.set_now(NOW)
    officer = make_user("officer@example.com", role="officer")
    link = make_chain()
    publish_challenge(app, officer.id, link.id, NOW + timedelta(days=30))
    login("officer@example.com")
    response = client.post(f"/officer/chains/{link.chain_id}/links/{link.id}/delete")
    assert "cannot be removed" in client.get(response.location).get_data(as_text=True)


def test_a_pdf_guide_is_published_with_the_challenge(app, client, login, make_user, make_chain):
    clock.set_now(NOW)
    officer = make_user("officer@example.com", role="officer")
    link = make_chain()
    challenge_id, number = publish_challenge(app, officer.id, link.id, NOW + timedelta(days=30))
    login("officer@example.com")
    not_pdf = client.post(
        f"/officer/challenges/{challenge_id}/guides",
        data={"file": (BytesIO(b"hello"), "guide.pdf")},
        content_type="multipart/form-data",
    )
    assert not_pdf.status_code == 422 and "not a PDF" in not_pdf.get_data(as_text=True)
    client.post(
        f"/officer/challenges/{challenge_id}/guides",
        data={"file": (BytesIO(pdf("Guide")), "申报指南.pdf")},
        content_type="multipart/form-data",
    )
    client.post("/logout")
    page = client.get(f"/challenges/{number}").get_data(as_text=True)
    assert "申报指南.pdf" in page
    href = page.split("/guides/", 1)[1].split('"', 1)[0]
    download = client.get(f"/challenges/{number}/guides/{href}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")


def test_lists_in_a_chinese_page_are_separated_by_the_chinese_comma(client, make_challenge):
    challenge = make_challenge()
    english = client.get(f"/challenges/{challenge.number}").get_data(as_text=True)
    assert "Enterprise, University, Research institute" in english
    client.get("/language/zh")
    chinese = client.get(f"/challenges/{challenge.number}").get_data(as_text=True)
    assert "企业、高校、科研院所" in chinese
