"""A live portal and a real Chromium (Debian's, driven by Playwright) for browser journeys.

On failure the page the test was on is saved as a screenshot under test-artifacts/. A test fails
when the browser blocked anything under the portal's Content-Security-Policy: the pages must work
without inline code.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal import create_app

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def open_menu_of(locator):
    """The locator, once the header's drop-down menu that holds it (if any) is open."""
    if not locator.is_visible():
        locator.locator("xpath=ancestor::details[1]/summary").click()
    return locator


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash.setdefault(_failed_key, False)
        if report.failed:
            item.stash[_failed_key] = True
    return report


_failed_key = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def live_server(app, database_url, tmp_path_factory) -> Iterator[str]:
    """The portal served over HTTP in a thread, with CSRF on, on the test database."""
    served = create_app(
        {
            "SECRET_KEY": "live-secret",
            "DATABASE_URL": database_url,
            "STORAGE_ROOT": app.config["STORAGE_ROOT"],
            "MAIL_SERVER": "",
            "PUBLIC_CACHE_SECONDS": 0,
        }
    )
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is needed for the browser tests: apt-get install chromium ({CHROMIUM})"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def csp_violations() -> list[str]:
    """What Chromium reported blocking under the Content-Security-Policy, as the test went."""
    return []


@pytest.fixture
def page(browser, live_server, request, csp_violations):
    context = browser.new_context(base_url=live_server, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    if request.node.stash.get(_failed_key, False):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert csp_violations == [], "blocked by the Content-Security-Policy:\n" + "\n".join(
        csp_violations
    )
