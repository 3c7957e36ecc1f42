"""Every page of every demo role, in Chinese: valid HTML5 by the W3C Nu HTML Checker, no serious
or critical axe-core violation at 1280 px and at 390 px, a header that fits one row on a desktop
and folds into a menu on a phone, no page wider than a phone, and no English word of the message
catalogue outside what people typed.

The pages are reached by following links from each person's home page (tests/pagewalk.py), are
checked by the Nu checker in one run over a folder, and are then shown to Chromium exactly as
they were rendered (served from memory, the stylesheet and scripts from the portal).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from portal.demo.build import PASSWORD
from tests.pagecheck_tools import (
    AXE_RUN,
    SETUP_HINT,
    axe_source,
    catalogue_words,
    english_on_page,
    missing_tools,
    nu_errors,
    user_words,
)
from tests.pagewalk import route_of, walk

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROLES = {
    "public": None,
    "admin": "admin@example.com",
    "officer": "officer@example.com",
    "alice": "alice@example.com",  # organisation administrator
    "bob": "bob@example.com",
    "carol": "carol@example.com",
    "dave": "dave@example.com",  # waiting to join an organisation
    "erin": "erin@example.com",  # of an organisation staff have not verified
    "expert1": "expert1@example.com",
    "expert3": "expert3@example.com",
}
# English a Chinese page shows on purpose, by route.
ENGLISH_ALLOWED = {
    # The importer accepts each column's heading in either language, and says so.
    "chains.import_assessments": {
        "chokepoint",
        "dependence",
        "external",
        "firms",
        "level",
        "note",
        "rate",
        "source",
    },
}
ORIGIN = "http://portal.test"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def chinese_pages(app, email: str | None) -> tuple[object, dict[str, str]]:
    client = app.test_client()
    client.get("/language/zh")
    if email:
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, email
    return client, walk(app, client, per_route=1)


def write_folder(folder: Path, pages: dict[str, dict[str, str]]) -> dict[str, tuple[str, str]]:
    """The pages as files for the Nu checker; which role and path each file is."""
    names = {}
    for role, by_path in pages.items():
        (folder / role).mkdir(parents=True)
        for i, (path, html) in enumerate(by_path.items()):
            name = f"{role}/{i:03d}.html"
            (folder / name).write_text(html, encoding="utf-8")
            names[name] = (role, path)
    return names


def browser_rounds(app, pages: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """What Chromium opens for each role: its home page (each role has its own header) and the
    first page of each route that no role before it reached (the layout is the route's)."""
    seen: set[str] = set()
    rounds: dict[str, list[str]] = {}
    for role, by_path in pages.items():
        rounds[role] = ["/"]
        for path in by_path:
            route = route_of(app, path)
            if route not in seen and path != "/":
                seen.add(route)
                rounds[role].append(path)
    return rounds


def serve(client, pages: dict[str, str]):
    """A Playwright route handler: the walked pages as rendered, anything else from the portal."""

    static: dict[str, tuple[int, str, bytes]] = {}

    def handle(route):
        url = urlsplit(route.request.url)
        path = url.path + (f"?{url.query}" if url.query else "")
        if path in pages:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=pages[path])
            return
        if path not in static:
            response = client.get(path)
            static[path] = (response.status_code, response.content_type, response.get_data())
        status, content_type, body = static[path]
        route.fulfill(status=status, content_type=content_type, body=body)

    return handle


HEADER_ROWS = """() => {
  const tops = new Set();
  document.querySelectorAll('.brand, .nav > li, .menu-toggle').forEach(e => {
    const box = e.getBoundingClientRect();
    if (box.height > 0) tops.add(Math.round(box.top + box.height / 2));
  });
  return tops.size;
}"""
NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))"
WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth > window.innerWidth + 1"


def browser_problems(browser, app, clients, pages) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = defaultdict(list)
    source = axe_source()
    for role, paths in browser_rounds(app, pages).items():
        context = browser.new_context(base_url=ORIGIN, viewport=DESKTOP, bypass_csp=True)
        page = context.new_page()
        page.route(f"{ORIGIN}/**", serve(clients[role], pages[role]))
        for path in paths:
            where = f"{role} {path}"
            page.set_viewport_size(DESKTOP)
            page.goto(path)
            page.add_script_tag(content=source)
            problems[where] += [f"1280 px: {v}" for v in page.evaluate(AXE_RUN, True)]
            if page.evaluate(HEADER_ROWS) > 1:
                problems[where].append("1280 px: the header takes more than one row")
            page.set_viewport_size(PHONE)
            page.evaluate(NEXT_FRAME)  # the page's script has answered the resize
            problems[where] += [f"390 px: {v}" for v in page.evaluate(AXE_RUN, False)]
            if page.evaluate(WIDER_THAN_SCREEN):
                problems[where].append("390 px: the page is wider than the screen")
            if (
                not page.locator(".menu-toggle").is_visible()
                or page.locator("#site-menu").is_visible()
            ):
                problems[where].append("390 px: the navigation does not fold into a menu")
            elif path == "/":
                page.locator(".menu-toggle").click()
                if not page.locator("#site-menu nav").is_visible():
                    problems[where].append("390 px: the Menu button does not open the menu")
        context.close()
    return {where: found for where, found in problems.items() if found}


def test_every_page_of_every_demo_role_is_valid_accessible_and_in_chinese(
    app, demo, demo_copy, browser, tmp_path
):
    if missing_tools():
        pytest.fail(f"missing {', '.join(missing_tools())}: {SETUP_HINT}")
    clients, pages = {}, {}
    for role, email in ROLES.items():
        clients[role], pages[role] = chinese_pages(app, email)
    names = write_folder(tmp_path / "pages", pages)

    nu = {
        f"{names[name][0]} {names[name][1]}": errors
        for name, errors in nu_errors(tmp_path / "pages").items()
    }
    english, typed = catalogue_words(), user_words(demo_copy.rows)
    untranslated = {
        f"{role} {path}": sorted(words)
        for role, by_path in pages.items()
        for path, html in by_path.items()
        if (
            words := english_on_page(html, english, typed)
            - ENGLISH_ALLOWED.get(route_of(app, path), set())
        )
    }
    in_browser = browser_problems(browser, app, clients, pages)
    report = [
        ("Nu HTML Checker errors", nu),
        ("English words on Chinese pages", untranslated),
        ("In Chromium", in_browser),
    ]
    assert not any(found for _title, found in report), "\n\n".join(
        f"{title}:\n" + "\n".join(f"  {where}: {items}" for where, items in sorted(found.items()))
        for title, found in report
        if found
    )


def test_the_english_check_finds_an_untranslated_label_but_not_user_content():
    english = {"submit", "proposal"}
    html = '<p>提交 <button>Submit</button> <span lang="en">Proposal</span> Proposal-X</p>'
    assert english_on_page(html, english, exempt={"proposal-x"}) == {"submit"}
