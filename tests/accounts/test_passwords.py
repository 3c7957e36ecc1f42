"""A password must be hard to guess: not common, not the person's own name or e-mail address;
the reason is shown at the password field wherever a password is chosen."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select
from werkzeug.security import generate_password_hash

from portal.accounts import passwords
from portal.accounts.models import User
from portal.db import db
from tests.factories import PASSWORD, fresh_credit_code


def refusal(response) -> str:
    """The message at the password field of the form shown again, or ''."""
    html = response.get_data(as_text=True)
    start = html.find('id="password-error"')
    return html[start : html.find("</p>", start)] if start >= 0 else ""


def registration(**overrides):
    return {
        "name": "Dana Wu",
        "email": "dana@delta.example",
        "credit_code": fresh_credit_code(),
        "org_name": "Delta Photonics",
        "org_type": "enterprise",
    } | overrides


def test_registration_refuses_common_and_own_passwords_at_the_field(app, client):
    for password, reason in [
        ("aaaaaaaaaa", "too common or too easy to guess"),
        ("password123", "too common or too easy to guess"),
        ("1qaz2wsx3edc", "too common or too easy to guess"),
        ("dana@delta.example", "from your name or e-mail address"),
        ("DanaWu2024!", "from your name or e-mail address"),
        ("short", "at least 10 characters"),
    ]:
        response = client.post(
            "/register/applicant", data=registration(password=password, confirm=password)
        )
        assert response.status_code == 422, password
        assert reason in refusal(response), password
        assert 'value="Delta Photonics"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.exec(select(User)).all() == []

    good = "violet kettle harbour"
    response = client.post("/register/applicant", data=registration(password=good, confirm=good))
    assert response.status_code == 302


def test_an_expert_registers_only_with_a_strong_password(client):
    form = {
        "name": "Erin Expert",
        "email": "erin@example.com",
        "affiliation": "Institute of Optics",
        "expertise": "optics",
    }
    weak = client.post(
        "/register/expert", data=form | {"password": "qwertyuiop1", "confirm": "qwertyuiop1"}
    )
    assert "too common or too easy to guess" in refusal(weak)


def test_a_new_password_is_checked_against_the_accounts_own_name(client, make_user, login):
    make_user("alice@alpha.example", name="Alice Zhang")
    login("alice@alpha.example")
    for weak, reason in [
        ("alicezhang2024", "from your name or e-mail address"),
        ("P@ssw0rd1234", "too common or too easy to guess"),
    ]:
        response = client.post(
            "/account", data={"current": PASSWORD, "password": weak, "confirm": weak}
        )
        assert response.status_code == 422, weak
        assert reason in refusal(response), weak
    strong = "marble orchard lantern"
    response = client.post(
        "/account", data={"current": PASSWORD, "password": strong, "confirm": strong}
    )
    assert response.status_code == 302


def test_the_service_refuses_a_weak_password_whatever_the_form(ctx, make_user):
    from portal.accounts.services import change_password
    from portal.errors import ValidationFailed

    alice = make_user("alice@alpha.example", name="Alice Zhang")
    try:
        change_password(alice, current=PASSWORD, new="alice@alpha.example")
    except ValidationFailed as refused:
        assert "from your name or e-mail address" in refused.problems["password"]
    else:
        raise AssertionError("a password made of the e-mail address was accepted")


def test_an_admin_cannot_give_a_new_account_a_weak_password(client, make_user, login):
    make_user("admin@example.com", role="admin")
    login("admin@example.com")
    form = {"name": "Olga Officer", "email": "olga@gov.example", "role": "officer"}
    weak = client.post(
        "/admin/users/new",
        data=form | {"password": "olga@gov.example1", "confirm": "olga@gov.example1"},
    )
    assert "from your name or e-mail address" in refusal(weak)
    strong = "granite willow compass"
    assert (
        client.post(
            "/admin/users/new", data=form | {"password": strong, "confirm": strong}
        ).status_code
        == 302
    )


def test_the_command_line_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--email",
            "o@gov.example",
            "--name",
            "Olga",
            "--password",
            "1234567890",
        ]
    )
    assert result.exit_code != 0
    assert "too common or too easy to guess" in result.output


def test_own_words_include_the_parts_a_guesser_would_try():
    words = passwords.own_words("Dana Wu", "dana.wu@delta-photonics.example")
    assert {"dana wu", "danawu", "dana", "dana.wu", "delta-photonics", "example"} <= set(words)
    assert "wu" not in words  # too short to mean anything


def test_a_process_hashes_one_password_at_a_time_and_each_is_checked(monkeypatch):
    """Twenty people log in at once: their hashes are computed in turn, never side by side, and
    each answer is still the right one."""
    running, most = [0], [0]
    lock = threading.Lock()
    check = passwords.check_password_hash

    def counted_check(password_hash: str, password: str) -> bool:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.01)
        try:
            return check(password_hash, password)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(passwords, "check_password_hash", counted_check)
    stored = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    tries = [PASSWORD if i % 2 else "wrong" for i in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda typed: passwords.matches(stored, typed), tries))

    assert most[0] == passwords.HASHING_AT_ONCE == 1
    assert answers == [typed == PASSWORD for typed in tries]
