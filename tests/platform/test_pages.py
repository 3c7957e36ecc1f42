"""Every page a person can open: in the layout, accessible, and never a server error."""

import re

import pytest
from flask import Flask

from portal import create_app
from tests.pagecheck import page_problems

ROLES = ["public", "applicant", "expert", "officer", "admin"]


def plain_get_routes(app: Flask) -> list[str]:
    """Every GET route that takes no parameter."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.arguments
        and rule.endpoint != "static"
        and not rule.rule.endswith((".csv", ".xlsx", ".zip", "/healthz"))
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_plain_page_is_accessible_for_every_role(app, client, make_user, login, role):
    if role != "public":
        make_user(f"{role}@example.com", role=role)
        login(f"{role}@example.com")
    failures = {}
    for path in plain_get_routes(app):
        response = client.get(path)
        assert response.status_code < 500, path
        if response.status_code == 200 and response.mimetype == "text/html":
            problems = page_problems(response.get_data(as_text=True))
            if problems:
                failures[path] = problems
    assert failures == {}


def test_unknown_pages_answer_404_in_the_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and 'class="site-header"' in html


def test_an_upload_over_the_limit_shows_the_413_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/login", data={"email": "x" * 4096, "password": "y"})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 25 * 1024 * 1024
    assert response.status_code == 413
    assert "Nothing was saved" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_the_500_page_in_the_layout(app):
    from portal.access import public

    failing = create_app(
        {
            "SECRET_KEY": "x",
            "DATABASE_URL": app.config["DATABASE_URL"],
            "BABEL_DEFAULT_LOCALE": "en",
        }
    )

    def broken():
        raise RuntimeError("boom")

    failing.add_url_rule("/broken", "broken", public(broken))
    response = failing.test_client().get("/broken")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html and 'class="site-header"' in html


def test_session_cookies_are_httponly_and_samesite(client, make_user):
    make_user("alice@alpha.example")
    from tests.factories import PASSWORD

    response = client.post("/login", data={"email": "alice@alpha.example", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_every_page_links_a_favicon_and_the_browser_finds_one_at_the_root(client):
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert client.get("/static/favicon.svg").status_code == 200
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"


def test_times_are_machine_readable_to_the_second(make_challenge, client):
    make_challenge(title="Timed")
    page = client.get("/challenges").get_data(as_text=True)
    stamps = re.findall(r'<time datetime="([^"]*)"', page)
    assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s) for s in stamps)


def test_an_applicants_headings_sit_below_the_section_they_are_in():
    from portal.templating import render_markdown

    assert str(render_markdown("## 标题\n\n### 小节")) == "<h3>标题</h3>\n<h4>小节</h4>\n"
    assert str(render_markdown("# 标题", under=3)).startswith("<h4>")
    assert str(render_markdown("###### 深", under=5)) == "<h6>深</h6>\n"
