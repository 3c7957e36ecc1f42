"""Anonymous visitors may be served a public page a few seconds old; nobody else is."""

import pytest

from portal import pagecache


@pytest.fixture
def cache_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_CACHE_SECONDS", 5)
    pagecache.clear()
    yield
    pagecache.clear()


def test_a_visitor_sees_a_new_challenge_once_the_cached_page_expires(
    client, make_challenge, cache_on, monkeypatch
):
    make_challenge(title="First challenge")
    assert "First challenge" in client.get("/challenges").get_data(as_text=True)
    make_challenge(title="Second challenge")
    assert "Second challenge" not in client.get("/challenges").get_data(as_text=True)

    later = pagecache.time.monotonic() + 6
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: later)
    assert "Second challenge" in client.get("/challenges").get_data(as_text=True)


def test_logged_in_users_always_see_the_live_page(
    client, make_challenge, make_user, login, cache_on
):
    make_challenge(title="First challenge")
    client.get("/challenges")
    make_user("alice@alpha.example")
    login("alice@alpha.example")
    make_challenge(title="Second challenge")
    assert "Second challenge" in client.get("/challenges").get_data(as_text=True)


def test_each_language_and_query_has_its_own_page(client, make_challenge, cache_on):
    make_challenge(title="Photoresist")
    english = client.get("/challenges", headers={"Accept-Language": "en"}).get_data(as_text=True)
    chinese = client.get("/challenges", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert 'lang="en"' in english and 'lang="zh-Hans"' in chinese
    assert client.get("/challenges?q=nothing-matches").get_data(as_text=True).count(
        "Photoresist"
    ) < english.count("Photoresist")
