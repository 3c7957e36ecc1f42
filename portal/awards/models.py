import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from portal.challenges.models import Challenge
from portal.db import MONEY, UTCDateTime, enum_type
from portal.proposals.models import Proposal


class AwardStatus(enum.StrEnum):
    in_publicity = "in_publicity"  # 公示期
    confirmed = "confirmed"
    revoked = "revoked"  # after an upheld objection
    active = "active"  # the project is running
    completed = "completed"  # final acceptance passed
    terminated = "terminated"


class Award(SQLModel, table=True):
    """The award (立项) of a winning proposal; once confirmed it is a project with milestones."""

    __tablename__ = "award"

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", unique=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    status: AwardStatus = Field(
        default=AwardStatus.in_publicity, sa_type=enum_type(AwardStatus), index=True
    )
    amount: Decimal = Field(sa_type=MONEY)  # approved funding, ≤ what the proposal requested
    publicity_starts_at: datetime = Field(sa_type=UTCDateTime)
    publicity_ends_at: datetime = Field(sa_type=UTCDateTime, index=True)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    confirmed_by_id: int | None = Field(default=None, foreign_key="user.id")
    starts_on: date | None = Field(default=None)  # the execution period
    ends_on: date | None = Field(default=None)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    close_reason: str = Field(default="")  # why revoked or terminated
    created_at: datetime = Field(sa_type=UTCDateTime)

    proposal: Proposal = Relationship()
    challenge: Challenge = Relationship()
    milestones: list["Milestone"] = Relationship(
        back_populates="award",
        sa_relationship_kwargs={"order_by": "Milestone.position", "cascade": "all, delete-orphan"},
    )


class MilestoneStatus(enum.StrEnum):
    planned = "planned"
    reported = "reported"
    accepted = "accepted"  # releases the tranche
    returned = "returned"  # report again
    cancelled = "cancelled"  # after termination or elimination at a stage gate


class Milestone(SQLModel, table=True):
    """A milestone of a confirmed award and the tranche (拨付) its acceptance releases."""

    __tablename__ = "milestone"
    __table_args__ = (sa.UniqueConstraint("award_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", index=True)
    position: int = Field(default=0)
    title: str = Field(max_length=200)
    due_date: date = Field(index=True)
    deliverable: str = Field(default="", max_length=1000)
    verification: str = Field(default="", max_length=1000)
    tranche: Decimal = Field(sa_type=MONEY)  # yuan released on acceptance
    status: MilestoneStatus = Field(
        default=MilestoneStatus.planned, sa_type=enum_type(MilestoneStatus), index=True
    )

    award: Award = Relationship(back_populates="milestones")
