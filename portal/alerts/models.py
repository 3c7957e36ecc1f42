"""What alerts keep: the reminders sent (one row per person and occasion, so that none is sent
twice), the chains and links people follow, and each person's alert settings and calendar
address."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship

from portal.challenges.models import Chain, ChainLink
from portal.columns import Row, moment, refers_to, stamp
from portal.db import enum_type
from portal.vocabulary import ReminderKind, Role

FOLLOWERS = (Role.applicant, Role.expert)  # who may follow chains and links


class SentReminder(Row, table=True):
    """A reminder that was sent: one per kind, person, object and occasion. The row is written
    in the transaction that writes the notification, and the unique key refuses a second one,
    so that two schedulers running at once tell each person once. The occasion is the date the
    reminder is about (a deadline, a due date): when it moves, the reminder is sent again."""

    __table_args__ = (sa.UniqueConstraint("kind", "user_id", "object_id", "occasion"),)

    kind: ReminderKind = Field(sa_type=enum_type(ReminderKind))
    user_id: int = refers_to("user")
    object_id: int
    occasion: str = Field(max_length=40)
    sent_at: datetime = moment()


class Subscription(Row, table=True):
    """A person follows a whole chain (no link) or one link of it, and is told of each challenge
    published there."""

    __tablename__ = "alert_subscription"
    __table_args__ = (sa.UniqueConstraint("user_id", "chain_id", "chain_link_id"),)

    user_id: int = refers_to("user")
    chain_id: int = refers_to("chain")
    chain_link_id: int | None = Field(default=None, foreign_key="chain_link.id", index=True)
    created_at: datetime = moment()

    chain: Chain = Relationship()
    chain_link: ChainLink | None = Relationship()


class AlertSettings(Row, table=True):
    """One person's choices: whether answered questions on the challenges their organisation is
    drafting for reach them, and the secret token of their calendar feed (None until they ask
    for one; resetting replaces it, and the old address answers 404)."""

    user_id: int = refers_to("user", unique=True)
    answered_questions: bool = Field(default=False)
    feed_token: str | None = Field(default=None, max_length=64, unique=True)
    feed_reset_at: datetime | None = stamp()
