"""Reads shared by the award pages: each loads its relations in bulk, never a query per row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import selectinload
from sqlmodel import and_, exists, false, func, or_, select

from portal.accounts.models import Role, User
from portal.awards.models import (
    Award,
    AwardStatus,
    Disbursement,
    GateDecision,
    Milestone,
    MilestoneReport,
    MilestoneStatus,
    Objection,
    ObjectionStatus,
    StageGate,
)
from portal.challenges.models import ChainLink, Challenge, ChallengeStatus
from portal.db import db, money
from portal.proposals.models import ConsentStatus, ConsortiumMember, Proposal

PROJECT_STATUSES = [s for s in AwardStatus if s.is_project]
OPEN_MILESTONE = [MilestoneStatus.planned, MilestoneStatus.reported, MilestoneStatus.returned]


def _award_rows():
    """Options that load what a row of awards shows: project, lead organisation, challenge."""
    return (
        selectinload(Award.proposal).selectinload(Proposal.lead_org),
        selectinload(Award.challenge)
        .selectinload(Challenge.chain_link)
        .selectinload(ChainLink.chain),
    )


def in_publicity(challenge_id: int | None = None):
    statement = (
        select(Award)
        .where(Award.status == AwardStatus.in_publicity)
        .options(*_award_rows())
        .order_by(Award.publicity_ends_at, Award.id)
    )
    if challenge_id is not None:
        statement = statement.where(Award.challenge_id == challenge_id)
    return statement


def public_challenge(number: str) -> Challenge | None:
    """A challenge anyone may see (not a draft)."""
    return db.session.exec(
        select(Challenge).where(
            Challenge.number == number, Challenge.status != ChallengeStatus.draft
        )
    ).first()


def _user_org_condition(user: User):
    """Awards of proposals in which the user's organisation takes part (lead, or member that
    accepted the lead's invitation)."""
    if user.role is not Role.applicant or user.organisation_id is None:
        return false()
    member = exists().where(
        ConsortiumMember.proposal_id == Proposal.id,
        ConsortiumMember.organisation_id == user.organisation_id,
        ConsortiumMember.consent == ConsentStatus.accepted,
    )
    return Award.proposal_id.in_(
        select(Proposal.id).where(or_(Proposal.lead_org_id == user.organisation_id, member))
    )


def visible_awards(user: User):
    """Every award this user may open: staff see all; applicants their organisation's."""
    statement = select(Award)
    if user.is_staff:
        return statement
    return statement.where(_user_org_condition(user))


def award_for(user: User, award_id: int) -> Award | None:
    return db.session.exec(
        visible_awards(user)
        .where(Award.id == award_id)
        .options(
            *_award_rows(),
            selectinload(Award.milestones)
            .selectinload(Milestone.reports)
            .selectinload(MilestoneReport.evidence),
            selectinload(Award.milestones)
            .selectinload(Milestone.reports)
            .selectinload(MilestoneReport.submitted_by),
            selectinload(Award.indicators),
            selectinload(Award.disbursements).selectinload(Disbursement.milestone),
            selectinload(Award.objections),
        )
    ).first()


def disbursed_by_award(award_ids: list[int]) -> dict[int, Decimal]:
    if not award_ids:
        return {}
    rows = db.session.exec(
        select(Disbursement.award_id, func.sum(Disbursement.amount))
        .where(Disbursement.award_id.in_(award_ids))
        .group_by(Disbursement.award_id)
    ).all()
    return {award_id: money(total) for award_id, total in rows}


def projects(user: User, *, chain_id: int | None = None, status: AwardStatus | None = None):
    """The projects (confirmed awards) a user may see, newest first."""
    statement = (
        visible_awards(user)
        .where(Award.status.in_(PROJECT_STATUSES))
        .options(*_award_rows(), selectinload(Award.milestones))
        .order_by(Award.confirmed_at.desc(), Award.id.desc())
    )
    if chain_id is not None:
        statement = statement.where(
            Award.challenge_id.in_(
                select(Challenge.id)
                .join(ChainLink, ChainLink.id == Challenge.chain_link_id)
                .where(ChainLink.chain_id == chain_id)
            )
        )
    if status is not None:
        statement = statement.where(Award.status == status)
    return statement


def applicant_awards(user: User):
    """An applicant's organisation's awards, in publicity or running, newest first."""
    return (
        visible_awards(user)
        .where(Award.status != AwardStatus.revoked)
        .options(*_award_rows(), selectinload(Award.milestones))
        .order_by(Award.created_at.desc(), Award.id.desc())
    )


@dataclass(frozen=True)
class Totals:
    committed: Decimal
    disbursed: Decimal


def totals(statement) -> Totals:
    """Committed (awarded) and disbursed money over the projects `statement` selects."""
    ids = statement.order_by(None).with_only_columns(Award.id).subquery()
    committed = db.session.exec(
        select(func.coalesce(func.sum(Award.amount), 0)).where(Award.id.in_(select(ids.c.id)))
    ).one()
    disbursed = db.session.exec(
        select(func.coalesce(func.sum(Disbursement.amount), 0)).where(
            Disbursement.award_id.in_(select(ids.c.id))
        )
    ).one()
    return Totals(money(committed), money(disbursed))


def _milestones_of_running_projects():
    return (
        select(Milestone)
        .join(Award, Award.id == Milestone.award_id)
        .where(Award.status == AwardStatus.active, Milestone.status.in_(OPEN_MILESTONE))
        .options(
            selectinload(Milestone.award)
            .selectinload(Award.proposal)
            .selectinload(Proposal.lead_org)
        )
        .order_by(Milestone.due_date, Milestone.id)
    )


def due_soon(today: date, days: int = 30):
    return _milestones_of_running_projects().where(
        Milestone.due_date >= today, Milestone.due_date <= today + timedelta(days=days)
    )


def overdue(today: date):
    return _milestones_of_running_projects().where(Milestone.due_date < today)


def open_objections():
    return (
        select(Objection)
        .options(
            selectinload(Objection.award).selectinload(Award.proposal),
            selectinload(Objection.objector),
        )
        .order_by((Objection.status == ObjectionStatus.open).desc(), Objection.lodged_at.desc())
    )


def objections_of(user: User):
    return (
        select(Objection)
        .where(Objection.objector_id == user.id)
        .options(selectinload(Objection.award).selectinload(Award.proposal))
        .order_by(Objection.lodged_at.desc())
    )


@dataclass(frozen=True)
class Team:
    award: Award
    met: int
    planned: int
    released: Decimal


@dataclass(frozen=True)
class Race:
    teams: list[Team]
    gates: list[StageGate]


def race(challenge: Challenge) -> Race:
    """The teams of a horse race, what each has met and been paid, and the stage gates."""
    awards = db.session.exec(
        select(Award)
        .where(Award.challenge_id == challenge.id, Award.status.in_(PROJECT_STATUSES))
        .options(*_award_rows(), selectinload(Award.milestones))
        .order_by(Award.id)
    ).all()
    paid = disbursed_by_award([a.id for a in awards])
    teams = [
        Team(
            award=a,
            met=sum(1 for m in a.milestones if m.status is MilestoneStatus.accepted),
            planned=sum(1 for m in a.milestones if m.status is not MilestoneStatus.cancelled),
            released=paid.get(a.id, Decimal("0.00")),
        )
        for a in awards
    ]
    gates = db.session.exec(
        select(StageGate)
        .where(StageGate.challenge_id == challenge.id)
        .options(
            selectinload(StageGate.decisions)
            .selectinload(GateDecision.award)
            .selectinload(Award.proposal)
        )
        .order_by(StageGate.decided_at, StageGate.id)
    ).all()
    return Race(teams=teams, gates=list(gates))


def next_milestone(award: Award) -> Milestone | None:
    return next((m for m in award.milestones if m.is_open), None)


def has_open_objection(award_id: int) -> bool:
    return (
        db.session.exec(
            select(func.count()).where(
                and_(Objection.award_id == award_id, Objection.status == ObjectionStatus.open)
            )
        ).one()
        > 0
    )
