"""What many tables declare alike, declared once: the key every row has, the usual kinds of
column, and the usual relationships.

    class Appeal(Row, table=True):
        lodged_at: datetime = moment()
        decided_at: datetime | None = stamp()
        decided_by_id: int | None = user_ref()
        check: FormalCheck = Relationship()
        history: list["Step"] = children("appeal", order_by="Step.position")

Each helper returns the very Field or Relationship a table would otherwise spell out, so the
schema stays the one the migrations build (tests/platform/test_migrations.py compares them).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Field, Relationship, SQLModel

from portal.db import UTCDateTime


class Row(SQLModel):
    """A table whose rows are known by a number the database gives them (`id`)."""

    id: int | None = Field(default=None, primary_key=True)


def moment(*, index: bool = False) -> Any:
    """A time every row has from the start (when it was created, asked, lodged …), in UTC."""
    return Field(sa_type=UTCDateTime, index=index)


def stamp(*, index: bool = False) -> Any:
    """The time something happened to the row: None until it does (decided, read, voided …)."""
    return Field(default=None, sa_type=UTCDateTime, index=index)


def user_ref(*, index: bool = False) -> Any:
    """The person who did something to the row (created, decided, recorded it …): None until
    someone does, or when the portal did it by itself."""
    return Field(default=None, foreign_key="user.id", index=index)


def refers_to(table: str, *, unique: bool = False) -> Any:
    """A required key to a row of `table` (a challenge's indicator, a review's expert), indexed
    because rows are looked up through it: unique where that row has at most one of these."""
    if unique:
        return Field(foreign_key=f"{table}.id", unique=True)
    return Field(foreign_key=f"{table}.id", index=True)


def children(back_populates: str, *, order_by: str | None = None) -> Any:
    """The rows a parent owns (a proposal's milestones): saved and deleted with it, and deleted
    when taken out of the list; in `order_by` ("Model.column") when given."""
    kwargs = {"cascade": "all, delete-orphan"}
    if order_by:
        kwargs["order_by"] = order_by
    return Relationship(back_populates=back_populates, sa_relationship_kwargs=kwargs)


def in_order(back_populates: str, order_by: str) -> Any:
    """The rows that refer to this one and live on their own (an award's objections), in
    `order_by` ("Model.column")."""
    return Relationship(
        back_populates=back_populates, sa_relationship_kwargs={"order_by": order_by}
    )


def through(foreign_key: str, **kwargs: Any) -> Any:
    """The row named by `foreign_key` ("Model.column"), for a table that refers to the same table
    more than once (a decision's proposer and approver are both users)."""
    return Relationship(sa_relationship_kwargs={"foreign_keys": foreign_key}, **kwargs)
