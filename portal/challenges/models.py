from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from portal.accounts.models import User
from portal.db import MONEY, UTCDateTime, enum_type
from portal.i18n import lazy_gettext as _l
from portal.labels import LabelledEnum


class Stage(LabelledEnum):
    """Where a link sits on its industrial chain (环节)."""

    upstream = "upstream", _l("Upstream")
    midstream = "midstream", _l("Midstream")
    downstream = "downstream", _l("Downstream")


class Chain(SQLModel, table=True):
    """An industrial chain (产业链), e.g. 集成电路, led by a chain leader (链长)."""

    __tablename__ = "chain"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    leader_title: str = Field(default="", max_length=200)
    description: str = Field(default="")

    links: list["ChainLink"] = Relationship(
        back_populates="chain",
        sa_relationship_kwargs={"order_by": "ChainLink.position"},
    )


class ChainLink(SQLModel, table=True):
    """A link (环节) of a chain; every challenge sits on one."""

    __tablename__ = "chain_link"
    __table_args__ = (sa.UniqueConstraint("chain_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    chain_id: int = Field(foreign_key="chain.id", index=True)
    stage: Stage = Field(sa_type=enum_type(Stage))
    name: str = Field(max_length=100)
    position: int = Field(default=0)

    chain: Chain = Relationship(back_populates="links")


class ChallengeStatus(LabelledEnum):
    """The states of a challenge (portal/challenges/states.py holds the transitions). `closed`
    is never stored: a published challenge whose deadline has passed is closed when read (see
    Challenge.effective_status), so no scheduler is needed and the deadline stays the one truth."""

    draft = "draft", _l("Draft")
    published = "published", _l("Open for proposals")
    closed = "closed", _l("Closed")
    reviewing = "reviewing", _l("Under review")
    decided = "decided", _l("Decided")
    cancelled = "cancelled", _l("Cancelled")


class FundingMode(LabelledEnum):
    single = "single", _l("Single winner")
    # 赛马: several teams funded in parallel, then stage gates
    horse_race = "horse_race", _l("Horse race: several teams funded in parallel")


class Aggregation(LabelledEnum):
    """How the experts' totals of a proposal are combined into its score."""

    mean = "mean", _l("Mean")
    trimmed_mean = "trimmed_mean", _l("Trimmed mean (drop the highest and lowest)")
    median = "median", _l("Median")


class Feedback(LabelledEnum):
    """What the applicants of a challenge see of their review once the decision is made."""

    none = "none", _l("Nothing")
    scores = "scores", _l("Their scores and rank band")
    comments = "comments", _l("Their scores, rank band and the reviewers' comments to applicants")

    @property
    def shares_scores(self) -> bool:
        return self is not Feedback.none

    @property
    def shares_comments(self) -> bool:
        return self is Feedback.comments


class CheckItem(LabelledEnum):
    """The default items of the formal check (形式审查); a challenge may add its own."""

    documents = "documents", _l("Documents complete")
    org_type = "org_type", _l("Eligible type of organisation")
    region = "region", _l("Organisation in the region")
    budget = "budget", _l("Budget within the funding cap")
    members = "members", _l("All member organisations accepted")
    pledge = "pledge", _l("Pledge signed by the team leader")


DEFAULT_CHECKLIST = [item.value for item in CheckItem]


class Comparison(LabelledEnum):
    """How an indicator's value is held against its target; shown as its symbol."""

    ge = "ge", _l("At least")
    le = "le", _l("At most")
    eq = "eq", _l("Exactly")

    @property
    def symbol(self) -> str:
        return {"ge": "≥", "le": "≤", "eq": "="}[self.value]

    def met_by(self, value: Decimal, target: Decimal) -> bool:
        if self is Comparison.ge:
            return value >= target
        if self is Comparison.le:
            return value <= target
        return value == target


class Challenge(SQLModel, table=True):
    """A challenge (榜单). The editable fields hold the current text; each publication or
    amendment also freezes a ChallengeVersion, so every published text stays readable.

    The database holds the columns that go with each state (migration 0007): a challenge was
    published (published_at, version 1 and up) unless it is a draft or was cancelled as one; a
    cancelled one has its time and reason, and no other has either; `closed` is never stored."""

    __tablename__ = "challenge"
    __table_args__ = (
        sa.CheckConstraint("status <> 'closed'", name="closed_is_derived"),
        sa.CheckConstraint("(published_at IS NULL) = (version = 0)", name="version_iff_published"),
        sa.CheckConstraint(
            "status <> 'draft' OR published_at IS NULL", name="draft_is_unpublished"
        ),
        sa.CheckConstraint(
            "status NOT IN ('published', 'reviewing', 'decided') OR published_at IS NOT NULL",
            name="public_was_published",
        ),
        sa.CheckConstraint(
            "(status = 'cancelled') = (cancelled_at IS NOT NULL)", name="cancelled_iff_stamped"
        ),
        sa.CheckConstraint(
            "(status = 'cancelled') = (cancel_reason <> '')", name="cancelled_has_reason"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)  # JB-2026-001, never reused
    status: ChallengeStatus = Field(
        default=ChallengeStatus.draft, sa_type=enum_type(ChallengeStatus), index=True
    )
    version: int = Field(default=0)  # the last published version; 0 while a draft
    title: str = Field(max_length=200)
    chain_link_id: int | None = Field(default=None, foreign_key="chain_link.id", index=True)
    statement: str = Field(default="")  # the chokepoint problem and today's import dependence
    background: str = Field(default="")
    deliverable: str = Field(default="", max_length=500)
    funding_cap: Decimal | None = Field(default=None, sa_type=MONEY)
    cofunding: Decimal | None = Field(default=None, sa_type=MONEY)  # the demand owner's share
    duration_months: int | None = Field(default=None)
    deadline: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    funding_mode: FundingMode = Field(default=FundingMode.single, sa_type=enum_type(FundingMode))
    horse_race_teams: int = Field(default=1)
    allowed_org_types: list[str] = Field(
        default_factory=lambda: ["enterprise", "university", "institute", "other"],
        sa_type=sa.JSON,
    )
    region: str = Field(default="", max_length=100)  # applicants' region, if restricted
    max_members: int = Field(default=4)  # besides the lead organisation
    aggregation: Aggregation = Field(default=Aggregation.mean, sa_type=enum_type(Aggregation))
    reviewers_per_proposal: int = Field(default=3)
    pass_mark: int = Field(default=60)
    publicity_days: int = Field(default=7)
    blind_review: bool = Field(default=True)
    feedback: Feedback = Field(default=Feedback.none, sa_type=enum_type(Feedback))
    # the items staff tick at the formal check: CheckItem values, or an item's own text
    formal_checklist: list[str] = Field(
        default_factory=lambda: list(DEFAULT_CHECKLIST), sa_type=sa.JSON
    )
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancel_reason: str = Field(default="")

    chain_link: ChainLink | None = Relationship()
    indicators: list["Indicator"] = Relationship(
        back_populates="challenge",
        sa_relationship_kwargs={"order_by": "Indicator.position", "cascade": "all, delete-orphan"},
    )
    criteria: list["Criterion"] = Relationship(
        back_populates="challenge",
        sa_relationship_kwargs={"order_by": "Criterion.position", "cascade": "all, delete-orphan"},
    )

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


class Indicator(SQLModel, table=True):
    """A technical indicator (技术指标): what the winning team must reach, and how it is tested."""

    __tablename__ = "indicator"

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    position: int = Field(default=0)
    name: str = Field(max_length=200)
    comparison: Comparison = Field(default=Comparison.ge, sa_type=enum_type(Comparison))
    target: Decimal = Field(sa_type=sa.Numeric(20, 6))
    unit: str = Field(default="", max_length=40)
    test_method: str = Field(default="", max_length=500)

    challenge: Challenge = Relationship(back_populates="indicators")


class Criterion(SQLModel, table=True):
    """A review criterion of the rubric; the weights of a challenge sum to 100."""

    __tablename__ = "criterion"

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    position: int = Field(default=0)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=1000)
    weight: int

    challenge: Challenge = Relationship(back_populates="criteria")


class ChallengeVersion(SQLModel, table=True):
    """The text of a challenge as published (version 1) or amended (2, 3, …), never changed."""

    __tablename__ = "challenge_version"
    __table_args__ = (sa.UniqueConstraint("challenge_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    version: int
    content: dict = Field(sa_type=sa.JSON)  # every field, indicators and criteria, as plain values
    reason: str = Field(default="")  # why it was amended (empty for version 1)
    published_at: datetime = Field(sa_type=UTCDateTime)
    published_by_id: int | None = Field(default=None, foreign_key="user.id")


class ChallengeAttachment(SQLModel, table=True):
    """A PDF guide published with a challenge."""

    __tablename__ = "challenge_attachment"

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    filename: str = Field(max_length=200)
    stored_name: str = Field(max_length=200)
    size: int
    sha256: str = Field(max_length=64)
    uploaded_at: datetime = Field(sa_type=UTCDateTime)


class Clarification(SQLModel, table=True):
    """A question (答疑) asked on a published challenge; public once answered, without the asker."""

    __tablename__ = "clarification"

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    asked_by_id: int = Field(foreign_key="user.id")
    question: str
    asked_at: datetime = Field(sa_type=UTCDateTime)
    answer: str = Field(default="")
    answered_by_id: int | None = Field(default=None, foreign_key="user.id")
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)

    challenge: Challenge = Relationship()


class DeadlineChangeStatus(LabelledEnum):
    proposed = "proposed", _l("Waiting for a second approver")
    approved = "approved", _l("Approved")
    returned = "returned", _l("Returned")


class DeadlineChange(SQLModel, table=True):
    """A deadline brought forward by an amendment: it waits for a second staff member, and
    takes effect (as a new version) only when they approve it within the notice period's rule.
    Its status changes only through portal/challenges/states.py."""

    __tablename__ = "deadline_change"
    __table_args__ = (
        sa.CheckConstraint(
            "(status = 'proposed') = (decided_at IS NULL)", name="decided_iff_stamped"
        ),
        sa.CheckConstraint("status != 'returned' OR return_reason != ''", name="returned_reason"),
    )

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    status: DeadlineChangeStatus = Field(
        default=DeadlineChangeStatus.proposed, sa_type=enum_type(DeadlineChangeStatus), index=True
    )
    previous_deadline: datetime = Field(sa_type=UTCDateTime)
    deadline: datetime = Field(sa_type=UTCDateTime)
    reason: str
    proposed_by_id: int = Field(foreign_key="user.id")
    proposed_at: datetime = Field(sa_type=UTCDateTime)
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    return_reason: str = Field(default="")

    challenge: Challenge = Relationship()
    proposed_by: User = Relationship(
        sa_relationship_kwargs={"foreign_keys": "DeadlineChange.proposed_by_id"}
    )
