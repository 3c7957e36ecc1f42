from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from portal.accounts.models import Organisation, User
from portal.challenges.models import Challenge, Indicator
from portal.db import MONEY, UTCDateTime, enum_type
from portal.i18n import lazy_gettext as _l
from portal.labels import LabelledEnum


class ProposalStatus(LabelledEnum):
    """Where a proposal stands; its moves are the table in `states.py`."""

    draft = "draft", _l("Draft")
    submitted = "submitted", _l("Submitted")
    withdrawn = "withdrawn", _l("Withdrawn")
    rejected = "rejected", _l("Rejected at the formal check")  # with a reason
    in_review = "in_review", _l("In review")  # passed the formal check
    awarded = "awarded", _l("Awarded")
    reserve = "reserve", _l("Reserve")
    not_funded = "not_funded", _l("Not funded")


class MemberRole(LabelledEnum):
    lead = "lead", _l("Lead organisation")  # 牵头单位
    member = "member", _l("Member")  # 成员单位


class ConsentStatus(LabelledEnum):
    """A member organisation's answer to the lead's invitation (联合体确认)."""

    # waiting for an administrator of the member organisation
    invited = "invited", _l("Invited, no answer yet")
    accepted = "accepted", _l("Accepted")
    declined = "declined", _l("Declined")  # with a reason
    # accepted, then withdrawn before the deadline
    withdrawn = "withdrawn", _l("Consent withdrawn")


class SignatureStatus(LabelledEnum):
    signed = "signed", _l("Signed")
    # what was signed has changed since (or the leader signed again)
    void = "void", _l("No longer valid")


class VoidCause(LabelledEnum):
    """Why a signature no longer holds."""

    commitments = "commitments", _l("the indicator commitments were changed")
    milestones = "milestones", _l("the milestone plan was changed")
    budget = "budget", _l("the budget was changed")
    consortium = "consortium", _l("the consortium was changed")
    leader = "leader", _l("another team leader was named")
    consent = "consent", _l("a member organisation declined or withdrew its consent")
    signed_again = "signed_again", _l("the team leader signed again")


class Proposal(SQLModel, table=True):
    """A consortium's proposal (揭榜方案) for a challenge, owned by the lead organisation.

    One per lead organisation and challenge: withdrawing and resubmitting reuses it, and each
    submission is frozen as a SubmittedVersion. The status changes only through
    `states.set_status`; the CHECK constraints hold the columns that go with each status, so a
    row written around it is refused by the database too.
    """

    __tablename__ = "proposal"
    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "lead_org_id"),
        sa.CheckConstraint(
            "(status = 'rejected') = (rejection_reason != '')", name="rejected_iff_reason"
        ),
        sa.CheckConstraint(
            "(status = 'draft') = (submitted_at IS NULL)", name="submitted_iff_stamped"
        ),
        sa.CheckConstraint(
            "(status = 'withdrawn') = (withdrawn_at IS NOT NULL)", name="withdrawn_iff_stamped"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    lead_org_id: int = Field(foreign_key="organisation.id", index=True)
    status: ProposalStatus = Field(
        default=ProposalStatus.draft, sa_type=enum_type(ProposalStatus), index=True
    )
    title: str = Field(default="", max_length=200)  # the project's name
    # The team leader (挂帅人): the person whose account has the address `leader_email`, and the
    # consortium organisation they belong to. `leader_user_id` is that account (None while the
    # invited leader has not registered); the name is the account's once there is one, and the
    # title and telephone are contact details the lead organisation gives.
    leader_user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    leader_name: str = Field(default="", max_length=100)
    leader_title: str = Field(default="", max_length=100)
    leader_phone: str = Field(default="", max_length=40)
    leader_email: str = Field(default="", max_length=254)
    leader_org_id: int | None = Field(default=None, foreign_key="organisation.id")
    approach: str = Field(default="")  # technical approach, Markdown
    innovation: str = Field(default="")  # innovation points, Markdown
    requested: Decimal | None = Field(default=None, sa_type=MONEY)  # funding asked (≤ the cap)
    self_funds: Decimal | None = Field(default=None, sa_type=MONEY)
    # Bumped by every save: a save based on an older revision is refused, not lost silently.
    revision: int = Field(default=1)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)  # last
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # while withdrawn
    rejection_reason: str = Field(default="")  # given at the formal check

    challenge: Challenge = Relationship()
    lead_org: Organisation = Relationship(
        sa_relationship_kwargs={"foreign_keys": "Proposal.lead_org_id"}
    )
    leader_org: Organisation | None = Relationship(
        sa_relationship_kwargs={"foreign_keys": "Proposal.leader_org_id"}
    )
    leader_user: User | None = Relationship(
        sa_relationship_kwargs={"foreign_keys": "Proposal.leader_user_id"}
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
    signatures: list["PledgeSignature"] = Relationship(
        back_populates="proposal",
        sa_relationship_kwargs={"order_by": "PledgeSignature.id"},
    )


class ConsortiumMember(SQLModel, table=True):
    """An organisation of the consortium, the lead included, with its part of the budget.

    A member organisation takes part only once one of its administrators accepted the lead's
    invitation (`consent`); the lead organisation's own row is accepted by definition.
    """

    __tablename__ = "consortium_member"
    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "organisation_id"),
        sa.CheckConstraint(
            "consent != 'declined' OR consent_reason != ''", name="declined_has_reason"
        ),
        sa.CheckConstraint(
            "(consent = 'invited') = (consent_decided_at IS NULL)", name="decided_iff_stamped"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    role: MemberRole = Field(default=MemberRole.member, sa_type=enum_type(MemberRole))
    responsibility: str = Field(default="", max_length=1000)
    budget_share: Decimal | None = Field(default=None, sa_type=MONEY)  # yuan of the requested
    position: int = Field(default=0)
    consent: ConsentStatus = Field(
        default=ConsentStatus.invited, sa_type=enum_type(ConsentStatus), index=True
    )
    invited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The address the lead gave for an organisation that was not registered yet (its invitation
    # went there); empty when the organisation's administrators were told in the portal.
    invited_email: str = Field(default="", max_length=254)
    consent_decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consent_decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    consent_reason: str = Field(default="", max_length=1000)  # why it declined or withdrew

    proposal: Proposal = Relationship(back_populates="members")
    organisation: Organisation = Relationship()
    consent_decided_by: User | None = Relationship(
        sa_relationship_kwargs={"foreign_keys": "ConsortiumMember.consent_decided_by_id"}
    )


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


class PledgeSignature(SQLModel, table=True):
    """The team leader's signature of the pledge (军令状), made with their own password.

    `content` is exactly what was signed: the pledge text and the commitments, milestones,
    budget and consortium it covers, as canonical JSON whose SHA-256 is `content_sha256`. A
    later change to any of them voids the signature. Signatures brought over from before leaders
    signed for themselves (`migrated`) keep the typed name, have no account and no content, and
    can never make a proposal submittable again.
    """

    __tablename__ = "pledge_signature"
    __table_args__ = (
        sa.CheckConstraint("(status = 'void') = (voided_at IS NOT NULL)", name="void_iff_stamped"),
        sa.CheckConstraint("(status = 'void') = (void_cause IS NOT NULL)", name="void_has_cause"),
        sa.CheckConstraint(
            "migrated OR (signer_id IS NOT NULL AND length(content_sha256) = 64)",
            name="signed_by_an_account",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    signer_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    signer_name: str = Field(max_length=100)
    signer_email: str = Field(default="", max_length=254)
    signed_at: datetime = Field(sa_type=UTCDateTime)
    remote_addr: str = Field(default="", max_length=64)
    content: dict = Field(default_factory=dict, sa_type=sa.JSON)
    content_sha256: str = Field(default="", max_length=64)
    status: SignatureStatus = Field(
        default=SignatureStatus.signed, sa_type=enum_type(SignatureStatus)
    )
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    void_cause: VoidCause | None = Field(default=None, sa_type=enum_type(VoidCause))
    # Who made the change that voided it (None when the portal found the change at submission).
    voided_by_id: int | None = Field(default=None, foreign_key="user.id")
    migrated: bool = Field(default=False)

    proposal: Proposal = Relationship(back_populates="signatures")
    signer: User | None = Relationship(
        sa_relationship_kwargs={"foreign_keys": "PledgeSignature.signer_id"}
    )
