"""The KPIs of a chain, computed in SQL aggregates from the portal's own records.

`chain_figures(chain, quarters)` answers every quarter asked for, and every link of the chain, in
a fixed number of statements (nine), however many links and quarters there are: the quarters are
a small table (`_moments`) joined to the records, and each statement groups by quarter and link.
A quarter's figures are the records as they stood at its end (`Quarter.as_at`), read from their
own time stamps: a challenge counts as published from `published_at`, an award as funded from
`confirmed_at`, a tranche as disbursed from `paid_on`, and so on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import func, select
from sqlmodel.sql.expression import Select

from portal.accounts.models import Organisation
from portal.awards.models import (
    Award,
    AwardIndicator,
    Decision,
    Disbursement,
    GateDecision,
    Milestone,
    StageGate,
)
from portal.chains.figures import Assessed, Figures
from portal.chains.models import LinkAssessment
from portal.chains.periods import Quarter, zone
from portal.challenges.models import ChainLink, Challenge
from portal.db import MONEY, UTCDateTime, db
from portal.proposals.models import ConsortiumMember, Proposal
from portal.vocabulary import (
    AwardStatus,
    ChallengeStatus,
    Comparison,
    ConsentStatus,
    DecisionStatus,
    FundingMode,
    GateOutcome,
    MilestoneStatus,
    OrgType,
    ProposalStatus,
)

CLOSED_BADLY = (AwardStatus.terminated, AwardStatus.eliminated, AwardStatus.revoked)
NOT_HANDED_IN = (ProposalStatus.draft, ProposalStatus.withdrawn)
FUSION_TYPES = (OrgType.enterprise, OrgType.university, OrgType.institute)


class local_day(FunctionElement):
    """The calendar day of a stored UTC moment in the portal's time zone. PostgreSQL converts
    each moment with the zone's rules; SQLite, which knows no zones, adds the zone's offset of
    today (exact for zones without summer time, such as Asia/Shanghai)."""

    type = sa.Date()
    inherit_cache = True


@compiles(local_day, "postgresql")
def _local_day_postgresql(element, compiler, **kw):
    (column,) = element.clauses
    name = current_app.config["TIME_ZONE"].replace("'", "")
    return (
        f"CAST(({compiler.process(column, **kw)} AT TIME ZONE 'UTC') AT TIME ZONE '{name}' AS DATE)"
    )


@compiles(local_day)
def _local_day_sqlite(element, compiler, **kw):
    (column,) = element.clauses
    offset = datetime.now(zone()).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return f"date({compiler.process(column, **kw)}, '{minutes:+d} minutes')"


def _count(condition) -> sa.ColumnElement:
    return func.coalesce(func.sum(sa.case((condition, 1), else_=0)), 0)


def _total(condition, amount) -> sa.ColumnElement:
    return func.coalesce(func.sum(sa.case((condition, amount), else_=0)), 0)


def _sums(**columns) -> list[sa.ColumnElement]:
    """The sum of each column, labelled with its keyword."""
    return [func.sum(column).label(name) for name, column in columns.items()]


def _moments(count: int) -> sa.Subquery:
    """One row per quarter: its index, its text ("2026Q1"), the moment and the day it is taken,
    as parameters (`_moment_values` gives them) of a statement built once for `count` quarters."""
    rows = [
        select(
            sa.literal(i, sa.Integer).label("p"),
            sa.bindparam(f"quarter_{i}", type_=sa.String(6)).label("quarter"),
            sa.bindparam(f"at_{i}", type_=UTCDateTime()).label("at"),
            sa.bindparam(f"day_{i}", type_=sa.Date()).label("day"),
        )
        for i in range(count)
    ]
    return (sa.union_all(*rows) if len(rows) > 1 else rows[0]).subquery("moments")


def _moment_values(quarters: list[Quarter]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for i, quarter in enumerate(quarters):
        as_at = quarter.as_at()
        values |= {f"quarter_{i}": str(quarter), f"at_{i}": as_at.moment, f"day_{i}": as_at.day}
    return values


CHAIN_ID = sa.bindparam("chain_id", type_=sa.Integer)
_built: dict[tuple[Callable, int, str], Select] = {}


def _statement(family: Callable, quarters: int, *, per_link: bool = True) -> Select:
    """The statement of `family` for that many quarters (with `per_link`, kept to the chain's
    links), built once per process: building these expressions took a third of the chain
    pages' time, and only their parameters change (the quarters, the chain). The programme's
    region is written into the consortia's statement, so it is part of the key."""
    key = (family, quarters, current_app.config["PROGRAMME_REGION"])
    statement = _built.get(key)
    if statement is None:
        statement = family(_moments(quarters), CHAIN_ID)
        if per_link:
            statement = statement.where(ChainLink.chain_id == CHAIN_ID)
        _built[key] = statement
    return statement


@dataclass
class ChainFigures:
    """One quarter of a chain: each link's figures, and the chain's (their sum)."""

    quarter: Quarter
    links: dict[int, Figures] = field(default_factory=lambda: defaultdict(Figures))
    chain: Figures = field(default_factory=Figures)


def chain_figures(
    chain_id: int, link_ids: list[int], quarters: list[Quarter], *, public: bool = False
) -> list[ChainFigures]:
    """The figures of every link of the chain for each of `quarters` (in their order); with
    `public`, only what the public summary shows (challenges, funding, assessments)."""
    params = {"chain_id": chain_id, **_moment_values(quarters)}
    result = [ChainFigures(q) for q in quarters]
    for family in PUBLIC_FAMILIES if public else FAMILIES:
        for row in db.rows(_statement(family, len(quarters)), params).mappings():
            figures = result[row["p"]].links[row["link_id"]]
            for name, value in row.items():
                if name not in ("p", "link_id"):
                    money = isinstance(getattr(figures, name), Decimal)
                    setattr(figures, name, Decimal(value or 0) if money else int(value or 0))
    assessed = _assessments(len(quarters), params)
    level = current_app.config["CHOKEPOINT_LEVEL"]
    for i, figures in enumerate(result):
        for link_id in link_ids:
            link = figures.links[link_id]
            link.take_assessment(assessed.get((i, link_id)), level)
            figures.chain.add(link)
    return result


# ---- one statement per family of records ------------------------------------------------------


def _money(expression) -> sa.ColumnElement:
    """A sum of money, read back as Decimal with two places on every database."""
    return sa.type_coerce(expression, MONEY)


def _challenges(m, chain_id: sa.BindParameter):
    at = m.c.at
    published = sa.and_(Challenge.published_at.is_not(None), Challenge.published_at < at)
    live = sa.and_(
        published, sa.or_(Challenge.cancelled_at.is_(None), Challenge.cancelled_at >= at)
    )
    decided_at = func.coalesce(
        select(func.max(Decision.decided_at))
        .where(Decision.challenge_id == Challenge.id, Decision.status == DecisionStatus.effective)
        .scalar_subquery(),
        select(func.min(Award.publicity_starts_at))
        .where(Award.challenge_id == Challenge.id)
        .scalar_subquery(),
        Challenge.updated_at,
    )
    statement = select(
        m.c.p,
        Challenge.chain_link_id.label("link_id"),
        _count(published).label("published"),
        _count(sa.and_(live, Challenge.deadline > at)).label("open"),
        _count(sa.and_(Challenge.status == ChallengeStatus.decided, decided_at < at)).label(
            "decided"
        ),
        _count(sa.and_(live, Challenge.deadline <= at)).label("closed"),
        _money(_total(live, func.coalesce(Challenge.funding_cap, 0))).label("capped"),
        _count(sa.and_(live, Challenge.funding_mode == FundingMode.horse_race)).label("races"),
    )
    return (
        statement.select_from(m)
        .join(Challenge, sa.true())
        .join(ChainLink, ChainLink.id == Challenge.chain_link_id)
        .group_by(m.c.p, Challenge.chain_link_id)
    )


def _competition(m, chain_id: sa.BindParameter):
    """Proposals handed in to the challenges whose deadline has passed."""
    statement = (
        select(m.c.p, Challenge.chain_link_id.label("link_id"), func.count().label("proposals"))
        .select_from(m)
        .join(Proposal, sa.true())
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .join(ChainLink, ChainLink.id == Challenge.chain_link_id)
        .where(
            Proposal.status.not_in(NOT_HANDED_IN),
            Proposal.submitted_at < m.c.at,
            Challenge.deadline <= m.c.at,
            sa.or_(Challenge.cancelled_at.is_(None), Challenge.cancelled_at >= m.c.at),
        )
    )
    return statement.group_by(m.c.p, Challenge.chain_link_id)


def _funded_awards(m, *columns):
    """Awards confirmed (projects) by the quarter's moment, on the chain's links."""
    return (
        select(m.c.p, Challenge.chain_link_id.label("link_id"), *columns)
        .select_from(m)
        .join(Award, Award.confirmed_at < m.c.at)
        .join(Challenge, Challenge.id == Award.challenge_id)
        .join(ChainLink, ChainLink.id == Challenge.chain_link_id)
    )


def _per_link(m, first: Select, one, measures: Callable[[Any], list[sa.ColumnElement]]):
    """Figures per quarter and link, from a first grouping per quarter, link and `one` (a
    challenge, a project): `measures(c)` sums the first grouping's columns `c`."""
    grouped = first.group_by(m.c.p, Challenge.chain_link_id, one).subquery()
    c = grouped.c
    return (
        select(c.p, c.link_id, *measures(c))
        .select_from(grouped)
        .join(ChainLink, ChainLink.id == c.link_id)
        .group_by(c.p, c.link_id)
    )


def _funded(m, chain_id: sa.BindParameter):
    """Money awarded and co-funding, projects, and which challenges run or are completed."""
    at = m.c.at
    closed = sa.and_(Award.closed_at.is_not(None), Award.closed_at < at)
    running = sa.not_(closed)
    completed = sa.and_(closed, Award.status == AwardStatus.completed)
    attacking = sa.or_(running, completed)
    per_challenge = _funded_awards(
        m,
        Challenge.id.label("challenge_id"),
        func.sum(Award.amount).label("awarded"),
        func.sum(func.coalesce(Proposal.self_funds, 0)).label("self_funds"),
        func.max(func.coalesce(Challenge.cofunding, 0)).label("owner_funds"),
        func.count().label("teams"),
        func.max(sa.case((Challenge.funding_mode == FundingMode.horse_race, 1), else_=0)).label(
            "race"
        ),
        func.max(sa.case((running, 1), else_=0)).label("running"),
        func.max(sa.case((completed, 1), else_=0)).label("completed"),
        _count(attacking).label("attacking"),
    ).join(Proposal, Proposal.id == Award.proposal_id)
    return _per_link(
        m,
        per_challenge,
        Challenge.id,
        lambda c: [
            _money(func.sum(c.awarded)).label("awarded"),
            _money(func.sum(c.self_funds + c.owner_funds)).label("cofunding"),
            func.sum(c.teams).label("projects"),
            func.sum(sa.case((c.race == 1, c.teams), else_=0)).label("race_teams"),
            func.sum(c.running).label("running"),
            _count(sa.and_(c.completed == 1, c.running == 0)).label("completed"),
            func.sum(c.attacking).label("attacking"),
        ],
    )


def _disbursed(m, chain_id: sa.BindParameter):
    statement = (
        select(
            m.c.p,
            Challenge.chain_link_id.label("link_id"),
            _money(func.sum(Disbursement.amount)).label("disbursed"),
        )
        .select_from(m)
        .join(Disbursement, Disbursement.paid_on < m.c.day)
        .join(Award, Award.id == Disbursement.award_id)
        .join(Challenge, Challenge.id == Award.challenge_id)
        .join(ChainLink, ChainLink.id == Challenge.chain_link_id)
    )
    return statement.group_by(m.c.p, Challenge.chain_link_id)


def _consortia(m, chain_id: sa.BindParameter):
    """The members of funded consortia (lead included; members that accepted), by type and
    region, and the consortia that mix at least two of enterprise, university and institute.
    A consortium's make-up does not depend on the quarter: it is counted once per project, in a
    subquery the database computes first, and only the projects are then joined to the quarters
    (joining the quarters to every member of every consortium made this the slowest statement).
    """
    region = current_app.config["PROGRAMME_REGION"].strip()
    local = Organisation.region.startswith(region, autoescape=True) if region else sa.false()
    fusion_type = sa.case((Organisation.type.in_(FUSION_TYPES), Organisation.type), else_=None)
    per_consortium = (
        select(
            Challenge.chain_link_id.label("link_id"),
            Award.confirmed_at,
            func.count().label("members"),
            _count(Organisation.type == OrgType.enterprise).label("enterprise"),
            _count(Organisation.type == OrgType.university).label("university"),
            _count(Organisation.type == OrgType.institute).label("institute"),
            _count(local).label("local_members"),
            func.count(sa.distinct(fusion_type)).label("kinds"),
        )
        .select_from(ChainLink)
        .join(Challenge, Challenge.chain_link_id == ChainLink.id)
        .join(Award, Award.challenge_id == Challenge.id)
        .join(ConsortiumMember, ConsortiumMember.proposal_id == Award.proposal_id)
        .join(Organisation, Organisation.id == ConsortiumMember.organisation_id)
        .where(
            ChainLink.chain_id == chain_id,
            Award.confirmed_at.is_not(None),
            ConsortiumMember.consent == ConsentStatus.accepted,
        )
        .group_by(Award.id, Challenge.chain_link_id, Award.confirmed_at)
        .subquery()
    )
    c = per_consortium.c
    return (
        select(
            m.c.p,
            c.link_id,
            func.count().label("consortia"),
            *_sums(
                members=c.members,
                enterprise=c.enterprise,
                university=c.university,
                institute=c.institute,
                local_members=c.local_members,
            ),
            _count(c.kinds >= 2).label("mixed"),
        )
        .select_from(m)
        .join(per_consortium, c.confirmed_at < m.c.at)
        .join(ChainLink, ChainLink.id == c.link_id)
        .group_by(m.c.p, c.link_id)
    )


def _milestones(m, chain_id: sa.BindParameter):
    """Milestones due by the quarter's day, those accepted on or before their due date, and the
    projects running then with a milestone past due and not accepted (behind schedule)."""
    at = m.c.at
    due = sa.and_(Milestone.status != MilestoneStatus.cancelled, Milestone.due_date < m.c.day)
    accepted = sa.and_(Milestone.accepted_at.is_not(None), Milestone.accepted_at < at)
    on_time = sa.and_(due, accepted, local_day(Milestone.accepted_at) <= Milestone.due_date)
    running = sa.or_(Award.closed_at.is_(None), Award.closed_at >= at)
    per_project = _funded_awards(
        m,
        _count(due).label("due"),
        _count(on_time).label("on_time"),
        func.max(sa.case((sa.and_(due, running, sa.not_(accepted)), 1), else_=0)).label("late"),
    ).join(Milestone, Milestone.award_id == Award.id)
    return _per_link(
        m,
        per_project,
        Award.id,
        lambda c: _sums(milestones_due=c.due, milestones_on_time=c.on_time, behind_schedule=c.late),
    )


def _attainment(m, chain_id: sa.BindParameter):
    """Indicators of completed projects: measured at acceptance, and met against what the team
    committed (not the raised target)."""
    achieved, committed = AwardIndicator.achieved, AwardIndicator.committed
    comparison = AwardIndicator.comparison
    met = sa.or_(
        sa.and_(comparison == Comparison.ge, achieved >= committed),
        sa.and_(comparison == Comparison.le, achieved <= committed),
        sa.and_(comparison == Comparison.eq, achieved == committed),
    )
    statement = (
        _funded_awards(
            m,
            func.count().label("indicators_measured"),
            _count(met).label("indicators_met"),
        )
        .join(AwardIndicator, AwardIndicator.award_id == Award.id)
        .where(
            Award.status == AwardStatus.completed,
            Award.closed_at < m.c.at,
            achieved.is_not(None),
        )
    )
    return statement.group_by(m.c.p, Challenge.chain_link_id)


def _eliminations(m, chain_id: sa.BindParameter):
    statement = (
        select(m.c.p, Challenge.chain_link_id.label("link_id"), func.count().label("eliminated"))
        .select_from(m)
        .join(StageGate, StageGate.decided_at < m.c.at)
        .join(GateDecision, GateDecision.gate_id == StageGate.id)
        .join(Challenge, Challenge.id == StageGate.challenge_id)
        .join(ChainLink, ChainLink.id == Challenge.chain_link_id)
        .where(GateDecision.outcome == GateOutcome.eliminated)
    )
    return statement.group_by(m.c.p, Challenge.chain_link_id)


PUBLIC_FAMILIES = (_challenges, _funded, _disbursed)
FAMILIES = (
    *PUBLIC_FAMILIES,
    _competition,
    _consortia,
    _milestones,
    _attainment,
    _eliminations,
)


def _current_assessments(m, chain_id: sa.BindParameter) -> Select:
    """Each link's current assessment for each quarter: that quarter's, or the latest before."""
    a = LinkAssessment
    ranked = (
        select(
            m.c.p,
            a.link_id,
            a.period,
            a.external_dependence,
            a.local_supporting_rate,
            a.local_firms,
            a.chokepoint_level,
            func.row_number()
            .over(partition_by=(m.c.p, a.link_id), order_by=a.period.desc())
            .label("rank"),
        )
        .select_from(m)
        .join(a, a.period <= m.c.quarter)
        .join(ChainLink, ChainLink.id == a.link_id)
        .where(ChainLink.chain_id == chain_id, a.superseded_at.is_(None))
        .subquery()
    )
    return select(ranked).where(ranked.c.rank == 1)


def _assessments(quarters: int, params: dict[str, Any]) -> dict[tuple[int, int], Assessed]:
    statement = _statement(_current_assessments, quarters, per_link=False)
    rows = db.rows(statement, params).mappings()
    return {
        (row["p"], row["link_id"]): Assessed(
            period=row["period"],
            external_dependence=Decimal(row["external_dependence"]),
            local_supporting_rate=Decimal(row["local_supporting_rate"]),
            local_firms=row["local_firms"],
            chokepoint_level=row["chokepoint_level"],
        )
        for row in rows
    }
