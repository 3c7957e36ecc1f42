"""An officer issues a notice: the PDF says the right names and amounts, in embedded subsets."""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal

import pytest
from sqlmodel import select

from portal.audit import AuditEvent
from portal.db import db
from portal.notices.models import Notice
from portal.notices.rendering import RenderingError, html_to_pdf
from portal.notifications.models import Notification
from portal.storage import path_of
from portal.vocabulary import NoticeStatus
from tests.notices.fixtures import pdf_fonts, pdf_text

PROJECT = "国产28纳米ArF光刻胶研发与产业化"
LEAD = "深芯微电子有限公司"


def test_officer_issues_a_notice_whose_text_has_the_names_amounts_and_number(
    app, client, login, make_award, make_org, make_user, officer, tmp_path
):
    lead = make_org(LEAD)
    award = make_award(
        lead=lead, members=("华南理工科技大学",), title=PROJECT, amount=Decimal("30000000.00")
    )
    lead_user = make_user("alice@shenxin.example", org=lead)
    login(officer.email)

    response = client.post(f"/notices/awards/{award.id}/issue", data={"language": "zh"})

    assert response.status_code == 302
    with app.app_context():
        notice = db.session.exec(select(Notice)).one()
        pdf = path_of(notice.stored_name).read_bytes()
        events = [e.action for e in db.session.exec(select(AuditEvent).order_by(AuditEvent.id))]
        inbox = db.session.exec(
            select(Notification).where(Notification.user_id == lead_user.id)
        ).all()
    assert re.fullmatch(r"深科技〔\d{4}〕1号", notice.number)
    assert notice.status is NoticeStatus.valid and notice.version == 1
    text = pdf_text(pdf, tmp_path)
    for expected in (PROJECT, LEAD, "华南理工科技大学", "3,000.00万元", "人民币叁仟万元整"):
        assert expected in text
    assert notice.number in text
    assert notice.content["code"].replace("-", "") in text.replace("-", "")
    assert "notice.issued" in events
    assert [n.title for n in inbox] == [f"Award notice {notice.number} issued"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert notice.number in page and PROJECT in page


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_notice_is_one_page_in_one_font_face_embedded_as_a_subset(
    app, make_award, officer, tmp_path, language
):
    from tests.notices.fixtures import issue, pdf_pages

    notice = issue(app, make_award(title=PROJECT, lead=LEAD), officer, language=language)
    with app.app_context():
        pdf = path_of(notice.stored_name).read_bytes()
    fonts = pdf_fonts(pdf, tmp_path)
    assert [font["name"].split("+")[1] for font in fonts] == ["Noto-Serif-CJK-SC"]
    (font,) = fonts
    assert font["emb"] == "yes" and font["sub"] == "yes"
    assert re.match(r"[A-Z]{6}\+", font["name"]), font["name"]
    assert pdf_pages(pdf, tmp_path) == 1


def test_the_english_version_is_in_english_with_the_chinese_amount(
    app, make_award, officer, tmp_path
):
    from tests.notices.fixtures import issue

    award = make_award(title="Domestic photoresist", lead="Alpha Tech", amount=Decimal("100000"))
    notice = issue(app, award, officer, language="en")
    with app.app_context():
        text = pdf_text(path_of(notice.stored_name).read_bytes(), tmp_path)
    assert "AwardNotice" in text
    assert "Domesticphotoresist" in text and "AlphaTech" in text
    assert "10.00万元" in text and "人民币壹拾万元整" in text


def test_a_second_notice_for_the_same_award_is_refused(app, client, login, make_award, officer):
    award = make_award()
    login(officer.email)
    client.post(f"/notices/awards/{award.id}/issue", data={"language": "zh"})

    again = client.post(f"/notices/awards/{award.id}/issue", data={"language": "zh"})

    assert again.status_code == 422
    assert "issue a correction instead" in again.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.exec(select(Notice)).all()) == 1


def test_an_award_still_in_publicity_gets_no_notice(app, client, login, make_award, officer):
    award = make_award(status="in_publicity")
    login(officer.email)

    response = client.post(f"/notices/awards/{award.id}/issue", data={"language": "zh"})

    assert response.status_code == 422
    assert "confirmed or active award" in response.get_data(as_text=True)


def test_notice_numbers_follow_the_configured_style_and_count_up(
    app, make_award, officer, monkeypatch
):
    from tests.notices.fixtures import issue

    monkeypatch.setitem(app.config, "NOTICE_NUMBER_FORMAT", "粤科〔{year}〕第{seq:03d}号")
    first = issue(app, make_award(), officer)
    second = issue(app, make_award(lead="Beta Labs"), officer)
    assert re.fullmatch(r"粤科〔\d{4}〕第001号", first.number)
    assert second.number == first.number.replace("001", "002")


def test_a_missing_seal_is_a_clear_refusal(app, client, login, make_award, officer, seal):
    seal.unlink()
    award = make_award()
    login(officer.email)

    response = client.post(f"/notices/awards/{award.id}/issue", data={"language": "zh"})

    assert response.status_code == 422
    assert "seal image is missing" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "source",
    ["http://example.com/logo.png", "file:///etc/passwd", "file:///etc/hostname"],
)
def test_rendering_refuses_anything_but_static_assets_and_data_urls(source):
    html = f'<html><body><p>x</p><img src="{source}"></body></html>'
    with pytest.raises(RenderingError):
        html_to_pdf(html)


def test_rendering_serves_static_assets_and_data_urls():
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
        "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    html = (
        '<html><head><link rel="stylesheet" href="notices/notice.css"></head>'
        f'<body><p>立项</p><img src="{pixel}"></body></html>'
    )
    assert html_to_pdf(html).startswith(b"%PDF-")


def test_pdf_a3b_is_an_option(app, make_award, officer, monkeypatch):
    from tests.notices.fixtures import issue

    monkeypatch.setitem(app.config, "NOTICE_PDF_VARIANT", "pdf/a-3b")
    notice = issue(app, make_award(), officer)
    with app.app_context():
        path = path_of(notice.stored_name)
    metadata = subprocess.run(
        ["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"pdfaid:part[^0-9]{1,3}3", metadata), metadata[:500]
    assert re.search(r"pdfaid:conformance[^A-Z]{1,3}B", metadata)


def test_a_notice_that_cannot_be_rendered_is_not_issued_and_keeps_its_number(
    app, make_award, officer
):
    from portal.accounts.models import User
    from portal.errors import DomainError
    from portal.notices import queries, services
    from tests.notices.fixtures import issue

    award = make_award()

    def broken(jobs):
        raise RenderingError("notices may not load http://example.com/x.png")

    with app.test_request_context():
        (loaded,) = queries.awards_for_notices([award.id])
        with pytest.raises(DomainError, match="could not be rendered"):
            services.issue_notice(loaded, by=db.session.get(User, officer.id), render=broken)
        db.session.rollback()
        assert db.session.exec(select(Notice)).all() == []

    notice = issue(app, award, officer)
    assert notice.number.endswith("〕1号")
