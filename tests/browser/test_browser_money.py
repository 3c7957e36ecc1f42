"""In a real browser: the amount typed into the budget is read back in capitals, even when it
was typed before the page's script had run (the script is deferred, and a slow line delays it)."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_amount_typed_before_the_script_ran_is_read_back_in_capitals(
    page, make_org, make_user, make_proposal
):
    alpha = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=alpha, name="Alice")
    proposal = make_proposal(lead=alpha, status="draft")
    page.route("**/static/money.js", lambda route: route.abort())  # the script is late
    page.goto("/login")
    page.get_by_label("E-mail").fill("alice@alpha.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"/proposals/{proposal.id}/edit/budget", wait_until="domcontentloaded")
    page.get_by_label("Funding requested (in 10,000 yuan)").fill("３,５００万")
    expect(page.locator("#requested-capitals")).not_to_have_text("人民币叁仟伍佰万元整")
    page.unroute("**/static/money.js")
    page.add_script_tag(url="/static/money.js")  # now it runs, after the typing

    expect(page.locator("#requested-capitals")).to_have_text("人民币叁仟伍佰万元整")
