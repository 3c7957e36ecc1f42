from datetime import datetime

from sqlmodel import Field, SQLModel

from portal.db import UTCDateTime


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
