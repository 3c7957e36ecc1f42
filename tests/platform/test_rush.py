"""The deadline rush, small: twenty applicants at once, each in their own browser against one
real threaded server on the suite's database, log in, save every section of their draft with
its CSRF token, upload a 1 MB PDF, sign the pledge with their own password and submit. Nobody
sees an error, and every proposal is submitted holding exactly what its applicant sent
(`make bench-rush` runs the same journey under load). And what the rush showed on SQLite: a
login checks its password hash without keeping everyone else's writes waiting."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import date
from http.cookiejar import CookieJar

import pytest
from sqlmodel import select
from werkzeug.serving import make_server

from bench.rush_journey import Answer, Journey, Refused, lost_updates
from bench.rush_seed import seed
from portal.accounts import passwords
from portal.db import db
from portal.proposals.models import SubmittedVersion
from tests.factories import PASSWORD
from tests.together import PEOPLE, together


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the journey checks where a redirect leads; it does not follow it


class Browser:
    """One person's browser: their own cookies, redirects not followed, and the answers that
    were not the expected ones kept by kind."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _KeepRedirects()
        )
        self.kinds: Counter = Counter()
        self.errors: list[str] = []

    def send(self, method, path, kind, *, expect, body=None, content_type="", location=""):
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("User-Agent", "rush-test")
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=60) as response:
                answer = Answer(response.status, response.read().decode(), "")
        except urllib.error.HTTPError as answered:  # a redirect or an error status
            answer = Answer(
                answered.code, answered.read().decode(), answered.headers.get("Location", "")
            )
        self.kinds[kind] += 1
        target = urllib.parse.urlsplit(answer.location)
        led_to = target.path + (f"#{target.fragment}" if target.fragment else "")
        if answer.status != expect or not led_to.startswith(location):
            self.errors.append(f"{method} {path}: {answer.status} {answer.location}")
            return None
        return answer


@pytest.fixture
def server(app, monkeypatch):
    """The application served by a threaded server, with CSRF protection on as in production."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    served = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{served.server_port}"
    served.shutdown()
    thread.join(timeout=30)


@pytest.mark.slow  # about 40 s: twenty journeys of sixteen requests each
def test_twenty_applicants_submit_in_the_last_hours_and_nothing_is_lost(app, server):
    with app.app_context():
        applicants = seed(PEOPLE, challenges=2)

    def rush(i: int, journey: Journey) -> Journey:
        journey.log_in()
        journey.round()
        return journey

    def prepare(i: int) -> Journey:
        return Journey(Browser(server), applicants[i])

    journeys = together(PEOPLE, prepare, rush_safely(rush))

    errors = [e for j in journeys for e in j.client.errors]
    assert errors == []
    assert all(len(j.submitted) == 1 for j in journeys)
    acknowledged = {j.applicant.email: j.submitted for j in journeys}
    begun = {j.applicant.email: j.rounds for j in journeys}
    with app.app_context():
        assert lost_updates(acknowledged, begun, applicants, date.today()) == []

    # The check sees a change that never reached the frozen version.
    with app.app_context():
        version = db.session.exec(
            select(SubmittedVersion).where(
                SubmittedVersion.proposal_id == applicants[0].proposal_id
            )
        ).one()
        version.content = {**version.content, "approach": "an older text"}
        db.session.commit()
        lost = lost_updates(acknowledged, begun, applicants, date.today())
    assert len(lost) == 1
    assert "approach is 'an older text'" in lost[0]


def rush_safely(rush):
    """The journey, with a refused step kept as the browser's error rather than raised."""

    def act(i: int, journey: Journey) -> Journey:
        try:
            return rush(i, journey)
        except Refused:
            return journey

    return act


def test_others_save_while_a_login_checks_its_password(app, make_user, monkeypatch):
    make_user("lead@alpha.example")
    checking, saved = threading.Event(), threading.Event()
    check = passwords.check_password_hash

    def slow_check(*args):
        """A password hash that takes until someone else has saved (at most ten seconds)."""
        checking.set()
        saved.wait(timeout=10)
        return check(*args)

    monkeypatch.setattr(passwords, "check_password_hash", slow_check)
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
