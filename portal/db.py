"""The database: one engine per application, one session per request (or CLI command).

`db.session` is a scoped SQLModel session, removed when the application context ends. Views
commit once per request; services only add and flush.

On SQLite, transactions that will write begin with BEGIN IMMEDIATE: see `sqlite_begin`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, selectinload, sessionmaker
from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.expression import Select, SelectOfScalar

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


class UTCDateTime(sa.types.TypeDecorator):
    """Stores UTC without an offset (SQLite keeps none) and always hands back aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def enum_type(enum_class: type[enum.Enum]) -> sa.Enum:
    """A portable enum column: stored as its value in a VARCHAR with a CHECK constraint."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_class),
        values_callable=lambda e: [m.value for m in e],
        name=enum_class.__name__.lower(),
    )


def checks(**conditions: str) -> tuple[sa.CheckConstraint, ...]:
    """CHECK constraints by name, for a table's `__table_args__`: `*checks(name="SQL", ...)`."""
    return tuple(sa.CheckConstraint(sql, name=name) for name, sql in conditions.items())


def set_iff(column: str, *states: str, status: str = "status") -> str:
    """The SQL of a CHECK that `column` is set (not NULL) in the given states and only in them:
    `set_iff("used_at", "used")` is "(status = 'used') = (used_at IS NOT NULL)"."""
    return f"({_status_in(status, states)}) = ({column} IS NOT NULL)"


def set_after(column: str, first: str, *, status: str = "status") -> str:
    """The SQL of a CHECK that `column` is set once the row has left its `first` state:
    `set_after("decided_at", "pending")` is "(status = 'pending') = (decided_at IS NULL)"."""
    return f"({_status_in(status, (first,))}) = ({column} IS NULL)"


def set_only_in(column: str, *states: str) -> str:
    """`set_iff` in the longer words of the later migrations (0010 on), which their tables keep:
    "(status = 'done' AND finished_at IS NOT NULL) OR
    (status <> 'done' AND finished_at IS NULL)"."""
    within = _status_in("status", states)
    outside = within.replace(" = ", " <> ").replace(" IN ", " NOT IN ")
    return f"({within} AND {column} IS NOT NULL) OR ({outside} AND {column} IS NULL)"


def set_past(
    column: str, before: tuple[str, ...], after: tuple[str, ...], *, status: str = "status"
) -> str:
    """The SQL of a CHECK that `column` is empty in the `before` states and set in the `after`
    ones (any other state is refused): "(status = 'running' AND finished_at IS NULL) OR
    (status = 'finished' AND finished_at IS NOT NULL)"."""
    unset, done = _status_in(status, before), _status_in(status, after)
    return f"({unset} AND {column} IS NULL) OR ({done} AND {column} IS NOT NULL)"


def _status_in(status: str, states: tuple[str, ...]) -> str:
    if len(states) == 1:
        return f"{status} = '{states[0]}'"
    listed = ", ".join(f"'{state}'" for state in states)
    return f"{status} IN ({listed})"


def partial_unique(name: str, *columns: str, where: str) -> sa.Index:
    """A unique index over the rows for which the SQL `where` holds, on SQLite and PostgreSQL
    alike: one row in force per key, however many past ones."""
    condition = sa.text(where)
    return sa.Index(name, *columns, unique=True, sqlite_where=condition, postgresql_where=condition)


MONEY = sa.Numeric(14, 2)
"""Money in yuan with two places, read back as Decimal."""


def money(value: Any) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


class Database:
    def __init__(self) -> None:
        self.engine: sa.Engine | None = None
        self._sessions = scoped_session(
            sessionmaker(class_=Session, expire_on_commit=False, autoflush=True)
        )

    @property
    def session(self) -> Session:
        """This thread's session (created on first use, removed when the app context ends)."""
        return self._sessions()

    def remove(self) -> None:
        self._sessions.remove()

    def all(self, statement: Select[V] | SelectOfScalar[V]) -> list[V]:
        """Every row `statement` selects, as a list."""
        return list(self.session.exec(statement))

    def rows(self, statement: sa.Executable, params: dict[str, Any] | None = None) -> sa.Result:
        """The rows of a statement of plain columns, sent on the session's connection (its
        transaction) without the ORM's handling of each row, which for a thousand rows of
        columns costs more than the query: for statements that load no objects. What the
        session holds unsent is flushed first, as its own queries would (autoflush)."""
        self.session.flush()
        return self.session.connection().execute(statement, params)

    def lock(self, obj: M, *relations: Any) -> M:
        """`obj`'s row locked until the transaction ends, and read again (with `relations`
        loaded, e.g. `Proposal.members`): every state transition calls this first, so that two
        at once cannot both pass its guard. PostgreSQL locks the row (SELECT … FOR UPDATE); on
        SQLite the transaction already holds the database's write lock (see `sqlite_begin`).
        Reading again after the lock means the guard decides on what is committed now."""
        model = type(obj)
        statement = (
            select(model)
            .where(model.id == obj.id)
            .with_for_update(of=model)
            .execution_options(populate_existing=True)
        )
        if relations:
            statement = statement.options(*(selectinload(r) for r in relations))
        return self.session.exec(statement).one()

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the current transaction has committed, never if it rolls back:
        for what cannot be undone, such as removing a stored file."""
        session = self.session
        if not session.in_transaction():
            session.begin()  # so that a rollback before anything else is read still drops it
        session.info.setdefault(AFTER_COMMIT, []).append(callback)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """A block that only reads, in a transaction of its own ended with the block, before the
        request's writing one: for reads followed by slow work whose result the writes need,
        such as checking a password hash. On SQLite it begins deferred, also in a POST, so the
        slow work does not hold the database's one write lock while every other writer waits
        (see `sqlite_begin`); the writes that follow take the lock in a transaction of their
        own. Objects read in the block are read again when next used. Where the session is in
        a transaction already, the block simply runs in it."""
        session = self.session
        if session.in_transaction():
            yield
            return
        session.connection(execution_options={READS_ONLY: True})
        try:
            yield
        finally:
            session.rollback()

    def init_app(self, app: Flask) -> None:
        self.engine = make_engine(app.config["DATABASE_URL"], echo=app.config["SQL_ECHO"])
        self._sessions.configure(bind=self.engine)
        app.extensions["portal.db"] = self

        @app.teardown_appcontext
        def remove_session(exc: BaseException | None) -> None:
            self.remove()


V = TypeVar("V")
M = TypeVar("M")
AFTER_COMMIT = "portal.after_commit"
READS_ONLY = "portal_reads_only"  # an execution option: see Database.reading


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop(AFTER_COMMIT, []):
        callback()


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, previous_transaction) -> None:
    # Every rollback of the whole transaction, also one that had nothing to undo in the
    # database yet; a savepoint's rollback keeps what the transaction around it queued.
    if previous_transaction.parent is None:
        session.info.pop(AFTER_COMMIT, None)


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def sqlite_begin() -> str:
    """How a SQLite transaction begins: IMMEDIATE when it may write, plain (deferred) to read.

    The driver's default (pysqlite's deferred transactions, begun by the driver itself) lets two
    requests that both read and then write fail at once with "database is locked": each takes a
    read snapshot, the first to write takes the write lock, and the second, whose snapshot is now
    out of date, can never upgrade it; SQLite answers SQLITE_BUSY at once, without waiting for
    the busy timeout, because waiting could not help. BEGIN IMMEDIATE takes the write lock when
    the transaction starts, before anything is read: a second writer waits (up to the busy
    timeout) and then reads what the first committed. Writers are serialised, as they are in
    SQLite anyway, and a guard that reads a state before changing it sees the latest commit.

    Requests that should only read (GET, HEAD, OPTIONS) begin deferred: in WAL mode they never
    wait for a writer and never make one wait. A GET view that writes all the same says so with
    `@portal.access.writes`. Everything outside a request (commands, the demo loaders, services
    run by tests or threads) may write, so it begins IMMEDIATE.
    """
    if has_request_context() and request.method in READ_ONLY_METHODS and not _view_writes():
        return "BEGIN"
    return "BEGIN IMMEDIATE"


def writes_from_here() -> None:
    """Marks this request as one that writes from now on, though it is a GET (such as one that
    spends a single-use token before the view runs): its next transaction begins IMMEDIATE."""
    g.writes_to_database = True


def _view_writes() -> bool:
    if g.get("writes_to_database"):
        return True
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "writes_to_database", False)


# Connections each process may hold: more than the threads a process serves (the README runs
# 16), so that a thread never waits for a connection while another only waits its turn to hash.
POOL = {"pool_size": 10, "max_overflow": 20}


def make_engine(url: str, echo: bool = False) -> sa.Engine:
    if url.startswith("sqlite"):
        in_memory = sa.engine.make_url(url).database in (None, "", ":memory:")  # one connection
        pool = {} if in_memory else POOL
        engine = sa.create_engine(url, echo=echo, connect_args={"timeout": 30}, **pool)

        @event.listens_for(engine, "connect")
        def sqlite_pragmas(dbapi_connection, _record) -> None:
            # SQLAlchemy's recipe for pysqlite: the driver emits no BEGIN (nor its COMMIT
            # before DDL); the "begin" listener below emits ours.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def sqlite_begin_transaction(connection) -> None:
            # On the driver's connection, as a driver's own BEGIN would be: statement counts
            # and the SQL echo stay the same as on PostgreSQL.
            reads = connection.get_execution_options().get(READS_ONLY)
            connection.connection.driver_connection.execute("BEGIN" if reads else sqlite_begin())

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(url, echo=echo, pool_pre_ping=True, **POOL)


db = Database()
