"""The pieces every module builds on: one unit of work, the state machine, row locks and work
that waits for the commit."""

import enum

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from sqlmodel import func, select
from wtforms import StringField
from wtforms.validators import DataRequired

from portal.accounts.models import Organisation, User
from portal.audit import AuditEvent
from portal.db import db
from portal.errors import DomainError
from portal.statemachine import IllegalTransition, StateMachine
from portal.unit_of_work import form_page, unit_of_work


def count(model) -> int:
    return db.session.exec(select(func.count()).select_from(model)).one()


def test_a_refused_service_call_writes_nothing_and_a_good_one_commits_once(ctx, make_org):
    org = db.session.get(Organisation, make_org("Alpha Tech").id)
    refusals = []

    def rename_then_refuse():
        org.name = "Renamed"
        db.session.flush()
        raise DomainError("No.")

    assert unit_of_work(rename_then_refuse, refusals.append) == (False, None)
    assert [str(r) for r in refusals] == ["No."]
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).name == "Alpha Tech"

    def rename():
        db.session.get(Organisation, org.id).name = "Alpha Technologies"
        return "done"

    assert unit_of_work(rename, refusals.append) == (True, "done")
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).name == "Alpha Technologies"


def test_an_unexpected_error_rolls_back_and_propagates(ctx, make_org):
    org = db.session.get(Organisation, make_org("Alpha Tech").id)

    def crash():
        org.name = "Half-written"
        db.session.flush()
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        unit_of_work(crash, lambda exc: None)
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).name == "Alpha Tech"


class NameForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired()])


def test_a_form_page_shows_the_form_until_its_service_is_done_then_says_so_and_moves_on(app):
    def rename(name: str) -> str:
        if name == "taken":
            raise DomainError("That name is taken.", field="name")
        return name.upper()

    def answer(method: str, name: str | None = None):
        """The page's answer and what it flashed: the page shows what was typed and the
        problems beside it; the address and the message are worked out from the result."""
        data = {} if name is None else {"name": name}
        with app.test_request_context("/rename", method=method, data=data):
            form = NameForm()
            response = form_page(
                form,
                lambda: rename(form.name.data),
                lambda: f"typed {form.name.data!r}, problems {list(form.name.errors)}",
                success=lambda new: f"Renamed to {new}.",
                to=lambda new: f"/things/{new}",
            )
            return response, get_flashed_messages(with_categories=True)

    assert answer("GET") == (("typed None, problems []", 200), [])
    (_page, status), said = answer("POST", "")
    assert (status, said) == (422, [])
    refused, said = answer("POST", "taken")
    assert (refused, said) == (("typed 'taken', problems ['That name is taken.']", 422), [])
    done, said = answer("POST", "ada")
    assert (done.status_code, done.location) == (302, "/things/ADA")
    assert said == [("success", "Renamed to ADA.")]


def test_work_waiting_for_the_commit_runs_after_it_and_never_after_a_rollback(ctx):
    ran = []
    db.on_commit(lambda: ran.append("first"))
    db.session.rollback()
    db.on_commit(lambda: ran.append("second"))
    assert ran == []
    db.session.commit()
    assert ran == ["second"]


class Light(enum.StrEnum):
    red = "red"
    green = "green"
    off = "off"


def test_the_state_machine_refuses_a_move_its_table_does_not_allow_and_audits_the_rest(
    ctx, make_user
):
    officer = db.session.get(User, make_user("officer@gov.example", role="officer").id)
    machine = StateMachine(
        "user",
        {Light.red: {Light.green}, Light.green: {Light.red, Light.off}},
        column="language",
        reason_required=frozenset({Light.off}),
        clears={Light.green: ("email_verified_at",)},
    )
    officer.language = Light.red
    with pytest.raises(IllegalTransition):
        machine.move(officer, Light.off, by=officer)
    machine.move(officer, Light.green, by=officer)
    with pytest.raises(DomainError, match="Give a reason"):
        machine.move(officer, Light.off, by=officer, reason="  ")
    assert officer.language is Light.green and officer.email_verified_at is None
    events = db.session.exec(
        select(AuditEvent).where(AuditEvent.action == "user.green").order_by(AuditEvent.id)
    ).all()
    assert [e.after for e in events] == [{"language": "green", "email_verified_at": None}]
    assert events[0].before["language"] == "red" and events[0].before["email_verified_at"]


def test_a_lock_reads_again_what_another_transaction_committed(ctx, make_org):
    org = db.session.get(Organisation, make_org("Alpha Tech").id)
    db.session.commit()  # a transition's transaction starts before it reads (BEGIN IMMEDIATE)
    with db.engine.begin() as elsewhere:
        elsewhere.execute(
            Organisation.__table__.update()
            .where(Organisation.__table__.c.id == org.id)
            .values(name="Renamed elsewhere")
        )
    assert org.name == "Alpha Tech"
    locked = db.lock(org, Organisation.users)
    assert locked is org and org.name == "Renamed elsewhere"
