"""Anonymous visitors may be served a public page a few seconds old; a logged-in user's page is
rendered for them on every request, so that what changed about them shows on the next one."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import select

from portal import clock, pagecache
from portal.accounts import membership, services
from portal.accounts.models import Membership, User
from portal.challenges import queries as challenge_queries
from portal.db import db
from portal.notifications.services import notify
from portal.vocabulary import Role
from tests.factories import PASSWORD


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


def _crowd_while_the_catalogue_is_drawn(app, monkeypatch, visitors: int = 10) -> list[str]:
    """The pages a crowd is served when it asks for the catalogue at the same moment, while its
    first visitor draws it (slowly, so that the others arrive meanwhile); it is drawn once."""
    renderings = []
    catalogue = challenge_queries.catalogue

    def slow_catalogue(*args, **kwargs):
        renderings.append(1)
        time.sleep(0.4)
        return catalogue(*args, **kwargs)

    monkeypatch.setattr(challenge_queries, "catalogue", slow_catalogue)

    def visit(_n: int) -> str:
        try:
            return app.test_client().get("/challenges").get_data(as_text=True)
        finally:
            db.remove()

    with ThreadPoolExecutor(max_workers=visitors) as crowd:
        pages = list(crowd.map(visit, range(visitors)))
    assert len(renderings) == 1
    return pages


def test_a_crowd_at_a_page_not_kept_yet_costs_one_rendering(
    app, make_challenge, cache_on, monkeypatch
):
    """Ten visitors ask for the catalogue at the same moment: one renders it, the nine others
    wait for that rendering and are served the same page."""
    make_challenge(title="Crowded challenge")
    pages = _crowd_while_the_catalogue_is_drawn(app, monkeypatch)
    assert all("Crowded challenge" in page for page in pages)


def _kept_then_changed(client, make_challenge, monkeypatch, expired_for: float) -> None:
    """The catalogue kept with a first challenge, a second one added since, and the kept copy
    expired `expired_for` seconds ago."""
    make_challenge(title="First challenge")
    client.get("/challenges")
    make_challenge(title="Second challenge")
    later = pagecache.time.monotonic() + 5 + expired_for
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: later)


def test_a_crowd_is_served_the_copy_of_a_moment_ago_while_it_is_drawn_again(
    app, client, make_challenge, cache_on, monkeypatch
):
    _kept_then_changed(client, make_challenge, monkeypatch, expired_for=1)
    pages = _crowd_while_the_catalogue_is_drawn(app, monkeypatch, visitors=6)
    assert all("First challenge" in page for page in pages)
    assert sum("Second challenge" in page for page in pages) == 1  # the one who drew it


def test_a_copy_that_expired_long_ago_is_never_served(
    app, client, make_challenge, cache_on, monkeypatch
):
    _kept_then_changed(client, make_challenge, monkeypatch, expired_for=6)
    pages = _crowd_while_the_catalogue_is_drawn(app, monkeypatch, visitors=6)
    assert all("Second challenge" in page for page in pages)


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


# ---- pages of logged-in users: never kept ------------------------------------------------------


def browser(app, email: str):
    person = app.test_client()
    response = person.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return person


def sent_to_login(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def as_another_worker(app, change) -> None:
    """`change(session)` done and committed in a request of its own, as another worker would."""
    with app.test_request_context():
        change(db.session)
        db.session.commit()


def user(session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()


def test_an_officer_made_an_expert_loses_the_officer_pages_at_the_next_request(
    app, make_user, cache_on
):
    make_user("admin@gov.example", role="admin")
    make_user("officer@gov.example", role="officer")
    officer = browser(app, "officer@gov.example")
    for _visit in range(2):
        assert officer.get("/officer/challenges").status_code == 200

    as_another_worker(
        app,
        lambda s: services.set_role(
            user(s, "officer@gov.example"), Role.expert, by=user(s, "admin@gov.example")
        ),
    )
    assert officer.get("/officer/challenges").status_code != 200


def test_a_deactivated_account_is_refused_at_the_next_request(app, make_user, cache_on):
    make_user("admin@gov.example", role="admin")
    make_user("alice@alpha.example")
    alice = browser(app, "alice@alpha.example")
    for _visit in range(2):
        assert alice.get("/proposals").status_code == 200

    as_another_worker(
        app,
        lambda s: services.set_active(
            user(s, "alice@alpha.example"), False, by=user(s, "admin@gov.example")
        ),
    )
    assert sent_to_login(alice.get("/proposals"))


def test_a_member_removed_from_the_organisation_no_longer_sees_its_proposals(
    app, make_org, make_user, make_proposal, cache_on
):
    alpha = make_org("Alpha Tech")
    make_user("boss@alpha.example", org=alpha)
    make_user("alice@alpha.example", org=alpha, org_role="member")
    make_proposal(lead=alpha, title="Photoresist bid")
    alice = browser(app, "alice@alpha.example")
    for _visit in range(2):
        assert "Photoresist bid" in alice.get("/proposals").get_data(as_text=True)

    def remove_alice(s):
        alice_id = user(s, "alice@alpha.example").id
        found = s.exec(select(Membership).where(Membership.user_id == alice_id)).one()
        membership.remove(found, by=user(s, "boss@alpha.example"))

    as_another_worker(app, remove_alice)
    response = alice.get("/proposals")
    assert "Photoresist bid" not in response.get_data(as_text=True)
    assert sent_to_login(response)


def test_a_change_saved_by_a_colleague_shows_at_once(app, make_user, make_org):
    alpha = make_org("Alpha Tech")
    alice_account = make_user("alice@alpha.example", org=alpha)
    alice = browser(app, "alice@alpha.example")
    alice.get("/inbox/")
    assert "No messages" in alice.get("/inbox/").get_data(as_text=True)

    as_another_worker(
        app,
        lambda s: notify([s.get(User, alice_account.id)], "account_activated"),
    )
    assert "Your account has been activated." in alice.get("/inbox/").get_data(as_text=True)


def test_no_one_is_served_another_users_page(app, make_user, cache_on):
    make_user("officer@gov.example", role="officer", name="Officer Wang")
    make_user("officer2@gov.example", role="officer", name="Officer Zhao")
    pages = {}
    for email in ("officer@gov.example", "officer2@gov.example"):
        person = browser(app, email)
        person.get("/officer/challenges")
        pages[email] = person.get("/officer/challenges").get_data(as_text=True)
    assert "Officer Wang" in pages["officer@gov.example"]
    assert "Officer Zhao" in pages["officer2@gov.example"]
    assert "Officer Wang" not in pages["officer2@gov.example"]


def test_what_the_clock_decides_is_rendered_again(
    client, login, make_user, make_proposal, make_org, make_challenge
):
    start = clock.now()
    clock.set_now(start)
    challenge = make_challenge(deadline=start + timedelta(days=3, hours=5, minutes=30))
    alpha = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=alpha)
    make_proposal(lead=alpha, challenge=challenge, status="draft")
    login("alice@alpha.example")
    client.get("/proposals")
    assert "3 days 5 hours left" in client.get("/proposals").get_data(as_text=True)
    clock.set_now(start + timedelta(hours=1))
    assert "3 days 4 hours left" in client.get("/proposals").get_data(as_text=True)
