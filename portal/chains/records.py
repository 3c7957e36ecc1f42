"""The lists a chain's pages show: its links in map order, supply relations, challenges, funded
projects, the organisations active in a link and a link's assessments. Each is one statement
(with its relations loaded in bulk), whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, joinedload
from sqlmodel import func, select

from portal.accounts.models import Organisation, User
from portal.awards.models import Award, Disbursement, Milestone
from portal.chains.models import LinkAssessment, LinkRelation
from portal.chains.periods import AsAt
from portal.challenges.models import Chain, ChainLink, Challenge
from portal.challenges.permissions import visible_challenges
from portal.db import MONEY, db
from portal.proposals.models import ConsortiumMember, Proposal
from portal.vocabulary import ConsentStatus, MilestoneStatus, Stage

STAGES = tuple(Stage)


def links_in_order(chain: Chain) -> list[ChainLink]:
    """Upstream, midstream, downstream; by position within a stage."""
    return sorted(chain.links, key=lambda link: (STAGES.index(link.stage), link.position, link.id))


def relations(chain_id: int) -> list[LinkRelation]:
    return db.all(
        select(LinkRelation).where(LinkRelation.chain_id == chain_id).order_by(LinkRelation.id)
    )


def challenges_on(link_ids: list[int], *, staff: bool):
    """The challenges on these links, newest first: every one for the programme office, those
    ever published for everyone else. A Select, for paginate()."""
    statement = select(Challenge) if staff else visible_challenges(None)
    return (
        statement.where(Challenge.chain_link_id.in_(link_ids))
        .options(joinedload(Challenge.chain_link))
        .order_by(Challenge.published_at.desc(), Challenge.id.desc())
    )


@dataclass(frozen=True)
class Project:
    """A funded project's figures: what an evaluator may read (no proposal text)."""

    award: Award
    title: str
    lead: str
    disbursed: Decimal
    milestones_met: int
    milestones_planned: int


def projects_on(link_ids: list[int], *, behind_at: AsAt | None = None) -> list[Project]:
    """The projects (confirmed awards) of these links, newest first, with their figures; with
    `behind_at`, only those running then with a milestone past due and not accepted."""
    paid = sa.type_coerce(
        select(func.coalesce(func.sum(Disbursement.amount), 0))
        .where(Disbursement.award_id == Award.id)
        .scalar_subquery(),
        MONEY,
    )
    met = (
        select(func.count())
        .where(Milestone.award_id == Award.id, Milestone.status == MilestoneStatus.accepted)
        .scalar_subquery()
    )
    planned = (
        select(func.count())
        .where(Milestone.award_id == Award.id, Milestone.status != MilestoneStatus.cancelled)
        .scalar_subquery()
    )
    statement = (
        select(Award, Proposal.title, Organisation.name, paid, met, planned)
        .join(Proposal, Proposal.id == Award.proposal_id)
        .join(Organisation, Organisation.id == Proposal.lead_org_id)
        .join(Challenge, Challenge.id == Award.challenge_id)
        .where(Challenge.chain_link_id.in_(link_ids), Award.confirmed_at.is_not(None))
        .options(contains_eager(Award.challenge).joinedload(Challenge.chain_link))
        .order_by(Award.confirmed_at.desc(), Award.id.desc())
    )
    if behind_at is not None:
        statement = statement.where(
            Award.confirmed_at < behind_at.moment,
            sa.or_(Award.closed_at.is_(None), Award.closed_at >= behind_at.moment),
            sa.exists().where(
                Milestone.award_id == Award.id,
                Milestone.status != MilestoneStatus.cancelled,
                Milestone.due_date < behind_at.day,
                sa.or_(Milestone.accepted_at.is_(None), Milestone.accepted_at >= behind_at.moment),
            ),
        )
    rows = db.all(statement)
    return [
        Project(award, title, lead, Decimal(paid or 0), met, planned)
        for award, title, lead, paid, met, planned in rows
    ]


@dataclass(frozen=True)
class ActiveOrganisation:
    organisation: Organisation
    projects: int
    leads: int


def organisations_in(link_ids: list[int]) -> list[ActiveOrganisation]:
    """The organisations of the funded consortia on these links (they accepted to take part),
    with how many projects they are in and how many they lead."""
    lead = aliased(Proposal)
    rows = db.all(
        select(
            Organisation,
            func.count(func.distinct(Award.id)),
            func.count(func.distinct(lead.id)),
        )
        .join(ConsortiumMember, ConsortiumMember.organisation_id == Organisation.id)
        .join(Award, Award.proposal_id == ConsortiumMember.proposal_id)
        .join(Challenge, Challenge.id == Award.challenge_id)
        .outerjoin(
            lead,
            (lead.id == Award.proposal_id) & (lead.lead_org_id == Organisation.id),
        )
        .where(
            Challenge.chain_link_id.in_(link_ids),
            Award.confirmed_at.is_not(None),
            ConsortiumMember.consent == ConsentStatus.accepted,
        )
        .group_by(Organisation.id)
        .order_by(func.count(func.distinct(Award.id)).desc(), Organisation.name)
    )
    return [ActiveOrganisation(org, projects, leads) for org, projects, leads in rows]


@dataclass(frozen=True)
class AssessmentRow:
    assessment: LinkAssessment
    recorded_by: str


def assessments_of(link_id: int) -> list[AssessmentRow]:
    """Every assessment of the link, corrected ones included, newest quarter first and, within a
    quarter, the current row first."""
    rows = db.all(
        select(LinkAssessment, User.name)
        .outerjoin(User, User.id == LinkAssessment.recorded_by_id)
        .where(LinkAssessment.link_id == link_id)
        .order_by(
            LinkAssessment.period.desc(),
            LinkAssessment.superseded_at.is_not(None),
            LinkAssessment.recorded_at.desc(),
            LinkAssessment.id.desc(),
        )
    )
    return [AssessmentRow(assessment, name or "—") for assessment, name in rows]
