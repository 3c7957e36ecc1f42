from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, Relationship

from portal.accounts.models import User
from portal.columns import FileRow, Row, enum_field, moment, refers_to, stamp, user_ref
from portal.db import MONEY, checks, enum_type, set_after, set_iff
from portal.relationships import children, in_order, through
from portal.vocabulary import (
    Aggregation,
    ChallengeStatus,
    CheckItem,
    Comparison,
    DeadlineChangeStatus,
    Feedback,
    FundingMode,
    Stage,
)

INDICATOR_VALUE = sa.Numeric(20, 6)
"""An indicator's target, or a value committed to or reached: 14 digits and 6 decimals."""


class Chain(Row, table=True):
    """An industrial chain (产业链), e.g. 集成电路, led by a chain leader (链长)."""

    name: str = Field(max_length=100, unique=True)
    leader_title: str = Field(default="", max_length=200)
    description: str = Field(default="")

    links: list["ChainLink"] = in_order("chain", "ChainLink.position")


class ChainLink(Row, table=True):
    """A link (环节) of a chain; every challenge sits on one."""

    __table_args__ = (sa.UniqueConstraint("chain_id", "name"),)

    chain_id: int = refers_to("chain")
    stage: Stage = Field(sa_type=enum_type(Stage))
    name: str = Field(max_length=100)
    position: int = Field(default=0)

    chain: Chain = Relationship(back_populates="links")


DEFAULT_CHECKLIST = [item.value for item in CheckItem]


class Challenge(Row, table=True):
    """A challenge (榜单). The editable fields hold the current text; each publication or
    amendment also freezes a ChallengeVersion, so every published text stays readable.

    The database holds the columns that go with each state (migration 0007): a challenge was
    published (published_at, version 1 and up) unless it is a draft or was cancelled as one; a
    cancelled one has its time and reason, and no other has either; `closed` is never stored."""

    __table_args__ = (
        *checks(
            closed_is_derived="status <> 'closed'",
            version_iff_published="(published_at IS NULL) = (version = 0)",
            draft_is_unpublished="status <> 'draft' OR published_at IS NULL",
            public_was_published="status NOT IN ('published', 'reviewing', 'decided') "
            "OR published_at IS NOT NULL",
            cancelled_iff_stamped=set_iff("cancelled_at", "cancelled"),
            cancelled_has_reason="(status = 'cancelled') = (cancel_reason <> '')",
        ),
    )

    number: str = Field(max_length=20, unique=True)  # JB-2026-001, never reused
    status: ChallengeStatus = enum_field(ChallengeStatus.draft, index=True)
    version: int = Field(default=0)  # the last published version; 0 while a draft
    title: str = Field(max_length=200)
    chain_link_id: int | None = Field(default=None, foreign_key="chain_link.id", index=True)
    statement: str = Field(default="")  # the chokepoint problem and today's import dependence
    background: str = Field(default="")
    deliverable: str = Field(default="", max_length=500)
    funding_cap: Decimal | None = Field(default=None, sa_type=MONEY)
    cofunding: Decimal | None = Field(default=None, sa_type=MONEY)  # the demand owner's share
    duration_months: int | None = Field(default=None)
    deadline: datetime | None = stamp(index=True)
    funding_mode: FundingMode = enum_field(FundingMode.single)
    horse_race_teams: int = Field(default=1)
    allowed_org_types: list[str] = Field(
        default_factory=lambda: ["enterprise", "university", "institute", "other"],
        sa_type=sa.JSON,
    )
    region: str = Field(default="", max_length=100)  # applicants' region, if restricted
    max_members: int = Field(default=4)  # besides the lead organisation
    aggregation: Aggregation = enum_field(Aggregation.mean)
    reviewers_per_proposal: int = Field(default=3)
    pass_mark: int = Field(default=60)
    publicity_days: int = Field(default=7)
    blind_review: bool = Field(default=True)
    feedback: Feedback = enum_field(Feedback.none)
    # the items staff tick at the formal check: CheckItem values, or an item's own text
    formal_checklist: list[str] = Field(
        default_factory=lambda: list(DEFAULT_CHECKLIST), sa_type=sa.JSON
    )
    created_by_id: int | None = user_ref()
    created_at: datetime = moment()
    updated_at: datetime = moment()
    published_at: datetime | None = stamp()
    cancelled_at: datetime | None = stamp()
    cancel_reason: str = Field(default="")

    chain_link: ChainLink | None = Relationship()
    indicators: list["Indicator"] = children("challenge", order_by="Indicator.position")
    criteria: list["Criterion"] = children("challenge", order_by="Criterion.position")

    def effective_status(self, now: datetime) -> ChallengeStatus:
        if (
            self.status is ChallengeStatus.published
            and self.deadline is not None
            and now >= self.deadline
        ):
            return ChallengeStatus.closed
        return self.status

    def accepts_proposals(self, now: datetime) -> bool:
        return self.effective_status(now) is ChallengeStatus.published


CONTENT_FIELDS = (
    "title",
    "chain_link_id",
    "statement",
    "background",
    "deliverable",
    "funding_cap",
    "cofunding",
    "duration_months",
    "deadline",
    "funding_mode",
    "horse_race_teams",
    "allowed_org_types",
    "region",
    "max_members",
    "aggregation",
    "reviewers_per_proposal",
    "blind_review",
    "feedback",
    "pass_mark",
    "publicity_days",
    "formal_checklist",
)
"""The columns of a challenge that an officer writes (besides its indicator and criterion rows),
in the order the form and the list of changes show them."""


class Indicator(Row, table=True):
    """A technical indicator (技术指标): what the winning team must reach, and how it is tested."""

    challenge_id: int = refers_to("challenge")
    position: int = Field(default=0)
    name: str = Field(max_length=200)
    comparison: Comparison = enum_field(Comparison.ge)
    target: Decimal = Field(sa_type=INDICATOR_VALUE)
    unit: str = Field(default="", max_length=40)
    test_method: str = Field(default="", max_length=500)

    challenge: Challenge = Relationship(back_populates="indicators")


class Criterion(Row, table=True):
    """A review criterion of the rubric; the weights of a challenge sum to 100."""

    challenge_id: int = refers_to("challenge")
    position: int = Field(default=0)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=1000)
    weight: int

    challenge: Challenge = Relationship(back_populates="criteria")


class ChallengeVersion(Row, table=True):
    """The text of a challenge as published (version 1) or amended (2, 3, …), never changed."""

    __table_args__ = (sa.UniqueConstraint("challenge_id", "version"),)

    challenge_id: int = refers_to("challenge")
    version: int
    content: dict = Field(sa_type=sa.JSON)  # every field, indicators and criteria, as plain values
    reason: str = Field(default="")  # why it was amended (empty for version 1)
    published_at: datetime = moment()
    published_by_id: int | None = user_ref()


class ChallengeAttachment(FileRow, table=True):
    """A PDF guide published with a challenge."""

    challenge_id: int = refers_to("challenge")
    uploaded_at: datetime = moment()


class Clarification(Row, table=True):
    """A question (答疑) asked on a published challenge; public once answered, without the asker."""

    challenge_id: int = refers_to("challenge")
    asked_by_id: int = Field(foreign_key="user.id")
    question: str
    asked_at: datetime = moment()
    answer: str = Field(default="")
    answered_by_id: int | None = user_ref()
    answered_at: datetime | None = stamp(index=True)

    challenge: Challenge = Relationship()


class DeadlineChange(Row, table=True):
    """A deadline brought forward by an amendment: it waits for a second staff member, and
    takes effect (as a new version) only when they approve it within the notice period's rule.
    Its status changes only through portal/challenges/states.py."""

    __table_args__ = (
        *checks(
            decided_iff_stamped=set_after("decided_at", "proposed"),
            returned_reason="status != 'returned' OR return_reason != ''",
        ),
    )

    challenge_id: int = refers_to("challenge")
    status: DeadlineChangeStatus = enum_field(DeadlineChangeStatus.proposed, index=True)
    previous_deadline: datetime = moment()
    deadline: datetime = moment()
    reason: str
    proposed_by_id: int = Field(foreign_key="user.id")
    proposed_at: datetime = moment()
    decided_by_id: int | None = user_ref()
    decided_at: datetime | None = stamp()
    return_reason: str = Field(default="")

    challenge: Challenge = Relationship()
    proposed_by: User = through("DeadlineChange.proposed_by_id")
