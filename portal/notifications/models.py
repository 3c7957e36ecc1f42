"""The inbox's messages, and who they are for.

Notifications sit below every module that tells people something (accounts among them), so they
know a recipient only by what they need of one: `Recipient`, which portal.accounts.models.User
satisfies.
"""

from datetime import datetime
from typing import Protocol

from sqlmodel import Field, SQLModel

from portal.db import UTCDateTime


class Recipient(Protocol):
    """Whoever is told: written to in their own language, at their address, while active."""

    @property
    def id(self) -> int | None: ...

    @property
    def email(self) -> str: ...

    @property
    def language(self) -> str: ...

    @property
    def active(self) -> bool: ...


class Reader(Protocol):
    """Whoever opens an inbox: the logged-in user (Flask-Login's current_user)."""

    @property
    def id(self) -> int | None: ...

    @property
    def is_authenticated(self) -> bool: ...


class Notification(SQLModel, table=True):
    """One message in a user's in-app inbox, written in the recipient's language."""

    __tablename__ = "notification"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=60)
    title: str = Field(max_length=300)
    body: str = Field(default="")
    link: str = Field(default="", max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
