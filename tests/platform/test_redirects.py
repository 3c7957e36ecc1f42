"""Where the portal sends people after a login or a switch of language: the page they came from
when `next=` names a path of the portal, the home page for anything that could lead elsewhere
(scheme-relative, backslashes, control characters, their percent-encoded forms)."""

from __future__ import annotations

import pytest

from portal.parsing import same_site_path
from tests.factories import PASSWORD
from tests.redirect_variants import OFF_SITE, ON_SITE, reads_as_a_path_of_the_site


@pytest.mark.parametrize("variant", OFF_SITE)
def test_the_language_switch_never_leaves_the_site(client, variant):
    response = client.get(f"/language/zh?next={variant}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize(("variant", "target"), ON_SITE)
def test_the_language_switch_returns_to_the_page_it_was_chosen_on(client, variant, target):
    response = client.get(f"/language/zh?next={variant}")
    assert response.headers["Location"] == target
    assert reads_as_a_path_of_the_site(target)


# A login reads `next=` through the same function as the language switch; each password check
# takes a while, so the login sees one variant of each kind.
AT_LOGIN = [
    "/%0A/evil.example",
    "/%09/evil.example",
    "/%5Cevil.example",
    "/%252F%252Fevil.example",
    "/login%0D%0ASet-Cookie:%20x=1",
    "https:evil.example",
]


def test_a_login_with_a_hostile_next_logs_in_and_goes_home(app, client, make_user):
    make_user("alice@alpha.example")
    for variant in AT_LOGIN:
        client.post("/logout")
        response = client.post(
            f"/login?next={variant}", data={"email": "alice@alpha.example", "password": PASSWORD}
        )
        assert response.status_code == 302, variant
        assert response.headers["Location"] == "/", variant
        home = client.get("/")
        assert home.status_code == 200
        assert "Log out" in home.get_data(as_text=True), variant


def test_a_login_returns_to_the_page_that_asked_for_it(client, make_user):
    make_user("alice@alpha.example")
    asked = client.get("/proposals")
    assert asked.headers["Location"] == "/login?next=/proposals"
    response = client.post(
        asked.headers["Location"], data={"email": "alice@alpha.example", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/proposals"


def test_the_test_of_a_location_reads_it_as_a_browser_would():
    assert reads_as_a_path_of_the_site("/challenges?q=%E5%85%89")
    for location in ["//evil.example", "/\\evil.example", "/\t/evil.example", "http://x", " /x"]:
        assert not reads_as_a_path_of_the_site(location), location


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\\evil.example",
        "/%2F%2Fevil.example",
        "/%09/evil.example",
        "/%252F%252Fevil.example",
        "/\u2028evil.example",
        "/" + "a" * 3000,
        None,
        "",
    ],
)
def test_one_function_refuses_every_target_that_is_not_a_path_here(target):
    assert same_site_path(target) is None
