import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from portal.accounts.models import Organisation
from portal.challenges.models import Challenge, Indicator
from portal.db import MONEY, UTCDateTime, enum_type


class ProposalStatus(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"
    withdrawn = "withdrawn"
    rejected = "rejected"  # at the formal check, with a reason
    in_review = "in_review"  # passed the formal check
    awarded = "awarded"
    reserve = "reserve"
    not_funded = "not_funded"


class MemberRole(enum.StrEnum):
    lead = "lead"  # 牵头单位
    member = "member"  # 成员单位


class Proposal(SQLModel, table=True):
    """A consortium's proposal (揭榜方案) for a challenge, owned by the lead organisation.

    One per lead organisation and challenge: withdrawing and resubmitting reuses it, and each
    submission is frozen as a SubmittedVersion.
    """

    __tablename__ = "proposal"
    __table_args__ = (sa.UniqueConstraint("challenge_id", "lead_org_id"),)

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    lead_org_id: int = Field(foreign_key="organisation.id", index=True)
    status: ProposalStatus = Field(
        default=ProposalStatus.draft, sa_type=enum_type(ProposalStatus), index=True
    )
    title: str = Field(default="", max_length=200)  # the project's name
    # The team leader (挂帅人) and the consortium organisation they belong to.
    leader_name: str = Field(default="", max_length=100)
    leader_title: str = Field(default="", max_length=100)
    leader_phone: str = Field(default="", max_length=40)
    leader_email: str = Field(default="", max_length=254)
    leader_org_id: int | None = Field(default=None, foreign_key="organisation.id")
    approach: str = Field(default="")  # technical approach, Markdown
    innovation: str = Field(default="")  # innovation points, Markdown
    requested: Decimal | None = Field(default=None, sa_type=MONEY)  # funding asked (≤ the cap)
    self_funds: Decimal | None = Field(default=None, sa_type=MONEY)
    pledge_accepted: bool = Field(default=False)  # 军令状
    pledge_name: str = Field(default="", max_length=100)
    # Bumped by every save: a save based on an older revision is refused, not lost silently.
    revision: int = Field(default=1)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rejection_reason: str = Field(default="")

    challenge: Challenge = Relationship()
    lead_org: Organisation = Relationship(
        sa_relationship_kwargs={"foreign_keys": "Proposal.lead_org_id"}
    )
    leader_org: Organisation | None = Relationship(
        sa_relationship_kwargs={"foreign_keys": "Proposal.leader_org_id"}
    )
    members: list["ConsortiumMember"] = Relationship(
        back_populates="proposal",
        sa_relationship_kwargs={
            "order_by": "ConsortiumMember.position",
            "cascade": "all, delete-orphan",
        },
    )
    commitments: list["Commitment"] = Relationship(
        back_populates="proposal", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
    )
    milestones: list["PlannedMilestone"] = Relationship(
        back_populates="proposal",
        sa_relationship_kwargs={
            "order_by": "PlannedMilestone.position",
            "cascade": "all, delete-orphan",
        },
    )
    attachments: list["Attachment"] = Relationship(
        back_populates="proposal",
        sa_relationship_kwargs={"order_by": "Attachment.id"},
    )
    versions: list["SubmittedVersion"] = Relationship(
        back_populates="proposal",
        sa_relationship_kwargs={"order_by": "SubmittedVersion.number"},
    )


class ConsortiumMember(SQLModel, table=True):
    """An organisation of the consortium, the lead included, with its part of the budget."""

    __tablename__ = "consortium_member"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    role: MemberRole = Field(default=MemberRole.member, sa_type=enum_type(MemberRole))
    responsibility: str = Field(default="", max_length=1000)
    budget_share: Decimal | None = Field(default=None, sa_type=MONEY)  # yuan of the requested
    position: int = Field(default=0)

    proposal: Proposal = Relationship(back_populates="members")
    organisation: Organisation = Relationship()


class Commitment(SQLModel, table=True):
    """The value the team commits to for one indicator; below target needs a justification."""

    __tablename__ = "commitment"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    value: Decimal | None = Field(default=None, sa_type=sa.Numeric(20, 6))
    justification: str = Field(default="")

    proposal: Proposal = Relationship(back_populates="commitments")
    indicator: Indicator = Relationship()


class PlannedMilestone(SQLModel, table=True):
    """A row of the milestone plan; the shares of a proposal sum to 100 %."""

    __tablename__ = "planned_milestone"

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    position: int = Field(default=0)
    title: str = Field(max_length=200)
    due_date: date | None = Field(default=None)
    deliverable: str = Field(default="", max_length=1000)
    verification: str = Field(default="", max_length=1000)
    share_percent: Decimal | None = Field(default=None, sa_type=sa.Numeric(5, 2))

    proposal: Proposal = Relationship(back_populates="milestones")


class Attachment(SQLModel, table=True):
    """A PDF attached to a proposal. Files are never changed; one that belongs to a submitted
    version is kept even if the draft later drops it (removed_at)."""

    __tablename__ = "attachment"

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    title: str = Field(default="", max_length=200)
    filename: str = Field(max_length=200)
    stored_name: str = Field(max_length=200)
    size: int
    sha256: str = Field(max_length=64)
    uploaded_at: datetime = Field(sa_type=UTCDateTime)
    uploaded_by_id: int | None = Field(default=None, foreign_key="user.id")
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    proposal: Proposal = Relationship(back_populates="attachments")


class SubmittedVersion(SQLModel, table=True):
    """A frozen copy of a proposal as submitted: what reviewers score, and the history."""

    __tablename__ = "submitted_version"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    number: int  # 1, 2, … per proposal
    content: dict = Field(sa_type=sa.JSON)
    submitted_at: datetime = Field(sa_type=UTCDateTime)
    submitted_by_id: int | None = Field(default=None, foreign_key="user.id")
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    proposal: Proposal = Relationship(back_populates="versions")
