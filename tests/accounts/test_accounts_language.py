"""A person who never touches the language switch is written to in the language their browser
showed them: a new account keeps the language it registered in, an older account the one of its
first login, and a browser that states no preference gets the programme's default, Chinese."""

from __future__ import annotations

import re

from sqlmodel import select

from portal import create_app
from portal.accounts import organisations
from portal.accounts.models import User
from portal.db import db
from portal.notifications.models import Notification
from tests.accounts.test_accounts import applicant_form
from tests.factories import PASSWORD

CHINESE_BROWSER = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
LATIN_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


def test_a_chinese_browser_registers_and_is_written_to_in_chinese(app, client, smtp, make_user):
    form = applicant_form(name="吴丹", org_name="德尔塔光电有限公司")
    client.post("/register/applicant", data=form, headers=CHINESE_BROWSER)
    with app.app_context():
        dana = db.session.exec(select(User).where(User.email == "dana@delta.example")).one()
        assert dana.language == "zh"
    confirmation = smtp.last("dana@delta.example")
    assert re.search(r"[\u4e00-\u9fff]", confirmation.subject)
    assert not LATIN_WORD.search(confirmation.subject)

    staff = make_user("officer@example.gov.cn", role="officer")
    with app.test_request_context():  # staff work in English; Dana is told in Chinese
        dana = db.session.exec(select(User).where(User.email == "dana@delta.example")).one()
        organisations.reject(dana.organisation, by=staff, reason="营业执照不清晰")
        db.session.commit()
        (told,) = db.session.exec(select(Notification).where(Notification.user_id == dana.id))
        assert not LATIN_WORD.search(told.title + told.body), told.title + told.body


def test_an_older_account_keeps_the_language_of_its_first_login(app, client, make_user):
    older = make_user("old@alpha.example")
    with app.app_context():
        db.session.get(User, older.id).language = ""
        db.session.commit()
    client.post(
        "/login",
        data={"email": "old@alpha.example", "password": PASSWORD},
        headers=CHINESE_BROWSER,
    )
    with app.app_context():
        assert db.session.get(User, older.id).language == "zh"


def test_a_browser_without_a_preference_gets_chinese_by_default(database_url):
    portal = create_app({"SECRET_KEY": "default-locale", "DATABASE_URL": database_url})
    assert portal.config["BABEL_DEFAULT_LOCALE"] == "zh"
    page = portal.test_client().get("/login").get_data(as_text=True)
    assert '<html lang="zh' in page
