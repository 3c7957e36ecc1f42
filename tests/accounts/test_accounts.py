"""Logging in, throttling, registration and the admin's user pages (registration's answer to a
known address, confirmation links and recovery are in test_accounts_recovery.py)."""

from sqlmodel import select

from portal.accounts import creditcode
from portal.accounts.membership import is_administrator
from portal.accounts.models import Membership, Organisation, User
from portal.audit import AuditEvent
from portal.db import db
from portal.vocabulary import MembershipStatus, OrgStatus, Role
from tests.factories import PASSWORD, fresh_credit_code


def count(app, model) -> int:
    with app.app_context():
        return len(db.session.exec(select(model)).all())


def test_a_user_logs_in_and_out(client, make_user):
    make_user("alice@alpha.example", name="Alice")
    response = client.post("/login", data={"email": "Alice@Alpha.example ", "password": PASSWORD})
    assert response.status_code == 302
    assert "Alice" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert client.get("/inbox/").status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client, make_user):
    make_user("alice@alpha.example")
    response = client.post("/login", data={"email": "alice@alpha.example", "password": "nope"})
    assert response.status_code == 401
    assert "The e-mail or password is not right." in response.get_data(as_text=True)


def test_five_wrong_passwords_make_that_address_wait_not_the_account(client, make_user):
    make_user("alice@alpha.example")
    elsewhere = {"REMOTE_ADDR": "198.51.100.7"}
    for _ in range(5):
        client.post(
            "/login",
            data={"email": "alice@alpha.example", "password": "wrong"},
            environ_base=elsewhere,
        )
    response = client.post(
        "/login",
        data={"email": "alice@alpha.example", "password": PASSWORD},
        environ_base=elsewhere,
    )
    assert response.status_code == 401
    assert "Too many failed attempts. Please wait 1 minute" in response.get_data(as_text=True)
    response = client.post("/login", data={"email": "alice@alpha.example", "password": PASSWORD})
    assert response.status_code == 302


def test_a_successful_login_resets_the_count_of_failures(client, make_user):
    make_user("alice@alpha.example")
    for _ in range(4):
        client.post("/login", data={"email": "alice@alpha.example", "password": "wrong"})
    assert (
        client.post(
            "/login", data={"email": "alice@alpha.example", "password": PASSWORD}
        ).status_code
        == 302
    )
    client.post("/logout")
    for _ in range(4):
        client.post("/login", data={"email": "alice@alpha.example", "password": "wrong"})
    assert (
        client.post(
            "/login", data={"email": "alice@alpha.example", "password": PASSWORD}
        ).status_code
        == 302
    )


def test_an_inactive_expert_cannot_log_in(client, make_user):
    make_user("expert@example.com", role="expert", active=False)
    response = client.post("/login", data={"email": "expert@example.com", "password": PASSWORD})
    assert response.status_code == 401
    assert "waiting for activation" in response.get_data(as_text=True)


def applicant_form(**overrides):
    form = {
        "name": "Dana Wu",
        "email": "dana@delta.example",
        "password": "a long enough password",
        "confirm": "a long enough password",
        "credit_code": fresh_credit_code(),
        "org_name": "Delta Photonics",
        "org_type": "enterprise",
        "org_region": "广东省深圳市",
    }
    return form | overrides


def test_an_applicant_registers_a_new_organisation_confirms_the_address_and_logs_in(
    app, client, smtp
):
    form = applicant_form()
    response = client.post("/register/applicant", data=form)
    assert response.status_code == 302 and response.location == "/login"
    with app.app_context():
        user = db.session.exec(select(User).where(User.email == "dana@delta.example")).one()
        assert user.role is Role.applicant and user.email_verified_at is None
        assert user.organisation.name == "Delta Photonics"
        assert user.organisation.credit_code == form["credit_code"]
        assert user.organisation.status is OrgStatus.unverified
        assert is_administrator(user, user.organisation_id)
        actions = db.session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert {"organisation.created", "user.registered", "membership.approved"} <= set(actions)
    credentials = {"email": form["email"], "password": form["password"]}
    refused = client.post("/login", data=credentials)
    assert refused.status_code == 401
    assert "Confirm your e-mail address first" in refused.get_data(as_text=True)

    client.get(smtp.last("dana@delta.example").path())
    assert client.post("/login", data=credentials).status_code == 302
    page = client.get("/organisation").get_data(as_text=True)
    assert "Platform staff have not verified this organisation yet" in page


def test_an_applicant_with_a_known_code_asks_to_join(app, client, make_org, make_user):
    org = make_org("Alpha Tech")
    make_user("boss@alpha.example", org=org)
    response = client.post(
        "/register/applicant",
        data=applicant_form(credit_code=org.credit_code.lower(), org_name=""),
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.exec(select(User).where(User.email == "dana@delta.example")).one()
        assert user.organisation_id is None
        (request,) = db.session.exec(select(Membership).where(Membership.user_id == user.id))
        assert (request.organisation_id, request.status) == (org.id, MembershipStatus.pending)
    assert count(app, Organisation) == 1 and count(app, User) == 2


def test_a_bad_credit_code_is_shown_at_its_field_and_the_rest_is_kept(app, client):
    code = fresh_credit_code()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    response = client.post("/register/applicant", data=applicant_form(credit_code=wrong))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="credit_code-error"' in html
    assert "The check character does not match" in html
    assert 'value="Dana Wu"' in html and 'value="Delta Photonics"' in html
    assert count(app, User) == 0 and count(app, Organisation) == 0


def test_a_short_password_is_shown_at_its_field(app, client):
    response = client.post(
        "/register/applicant", data=applicant_form(password="short", confirm="short")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="password-error"' in html and "at least 10 characters" in html
    assert 'value="Delta Photonics"' in html
    assert count(app, User) == 0


def test_an_expert_registers_inactive_and_an_admin_activates_them(
    app, client, make_user, login, smtp
):
    make_user("admin@example.com", role="admin")
    response = client.post(
        "/register/expert",
        data={
            "name": "Erin Expert",
            "email": "erin@example.com",
            "password": "a long enough password",
            "confirm": "a long enough password",
            "affiliation": "Institute of Optics",
            "expertise": "lithography, optics",
        },
    )
    assert response.status_code == 302
    client.get(smtp.last("erin@example.com").path())
    refused = client.post(
        "/login", data={"email": "erin@example.com", "password": "a long enough password"}
    )
    assert refused.status_code == 401
    assert "waiting for activation" in refused.get_data(as_text=True)

    login("admin@example.com")
    inbox = client.get("/inbox/").get_data(as_text=True)
    assert "Erin Expert is waiting for activation" in inbox
    with app.app_context():
        erin = db.session.exec(select(User).where(User.email == "erin@example.com")).one()
    assert client.post(f"/admin/users/{erin.id}/active", data={"active": "1"}).status_code == 302
    client.post("/logout")
    assert (
        client.post(
            "/login", data={"email": "erin@example.com", "password": "a long enough password"}
        ).status_code
        == 302
    )


def test_admin_pages_are_for_admins_only(client, make_user, login):
    make_user("officer@example.com", role="officer")
    login("officer@example.com")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/audit").status_code == 403
    client.post("/logout")
    assert client.get("/admin/users").status_code == 302


def test_an_admin_searches_users_and_changes_a_role(app, client, make_user, login):
    make_user("admin@example.com", role="admin")
    target = make_user("zed@example.com", role="expert", name="Zed Zhang")
    make_user("yan@example.com", role="expert", name="Yan")
    login("admin@example.com")
    html = client.get("/admin/users?q=zhang").get_data(as_text=True)
    assert "zed@example.com" in html and "yan@example.com" not in html
    client.post(f"/admin/users/{target.id}/role", data={"role": "officer"})
    with app.app_context():
        assert db.session.get(User, target.id).role is Role.officer
        event = db.session.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "user.role_changed")
            .order_by(AuditEvent.id)
        ).one()
        assert event.before == {"role": "expert"} and event.after == {"role": "officer"}
    audit_page = client.get("/admin/audit?action=user.role").get_data(as_text=True)
    assert "user.role_changed" in audit_page and "user.logged_in" not in audit_page


def test_changing_the_password_ends_other_sessions(app, client, make_user, login):
    make_user("alice@alpha.example")
    other = app.test_client()
    other.post("/login", data={"email": "alice@alpha.example", "password": PASSWORD})
    login("alice@alpha.example")
    response = client.post(
        "/account",
        data={
            "current": PASSWORD,
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_credit_codes_are_checked_by_their_check_character():
    assert creditcode.is_valid("91350100M000100Y43")
    assert creditcode.is_valid(creditcode.complete("91440300MA5F0A1B2"))
    assert not creditcode.is_valid("91350100M000100Y44")
    assert not creditcode.is_valid("91350100M000100Y4")
    assert not creditcode.is_valid("91350100M000100YI3")


def test_create_user_command_makes_an_officer(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Olga@Example.com",
            "--name",
            "Olga",
            "--role",
            "officer",
            "--password",
            "a long enough password",
        ],
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        olga = db.session.exec(select(User).where(User.email == "olga@example.com")).one()
        assert olga.role is Role.officer


def test_failures_from_one_address_are_throttled_across_accounts(app, client, make_user):
    make_user("alice@alpha.example")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    for n in range(limit):
        client.post("/login", data={"email": f"guess{n}@alpha.example", "password": "x"})
    response = client.post("/login", data={"email": "alice@alpha.example", "password": PASSWORD})
    assert response.status_code == 401
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_a_deactivated_user_is_logged_out_and_cannot_log_in(app, client, make_user, login):
    alice = make_user("alice@alpha.example")
    admin = make_user("admin@example.com", role="admin")
    login("alice@alpha.example")
    assert client.get("/account").status_code == 200
    with app.test_request_context():
        from portal.accounts.services import set_active

        set_active(db.session.get(User, alice.id), False, by=db.session.get(User, admin.id))
        db.session.commit()
    assert client.get("/account").status_code == 302
    response = client.post("/login", data={"email": "alice@alpha.example", "password": PASSWORD})
    assert "deactivated" in response.get_data(as_text=True)
