"""The columns many tables declare alike, declared once: the key every row has and the usual
kinds of column (portal.relationships does the same for relationships).

    class Attachment(Row, table=True):
        proposal_id: int = refers_to("proposal")
        uploaded_at: datetime = moment()
        uploaded_by_id: int | None = user_ref()
        removed_at: datetime | None = stamp()

    class Proposal(Row, table=True):
        status: ProposalStatus = enum_field(ProposalStatus.draft, index=True)

Each helper returns the very Field a table would otherwise spell out, so the
schema stays the one the migrations build (tests/platform/test_migrations.py compares them).
"""

from __future__ import annotations

import enum
import re
from typing import Any

from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from portal.db import UTCDateTime, enum_type


class Row(SQLModel):
    """A table whose rows are known by a number the database gives them (`id`), named after its
    class in snake case (`PlannedMilestone` is the table `planned_milestone`)."""

    id: int | None = Field(default=None, primary_key=True)

    @declared_attr  # type: ignore[misc]
    def __tablename__(cls) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


class FileRow(Row):
    """A table whose rows are files kept by portal.storage, with the four columns its
    `StoredFile` names, so a row is made from what was stored:
    `ChallengeAttachment(**asdict(stored), challenge_id=…)`."""

    filename: str = Field(max_length=200)  # the name the user gave, for display
    stored_name: str = Field(max_length=200)  # where it is kept, relative to STORAGE_ROOT
    size: int
    sha256: str = Field(max_length=64)


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
