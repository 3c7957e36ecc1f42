"""The inbox's messages, and who they are for.

Notifications sit below every module that tells people something (accounts among them), so they
know a recipient only by what they need of one: `Recipient`, which portal.accounts.models.User
satisfies.
"""

from datetime import datetime
from typing import Protocol

from sqlmodel import Field

from portal.columns import Row, moment, refers_to, stamp


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


class Notification(Row, table=True):
    """One message in a user's in-app inbox, written in the recipient's language."""

    user_id: int = refers_to("user")
    kind: str = Field(max_length=60)
    title: str = Field(max_length=300)
    body: str = Field(default="")
    link: str = Field(default="", max_length=500)
    created_at: datetime = moment(index=True)
    read_at: datetime | None = stamp()


class OutboxMessage(Row, table=True):
    """One e-mail, written in the transaction of the change it tells of and in its recipient's
    language; a job sends it (portal/notifications/mail.py) and marks it sent. A message whose
    sending fails stays here, tried again with longer and longer waits, and is listed for the
    administrators until it leaves: none is ever dropped."""

    to: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    body: str = Field(default="")
    language: str = Field(default="", max_length=8)
    created_at: datetime = moment(index=True)
    attempts: int = Field(default=0)
    last_error: str = Field(default="")
    last_attempt_at: datetime | None = stamp()
    sent_at: datetime | None = stamp(index=True)
