"""What waits for a person, read for their home page (the workbench).

Each queue is one query for its first rows and their total (a window count), built on the
modules' access helpers. What a row shows of its neighbours (its challenge, its organisation…) is
joined into the same query, so that the page runs the same queries whether a queue holds one row
or ten thousand; only a draft's checklist loads its parts in bulk, one query per part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists
from sqlalchemy.orm import defer, joinedload
from sqlmodel import func, select

from portal import clock
from portal.accounts.models import Organisation, User
from portal.accounts.queries import organisations_for
from portal.awards import models as awarding
from portal.awards.models import Award, Decision, Milestone, MilestoneReport, Objection
from portal.awards.permissions import visible_awards, visible_objections, visible_reports
from portal.challenges.models import Challenge
from portal.challenges.queries import unanswered_queue
from portal.db import db
from portal.notices.models import Notice
from portal.notices.permissions import visible_notices
from portal.proposals import models as proposing
from portal.proposals.checklist import completeness_problems
from portal.proposals.models import ConsortiumMember, PledgeSignature, Proposal
from portal.proposals.permissions import (
    LOADED_WITH_PROPOSAL,
    invitations_to,
    led_by,
    visible_proposals,
)
from portal.reviews.models import Assignment
from portal.reviews.permissions import visible_assignments
from portal.reviews.queries import desk_challenges
from portal.vocabulary import (
    AssignmentStatus,
    ChallengeStatus,
    DecisionStatus,
    NoticeStatus,
    OrgStatus,
    Role,
)

SHOWN = 8  # rows per queue on the workbench; the queue's own page lists the rest
DUE_WITHIN_DAYS = 30
EDITABLE = [proposing.ProposalStatus.draft, proposing.ProposalStatus.withdrawn]
# A reported milestone waits for staff, not for the applicant.
TO_REPORT = [awarding.MilestoneStatus.planned, awarding.MilestoneStatus.returned]

# What a row shows of its proposal: the challenge and the lead organisation, joined.
_PROPOSAL_AROUND = (joinedload(Proposal.challenge), joinedload(Proposal.lead_org))
# The formal-check queue shows titles, never the long texts: sorting a queue of thousands
# carried them along.
_SHORT_PROPOSAL = (
    defer(Proposal.approach),
    defer(Proposal.innovation),
    joinedload(Proposal.challenge).load_only(Challenge.number, Challenge.title),
    joinedload(Proposal.lead_org).load_only(Organisation.name),
)


@dataclass
class Queue:
    """The first rows of one queue, and how many it holds in all."""

    rows: list[Any] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def first(statement, limit: int = SHOWN) -> Queue:
    """The first `limit` rows of a Select, with the total counted by the same query. A Select of
    one entity gives its objects; of several, tuples. The total is a subquery counted once,
    without the joins that load what the rows show: counted over the joined rows (COUNT(*)
    OVER ()), a queue of 3,000 proposals took 40 % of the workbench."""
    total = select(func.count()).select_from(statement.order_by(None).subquery())
    # execute, not exec: SQLModel would give only the first column of a one-entity Select.
    result = db.session.execute(
        statement.add_columns(total.scalar_subquery().label("queue_total")).limit(limit)
    ).all()
    if not result:
        return Queue()
    rows = [row[0] if len(row) == 2 else tuple(row[:-1]) for row in result]
    return Queue(rows=rows, total=result[0][-1])


def waiting(statement, condition, *, load=(), oldest=()) -> Queue:
    """The rows of `statement` that meet `condition`, with what they show (`load`) joined, oldest
    first (`oldest` are the columns to order by)."""
    return first(statement.where(condition).options(*load).order_by(*oldest))


# ---- an organisation's applicant --------------------------------------------------------------


@dataclass
class Draft:
    proposal: Proposal
    problems: list[Any]


def drafts(user: User, now: datetime) -> Queue:
    """The organisation's drafts whose challenge is still open, nearest deadline first, each
    with what it still lacks (the checklist of the draft's page)."""
    queue = first(
        visible_proposals(user)
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .where(
            Proposal.lead_org_id == user.organisation_id,
            Proposal.status.in_(EDITABLE),
            Challenge.deadline > now,
        )
        .options(*LOADED_WITH_PROPOSAL)
        .order_by(Challenge.deadline, Proposal.id)
    )
    queue.rows = [Draft(p, completeness_problems(p, now)) for p in queue.rows]
    return queue


def invitations_waiting(user: User) -> Queue:
    """Consortium invitations to the user's organisation that nobody has answered yet."""
    proposal = joinedload(ConsortiumMember.proposal)
    return waiting(
        invitations_to(user),
        ConsortiumMember.consent == proposing.ConsentStatus.invited,
        load=[proposal.joinedload(Proposal.challenge), proposal.joinedload(Proposal.lead_org)],
        oldest=[ConsortiumMember.invited_at, ConsortiumMember.id],
    )


def pledges_to_sign(user: User, now: datetime) -> Queue:
    """Open drafts that name the user as team leader and hold no standing signature of theirs
    (never signed, or void: any change to what was signed voids it)."""
    signed = exists().where(
        PledgeSignature.proposal_id == Proposal.id,
        PledgeSignature.signer_id == user.id,
        PledgeSignature.status == proposing.SignatureStatus.signed,
    )
    return first(
        led_by(user)
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .where(Proposal.status.in_(EDITABLE), Challenge.deadline > now, ~signed)
        .options(*_PROPOSAL_AROUND)
        .order_by(Challenge.deadline, Proposal.id)
    )


def milestones_due(user: User, now: datetime) -> Queue:
    """Milestones of the running projects the user sees that wait for a report, overdue or due
    within a month, earliest first."""
    last_day = clock.local_date(now) + timedelta(days=DUE_WITHIN_DAYS)
    return first(
        select(Milestone)
        .join(Award, Award.id == Milestone.award_id)
        .where(
            Award.id.in_(visible_awards(user).with_only_columns(Award.id)),
            Award.status == awarding.AwardStatus.active,
            Milestone.status.in_(TO_REPORT),
            Milestone.due_date <= last_day,
        )
        .options(joinedload(Milestone.award).joinedload(Award.proposal))
        .order_by(Milestone.due_date, Milestone.id)
    )


def latest_notices(user: User) -> Queue:
    """The award notices in force for the organisation's projects, newest first."""
    return first(
        visible_notices(user)
        .where(Notice.status == NoticeStatus.valid)
        .options(joinedload(Notice.award).joinedload(Award.proposal))
        .order_by(Notice.issued_at.desc(), Notice.id.desc()),
        limit=3,
    )


# ---- an expert ---------------------------------------------------------------------------------


def reviews_due(user: User) -> Queue:
    """The expert's assignments that stand and wait for a submitted review, oldest first."""
    return waiting(
        visible_assignments(user),
        Assignment.status == AssignmentStatus.assigned,
        load=[joinedload(Assignment.proposal).joinedload(Proposal.challenge)],
        oldest=[Assignment.assigned_at, Assignment.id],
    )


# ---- staff ---------------------------------------------------------------------------------------


def questions(user: User) -> Queue:
    """Questions to answer, oldest first, as (challenge, question) rows."""
    return first(unanswered_queue(user))


def formal_checks(user: User) -> Queue:
    """Proposals handed in that wait for their formal check, oldest first."""
    return waiting(
        visible_proposals(user),
        Proposal.status == proposing.ProposalStatus.submitted,
        load=_SHORT_PROPOSAL,
        oldest=[Proposal.submitted_at, Proposal.id],
    )


def decisions_waiting(user: User, now: datetime) -> Queue:
    """Challenges past their deadline with no funding decision proposed or in effect."""
    decided = exists().where(
        Decision.challenge_id == Challenge.id,
        Decision.status.in_([DecisionStatus.proposed, DecisionStatus.effective]),
    )
    return first(
        desk_challenges(user, now).where(
            ~decided, Challenge.status.not_in([ChallengeStatus.decided, ChallengeStatus.cancelled])
        )
    )


def approvals_waiting(user: User, now: datetime) -> Queue:
    """Awards whose publicity period is over and that wait for confirmation."""
    return waiting(
        visible_awards(user),
        (Award.status == awarding.AwardStatus.in_publicity) & (Award.publicity_ends_at <= now),
        load=[joinedload(Award.proposal).joinedload(Proposal.lead_org)],
        oldest=[Award.publicity_ends_at, Award.id],
    )


def objections_open(user: User) -> Queue:
    return waiting(
        visible_objections(user),
        Objection.status == awarding.ObjectionStatus.open,
        load=[joinedload(Objection.award).joinedload(Award.proposal)],
        oldest=[Objection.lodged_at, Objection.id],
    )


def reports_waiting(user: User) -> Queue:
    """Milestone reports waiting for the officer's decision, oldest first."""
    milestone = joinedload(MilestoneReport.milestone)
    return waiting(
        visible_reports(user),
        MilestoneReport.decision == awarding.ReportDecision.pending,
        load=[milestone.joinedload(Milestone.award).joinedload(Award.proposal)],
        oldest=[MilestoneReport.submitted_at, MilestoneReport.id],
    )


def organisations_waiting(user: User) -> Queue:
    """Organisations that wait for staff to check them against their licence."""
    return first(organisations_for(user, status=OrgStatus.unverified.value))


# ---- the whole page ----------------------------------------------------------------------------


def workbench(user: User, now: datetime | None = None) -> dict[str, Any]:
    """Every queue of the user's workbench, by name (those of other roles are absent)."""
    now = now or clock.now()
    if user.is_staff:
        return {
            "questions": questions(user),
            "formal_checks": formal_checks(user),
            "decisions": decisions_waiting(user, now),
            "approvals": approvals_waiting(user, now),
            "objections": objections_open(user),
            "reports": reports_waiting(user),
            "organisations": organisations_waiting(user),
        }
    if user.role is Role.expert:
        return {"reviews": reviews_due(user)}
    if user.role is Role.applicant and user.organisation_id:
        return {
            "drafts": drafts(user, now),
            "invitations": invitations_waiting(user),
            "pledges": pledges_to_sign(user, now),
            "milestones": milestones_due(user, now),
            "notices": latest_notices(user),
        }
    if user.role is Role.applicant:
        return {"pledges": pledges_to_sign(user, now)}
    return {}
