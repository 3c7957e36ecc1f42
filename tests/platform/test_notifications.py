"""The inbox, and e-mail that leaves only after the database commit."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlmodel import select

from portal.accounts.models import User
from portal.db import db
from portal.notifications.services import notify


def test_mail_goes_out_after_the_commit_and_never_after_a_rollback(app, make_user, smtp):
    alice = make_user("alice@alpha.example")
    with app.test_request_context():
        user = db.session.get(User, alice.id)
        notify([user], "test", lambda: _("Welcome, %(name)s.", name="A"))
        assert smtp.messages == []
        db.session.rollback()
        notify([user], "test", lambda: _("Welcome, %(name)s.", name="B"))
        db.session.commit()
    received = smtp.wait_for("alice@alpha.example")
    assert [m.subject for m in received] == ["Welcome, B."]


def test_a_notification_is_written_in_the_recipients_language(app, make_user):
    zhang = make_user("zhang@alpha.example", language="zh")
    with app.test_request_context():
        notify(
            [db.session.get(User, zhang.id)], "test", lambda: _("Your account has been activated.")
        )
        db.session.commit()
        from portal.notifications.models import Notification

        note = db.session.exec(select(Notification)).one()
    assert note.title == "您的账号已启用。"


def test_the_inbox_counts_unread_messages_and_marks_them_read(app, client, make_user, login):
    alice = make_user("alice@alpha.example")
    with app.test_request_context():
        notify(
            [db.session.get(User, alice.id)], "test", lambda: "Proposal returned", link="/inbox/"
        )
        db.session.commit()
    login("alice@alpha.example")
    assert 'class="count"' in client.get("/").get_data(as_text=True)
    client.post("/inbox/read-all")
    assert 'class="count"' not in client.get("/").get_data(as_text=True)


@dataclass(frozen=True)
class Someone:
    """A recipient as the notifications module sees one: no account object needed."""

    id: int
    email: str
    language: str
    active: bool = True


def test_anyone_with_an_address_and_a_language_is_told_in_it(app, make_user, smtp):
    zhang = make_user("zhang@alpha.example")
    left = make_user("left@alpha.example")
    with app.test_request_context():
        made = notify(
            [Someone(zhang.id, "zhang@alpha.example", "zh"), Someone(left.id, "x@y.z", "", False)],
            "test",
            lambda: _("Your account has been activated."),
        )
        db.session.commit()
    assert [n.user_id for n in made] == [zhang.id]
    assert smtp.wait_for("zhang@alpha.example")[0].subject == "您的账号已启用。"
