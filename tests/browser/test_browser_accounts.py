"""In a real browser: an applicant registers, confirms the address, logs in, switches to Chinese
and logs out."""

import pytest
from sqlmodel import update

from portal import clock
from portal.accounts.models import User
from portal.db import db
from tests.browser_fixtures import open_menu_of
from tests.factories import fresh_credit_code

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def confirm_address(app, email: str) -> None:
    """What following the e-mailed link does (the link itself is tested with a real SMTP server
    in test_accounts_recovery.py; the live server sends no mail)."""
    with app.app_context():
        db.session.exec(
            update(User).where(User.email == email).values(email_verified_at=clock.now())
        )
        db.session.commit()


def test_an_applicant_registers_logs_in_and_reads_the_portal_in_chinese(app, page):
    page.goto("/register")
    page.get_by_role("link", name="Register as an applicant").click()
    page.get_by_label("Full name").fill("Dana Wu")
    page.get_by_label("E-mail").fill("dana@delta.example")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat the password").fill("a long enough password")
    page.get_by_label("Unified social credit code of your organisation").fill("not-a-code")
    page.get_by_label("Organisation name").fill("Delta Photonics")
    page.get_by_role("button", name="Create my account").click()

    error = page.locator("#credit_code-error")
    assert "18 characters" in error.inner_text()
    assert page.get_by_label("Organisation name").input_value() == "Delta Photonics"

    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat the password").fill("a long enough password")
    page.get_by_label("Unified social credit code of your organisation").fill(fresh_credit_code())
    page.get_by_role("button", name="Create my account").click()
    assert "We have sent an e-mail to dana@delta.example" in page.locator(".flashes").inner_text()

    page.get_by_label("E-mail").fill("dana@delta.example")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    assert "Confirm your e-mail address first" in page.locator(".form-errors").inner_text()

    confirm_address(app, "dana@delta.example")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    assert "Welcome, Dana Wu." in page.locator(".flashes").inner_text()
    page.get_by_role("link", name="My organisation").click()
    assert "Platform staff have not verified this organisation yet" in page.content()

    page.get_by_role("link", name="中文").click()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    open_menu_of(page.get_by_role("button", name="退出", include_hidden=True)).click()
    assert "您已退出登录" in page.locator(".flashes").inner_text()


def test_the_browser_enforces_the_policy_and_the_tests_notice(page, csp_violations):
    """The check that every browser test makes: inline code is blocked, and reported."""
    page.goto("/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "document.body.dataset.ran = 'yes'";
            document.body.appendChild(script);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.locator("body").get_attribute("data-ran") is None
    assert any("script-src 'self'" in message for message in csp_violations)
    csp_violations.clear()
