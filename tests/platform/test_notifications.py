"""The inbox, and e-mail that leaves only after the database commit."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlmodel import select

from portal.accounts.models import User
from portal.db import db
from portal.notifications.services import notify
from portal.presentation import lazy_money


def test_mail_goes_out_after_the_commit_and_never_after_a_rollback(app, make_user, smtp):
    alice = make_user("alice@alpha.example")
    with app.test_request_context():
        user = db.session.get(User, alice.id)
        notify([user], "expert_registered", name="A")
        assert smtp.messages == []
        db.session.rollback()
        notify([user], "expert_registered", name="B")
        db.session.commit()
    received = smtp.wait_for("alice@alpha.example")
    assert [m.subject for m in received] == ["Expert B is waiting for activation"]


def test_a_notification_is_written_in_the_recipients_language(app, make_user):
    zhang = make_user("zhang@alpha.example", language="zh")
    with app.test_request_context():
        notify([db.session.get(User, zhang.id)], "account_activated")
        db.session.commit()
        from portal.notifications.models import Notification

        note = db.session.exec(select(Notification)).one()
    assert note.title == "您的账号已启用。"


def test_the_inbox_counts_unread_messages_and_marks_them_read(app, client, make_user, login):
    alice = make_user("alice@alpha.example")
    with app.test_request_context():
        notify([db.session.get(User, alice.id)], "account_activated", link="/inbox/")
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
            "account_activated",
        )
        db.session.commit()
    assert [n.user_id for n in made] == [zhang.id]
    assert smtp.wait_for("zhang@alpha.example")[0].subject == "您的账号已启用。"


def test_each_reader_sees_the_message_and_the_sum_written_in_their_own_language(app, make_user):
    """A sum passed lazy is formatted for each recipient in turn: an English reader gets the
    yuan beside the 万元, a Chinese reader does not."""
    ann = make_user("ann@alpha.example")
    li = make_user("li@alpha.example", language="zh")
    with app.test_request_context():
        made = notify(
            [db.session.get(User, ann.id), db.session.get(User, li.id)],
            "milestone_accepted",
            title="M1",
            amount=lazy_money(Decimal("1200000")),
        )
        english, chinese = ((n.title, n.body) for n in made)
        db.session.commit()
    assert english == (
        "Milestone accepted: M1",
        "The tranche of 120.00 万元 (CNY 1,200,000.00) is released.",
    )
    assert chinese == ("里程碑已通过：M1", "本期拨付 120.00 万元 已放款。")


def test_a_message_of_several_sentences_and_a_count_reads_whole_in_each_language(app, make_user):
    ann = make_user("ann@alpha.example")
    li = make_user("li@alpha.example", language="zh")
    with app.test_request_context():
        made = notify(
            [db.session.get(User, ann.id), db.session.get(User, li.id)],
            "review_assigned.several",
            number="C-7",
            num=2,
        )
        assert [n.kind for n in made] == ["review_assigned", "review_assigned"]
        assert made[0].title == "2 proposals of challenge C-7 await your review"
        assert "C-7" in made[1].title and "proposals" not in made[1].title
        (note,) = notify(
            [db.session.get(User, ann.id)],
            "challenge_amended.deadline_moved",
            number="C-7",
            n=2,
            title="T",
            reason="R",
            before="A",
            after="B",
        )
        assert note.body == (
            "“T” has changed. Reason: R. Check your proposal against the new version. "
            "The deadline moves from A to B."
        )
        db.session.rollback()


def test_a_kind_without_a_message_is_refused(app, make_user):
    ann = make_user("ann@alpha.example")
    with app.test_request_context(), pytest.raises(LookupError):
        notify([db.session.get(User, ann.id)], "no_such_kind")
