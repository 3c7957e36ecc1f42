"""Only officers and admins reach the officer pages; the public pages stay lean."""

from datetime import UTC, datetime, timedelta

import pytest

from portal import clock
from tests.challenges.fixtures import publish_challenge

OFFICER_PAGES = [
    "/officer/challenges",
    "/officer/challenges/new",
    "/officer/challenges/{id}",
    "/officer/challenges/{id}/edit",
    "/officer/challenges/{id}/publish",
    "/officer/challenges/{id}/amend",
    "/officer/challenges/{id}/cancel",
    "/officer/chains",
    "/officer/questions",
]


@pytest.mark.parametrize("role", ["applicant", "expert"])
def test_applicants_and_experts_get_403_on_officer_pages(
    app, client, login, make_user, make_chain, role
):
    link = make_chain()
    officer = make_user("officer@example.com", role="officer")
    challenge_id, _number = publish_challenge(
        app, officer.id, link.id, clock.now() + timedelta(days=30)
    )
    make_user(f"someone@{role}.example", role=role)
    login(f"someone@{role}.example")
    for url in OFFICER_PAGES:
        assert client.get(url.format(id=challenge_id)).status_code == 403, url
    assert client.post(f"/officer/challenges/{challenge_id}/publish").status_code == 403
    assert (
        client.post(f"/officer/challenges/{challenge_id}/cancel", data={"reason": "x"}).status_code
        == 403
    )


def test_admins_reach_the_officer_pages_and_visitors_are_sent_to_log_in(client, login, make_user):
    assert client.get("/officer/challenges").status_code == 302
    make_user("admin@example.com", role="admin")
    login("admin@example.com")
    assert client.get("/officer/challenges").status_code == 200
    assert client.get("/officer/challenges/new").status_code == 200


def test_the_catalogue_runs_the_same_queries_for_5_and_for_40_challenges(
    app, client, make_user, make_chain, count_queries
):
    clock.set_now(datetime(2026, 11, 29, tzinfo=UTC))
    officer = make_user("officer@example.com", role="officer")
    links = [make_chain("集成电路", "upstream"), make_chain("新能源汽车", "midstream")]

    def publish(n):
        for i in range(n):
            publish_challenge(
                app,
                officer.id,
                links[i % 2].id,
                clock.now() + timedelta(days=20 + i),
                title=f"Challenge {i}",
            )

    def measure() -> int:
        client.get("/challenges")  # warm up
        with count_queries() as statements:
            response = client.get("/challenges?sort=funding")
        assert response.status_code == 200
        return len(statements)

    publish(5)
    with_5 = measure()
    publish(35)
    with_40 = measure()
    assert with_5 == with_40
    assert with_40 <= 6  # chains, links, count, rows, their links and chains


def test_the_challenge_page_runs_the_same_queries_with_more_indicators(
    app, client, make_user, make_chain, count_queries
):
    from decimal import Decimal

    from portal.challenges.content import IndicatorRow
    from portal.challenges.models import Comparison

    clock.set_now(datetime(2026, 11, 29, tzinfo=UTC))
    officer = make_user("officer@example.com", role="officer")
    link = make_chain()
    deadline = clock.now() + timedelta(days=30)
    rows = [IndicatorRow(f"指标 {i}", Comparison.ge, Decimal(i), "%", "Test") for i in range(12)]
    _a, few = publish_challenge(app, officer.id, link.id, deadline, indicators=rows[:1])
    _b, many = publish_challenge(app, officer.id, link.id, deadline, indicators=rows)

    def measure(number: str) -> int:
        with count_queries() as statements:
            assert client.get(f"/challenges/{number}").status_code == 200
        return len(statements)

    assert measure(few) == measure(many)
