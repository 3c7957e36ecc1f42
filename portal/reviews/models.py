from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, Relationship

from portal.accounts.models import Organisation, User
from portal.challenges.models import Criterion
from portal.columns import Row, enum_field, moment, refers_to, stamp, user_ref
from portal.db import checks, enum_type, set_after, set_iff
from portal.proposals.models import Proposal
from portal.relationships import children, through
from portal.vocabulary import (
    AppealStatus,
    AssignmentStatus,
    AvoidanceStatus,
    CheckOutcome,
    Recommendation,
    ReviewStatus,
)


class PanelMember(Row, table=True):
    """An expert on the review panel of a challenge; assignments are made from the panel."""

    __table_args__ = (sa.UniqueConstraint("challenge_id", "expert_id"),)

    challenge_id: int = refers_to("challenge")
    expert_id: int = refers_to("user")
    added_at: datetime = moment()
    added_by_id: int | None = user_ref()

    expert: User = through("PanelMember.expert_id")


class PanelSchedule(Row, table=True):
    """When the review panel of a challenge is due to have submitted its reviews."""

    challenge_id: int = refers_to("challenge", unique=True)
    due_on: date
    set_by_id: int | None = user_ref()
    set_at: datetime = moment()


class Assignment(Row, table=True):
    """One expert asked to review one proposal. An expert is assigned a proposal at most once.
    The status changes only through portal/reviews/states.py."""

    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "expert_id"),
        *checks(
            recused_iff_stamped=set_iff("recused_at", "recused"),
            recused_has_reason="status != 'recused' OR recusal_reason != ''",
        ),
    )

    challenge_id: int = refers_to("challenge")
    proposal_id: int = refers_to("proposal")
    expert_id: int = refers_to("user")
    status: AssignmentStatus = enum_field(AssignmentStatus.assigned, index=True)
    assigned_at: datetime = moment()
    assigned_by_id: int | None = user_ref()
    recused_at: datetime | None = stamp()
    recusal_reason: str = Field(default="")

    proposal: Proposal = Relationship()
    expert: User = through("Assignment.expert_id")
    review: "Review" = Relationship(
        back_populates="assignment", sa_relationship_kwargs={"uselist": False}
    )


class ConflictDeclaration(Row, table=True):
    """An expert's own declaration of a conflict with an organisation (by its credit code) or
    with one proposal.

    Any valid credit code is accepted, registered or not, so that the answer does not tell the
    expert which codes are registered. `organisation_id` names the organisation registered with
    the code at the time; one that registers later is matched by `credit_code`.
    """

    expert_id: int = refers_to("user")
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    credit_code: str = Field(default="", max_length=18, index=True)
    proposal_id: int | None = Field(default=None, foreign_key="proposal.id", index=True)
    reason: str
    declared_at: datetime = moment()

    organisation: Organisation | None = Relationship()
    proposal: Proposal | None = Relationship()


class AvoidanceRequest(Row, table=True):
    """An applicant asks that an expert (by e-mail) or an organisation (by its credit code) not
    review a proposal. As with a ConflictDeclaration, any valid code is accepted, and one that
    registers later is matched by `credit_code`."""

    __table_args__ = (
        *checks(
            decided_iff_stamped=set_after("decided_at", "pending"),
        ),
    )

    proposal_id: int = refers_to("proposal")
    expert_email: str = Field(default="", max_length=254)
    expert_id: int | None = user_ref(index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    credit_code: str = Field(default="", max_length=18, index=True)
    reason: str
    status: AvoidanceStatus = enum_field(AvoidanceStatus.pending, index=True)
    requested_by_id: int | None = user_ref()
    requested_at: datetime = moment()
    decided_by_id: int | None = user_ref()
    decided_at: datetime | None = stamp()

    proposal: Proposal = Relationship()
    organisation: Organisation | None = Relationship()
    expert: User | None = through("AvoidanceRequest.expert_id")


class Review(Row, table=True):
    """An expert's review of one assigned proposal: a score per criterion and a total (0–100).
    The status changes only through portal/reviews/states.py."""

    __table_args__ = (
        # The ranking reads a challenge's submitted reviews. A lone index on the status, which
        # most reviews share, misled SQLite's planner into scanning every submitted review.
        sa.Index("ix_review_challenge_id_status", "challenge_id", "status"),
        *checks(
            submitted_is_complete="status != 'submitted' OR (submitted_at IS NOT NULL "
            "AND total IS NOT NULL AND recommendation IS NOT NULL)",
            reopened_has_reason="(reopened_at IS NULL) = (reopen_reason = '')",
        ),
    )

    assignment_id: int = refers_to("assignment", unique=True)
    challenge_id: int = refers_to("challenge")
    proposal_id: int = refers_to("proposal")
    expert_id: int = refers_to("user")
    status: ReviewStatus = enum_field(ReviewStatus.draft)
    recommendation: Recommendation | None = Field(default=None, sa_type=enum_type(Recommendation))
    overall_comment: str = Field(default="")  # to the applicants, if the challenge shares it
    confidential_comment: str = Field(default="")  # to the officers only, never to applicants
    total: Decimal | None = Field(default=None, sa_type=sa.Numeric(6, 2))  # Σ score × weight / 10
    created_at: datetime = moment()
    updated_at: datetime = moment()
    submitted_at: datetime | None = stamp()
    reopened_at: datetime | None = stamp()
    reopen_reason: str = Field(default="")

    assignment: Assignment = Relationship(back_populates="review")
    scores: list["Score"] = children("review")


class Score(Row, table=True):
    """The score (0–10 in half points) of one criterion in one review."""

    __table_args__ = (sa.UniqueConstraint("review_id", "criterion_id"),)

    review_id: int = refers_to("review")
    criterion_id: int = refers_to("criterion")
    value: Decimal | None = Field(default=None, sa_type=sa.Numeric(4, 1))
    comment: str = Field(default="")  # to the applicants, if the challenge shares comments

    review: Review = Relationship(back_populates="scores")
    criterion: Criterion = Relationship()


class FormalCheck(Row, table=True):
    """One ruling of the formal check (形式审查) on a proposal: the checklist as ticked, the
    outcome and, for a rejection, its reason. Written once, never changed."""

    __table_args__ = (
        *checks(
            rejected_has_reason="outcome != 'rejected' OR reason != ''",
        ),
    )

    proposal_id: int = refers_to("proposal")
    items: dict = Field(default_factory=dict, sa_type=sa.JSON)  # item → ticked
    outcome: CheckOutcome = Field(sa_type=enum_type(CheckOutcome))
    reason: str = Field(default="")
    checked_by_id: int = Field(foreign_key="user.id")
    checked_at: datetime = moment()

    checked_by: User = Relationship()


class Appeal(Row, table=True):
    """The applicant's one appeal against a rejection at the formal check, decided by a staff
    member other than the one who rejected. Its status changes only through states.py."""

    __table_args__ = (
        *checks(
            decided_iff_stamped=set_after("decided_at", "lodged"),
            decided_has_answer="status = 'lodged' OR answer != ''",
        ),
    )

    proposal_id: int = refers_to("proposal", unique=True)  # once
    check_id: int = Field(foreign_key="formal_check.id")
    status: AppealStatus = enum_field(AppealStatus.lodged, index=True)
    grounds: str
    lodged_by_id: int = Field(foreign_key="user.id")
    lodged_at: datetime = moment()
    decided_by_id: int | None = user_ref()
    decided_at: datetime | None = stamp()
    answer: str = Field(default="")

    check: FormalCheck = Relationship()
