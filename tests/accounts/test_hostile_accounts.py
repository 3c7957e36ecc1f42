"""Hostile input to the account forms: never a 5xx, never a half-written row, always a message."""

import pytest
from hypothesis import HealthCheck, given, settings
from sqlmodel import func, select

from portal import create_app
from portal.accounts.models import Organisation, User
from portal.db import db
from tests.hostile import hostile_form

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def counts(app) -> tuple[int, int]:
    with app.app_context():
        users = db.session.exec(select(func.count()).select_from(User)).one()
        orgs = db.session.exec(select(func.count()).select_from(Organisation)).one()
        return users, orgs


REGISTRATION = [
    "name",
    "email",
    "password",
    "confirm",
    "credit_code",
    "org_name",
    "org_type",
    "org_region",
]


@FUZZ
@given(form=hostile_form(REGISTRATION))
def test_hostile_applicant_registration_is_refused_cleanly(app, client, form):
    before = counts(app)
    response = client.post("/register/applicant", data=form)
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert counts(app) == before
        assert 'class="error"' in response.get_data(as_text=True)


@FUZZ
@given(form=hostile_form(["email", "password"]))
def test_hostile_login_is_refused_with_a_message(client, form):
    response = client.post("/login", data=form)
    assert response.status_code in (200, 401)
    assert "error" in response.get_data(as_text=True)


@FUZZ
@given(
    form=hostile_form(
        ["name", "email", "password", "confirm", "affiliation", "affiliation_code", "expertise"]
    )
)
def test_hostile_expert_registration_is_refused_cleanly(app, client, form):
    before = counts(app)
    response = client.post("/register/expert", data=form)
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert counts(app) == before


@FUZZ
@given(query=hostile_form(["q", "role", "state", "page"]))
def test_hostile_user_search_never_fails(client, make_user, login, query):
    if client.get("/admin/users").status_code != 200:
        make_user("admin@example.com", role="admin")
        login("admin@example.com")
    response = client.get("/admin/users", query_string=query)
    assert response.status_code == 200


def test_a_post_without_its_csrf_token_is_refused(app, make_user):
    guarded = create_app(
        {
            "SECRET_KEY": "csrf-test",
            "DATABASE_URL": app.config["DATABASE_URL"],
            "BABEL_DEFAULT_LOCALE": "en",
        }
    )
    make_user("alice@alpha.example")
    response = guarded.test_client().post(
        "/login", data={"email": "alice@alpha.example", "password": "whatever"}
    )
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)


def test_script_typed_as_a_name_is_shown_escaped(client, make_user, login):
    make_user("admin@example.com", role="admin")
    make_user("evil@example.com", role="expert", name="<script>alert('x')</script>")
    login("admin@example.com")
    html = client.get("/admin/users").get_data(as_text=True)
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("path", ["/admin/users/999999/active", "/admin/users/999999/role"])
def test_unknown_ids_give_404(client, make_user, login, path):
    make_user("admin@example.com", role="admin")
    login("admin@example.com")
    assert client.post(path, data={"active": "1", "role": "officer"}).status_code == 404


def test_an_unknown_notification_is_404(client, make_user, login):
    make_user("alice@alpha.example")
    login("alice@alpha.example")
    assert client.post("/inbox/424242/open").status_code == 404


def test_a_nul_character_in_a_form_is_dropped_before_it_reaches_the_database(client, make_user):
    make_user("alice@alpha.example")
    response = client.post("/login", data={"email": "alice@alpha.example\x00", "password": "x"})
    assert response.status_code == 401
    assert "The e-mail or password is not right." in response.get_data(as_text=True)
    assert client.get("/challenges?q=\x00photoresist").status_code == 200
