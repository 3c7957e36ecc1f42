"""Every page tells the browser what it may do: a Content-Security-Policy without inline code,
no framing, no sniffing, no referrer to other sites, and HTTPS only where the portal is served
over HTTPS."""

import pytest

from portal import pagecache
from portal.security import CONTENT_SECURITY_POLICY
from tests.factories import PASSWORD
from tests.pagecheck import inline_code
from tests.platform.test_pages import ROLES, plain_get_routes

EVERY_RESPONSE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def header_problems(response) -> list[str]:
    problems = [
        f"{name}: {response.headers.get(name)!r}"
        for name, value in EVERY_RESPONSE.items()
        if response.headers.get(name) != value
    ]
    if response.mimetype == "text/html":
        if response.headers.get("Content-Security-Policy") != CONTENT_SECURITY_POLICY:
            problems.append("no Content-Security-Policy")
        problems += inline_code(response.get_data(as_text=True))
    return problems


def test_the_policy_allows_nothing_inline_and_no_framing():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("role", ROLES)
def test_every_plain_page_carries_the_headers_for_every_role(app, client, make_user, login, role):
    if role != "public":
        make_user(f"{role}@example.com", role=role)
        login(f"{role}@example.com")
    failures = {}
    for path in [*plain_get_routes(app), "/no/such/page"]:
        for _visit in range(2):  # the second may be a kept public page
            response = client.get(path)
            problems = header_problems(response)
            if problems:
                failures[path] = problems
            assert "Strict-Transport-Security" not in response.headers
    assert failures == {}


def test_a_kept_public_page_carries_the_headers(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_CACHE_SECONDS", 5)
    client.get("/challenges")  # rendered and kept
    kept, hits = pagecache._public.get, []

    def get(key):
        entry = kept(key)
        hits.append(entry is not None)
        return entry

    monkeypatch.setattr(pagecache._public, "get", get)
    response = client.get("/challenges")
    assert hits == [True] and response.status_code == 200
    assert header_problems(response) == []


def test_over_https_the_cookie_is_secure_and_browsers_are_told_to_stay(
    app, client, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    make_user("alice@alpha.example")
    response = client.post(
        "/login",
        data={"email": "alice@alpha.example", "password": PASSWORD},
        base_url="https://localhost",
    )
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    page = client.get("/", base_url="https://localhost")
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_the_checker_finds_inline_code():
    page = (
        '<p style="color:red" onclick="go()">x</p><script>alert(1)</script>'
        '<script src="/static/a.js"></script><style>p{}</style>'
    )
    assert inline_code(page) == [
        "onclick= on <p>",
        "style= on <p>",
        "an inline <script>",
        "a <style> element",
    ]
