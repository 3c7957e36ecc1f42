from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, Relationship

from portal.accounts.models import Organisation, User
from portal.challenges.models import INDICATOR_VALUE, Challenge, Indicator
from portal.columns import FileRow, Row, enum_field, moment, refers_to, stamp, user_ref
from portal.db import MONEY, checks, enum_type, set_after, set_iff
from portal.relationships import children, in_order, through
from portal.vocabulary import ConsentStatus, MemberRole, ProposalStatus, SignatureStatus, VoidCause


class Proposal(Row, table=True):
    """A consortium's proposal (揭榜方案) for a challenge, owned by the lead organisation.

    One per lead organisation and challenge: withdrawing and resubmitting reuses it, and each
    submission is frozen as a SubmittedVersion. The status changes only through
    `states.set_status`; the CHECK constraints hold the columns that go with each status, so a
    row written around it is refused by the database too.
    """

    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "lead_org_id"),
        *checks(
            rejected_iff_reason="(status = 'rejected') = (rejection_reason != '')",
            submitted_iff_stamped=set_after("submitted_at", "draft"),
            withdrawn_iff_stamped=set_iff("withdrawn_at", "withdrawn"),
        ),
    )

    challenge_id: int = refers_to("challenge")
    lead_org_id: int = refers_to("organisation")
    status: ProposalStatus = enum_field(ProposalStatus.draft, index=True)
    title: str = Field(default="", max_length=200)  # the project's name
    # The team leader (挂帅人): the person whose account has the address `leader_email`, and the
    # consortium organisation they belong to. `leader_user_id` is that account (None while the
    # invited leader has not registered); the name is the account's once there is one, and the
    # title and telephone are contact details the lead organisation gives.
    leader_user_id: int | None = user_ref(index=True)
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
    created_by_id: int | None = user_ref()
    created_at: datetime = moment()
    updated_at: datetime = moment()
    submitted_at: datetime | None = stamp(index=True)  # last
    withdrawn_at: datetime | None = stamp()  # while withdrawn
    rejection_reason: str = Field(default="")  # given at the formal check

    challenge: Challenge = Relationship()
    lead_org: Organisation = through("Proposal.lead_org_id")
    leader_org: Organisation | None = through("Proposal.leader_org_id")
    leader_user: User | None = through("Proposal.leader_user_id")
    members: list["ConsortiumMember"] = children("proposal", order_by="ConsortiumMember.position")
    commitments: list["Commitment"] = children("proposal")
    milestones: list["PlannedMilestone"] = children(
        "proposal", order_by="PlannedMilestone.position"
    )
    attachments: list["Attachment"] = in_order("proposal", "Attachment.id")
    versions: list["SubmittedVersion"] = in_order("proposal", "SubmittedVersion.number")
    signatures: list["PledgeSignature"] = in_order("proposal", "PledgeSignature.id")


class ConsortiumMember(Row, table=True):
    """An organisation of the consortium, the lead included, with its part of the budget.

    A member organisation takes part only once one of its administrators accepted the lead's
    invitation (`consent`); the lead organisation's own row is accepted by definition.
    """

    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "organisation_id"),
        # what an organisation takes part in (every applicant page asks): one index for both
        sa.Index("ix_consortium_member_organisation_consent", "organisation_id", "consent"),
        *checks(
            declined_has_reason="consent != 'declined' OR consent_reason != ''",
            decided_iff_stamped=set_after("consent_decided_at", "invited", status="consent"),
        ),
    )

    proposal_id: int = refers_to("proposal")
    organisation_id: int = refers_to("organisation")
    role: MemberRole = enum_field(MemberRole.member)
    responsibility: str = Field(default="", max_length=1000)
    budget_share: Decimal | None = Field(default=None, sa_type=MONEY)  # yuan of the requested
    position: int = Field(default=0)
    consent: ConsentStatus = enum_field(ConsentStatus.invited)
    invited_at: datetime | None = stamp()
    # The address the lead gave for an organisation that was not registered yet (its invitation
    # went there); empty when the organisation's administrators were told in the portal.
    invited_email: str = Field(default="", max_length=254)
    consent_decided_at: datetime | None = stamp()
    consent_decided_by_id: int | None = user_ref()
    consent_reason: str = Field(default="", max_length=1000)  # why it declined or withdrew

    proposal: Proposal = Relationship(back_populates="members")
    organisation: Organisation = Relationship()
    consent_decided_by: User | None = through("ConsortiumMember.consent_decided_by_id")


class Commitment(Row, table=True):
    """The value the team commits to for one indicator; below target needs a justification."""

    __table_args__ = (sa.UniqueConstraint("proposal_id", "indicator_id"),)

    proposal_id: int = refers_to("proposal")
    indicator_id: int = refers_to("indicator")
    value: Decimal | None = Field(default=None, sa_type=INDICATOR_VALUE)
    justification: str = Field(default="")

    proposal: Proposal = Relationship(back_populates="commitments")
    indicator: Indicator = Relationship()


class PlannedMilestone(Row, table=True):
    """A row of the milestone plan; the shares of a proposal sum to 100 %."""

    proposal_id: int = refers_to("proposal")
    position: int = Field(default=0)
    title: str = Field(max_length=200)
    due_date: date | None = Field(default=None)
    deliverable: str = Field(default="", max_length=1000)
    verification: str = Field(default="", max_length=1000)
    share_percent: Decimal | None = Field(default=None, sa_type=sa.Numeric(5, 2))

    proposal: Proposal = Relationship(back_populates="milestones")


class Attachment(FileRow, table=True):
    """A PDF attached to a proposal. Files are never changed; one that belongs to a submitted
    version is kept even if the draft later drops it (removed_at)."""

    proposal_id: int = refers_to("proposal")
    title: str = Field(default="", max_length=200)
    uploaded_at: datetime = moment()
    uploaded_by_id: int | None = user_ref()
    removed_at: datetime | None = stamp()

    proposal: Proposal = Relationship(back_populates="attachments")


class SubmittedVersion(Row, table=True):
    """A frozen copy of a proposal as submitted: what reviewers score, and the history."""

    __table_args__ = (sa.UniqueConstraint("proposal_id", "number"),)

    proposal_id: int = refers_to("proposal")
    number: int  # 1, 2, … per proposal
    content: dict = Field(sa_type=sa.JSON)
    submitted_at: datetime = moment()
    submitted_by_id: int | None = user_ref()
    withdrawn_at: datetime | None = stamp()

    proposal: Proposal = Relationship(back_populates="versions")


class PledgeSignature(Row, table=True):
    """The team leader's signature of the pledge (军令状), made with their own password.

    `content` is exactly what was signed: the pledge text and the commitments, milestones,
    budget and consortium it covers, as canonical JSON whose SHA-256 is `content_sha256`. A
    later change to any of them voids the signature. Signatures brought over from before leaders
    signed for themselves (`migrated`) keep the typed name, have no account and no content, and
    can never make a proposal submittable again.
    """

    __table_args__ = (
        *checks(
            void_iff_stamped=set_iff("voided_at", "void"),
            void_has_cause=set_iff("void_cause", "void"),
            signed_by_an_account="migrated "
            "OR (signer_id IS NOT NULL AND length(content_sha256) = 64)",
        ),
    )

    proposal_id: int = refers_to("proposal")
    signer_id: int | None = user_ref(index=True)
    signer_name: str = Field(max_length=100)
    signer_email: str = Field(default="", max_length=254)
    signed_at: datetime = moment()
    remote_addr: str = Field(default="", max_length=64)
    content: dict = Field(default_factory=dict, sa_type=sa.JSON)
    content_sha256: str = Field(default="", max_length=64)
    status: SignatureStatus = enum_field(SignatureStatus.signed)
    voided_at: datetime | None = stamp()
    void_cause: VoidCause | None = Field(default=None, sa_type=enum_type(VoidCause))
    # Who made the change that voided it (None when the portal found the change at submission).
    voided_by_id: int | None = user_ref()
    migrated: bool = Field(default=False)

    proposal: Proposal = Relationship(back_populates="signatures")
    signer: User | None = through("PledgeSignature.signer_id")
