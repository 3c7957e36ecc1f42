"""A Chinese-browser applicant who never touches the language switch: registers, types the budget
as people write it in Chinese (full-width digits, 万), sees it read back in 万元 and in capitals,
submits, and finds the inbox and the e-mails entirely in Chinese; the officer's export is in
Chinese too."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlmodel import select

from portal import clock
from portal.accounts import organisations
from portal.accounts.models import User
from portal.challenges.models import Challenge
from portal.db import db
from portal.demo.load import licence_scan
from portal.notifications.models import Notification
from portal.proposals.models import Proposal
from portal.reviews import formal
from tests.accounts.test_accounts import applicant_form
from tests.factories import PASSWORD
from tests.pagecheck_tools import catalogue_words
from tests.proposals.fixtures import (
    attach,
    current_revision,
    everyone_accepts,
    field_value,
    load,
    start_proposal,
)

CHINESE_BROWSER = "zh-CN,zh;q=0.9,en;q=0.5"
WORD = re.compile(r"[A-Za-z]+")
HAN = re.compile(r"[\u4e00-\u9fff]")
LINK = re.compile(r"https?://\S+")


def english_words(text: str, english: set[str]) -> set[str]:
    """The words of the English message catalogue that `text` contains."""
    return {w.lower() for w in WORD.findall(text)} & english


def register_and_log_in(app, client, smtp, admin: User) -> User:
    """Dana registers her organisation from a Chinese browser; staff verify it."""
    form = applicant_form(name="吴丹", org_name="德尔塔光电有限公司", email="dana@delta.example")
    assert client.post("/register/applicant", data=form).status_code == 302
    client.get(smtp.last("dana@delta.example").path())
    with app.test_request_context():
        dana = db.session.exec(select(User).where(User.email == "dana@delta.example")).one()
        organisations.upload_licence(dana.organisation, licence_scan(dana.organisation), by=dana)
        organisations.verify(dana.organisation, by=db.session.get(User, admin.id))
        db.session.commit()
    login = client.post("/login", data={"email": form["email"], "password": form["password"]})
    assert login.status_code == 302
    return dana


def save(app, client, pid: int, section: str, data: dict) -> str:
    payload = {"revision": current_revision(app, pid), **data}
    response = client.post(f"/proposals/{pid}/edit/{section}", data=payload, follow_redirects=True)
    return response.get_data(as_text=True)


def fill_in(app, client, pid: int, member_org) -> None:
    """Every section, the budget typed as `２８００万` with a member's share of `１００万`."""
    save(
        app,
        client,
        pid,
        "general",
        {
            "title": "国产光刻胶攻关",
            "leader_name": "吴丹",
            "leader_title": "总工程师",
            "leader_phone": "+86 755 1234 5678",
            "leader_email": "dana@delta.example",
            "leader_org_id": str(load(app, pid).lead_org_id),
            "approach": "树脂合成与中试线。",
            "innovation": "新型树脂。",
        },
    )
    save(
        app,
        client,
        pid,
        "members",
        {
            "lead_responsibility": "树脂合成",
            "members-0-credit_code": member_org.credit_code,
            "members-0-responsibility": "光刻测试",
        },
    )
    indicators = load(app, pid).challenge.indicators
    save(
        app,
        client,
        pid,
        "commitments",
        {
            f"commitments-{i}-{key}": value
            for i, ind in enumerate(indicators)
            for key, value in (("indicator_id", str(ind.id)), ("value", str(ind.target)))
        },
    )
    due = clock.now().date() + timedelta(days=300)
    save(
        app,
        client,
        pid,
        "milestones",
        {
            "milestones-0-title": "中试线建成",
            "milestones-0-due_date": due.isoformat(),
            "milestones-0-deliverable": "中试线",
            "milestones-0-verification": "现场核查",
            "milestones-0-share_percent": "100",
        },
    )
    members = load(app, pid).members
    save(
        app,
        client,
        pid,
        "budget",
        {
            "requested": "２８００万",
            "self_funds": "５００万",
            "shares-0-member_id": str(members[0].id),
            "shares-0-share": "２７００万",
            "shares-1-member_id": str(members[1].id),
            "shares-1-share": "１００万",
        },
    )


def test_a_chinese_browser_applicant_is_answered_in_chinese_from_registration_to_export(
    app, client, smtp, make_user, make_org, make_challenge
):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = CHINESE_BROWSER
    challenge = make_challenge(title="ArF 光刻胶", deadline=clock.now() + timedelta(days=30))
    admin = make_user("admin@example.gov.cn", role="admin", name="平台管理员")
    officer = make_user("officer@example.gov.cn", role="officer", name="王处长", language="zh")
    university = make_org("贝塔大学", "university")
    make_user("head@beta.example", org=university, name="贝塔管理员")
    dana = register_and_log_in(app, client, smtp, admin)
    pid = start_proposal(app, client, challenge)
    fill_in(app, client, pid, university)

    # The budget is read with the meaning of its words and shown back in 万元 and in capitals.
    budget = client.get(f"/proposals/{pid}/edit/budget").get_data(as_text=True)
    assert field_value(budget, "requested") == "2,800.00"
    assert field_value(budget, "shares-1-share") == "100.00"
    assert "人民币贰仟捌佰万元整" in budget and "人民币壹佰万元整" in budget
    assert "申请资助金额（万元）" in budget
    assert "2,800.00 万元" in client.get(f"/proposals/{pid}").get_data(as_text=True)

    attach(app, pid)
    everyone_accepts(app, pid)
    pledge = {"leads_the_team": "y", "password": "a long enough password"}
    assert client.post(f"/proposals/{pid}/pledge", data=pledge).status_code == 302
    submitted = client.post(f"/proposals/{pid}/submit")
    assert submitted.status_code == 302, submitted.get_data(as_text=True)

    # The officer's formal check passes it once the deadline is over; Dana is told.
    with app.test_request_context():
        db.session.get(Challenge, challenge.id).deadline = clock.now() - timedelta(minutes=1)
        db.session.flush()
        formal.mark_eligible(db.session.get(Proposal, pid), by=db.session.get(User, officer.id))
        db.session.commit()

    # The inbox reads entirely in Chinese, and so does every e-mail sent to Dana.
    english = catalogue_words()
    with app.app_context():
        notes = db.session.exec(select(Notification).where(Notification.user_id == dana.id)).all()
    assert {n.kind for n in notes} >= {"organisation_verified", "proposal_eligible"}
    assert "proposal_submitted" in {n.kind for n in notes}
    for note in notes:
        text = f"{note.title} {note.body}"
        assert HAN.search(note.title) and not english_words(text, english), text
    inbox = client.get("/inbox/").get_data(as_text=True)
    assert all(note.title in inbox for note in notes)
    for mail in smtp.wait_for("dana@delta.example", len(notes) + 1):  # and the confirmation
        text = f"{mail.subject} {LINK.sub('', mail.body)}"
        assert not english_words(text, english), text

    # The officer exports the ranking: Chinese headers, Chinese state names.
    client.post("/logout")
    client.post("/login", data={"email": "officer@example.gov.cn", "password": PASSWORD})
    export = client.get(f"/reviews/challenges/{challenge.id}/ranking.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.get_data())).active
    header, row = (list(r) for r in sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    assert header[:5] == ["排名", "揭榜方案", "名称", "牵头单位", "状态"]
    assert row[2:5] == ["国产光刻胶攻关", "德尔塔光电有限公司", "评审中"]
    assert not english_words(" ".join(str(h) for h in header), english)
