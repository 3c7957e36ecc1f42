"""Reads shared by the proposal pages and the export, with relations loaded in bulk."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload
from sqlmodel import func, or_, select

from portal.accounts.models import Organisation, User
from portal.challenges.models import Challenge
from portal.db import db
from portal.proposals.models import Attachment, ConsortiumMember, Proposal
from portal.proposals.permissions import invitations_to, region_matches, visible_proposals
from portal.vocabulary import ChallengeStatus, ConsentStatus, ProposalStatus


def organisation_of(user: User) -> Organisation | None:
    """The organisation an applicant speaks for, if any."""
    return db.session.get(Organisation, user.organisation_id) if user.organisation_id else None


def led_proposal(challenge: Challenge, organisation_id: int | None) -> Proposal | None:
    """The proposal `organisation_id` leads for `challenge` (an organisation leads one)."""
    if organisation_id is None:
        return None
    return db.session.exec(
        select(Proposal).where(
            Proposal.challenge_id == challenge.id, Proposal.lead_org_id == organisation_id
        )
    ).first()


def current_attachments(proposal: Proposal) -> list[Attachment]:
    """The draft's attachments (attachments loaded): those it has not dropped."""
    return [a for a in proposal.attachments if a.removed_at is None]


def my_proposals(user: User):
    """The proposals of the user's organisation (led or joined), latest deadline first."""
    return (
        visible_proposals(user)
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .options(contains_eager(Proposal.challenge), joinedload(Proposal.lead_org))
        .order_by(Challenge.deadline.desc(), Proposal.id.desc())
    )


def open_challenges_for(
    org: Organisation | None, now: datetime, limit: int | None = None
) -> list[Challenge]:
    """Published challenges still open that `org` may lead a proposal for and has not yet,
    soonest deadline first (at most `limit`). The type and region rules are checked in Python
    (the allowed types are a JSON list), reading the candidates a chunk at a time so that a
    dashboard showing five does not load every open challenge. Only the columns the rules and
    the lists read are loaded: fifty challenges with their long texts cost more than the query."""
    if org is None:
        return []
    already = select(Proposal.challenge_id).where(Proposal.lead_org_id == org.id)
    candidates = (
        select(Challenge)
        .where(
            Challenge.status == ChallengeStatus.published,
            or_(Challenge.deadline.is_(None), Challenge.deadline > now),
            Challenge.id.not_in(already),
        )
        .order_by(Challenge.deadline.asc(), Challenge.id.asc())
        .options(
            load_only(
                Challenge.number,
                Challenge.title,
                Challenge.funding_cap,
                Challenge.deadline,
                Challenge.allowed_org_types,
                Challenge.region,
            )
        )
    )
    chunk = 50 if limit else None
    found: list[Challenge] = []
    offset = 0
    while True:
        rows = db.all(candidates.offset(offset).limit(chunk))
        found += [
            c
            for c in rows
            if org.type.value in c.allowed_org_types and region_matches(c, org.region)
        ]
        if chunk is None or len(rows) < chunk or len(found) >= limit:
            return found[:limit] if limit else found
        offset += chunk


def submissions_for(challenge: Challenge, user: User):
    """The proposals handed in for a challenge (drafts are the applicants' own business)."""
    return (
        visible_proposals(user)
        .where(
            Proposal.challenge_id == challenge.id,
            Proposal.status != ProposalStatus.draft,
        )
        .options(
            joinedload(Proposal.lead_org),
            selectinload(Proposal.members).selectinload(ConsortiumMember.organisation),
        )
        .order_by(Proposal.submitted_at.desc(), Proposal.id.desc())
    )


def status_counts(challenge: Challenge) -> dict[ProposalStatus, int]:
    rows = db.all(
        select(Proposal.status, func.count())
        .where(Proposal.challenge_id == challenge.id)
        .group_by(Proposal.status)
    )
    return dict(rows)


def submissions_with_versions(challenge: Challenge, user: User) -> list[Proposal]:
    """The proposals handed in for a challenge with their submitted versions, for the export."""
    return db.all(submissions_for(challenge, user).options(selectinload(Proposal.versions)))


def invitations_for(user: User):
    """The consortium invitations the user's organisation received, unanswered first, with
    what the invitation shows (title, lead, challenge) loaded in bulk."""
    waiting_first = sa.case((ConsortiumMember.consent == ConsentStatus.invited, 0), else_=1)
    return (
        invitations_to(user)
        .options(
            joinedload(ConsortiumMember.proposal).joinedload(Proposal.challenge),
            joinedload(ConsortiumMember.proposal).joinedload(Proposal.lead_org),
            joinedload(ConsortiumMember.consent_decided_by),
        )
        .order_by(waiting_first, ConsortiumMember.invited_at.desc(), ConsortiumMember.id.desc())
    )


def waiting_invitations(user: User) -> int:
    """How many invitations to the user's organisation wait for an answer."""
    return db.session.exec(
        invitations_to(user)
        .where(ConsortiumMember.consent == ConsentStatus.invited)
        .with_only_columns(func.count())
    ).one()
