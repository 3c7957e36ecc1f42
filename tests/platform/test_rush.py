"""What the deadline rush showed on SQLite: a login checks its password hash without keeping
everyone else's writes waiting."""

from __future__ import annotations

import threading

from portal.accounts import services
from portal.db import db
from tests.factories import PASSWORD


def test_others_save_while_a_login_checks_its_password(app, make_user, monkeypatch):
    make_user("lead@alpha.example")
    checking, saved = threading.Event(), threading.Event()
    check = services.check_password_hash

    def slow_check(*args):
        """A password hash that takes until someone else has saved (at most ten seconds)."""
        checking.set()
        saved.wait(timeout=10)
        return check(*args)

    monkeypatch.setattr(services, "check_password_hash", slow_check)
    answers = []

    def log_in() -> None:
        client = app.test_client()
        answers.append(
            client.post("/login", data={"email": "lead@alpha.example", "password": PASSWORD})
        )
        db.remove()

    login = threading.Thread(target=log_in)
    login.start()
    assert checking.wait(timeout=10)
    make_user("colleague@beta.example")  # commits while the password is being checked
    checked_meanwhile = login.is_alive()  # the save did not wait for the login to end
    saved.set()
    login.join(timeout=30)

    assert checked_meanwhile
    assert answers[0].status_code == 302
