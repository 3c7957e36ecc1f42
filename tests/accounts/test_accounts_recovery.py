"""Accounts a person can recover: the address confirmed by a link, a password reset by e-mail,
a new address; each link works once and for a while, and asking never reveals who has an
account."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import func, select

from portal import clock
from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.db import db
from tests.factories import PASSWORD

NEW_PASSWORD = "a brand new password"


def user(app, email: str) -> User:
    with app.app_context():
        return db.session.exec(select(User).where(User.email == email)).one()


def users(app) -> int:
    with app.app_context():
        return db.session.exec(select(func.count()).select_from(User)).one()


def registration(email: str, code: str) -> dict:
    return {
        "name": "Dana Wu",
        "email": email,
        "password": "a long enough password",
        "confirm": "a long enough password",
        "credit_code": code,
        "org_name": "Delta Photonics",
        "org_type": "enterprise",
        "org_region": "",
    }


def flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


# ---- registration and the confirmation link ----


def test_registering_with_a_known_address_answers_as_for_a_new_one_and_mails_the_owner(
    app, client, smtp, make_user
):
    from tests.factories import fresh_credit_code

    make_user("dana@delta.example", name="Dana")
    known = client.post(
        "/register/applicant", data=registration("Dana@Delta.example", fresh_credit_code())
    )
    known_flash = flashes(client)
    client.get("/login")  # shows and clears the message
    new = client.post(
        "/register/applicant", data=registration("erin@delta.example", fresh_credit_code())
    )
    new_flash = flashes(client)

    assert (known.status_code, known.location) == (new.status_code, new.location) == (302, "/login")
    assert known_flash == [m.replace("erin@", "dana@") for m in new_flash]
    assert users(app) == 2  # Dana's account, and Erin's; none for the second Dana
    warning = smtp.last("dana@delta.example")
    assert warning.subject == "Someone tried to register with your address"
    assert "/password/forgot" in warning.body
    assert smtp.last("erin@delta.example").subject == (
        "Confirm your e-mail address for the Jiebang Portal"
    )


def test_login_waits_for_the_confirmation_link_which_works_and_can_be_sent_again(app, client, smtp):
    from tests.factories import fresh_credit_code

    form = registration("erin@delta.example", fresh_credit_code())
    client.post("/register/applicant", data=form)
    credentials = {"email": form["email"], "password": form["password"]}
    refused = client.post("/login", data=credentials)
    assert refused.status_code == 401
    html = refused.get_data(as_text=True)
    assert "Confirm your e-mail address first" in html and 'href="/confirm"' in html

    client.post("/confirm", data={"email": "erin@delta.example"})
    first, second = smtp.wait_for("erin@delta.example", count=2)
    assert client.get(second.path()).status_code == 302
    assert user(app, "erin@delta.example").email_verified_at is not None
    assert client.get(first.path()).status_code == 302  # already confirmed: no harm
    assert client.post("/login", data=credentials).status_code == 302

    forged = client.get(second.path()[:-3] + "abc")
    assert forged.status_code == 404 and "not valid" in forged.get_data(as_text=True)


def test_asking_for_the_link_again_for_an_unknown_address_sends_nothing(client, smtp, make_user):
    make_user("alice@alpha.example")  # confirmed already
    for address in ("nobody@nowhere.example", "alice@alpha.example"):
        response = client.post("/confirm", data={"email": address})
        assert response.location == "/login"
    client.post("/password/forgot", data={"email": "trigger@delta.example"})
    assert smtp.messages == []


# ---- a forgotten password ----


def test_a_password_is_reset_by_e_mail_with_a_link_that_works_once(app, client, smtp, make_user):
    make_user("alice@alpha.example", name="Alice")
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": "alice@alpha.example", "password": PASSWORD})

    response = client.post("/password/forgot", data={"email": "Alice@Alpha.example"})
    assert response.location == "/login"
    mail = smtp.last("alice@alpha.example")
    assert mail.subject == "Choose a new password for the Jiebang Portal"
    link = mail.path(r"https?://\S+/password/reset/\S+")

    assert client.get(link).status_code == 200
    changed = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert changed.location == "/login"
    assert (
        client.post(
            "/login", data={"email": "alice@alpha.example", "password": PASSWORD}
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/login", data={"email": "alice@alpha.example", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )
    assert elsewhere.get("/account").location.startswith("/login")  # other sessions ended

    again = client.post(link, data={"password": "yet another password", "confirm": "x"})
    assert again.status_code == 404 and "already been used" in again.get_data(as_text=True)
    with app.app_context():
        actions = db.session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert "user.password_reset" in actions


def test_a_reset_link_expires_after_30_minutes(app, client, smtp, make_user):
    make_user("alice@alpha.example")
    client.post("/password/forgot", data={"email": "alice@alpha.example"})
    link = smtp.last("alice@alpha.example").path(r"https?://\S+/password/reset/\S+")
    clock.set_now(clock.now() + timedelta(minutes=29))
    assert client.get(link).status_code == 200
    clock.set_now(clock.now() + timedelta(minutes=2))
    expired = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert expired.status_code == 404 and "expired" in expired.get_data(as_text=True)
    assert (
        client.post(
            "/login", data={"email": "alice@alpha.example", "password": PASSWORD}
        ).status_code
        == 302
    )


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, smtp, make_user):
    make_user("alice@alpha.example")
    unknown = client.post("/password/forgot", data={"email": "nobody@alpha.example"})
    unknown_flash = flashes(client)
    client.get("/login")
    known = client.post("/password/forgot", data={"email": "alice@alpha.example"})
    assert (unknown.status_code, unknown.location) == (known.status_code, known.location)
    assert unknown_flash == flashes(client)
    smtp.wait_for("alice@alpha.example")
    assert [m.to for m in smtp.messages] == [["alice@alpha.example"]]


def test_a_forged_or_foreign_reset_token_is_refused(app, client, smtp, make_user):
    make_user("alice@alpha.example")
    client.post("/password/forgot", data={"email": "alice@alpha.example"})
    link = smtp.last("alice@alpha.example").path(r"https?://\S+/password/reset/\S+")
    token = link.rsplit("/", 1)[1]
    for forged in (token[:-4] + "AAAA", "not-a-token", token.replace(".", "", 1)):
        response = client.get(f"/password/reset/{forged}")
        assert response.status_code == 404, forged
        assert "not valid" in response.get_data(as_text=True)
    # A confirmation link is not a reset link, even for the same account.
    with app.test_request_context():
        from portal.accounts import tokens

        other_purpose = tokens.make(
            tokens.CONFIRM_ADDRESS, user=user(app, "alice@alpha.example").id
        )
    assert client.get(f"/password/reset/{other_purpose}").status_code == 404


# ---- a new address ----


def test_a_new_address_is_confirmed_by_a_link_sent_to_it_and_the_old_one_is_told(
    app, client, smtp, make_user, login
):
    make_user("alice@alpha.example", name="Alice")
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": "alice@alpha.example", "password": PASSWORD})
    login("alice@alpha.example")
    wrong = client.post(
        "/account/email", data={"address-email": "alice@new.example", "address-password": "x"}
    )
    assert wrong.status_code == 422 and 'id="address-password-error"' in wrong.get_data(
        as_text=True
    )
    assert 'value="alice@new.example"' in wrong.get_data(as_text=True)
    client.post(
        "/account/email",
        data={"address-email": "Alice@New.example", "address-password": PASSWORD},
    )
    assert user(app, "alice@alpha.example")  # unchanged until the link is followed
    link = smtp.last("alice@new.example").path(r"https?://\S+/account/email/\S+")

    assert "alice@new.example" in client.get(link).get_data(as_text=True)
    assert client.post(link).location == "/account"
    assert "alice@new.example" in client.get("/account").get_data(as_text=True)  # still logged in
    assert elsewhere.get("/account").location.startswith("/login")
    told = smtp.last("alice@alpha.example")
    assert told.subject == "The e-mail address of your account has changed"
    assert "alice@new.example" in told.body

    reused = client.post(link)
    assert reused.status_code == 404 and "already been used" in reused.get_data(as_text=True)


def test_an_address_that_has_an_account_is_not_taken_and_its_owner_is_told(
    app, client, smtp, make_user, login
):
    make_user("alice@alpha.example")
    make_user("bob@beta.example")
    login("alice@alpha.example")
    response = client.post(
        "/account/email",
        data={"address-email": "bob@beta.example", "address-password": PASSWORD},
    )
    assert response.location == "/account"
    assert smtp.last("bob@beta.example").subject == "Your address was given for another account"
    assert user(app, "alice@alpha.example").email == "alice@alpha.example"
