"""Every bad input on the challenge form: a message at the field, what was typed kept, nothing
written."""

from datetime import UTC, datetime

import pytest
from sqlmodel import func, select

from portal import clock
from portal.audit import AuditEvent
from portal.challenges.models import Challenge
from portal.db import db
from tests.challenges.fixtures import challenge_form

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


@pytest.fixture
def officer_link(client, login, make_user, make_chain):
    clock.set_now(NOW)
    link = make_chain("集成电路", "upstream")
    make_user("officer@example.com", role="officer")
    login("officer@example.com")
    return link


def nothing_written(app) -> bool:
    with app.app_context():
        challenges = db.session.exec(select(func.count()).select_from(Challenge)).one()
        events = db.session.exec(
            select(func.count()).where(AuditEvent.action.like("challenge.%"))
        ).one()
        return challenges == 0 and events == 0


@pytest.mark.parametrize(
    ("overrides", "field_id", "message", "kept"),
    [
        (
            {"criteria-4-weight": "10"},
            "criteria-error",
            "The weights of the criteria must sum to 100 (now 95).",
            'value="10"',
        ),
        (
            {"deadline": "2026-11-01T12:00"},
            "deadline-error",
            "The deadline must be in the future.",
            'value="2026-11-01T12:00"',
        ),
        (
            {"funding_cap": "0"},
            "funding_cap-error",
            "The funding cap must be more than zero.",
            'value="0"',
        ),
        (
            {"funding_cap": "-5"},
            "funding_cap-error",
            "An amount cannot be below zero.",
            'value="-5"',
        ),
        (
            {"indicators-1-target": ""},
            "indicators-1-target-error",
            "Give the target value.",
            'value="线边缘粗糙度 LER"',
        ),
        (
            {"title": "长" * 10_000},
            "title-error",
            "At most 200 characters.",
            "长" * 10_000,
        ),
        (
            {"funding_cap": "三千万"},
            "funding_cap-error",
            "Enter an amount in 10,000 yuan using digits, e.g. 2800 or 2,800.5.",
            'value="三千万"',
        ),
        (
            {"deadline": "2030-02-30T10:00"},
            "deadline-error",
            "Not a real date and time; use the form 2026-03-01 17:00.",
            'value="2030-02-30T10:00"',
        ),
        (
            {"indicators-0-target": "twenty-eight"},
            "indicators-0-target-error",
            "Enter a number, e.g. 28 or 0.5.",
            'value="twenty-eight"',
        ),
        (
            {"criteria-0-weight": "thirty"},
            "criteria-0-weight-error",
            "Enter a whole number, e.g. 4.",
            'value="thirty"',
        ),
    ],
    ids=[
        "weights-95",
        "deadline-past",
        "cap-zero",
        "cap-negative",
        "indicator-without-target",
        "title-10000",
        "money-not-a-number",
        "impossible-date",
        "target-not-a-number",
        "weight-not-a-number",
    ],
)
def test_a_bad_input_is_shown_at_its_field_and_nothing_is_written(
    app, client, officer_link, overrides, field_id, message, kept
):
    response = client.post(
        "/officer/challenges/new", data=challenge_form(officer_link.id, **overrides)
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field_id}"' in html
    error = html.split(f'id="{field_id}"', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert kept in html
    assert 'value="分辨率 Resolution"' in html  # the other rows survive
    assert nothing_written(app)


def test_a_bad_input_on_an_existing_draft_leaves_the_draft_as_it_was(app, client, officer_link):
    client.post("/officer/challenges/new", data=challenge_form(officer_link.id))
    with app.app_context():
        challenge = db.session.exec(select(Challenge)).one()
    response = client.post(
        f"/officer/challenges/{challenge.id}/edit",
        data=challenge_form(officer_link.id, title="A new title", funding_cap="0"),
    )
    assert response.status_code == 422
    assert 'value="A new title"' in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.get(Challenge, challenge.id).title == "28nm ArF 光刻胶 28nm ArF photoresist"
        )


@pytest.mark.parametrize("typed", ["12万3", "1e6", "--5", "NaN", "一千万", "1,2,3", "100000001"])
def test_every_money_field_refuses_what_it_cannot_read_and_keeps_it(
    app, client, officer_link, typed
):
    for field in ("funding_cap", "cofunding"):
        response = client.post(
            "/officer/challenges/new", data=challenge_form(officer_link.id, **{field: typed})
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert f'id="{field}-error"' in html and f'value="{typed}"' in html
        assert nothing_written(app)


def test_the_cap_typed_as_people_write_it_is_kept_in_yuan_and_shown_in_capitals(
    app, client, officer_link
):
    client.post(
        "/officer/challenges/new",
        data=challenge_form(officer_link.id, funding_cap="３,０００万", cofunding="0.05亿"),
    )
    with app.app_context():
        challenge = db.session.exec(select(Challenge)).one()
        assert (challenge.funding_cap, challenge.cofunding) == (30_000_000, 5_000_000)
    page = client.get(f"/officer/challenges/{challenge.id}/edit").get_data(as_text=True)
    assert 'value="3,000.00"' in page and "人民币叁仟万元整" in page and "人民币伍佰万元整" in page
