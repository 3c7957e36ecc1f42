"""Numbers that are never reused (challenge numbers, notice numbers), safe under concurrency."""

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from portal.db import db


class Sequence(SQLModel, table=True):
    __tablename__ = "sequence"

    key: str = Field(primary_key=True, max_length=80)
    value: int = Field(default=0)


def next_value(key: str) -> int:
    """The next number of `key` (1, 2, 3, …) in the current transaction.

    The increment is a single UPDATE, so two transactions can never get the same number: the
    second waits for the first's row lock (PostgreSQL) or database lock (SQLite). A number taken by
    a transaction that rolls back is simply skipped, never handed out twice.
    """
    table = Sequence.__table__
    bump = (
        sa.update(table)
        .where(table.c.key == key)
        .values(value=table.c.value + 1)
        .returning(table.c.value)
    )
    value = db.session.execute(bump).scalar()
    if value is not None:
        return value
    try:
        with db.session.begin_nested():
            db.session.execute(sa.insert(table).values(key=key, value=1))
        return 1
    except sa.exc.IntegrityError:
        return db.session.execute(bump).scalar_one()
