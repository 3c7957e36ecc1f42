"""The data generation moves on exactly once for each committed transaction that wrote, and for
nothing else: the page cache of logged-in users trusts it to tell when a page is out of date."""

from __future__ import annotations

from sqlmodel import select

from portal import generation
from portal.accounts.models import User
from portal.db import db
from portal.notifications.models import Notification
from portal.notifications.services import notify
from tests.together import PEOPLE, together


def current(app) -> int:
    with app.app_context():
        return generation.current(db.session)


def tell(app, user_id: int, title: str) -> None:
    with app.app_context():
        notify([db.session.get(User, user_id)], "test", lambda: title)
        db.session.commit()


def test_a_committed_write_moves_the_generation_on_by_one(app, make_user):
    alice = make_user("alice@alpha.example")
    before = current(app)
    tell(app, alice.id, "Hello")
    assert current(app) == before + 1


def test_reading_and_rolling_back_leave_it_where_it_was(app, make_user, client, login):
    alice = make_user("alice@alpha.example")
    login("alice@alpha.example")
    before = current(app)
    client.get("/inbox/")
    client.get("/challenges")
    with app.app_context():
        notify([db.session.get(User, alice.id)], "test", lambda: "Never sent")
        db.session.flush()
        db.session.rollback()
    assert current(app) == before
    with app.app_context():
        assert db.session.exec(select(Notification)).first() is None


def test_a_savepoint_inside_a_transaction_counts_once(app, make_user):
    alice = make_user("alice@alpha.example")
    before = current(app)
    with app.app_context():
        with db.session.begin_nested():
            notify([db.session.get(User, alice.id)], "test", lambda: "Inside")
        notify([db.session.get(User, alice.id)], "test", lambda: "Outside")
        db.session.commit()
    assert current(app) == before + 1


def test_twenty_writers_at_once_each_count(app, make_user):
    alice = make_user("alice@alpha.example")
    before = current(app)
    together(PEOPLE, lambda i: None, lambda i, _: tell(app, alice.id, f"Message {i}"))
    assert current(app) == before + PEOPLE
