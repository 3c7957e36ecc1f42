"""What many tables declare alike, declared once: the key every row has, the usual kinds of
column, and the usual relationships.

    class Attachment(Row, table=True):
        proposal_id: int = refers_to("proposal")
        uploaded_at: datetime = moment()
        uploaded_by_id: int | None = user_ref()
        removed_at: datetime | None = stamp()
        proposal: Proposal = Relationship(back_populates="attachments")

    class Proposal(Row, table=True):
        status: ProposalStatus = enum_field(ProposalStatus.draft, index=True)
        lead_org: Organisation = through("Proposal.lead_org_id")
        commitments: list["Commitment"] = children("proposal")
        attachments: list["Attachment"] = in_order("proposal", "Attachment.id")

Each helper returns the very Field or Relationship a table would otherwise spell out, so the
schema stays the one the migrations build (tests/platform/test_migrations.py compares them).
"""

from __future__ import annotations

import enum
from typing import Any

from sqlmodel import Field, Relationship, SQLModel

from portal.db import UTCDateTime, enum_type


class Row(SQLModel):
    """A table whose rows are known by a number the database gives them (`id`)."""

    id: int | None = Field(default=None, primary_key=True)


def enum_field(default: enum.Enum, *, index: bool = False) -> Any:
    """A column of `default`'s enum (stored as its value: portal.db.enum_type), `default` until
    set: `status: ProposalStatus = enum_field(ProposalStatus.draft, index=True)`."""
    return Field(default=default, sa_type=enum_type(type(default)), index=index)


def moment(*, index: bool = False) -> Any:
    """A time every row has from the start (when it was created, asked, lodged …), in UTC."""
    return Field(sa_type=UTCDateTime, index=index)


def stamp(*, index: bool = False) -> Any:
    """The time something happened to the row: None until it does (decided, read, voided …)."""
    return Field(default=None, sa_type=UTCDateTime, index=index)


def user_ref(*, index: bool = False) -> Any:
    """A person the row names, mostly who did something to it (created, decided, recorded it …):
    None until there is one, or when the portal acted by itself."""
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
