from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, Relationship

from portal.awards.models import Award
from portal.challenges.models import Challenge
from portal.columns import Row, enum_field, moment, refers_to, stamp, user_ref
from portal.db import MONEY, checks, set_only_in, set_past
from portal.vocabulary import BatchStatus, NoticeStatus


class Notice(Row, table=True):
    """One issued version of an award notice: the PDF is written once and never changed.

    A correction keeps the number and issues version n+1; `content` is the plain values printed
    on this version, shown by the public verification page.
    """

    __table_args__ = (
        sa.UniqueConstraint("award_id", "version"),
        sa.UniqueConstraint("number", "version"),
        # A valid notice was neither superseded nor revoked; a superseded one says when; a
        # revoked one says when (it may have been superseded before). Migration 0010 repeats these.
        *checks(
            superseded="(status = 'valid' AND superseded_at IS NULL) OR "
            "(status = 'superseded' AND superseded_at IS NOT NULL) OR status = 'revoked'",
            revoked=set_only_in("revoked_at", "revoked"),
        ),
    )

    award_id: int = refers_to("award")
    number: str = Field(max_length=60, index=True)  # 文号, e.g. 深科技〔2026〕12号
    version: int = Field(default=1)
    language: str = Field(default="zh", max_length=8)
    status: NoticeStatus = enum_field(NoticeStatus.valid, index=True)
    code: str = Field(max_length=16, unique=True)  # the printed verification code
    amount: Decimal = Field(sa_type=MONEY)
    content: dict = Field(sa_type=sa.JSON)
    reason: str = Field(default="")  # why this version was issued (corrections)
    issued_on: date
    issued_at: datetime = moment(index=True)
    issued_by_id: int | None = user_ref()
    stored_name: str = Field(max_length=200)
    size: int
    sha256: str = Field(max_length=64, index=True)
    superseded_at: datetime | None = stamp()
    revoked_at: datetime | None = stamp()
    batch_id: int | None = Field(default=None, foreign_key="notice_batch.id", index=True)

    award: Award = Relationship()


class NoticeBatch(Row, table=True):
    """Notices issued for every confirmed award of a challenge, in steps of a few at a time."""

    __table_args__ = checks(
        finished=set_past("finished_at", ("running",), ("finished",)),
    )

    challenge_id: int = refers_to("challenge")
    language: str = Field(default="zh", max_length=8)
    status: BatchStatus = enum_field(BatchStatus.running)
    total: int = Field(default=0)
    done: int = Field(default=0)
    failures: list = Field(default_factory=list, sa_type=sa.JSON)  # [{award_id, message}]
    created_at: datetime = moment()
    created_by_id: int | None = user_ref()
    finished_at: datetime | None = stamp()

    challenge: Challenge = Relationship()
