"""Reads shared by the challenge pages, built on permissions.visible_challenges: the catalogue's
filters, and the derived status computed in SQL so that filters and badges agree with
Challenge.effective_status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload, selectinload
from sqlmodel import or_, select

from portal.accounts.models import User
from portal.challenges.models import (
    CONTENT_FIELDS,
    Chain,
    ChainLink,
    Challenge,
    ChallengeAttachment,
    ChallengeVersion,
    Clarification,
)
from portal.challenges.permissions import visible_challenges
from portal.db import db
from portal.vocabulary import CatalogueOrder, ChallengeStatus


def closed_by(now: datetime) -> sa.ColumnElement[bool]:
    """Published with its deadline passed: closed, as Challenge.effective_status says when a row
    is read (`closed` is never stored)."""
    return sa.and_(Challenge.status == ChallengeStatus.published, Challenge.deadline <= now)


def where_status(statement, status: ChallengeStatus, now: datetime):
    """Filter by the effective status, computed in SQL (`closed_by`)."""
    if status is ChallengeStatus.published:
        return statement.where(
            Challenge.status == ChallengeStatus.published, Challenge.deadline > now
        )
    if status is ChallengeStatus.closed:
        return statement.where(closed_by(now))
    return statement.where(Challenge.status == status)


def _open_first(now: datetime):
    """0 for a challenge open for proposals, 1 for the rest, so that open ones come first."""
    return sa.case(
        (
            sa.and_(Challenge.status == ChallengeStatus.published, Challenge.deadline > now),
            0,
        ),
        else_=1,
    )


@dataclass
class CatalogueFilters:
    q: str = ""
    chain_id: int | None = None
    link_id: int | None = None
    status: ChallengeStatus | None = None
    deadline_from: datetime | None = None  # aware
    deadline_to: datetime | None = None  # aware, exclusive
    funding_min: Decimal | None = None  # yuan
    funding_max: Decimal | None = None
    sort: CatalogueOrder = CatalogueOrder.deadline


def filtered(statement, filters: CatalogueFilters, now: datetime):
    if filters.q:
        pattern = f"%{filters.q.strip().lower()}%"
        statement = statement.where(
            or_(
                sa.func.lower(Challenge.number).like(pattern),
                sa.func.lower(Challenge.title).like(pattern),
                sa.func.lower(Challenge.statement).like(pattern),
            )
        )
    if filters.link_id:
        statement = statement.where(Challenge.chain_link_id == filters.link_id)
    if filters.chain_id:
        statement = statement.where(
            Challenge.chain_link_id.in_(
                select(ChainLink.id).where(ChainLink.chain_id == filters.chain_id)
            )
        )
    if filters.status is not None:
        statement = where_status(statement, filters.status, now)
    if filters.deadline_from is not None:
        statement = statement.where(Challenge.deadline >= filters.deadline_from)
    if filters.deadline_to is not None:
        statement = statement.where(Challenge.deadline < filters.deadline_to)
    if filters.funding_min is not None:
        statement = statement.where(Challenge.funding_cap >= filters.funding_min)
    if filters.funding_max is not None:
        statement = statement.where(Challenge.funding_cap <= filters.funding_max)
    order = {
        CatalogueOrder.deadline: (_open_first(now), Challenge.deadline.asc(), Challenge.id.asc()),
        CatalogueOrder.newest: (Challenge.published_at.desc(), Challenge.id.desc()),
        CatalogueOrder.funding: (Challenge.funding_cap.desc(), Challenge.id.desc()),
    }[filters.sort]
    return statement.order_by(*order)


def catalogue(filters: CatalogueFilters, now: datetime):
    """The public catalogue: what the public sees, for everyone (officers find drafts in their
    own list), as the plain columns its cards show: twenty Challenge objects with their link
    and chain cost more to build than the query took. `shown_status` is the status as people
    read it now (`Challenge.effective_status`)."""
    shown_status = sa.type_coerce(
        sa.case((closed_by(now), ChallengeStatus.closed.value), else_=Challenge.status),
        Challenge.status.type,
    )
    cards = sa.select(
        Challenge.number,
        Challenge.title,
        Challenge.funding_mode,
        Challenge.funding_cap,
        Challenge.deadline,
        shown_status.label("shown_status"),
        ChainLink.name.label("link_name"),
        Chain.name.label("chain_name"),
    )
    cards = (
        cards.where(visible_challenges(None).whereclause)
        .outerjoin(ChainLink, ChainLink.id == Challenge.chain_link_id)
        .outerjoin(Chain, Chain.id == ChainLink.chain_id)
    )
    return filtered(cards, filters, now)


def officer_list(user: User, filters: CatalogueFilters, now: datetime):
    """Every challenge `user` may see, in every state, without the long texts and the
    checklist; the link and chain come in the same query."""
    return filtered(visible_challenges(user), filters, now).options(
        defer(Challenge.statement),
        defer(Challenge.background),
        defer(Challenge.formal_checklist),
        defer(Challenge.allowed_org_types),
        joinedload(Challenge.chain_link).joinedload(ChainLink.chain),
    )


def chains():
    """Every chain with its links, by name (a statement, to paginate)."""
    return select(Chain).order_by(Chain.name).options(selectinload(Chain.links))


@dataclass(frozen=True)
class LinkName:
    id: int
    name: str


@dataclass(frozen=True)
class ChainNames:
    """A chain and its links as a filter offers them: names only."""

    id: int
    name: str
    links: list[LinkName]


def chains_with_links() -> list[ChainNames]:
    """Every chain by name with its links in order, in one query of plain rows (loading them as
    objects was a tenth of the catalogue's time)."""
    rows = db.all(
        select(Chain.id, Chain.name, ChainLink.id, ChainLink.name)
        .outerjoin(ChainLink, ChainLink.chain_id == Chain.id)
        .order_by(Chain.name, Chain.id, ChainLink.position, ChainLink.id)
    )
    found: dict[int, ChainNames] = {}
    for chain_id, chain_name, link_id, link_name in rows:
        chain = found.setdefault(chain_id, ChainNames(chain_id, chain_name, []))
        if link_id is not None:
            chain.links.append(LinkName(link_id, link_name))
    return list(found.values())


def link_choices() -> list[tuple[int, str]]:
    rows = db.all(
        select(ChainLink, Chain.name)
        .join(Chain, Chain.id == ChainLink.chain_id)
        .order_by(Chain.name, ChainLink.position, ChainLink.id)
    )
    return [(link.id, f"{chain} · {link.name}") for link, chain in rows]


def versions(challenge: Challenge) -> list[ChallengeVersion]:
    return db.all(
        select(ChallengeVersion)
        .where(ChallengeVersion.challenge_id == challenge.id)
        .order_by(ChallengeVersion.version)
    )


def answered_clarifications(challenge: Challenge) -> list[Clarification]:
    return db.all(
        select(Clarification)
        .where(
            Clarification.challenge_id == challenge.id,
            Clarification.answered_at.is_not(None),
        )
        .order_by(Clarification.answered_at, Clarification.id)
    )


def attachments(challenge: Challenge) -> list[ChallengeAttachment]:
    return db.all(
        select(ChallengeAttachment)
        .where(ChallengeAttachment.challenge_id == challenge.id)
        .order_by(ChallengeAttachment.uploaded_at, ChallengeAttachment.id)
    )


def unanswered_queue(user: User):
    """Questions waiting for an answer, oldest first, as (challenge, question) rows."""
    visible = visible_challenges(user).with_only_columns(Challenge.id)
    return (
        select(Challenge, Clarification)
        .join(Clarification, Clarification.challenge_id == Challenge.id)
        .where(Challenge.id.in_(visible), Clarification.answered_at.is_(None))
        .order_by(Clarification.asked_at, Clarification.id)
    )


# ---- what changed between two versions ------------------------------------------------------

COMPARED_FIELDS = ("title", "chain", "link", *CONTENT_FIELDS[2:])
"""The fields of a version's content compared one by one: the link by its chain's and its own
name, as the version froze them."""


@dataclass
class Changes:
    fields: list[tuple[str, object, object]]  # (field, before, after)
    indicators_added: list[dict]
    indicators_removed: list[dict]
    indicators_changed: list[tuple[dict, dict]]
    criteria_changed: bool

    def __bool__(self) -> bool:
        return bool(
            self.fields
            or self.indicators_added
            or self.indicators_removed
            or self.indicators_changed
            or self.criteria_changed
        )


def changes_between(old: dict, new: dict) -> Changes:
    """Field by field, and indicator rows matched by name: added, removed, changed."""
    fields = [
        (name, old.get(name), new.get(name))
        for name in COMPARED_FIELDS
        # a version frozen before a field existed says nothing about it
        if name in old and old.get(name) != new.get(name)
    ]
    before = {row["name"]: row for row in old.get("indicators", [])}
    after = {row["name"]: row for row in new.get("indicators", [])}
    return Changes(
        fields=fields,
        indicators_added=[row for name, row in after.items() if name not in before],
        indicators_removed=[row for name, row in before.items() if name not in after],
        indicators_changed=[
            (before[name], row)
            for name, row in after.items()
            if name in before and before[name] != row
        ],
        criteria_changed=old.get("criteria") != new.get("criteria"),
    )
