"""In Chromium: an evaluator opens a chain's map and follows a link to its page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.chains.fixtures import (  # noqa: F401  (fixtures of this story)
    chain_clock,
    evaluator,
    story_chain,
    story_orgs,
)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_evaluator_opens_the_chain_map_and_follows_a_link(
    page,
    live_server,
    evaluator,  # noqa: F811  (a fixture imported above)
    story_chain,  # noqa: F811
):
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(evaluator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Industrial chains").click()
    page.get_by_role("link", name="KPIs, map and report").click()
    expect(page.get_by_role("heading", name="The chain map")).to_be_visible()
    chain_map = page.locator("figure.chain-map svg")
    expect(chain_map.locator("a.box-link")).to_have_count(3)
    for image in page.locator(".chart-pair img").all():  # the charts are drawn, as SVG
        image.scroll_into_view_if_needed()  # a lazy image starts loading here: wait for it
        assert image.evaluate("img => img.decode().then(() => img.naturalWidth > 0)")

    chain_map.locator("a.box-link", has_text="Wafers").click()
    page.wait_for_url("**/chains/links/*")
    expect(page.get_by_role("heading", name="Wafers")).to_be_visible()
    expect(page.get_by_role("heading", name="Funded projects")).to_be_visible()
    assert story_chain.proposals["p1"].title in page.content()
