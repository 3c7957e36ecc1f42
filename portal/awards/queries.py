"""Reads shared by the award pages and services, built on permissions.visible_<things>: each
loads its relations in bulk, never a query per row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import func, select

from portal import clock
from portal.accounts.models import Organisation, User
from portal.awards.models import (
    Award,
    Decision,
    Disbursement,
    GateDecision,
    Milestone,
    MilestoneReport,
    Objection,
    StageGate,
)
from portal.awards.permissions import awards_in_publicity, visible_awards, visible_objections
from portal.challenges.models import Chain, ChainLink, Challenge
from portal.db import db, money
from portal.proposals.models import Proposal
from portal.vocabulary import (
    AwardStatus,
    MilestoneStatus,
    ObjectionStatus,
    ProposalStatus,
    ReportDecision,
    Role,
)

PROJECT_STATUSES = [s for s in AwardStatus if s.is_project]
OPEN_MILESTONE = [MilestoneStatus.planned, MilestoneStatus.reported, MilestoneStatus.returned]
FOCUS_LIMIT = 20  # milestones listed in each of the dashboard's focus tables


def local_today(now: datetime | None = None) -> date:
    """Today's date where the programme runs (due dates and notices are local dates)."""
    zone = current_app.config["TIME_ZONE"] if has_app_context() else "Asia/Shanghai"
    return (now or clock.now()).astimezone(ZoneInfo(zone)).date()


def award_rows() -> tuple[Any, ...]:
    """Options that load what a row of awards shows: project, lead organisation, challenge,
    each an award has one of, in the same statement (a statement each cost more than the rows)."""
    return (
        joinedload(Award.proposal).joinedload(Proposal.lead_org),
        joinedload(Award.challenge).joinedload(Challenge.chain_link).joinedload(ChainLink.chain),
    )


def project_page() -> tuple[Any, ...]:
    """Options that load everything the project page shows."""
    reports = selectinload(Award.milestones).selectinload(Milestone.reports)
    return (
        *award_rows(),
        reports.selectinload(MilestoneReport.evidence),
        reports.selectinload(MilestoneReport.submitted_by),
        selectinload(Award.indicators),
        selectinload(Award.disbursements).selectinload(Disbursement.milestone),
        selectinload(Award.objections),
    )


def with_indicators() -> tuple[Any, ...]:
    """Options for the pages that list the award's indicators (report, acceptance)."""
    return (selectinload(Award.proposal), selectinload(Award.indicators))


def in_publicity(challenge_id: int | None = None):
    statement = (
        awards_in_publicity().options(*award_rows()).order_by(Award.publicity_ends_at, Award.id)
    )
    if challenge_id is not None:
        statement = statement.where(Award.challenge_id == challenge_id)
    return statement


def award_of(proposal: Proposal) -> Award | None:
    """The proposal's award in force (not revoked): at most one, as the database holds."""
    return db.session.exec(
        select(Award).where(Award.proposal_id == proposal.id, Award.status != AwardStatus.revoked)
    ).first()


def disbursed_by_award(award_ids: list[int]) -> dict[int, Decimal]:
    if not award_ids:
        return {}
    rows = db.all(
        select(Disbursement.award_id, func.sum(Disbursement.amount))
        .where(Disbursement.award_id.in_(award_ids))
        .group_by(Disbursement.award_id)
    )
    return {award_id: money(total) for award_id, total in rows}


def disbursed_total(award_id: int) -> Decimal:
    total = db.session.exec(
        select(func.coalesce(func.sum(Disbursement.amount), 0)).where(
            Disbursement.award_id == award_id
        )
    ).one()
    return money(total)


def projects(user: User, *, chain_id: int | None = None, status: AwardStatus | None = None):
    """The projects (confirmed awards) a user may see, newest first."""
    statement = (
        visible_awards(user)
        .where(Award.status.in_(PROJECT_STATUSES))
        .options(*award_rows(), selectinload(Award.milestones))
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
        .options(*award_rows(), selectinload(Award.milestones))
        .order_by(Award.created_at.desc(), Award.id.desc())
    )


def chains() -> list[Chain]:
    """The industrial chains, for the dashboard's filter."""
    return db.all(select(Chain).order_by(Chain.name))


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


def _milestones_of_running_projects(user: User):
    """The open milestones of the running projects `user` sees, earliest due first, as rows of
    what the dashboard shows (plain columns: no award, proposal or organisation is loaded)."""
    return (
        select(
            Milestone.award_id,
            Milestone.due_date,
            Milestone.title,
            Milestone.tranche,
            Milestone.status,
            Proposal.title.label("project"),
            Organisation.name.label("lead"),
        )
        .join(Award, Award.id == Milestone.award_id)
        .join(Proposal, Proposal.id == Award.proposal_id)
        .join(Organisation, Organisation.id == Proposal.lead_org_id)
        .where(
            Award.id.in_(visible_awards(user).with_only_columns(Award.id)),
            Award.status == AwardStatus.active,
            Milestone.status.in_(OPEN_MILESTONE),
        )
        .order_by(Milestone.due_date, Milestone.id)
    )


def due_soon(user: User, today: date, days: int = 30):
    return _milestones_of_running_projects(user).where(
        Milestone.due_date >= today, Milestone.due_date <= today + timedelta(days=days)
    )


def overdue(user: User, today: date):
    return _milestones_of_running_projects(user).where(Milestone.due_date < today)


def first_rows(statement, limit: int = FOCUS_LIMIT) -> list[Any]:
    return db.all(statement.limit(limit))


def objections(user: User):
    """The objections `user` may see: open ones first, then the newest."""
    return (
        visible_objections(user)
        .options(
            selectinload(Objection.award).selectinload(Award.proposal),
            selectinload(Objection.objector),
        )
        .order_by((Objection.status == ObjectionStatus.open).desc(), Objection.lodged_at.desc())
    )


def objections_of(user: User):
    """The objections `user` lodged, newest first."""
    return (
        visible_objections(user)
        .where(Objection.objector_id == user.id)
        .options(selectinload(Objection.award).selectinload(Award.proposal))
        .order_by(Objection.lodged_at.desc())
    )


def reserve_candidates(challenge_id: int) -> list[Proposal]:
    """The challenge's reserve proposals, one of which may replace a revoked award."""
    return db.all(
        select(Proposal)
        .where(Proposal.challenge_id == challenge_id, Proposal.status == ProposalStatus.reserve)
        .options(selectinload(Proposal.lead_org))
        .order_by(Proposal.id)
    )


def lead_users(award: Award) -> list[User]:
    """The applicants who speak for the award's lead organisation (told of every change)."""
    return db.all(
        select(User).where(
            User.organisation_id == award.proposal.lead_org_id, User.role == Role.applicant
        )
    )


def active_staff() -> list[User]:
    return db.all(select(User).where(User.role.in_([Role.officer, Role.admin]), User.active))


def running_teams(challenge: Challenge) -> list[Award]:
    """The teams of a horse race still running, with their lead organisations."""
    return db.all(
        select(Award)
        .where(Award.challenge_id == challenge.id, Award.status == AwardStatus.active)
        .options(selectinload(Award.proposal).selectinload(Proposal.lead_org))
        .order_by(Award.id)
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
    awards = db.all(
        select(Award)
        .where(Award.challenge_id == challenge.id, Award.status.in_(PROJECT_STATUSES))
        .options(*award_rows(), selectinload(Award.milestones))
        .order_by(Award.id)
    )
    paid = disbursed_by_award([a.id for a in awards])
    teams = [
        Team(
            award=a,
            met=a.milestones_met,
            planned=a.milestones_planned,
            released=paid.get(a.id, Decimal("0.00")),
        )
        for a in awards
    ]
    gates = db.all(
        select(StageGate)
        .where(StageGate.challenge_id == challenge.id)
        .options(
            selectinload(StageGate.decisions)
            .selectinload(GateDecision.award)
            .selectinload(Award.proposal)
        )
        .order_by(StageGate.decided_at, StageGate.id)
    )
    return Race(teams=teams, gates=list(gates))


def next_milestone(award: Award) -> Milestone | None:
    return next((m for m in award.milestones if m.is_open), None)


def next_report_number(milestone: Milestone) -> int:
    latest = db.session.exec(
        select(func.max(MilestoneReport.number)).where(MilestoneReport.milestone_id == milestone.id)
    ).one()
    return (latest or 0) + 1


def pending_reports(award: Award) -> list[MilestoneReport]:
    """The award's reports still awaiting a decision, as the database holds them now."""
    return db.all(
        select(MilestoneReport)
        .join(Milestone, Milestone.id == MilestoneReport.milestone_id)
        .where(
            Milestone.award_id == award.id,
            MilestoneReport.decision == ReportDecision.pending,
        )
    )


def decisions_of(challenge: Challenge) -> list[Decision]:
    """Every decision of the challenge, the latest first, with the people who made them."""
    return db.all(
        select(Decision)
        .where(Decision.challenge_id == challenge.id)
        .options(
            selectinload(Decision.proposed_by),
            selectinload(Decision.approved_by),
            selectinload(Decision.returned_by),
            selectinload(Decision.reopened_by),
        )
        .order_by(Decision.round.desc())
    )
