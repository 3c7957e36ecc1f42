from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlmodel import Field, Relationship

from portal.accounts.models import User
from portal.challenges.models import INDICATOR_VALUE, Challenge
from portal.columns import FileRow, Row, enum_field, moment, refers_to, stamp, user_ref
from portal.db import MONEY, checks, enum_type, partial_unique, set_iff, set_only_in, set_past
from portal.proposals.models import Proposal
from portal.relationships import children, in_order, through
from portal.vocabulary import (
    AwardStatus,
    Comparison,
    DecisionStatus,
    GateOutcome,
    MilestoneStatus,
    ObjectionStatus,
    ReportDecision,
)


class Award(Row, table=True):
    """The award (立项) of a winning proposal; once confirmed it is a project with milestones."""

    __table_args__ = (
        # What the database holds for each state (migration 0010 repeats it): a closed award
        # has its time, and a reason when it was revoked, terminated or eliminated; a confirmed
        # award has its confirmation and execution period; a project that started has its task
        # book; a refund belongs to an award ended early.
        *checks(
            closed=set_past(
                "closed_at",
                ("in_publicity", "confirmed", "active"),
                ("revoked", "terminated", "eliminated", "completed"),
            ),
            close_reason="(status IN ('revoked', 'terminated', 'eliminated') "
            "AND close_reason <> '') "
            "OR (status NOT IN ('revoked', 'terminated', 'eliminated') AND close_reason = '')",
            confirmed="(status = 'in_publicity' AND confirmed_at IS NULL) OR status = 'revoked' "
            "OR (status IN ('confirmed', 'active', 'completed', 'terminated', 'eliminated') "
            "AND confirmed_at IS NOT NULL AND starts_on IS NOT NULL AND ends_on > starts_on)",
            task_book="(status IN ('in_publicity', 'confirmed') AND task_book_signed_on IS NULL) "
            "OR status = 'revoked' OR (status IN ('active', 'completed', 'terminated', "
            "'eliminated') AND task_book_signed_on IS NOT NULL)",
            refund="refund_due IS NULL "
            "OR (status IN ('terminated', 'revoked') AND refund_due >= 0)",
        ),
        # One award in force per proposal: a decision reopened revokes its awards in publicity,
        # and the decision that follows may select the same proposal again.
        partial_unique("uq_award_live_proposal", "proposal_id", where="status <> 'revoked'"),
    )

    proposal_id: int = refers_to("proposal")
    challenge_id: int = refers_to("challenge")
    status: AwardStatus = enum_field(AwardStatus.in_publicity, index=True)
    amount: Decimal = Field(sa_type=MONEY)  # approved funding, ≤ what the proposal requested
    publicity_starts_at: datetime = moment()
    publicity_ends_at: datetime = moment(index=True)
    confirmed_at: datetime | None = stamp()
    confirmed_by_id: int | None = user_ref()
    starts_on: date | None = Field(default=None)  # the execution period
    ends_on: date | None = Field(default=None)
    task_book_signed_on: date | None = Field(default=None)  # 任务书: the project starts
    closed_at: datetime | None = stamp()
    close_reason: str = Field(default="")  # why revoked, terminated or eliminated
    closed_by_id: int | None = user_ref()
    refund_due: Decimal | None = Field(default=None, sa_type=MONEY)  # after a termination
    acceptance_comments: str = Field(default="")  # the final acceptance (验收) opinion
    created_at: datetime = moment()

    proposal: Proposal = Relationship()
    challenge: Challenge = Relationship()
    milestones: list["Milestone"] = children("award", order_by="Milestone.position")
    indicators: list["AwardIndicator"] = children("award", order_by="AwardIndicator.position")
    objections: list["Objection"] = in_order("award", "Objection.id")
    disbursements: list["Disbursement"] = in_order("award", "Disbursement.id")

    def publicity_open(self, now: datetime) -> bool:
        return self.status is AwardStatus.in_publicity and now < self.publicity_ends_at

    def awaiting_confirmation(self, now: datetime) -> bool:
        return self.status is AwardStatus.in_publicity and not self.publicity_open(now)

    def overdue_milestones(self, today: date) -> list["Milestone"]:
        """Milestones past due without an accepted report, while the project runs."""
        if self.status is not AwardStatus.active:
            return []
        return [m for m in self.milestones if m.is_overdue(today)]

    def reached_values(self) -> dict[int, Decimal]:
        """Each indicator's value (by AwardIndicator id) in the latest accepted milestone report:
        what the project has shown so far, before the final acceptance sets `achieved`."""
        accepted = sorted(
            (
                report
                for milestone in self.milestones
                for report in milestone.reports
                if report.decision is ReportDecision.accepted
            ),
            key=lambda report: report.decided_at,
        )
        values: dict[int, Decimal] = {}
        for report in accepted:
            for key, text in (report.indicator_values or {}).items():
                try:
                    values[int(key)] = Decimal(str(text))
                except (InvalidOperation, ValueError):
                    continue
        return values

    @property
    def milestones_met(self) -> int:
        return sum(1 for m in self.milestones if m.status is MilestoneStatus.accepted)

    @property
    def milestones_planned(self) -> int:
        """Milestones that count: all but the cancelled ones."""
        return sum(1 for m in self.milestones if m.status is not MilestoneStatus.cancelled)


class Milestone(Row, table=True):
    """A milestone of a confirmed award and the tranche (拨付) its acceptance releases."""

    __table_args__ = (
        sa.UniqueConstraint("award_id", "position"),
        *checks(
            accepted=set_only_in("accepted_at", "accepted"),
            tranche="tranche >= 0",
        ),
    )

    award_id: int = refers_to("award")
    position: int = Field(default=0)
    title: str = Field(max_length=200)
    due_date: date = Field(index=True)
    deliverable: str = Field(default="", max_length=1000)
    verification: str = Field(default="", max_length=1000)
    tranche: Decimal = Field(sa_type=MONEY)  # yuan released on acceptance
    status: MilestoneStatus = enum_field(MilestoneStatus.planned, index=True)
    accepted_at: datetime | None = stamp()

    award: Award = Relationship(back_populates="milestones")
    reports: list["MilestoneReport"] = in_order("milestone", "MilestoneReport.number")

    @property
    def is_open(self) -> bool:
        """Still to be met: neither accepted nor cancelled."""
        return self.status not in (MilestoneStatus.accepted, MilestoneStatus.cancelled)

    def is_overdue(self, today: date) -> bool:
        """Past its due date without an accepted report (derived when read, never stored)."""
        return self.is_open and self.due_date < today


class AwardIndicator(Row, table=True):
    """An indicator the project must reach. `committed` is what the proposal promised and the
    floor of `target`: targets may be raised, never lowered (不得降低考核指标)."""

    award_id: int = refers_to("award")
    indicator_id: int | None = Field(default=None, foreign_key="indicator.id")
    position: int = Field(default=0)
    name: str = Field(max_length=200)
    comparison: Comparison = enum_field(Comparison.ge)
    unit: str = Field(default="", max_length=40)
    committed: Decimal = Field(sa_type=INDICATOR_VALUE)
    target: Decimal = Field(sa_type=INDICATOR_VALUE)
    achieved: Decimal | None = Field(default=None, sa_type=INDICATOR_VALUE)  # at acceptance

    award: Award = Relationship(back_populates="indicators")

    def met(self) -> bool | None:
        if self.achieved is None:
            return None
        return self.comparison.met_by(self.achieved, self.target)


class Objection(Row, table=True):
    """An objection (异议) lodged against an award during its publicity period."""

    __table_args__ = checks(
        resolved="(status = 'open' AND resolved_at IS NULL AND resolution = '') OR "
        "(status IN ('upheld', 'dismissed') AND resolved_at IS NOT NULL AND resolution <> '')",
    )

    award_id: int = refers_to("award")
    objector_id: int = refers_to("user")
    reason: str
    evidence_filename: str = Field(default="", max_length=200)
    evidence_stored_name: str = Field(default="", max_length=200)
    evidence_size: int | None = Field(default=None)
    evidence_sha256: str = Field(default="", max_length=64)
    lodged_at: datetime = moment()
    status: ObjectionStatus = enum_field(ObjectionStatus.open, index=True)
    resolution: str = Field(default="")
    resolved_by_id: int | None = user_ref()
    resolved_at: datetime | None = stamp()

    award: Award = Relationship(back_populates="objections")
    objector: User = through("Objection.objector_id")


class MilestoneReport(Row, table=True):
    """What the lead organisation reports for a milestone, and the officer's decision on it."""

    __table_args__ = (
        sa.UniqueConstraint("milestone_id", "number"),
        *checks(
            decided=set_past(
                "decided_at", ("pending",), ("accepted", "returned"), status="decision"
            ),
            returned="decision <> 'returned' OR comments <> ''",
        ),
    )

    milestone_id: int = refers_to("milestone")
    number: int = Field(default=1)  # 1, 2, … per milestone
    progress: str
    # Indicator values reached so far: {award_indicator_id: "value"} (strings keep the decimals).
    indicator_values: dict = Field(default_factory=dict, sa_type=sa.JSON)
    submitted_by_id: int = Field(foreign_key="user.id")
    submitted_at: datetime = moment()
    decision: ReportDecision = enum_field(ReportDecision.pending, index=True)
    comments: str = Field(default="")  # the officer's, when accepted or returned
    decided_by_id: int | None = user_ref()
    decided_at: datetime | None = stamp()

    milestone: Milestone = Relationship(back_populates="reports")
    submitted_by: User = through("MilestoneReport.submitted_by_id")
    evidence: list["ReportEvidence"] = in_order("report", "ReportEvidence.id")


class ReportEvidence(FileRow, table=True):
    """A PDF sent with a milestone report."""

    report_id: int = refers_to("milestone_report")

    report: MilestoneReport = Relationship(back_populates="evidence")


class Disbursement(Row, table=True):
    """A tranche paid (拨付) when its milestone was accepted; one per milestone at most."""

    award_id: int = refers_to("award")
    milestone_id: int = refers_to("milestone", unique=True)
    amount: Decimal = Field(sa_type=MONEY)
    paid_on: date
    recorded_by_id: int | None = user_ref()
    recorded_at: datetime = moment()

    award: Award = Relationship(back_populates="disbursements")
    milestone: Milestone = Relationship()


class StageGate(Row, table=True):
    """A stage gate of a horse race (赛马): each running team continues or is eliminated."""

    challenge_id: int = refers_to("challenge")
    name: str = Field(max_length=200)
    decided_at: datetime = moment()
    decided_by_id: int | None = user_ref()

    decisions: list["GateDecision"] = in_order("gate", "GateDecision.id")


class GateDecision(Row, table=True):
    """One team's outcome at a stage gate, with the reason."""

    __table_args__ = (sa.UniqueConstraint("gate_id", "award_id"),)

    gate_id: int = refers_to("stage_gate")
    award_id: int = refers_to("award")
    outcome: GateOutcome = Field(sa_type=enum_type(GateOutcome))
    reason: str

    gate: StageGate = Relationship(back_populates="decisions")
    award: Award = Relationship()


# ---- the funding decision -------------------------------------------------------------------


class Decision(Row, table=True):
    """A funding decision of a challenge: the winners and the reserve list in order, the
    ranking it was made on, each departure from that ranking with its reason, who proposed it
    and who approved it. A challenge has at most one decision proposed or in effect; the
    returned and reopened ones stay as its history (`round` 1, 2, …)."""

    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "round"),
        partial_unique(
            "uq_decision_live_challenge",
            "challenge_id",
            where="status IN ('proposed', 'effective')",
        ),
        # What the database holds for each state (migration 0013 repeats it): one in effect (or
        # reopened since) has the moment it took effect; a returned one its time and reason; a
        # reopened one its time and reason; an approval only on a decision that took effect, and
        # never by the person who proposed it.
        *checks(
            decided=set_iff("decided_at", "effective", "reopened"),
            returned="(status = 'returned') = (returned_at IS NOT NULL) AND "
            "(status = 'returned') = (return_reason <> '')",
            reopened="(status = 'reopened') = (reopened_at IS NOT NULL) AND "
            "(status = 'reopened') = (reopen_reason <> '')",
            approved="approved_at IS NULL OR "
            "(status IN ('effective', 'reopened') AND approved_by_id IS NOT NULL)",
            second_person="proposed_by_id IS NULL OR "
            "((approved_by_id IS NULL OR approved_by_id <> proposed_by_id) AND "
            "(returned_by_id IS NULL OR returned_by_id <> proposed_by_id))",
        ),
    )

    challenge_id: int = refers_to("challenge")
    round: int = Field(default=1)
    status: DecisionStatus = enum_field(DecisionStatus.proposed, index=True)
    winner_ids: list[int] = Field(default_factory=list, sa_type=sa.JSON)
    reserve_ids: list[int] = Field(default_factory=list, sa_type=sa.JSON)
    note: str = Field(default="")
    # The ranking as the decider saw it: [{id, rank, title, lead, score, mean, trimmed_mean,
    # median, n, required, passes, divergent, outcome}], in rank order.
    ranking: list[dict] = Field(default_factory=list, sa_type=sa.JSON)
    # [{kind, proposal_id, rank, title, reason}]: each departure from the ranking.
    departures: list[dict] = Field(default_factory=list, sa_type=sa.JSON)
    committed: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)  # the winners' requests
    needs_approval: bool = Field(default=False)
    proposed_by_id: int | None = user_ref()
    proposed_at: datetime | None = stamp()
    approved_by_id: int | None = user_ref()
    approved_at: datetime | None = stamp()
    returned_by_id: int | None = user_ref()
    returned_at: datetime | None = stamp()
    return_reason: str = Field(default="")
    decided_by_id: int | None = user_ref()  # made it effective
    decided_at: datetime | None = stamp()  # took effect
    reopened_by_id: int | None = user_ref()
    reopened_at: datetime | None = stamp()
    reopen_reason: str = Field(default="")

    challenge: Challenge = Relationship()
    proposed_by: User | None = through("Decision.proposed_by_id")
    approved_by: User | None = through("Decision.approved_by_id")
    returned_by: User | None = through("Decision.returned_by_id")
    reopened_by: User | None = through("Decision.reopened_by_id")

    @property
    def is_live(self) -> bool:
        return self.status in (DecisionStatus.proposed, DecisionStatus.effective)
