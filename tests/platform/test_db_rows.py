"""db.rows: statements of plain columns, sent without the ORM's handling of each row."""

from sqlmodel import select

from portal.accounts.models import User
from portal.db import db


def test_plain_rows_see_what_the_unit_of_work_changed_but_has_not_sent(app, make_user):
    """Given a user renamed in this request and not yet flushed, a statement of columns read
    through db.rows sees the new name, as the session's own queries would."""
    user_id = make_user("alice@alpha.example", name="Alice").id
    with app.app_context():
        user = db.session.get(User, user_id)
        user.name = "Alice Zhang"
        rows = db.rows(select(User.id, User.name).where(User.id == user_id)).all()
        assert [tuple(row) for row in rows] == [(user_id, "Alice Zhang")]
        db.session.rollback()
