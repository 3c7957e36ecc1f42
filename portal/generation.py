"""The data generation: one number that moves on in every transaction that writes.

A page rendered at generation g is still exact at generation g, because nothing it read can have
changed since. The page cache of logged-in users (portal/pagecache.py) keys pages by it, so a
cached page is never behind the data, however recently it changed and whichever worker changed it.

Writes are noticed where SQL is sent (an INSERT, UPDATE or DELETE on the connection), so ORM
flushes, bulk statements and plain text all count. The bump is the transaction's last statement,
sent from the session's `before_commit`, and is committed or rolled back with the writes it
counts. On PostgreSQL two writers queue on the one row only between their bump and their commit,
when they hold no lock that the other could be waiting for; SQLite serialises writers anyway.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker
from sqlmodel import Field, SQLModel

WROTE = "portal.wrote"
WRITE_VERBS = frozenset({"INSERT", "UPDATE", "DELETE"})
BUMP = sa.text(
    "INSERT INTO data_generation (id, value) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET value = data_generation.value + 1"
)


class DataGeneration(SQLModel, table=True):
    """A single row (id 1); absent until the first write, which counts as generation 1."""

    __tablename__ = "data_generation"

    id: int = Field(primary_key=True)
    value: int = Field(sa_type=sa.BigInteger)


def current(session: Session) -> int:
    """The generation this session's transaction sees (0 before anything was written)."""
    table = DataGeneration.__table__
    value = session.connection().execute(sa.select(table.c.value).where(table.c.id == 1)).scalar()
    return value or 0


def track_writes(engine: sa.Engine, sessions: sessionmaker) -> None:
    """Count every committed transaction of `sessions` on `engine` that wrote something."""

    @event.listens_for(engine, "begin")
    def forget(connection) -> None:
        connection.info[WROTE] = False

    @event.listens_for(engine, "before_cursor_execute")
    def notice(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
        if statement.lstrip()[:6].upper() in WRITE_VERBS:
            connection.info[WROTE] = True

    @event.listens_for(sessions, "before_commit")
    def bump(session: Session) -> None:
        if session.in_nested_transaction() or not session.in_transaction():
            return
        session.flush()  # what the commit would flush, so that it is noticed
        connection = session.connection()
        if connection.info.get(WROTE):
            connection.execute(BUMP)
            connection.info[WROTE] = False
