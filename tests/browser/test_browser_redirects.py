"""In Chromium: whatever `next=` a link or a login carries, the browser stays on the portal and
asks no other host for anything."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import open_menu_of
from tests.factories import PASSWORD
from tests.redirect_variants import OFF_SITE

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def off_site_requests(page, live_server) -> list[str]:
    """Every request the page makes to another host, redirects included (evil.example is a
    reserved name that never resolves, so none of them gets anywhere)."""
    made: list[str] = []

    def note(request) -> None:
        if not request.url.startswith(live_server + "/"):
            made.append(request.url)

    page.on("request", note)
    return made


def test_chromium_follows_the_language_switch_only_within_the_portal(
    page, live_server, off_site_requests
):
    for variant in OFF_SITE:
        page.goto(f"{live_server}/language/en?next={variant}")
        assert page.url == f"{live_server}/", variant
    assert off_site_requests == []


def test_chromium_lands_on_the_portal_after_a_login_with_a_hostile_next(
    page, live_server, off_site_requests, make_user
):
    make_user("alice@alpha.example", name="Alice Li")
    for variant in ("/%09/evil.example", "/%5Cevil.example", "/%0A/evil.example"):
        page.goto(f"{live_server}/login?next={variant}")
        page.get_by_label("E-mail").fill("alice@alpha.example")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        assert "Welcome, Alice Li." in page.locator(".flashes").inner_text()
        assert page.url == f"{live_server}/", variant
        open_menu_of(page.get_by_role("button", name="Log out", include_hidden=True)).click()
    assert off_site_requests == []
