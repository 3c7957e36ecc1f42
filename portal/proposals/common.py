"""What the proposal services share: the editable states, the row lock, the checklist's
problem, the people to tell, and how numbers and deadlines are written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import selectinload
from sqlmodel import select

from portal.accounts.membership import administrators
from portal.accounts.models import Role, User
from portal.challenges.models import Challenge
from portal.db import db
from portal.errors import DomainError
from portal.presentation import format_local, plain_number  # noqa: F401  (re-exported)
from portal.proposals.models import (
    ConsortiumMember,
    PledgeSignature,
    Proposal,
    ProposalStatus,
)

EDITABLE = (ProposalStatus.draft, ProposalStatus.withdrawn)


@dataclass(frozen=True)
class Problem:
    """Something that stops a proposal from being submitted, and the form field it concerns."""

    section: str
    field: str | None
    message: str


def deadline_text(challenge: Challenge) -> str:
    return format_local(challenge.deadline)


def check_open(proposal: Proposal, now: datetime, message: str) -> None:
    """Refuse with `message` (which may name %(deadline)s) once the challenge has closed."""
    if not proposal.challenge.accepts_proposals(now):
        raise DomainError(message % {"deadline": deadline_text(proposal.challenge)})


def lead_users(proposal: Proposal) -> list[User]:
    """The approved members of the lead organisation."""
    return list(
        db.session.exec(
            select(User).where(
                User.organisation_id == proposal.lead_org_id, User.role == Role.applicant
            )
        ).all()
    )


def lead_administrators(proposal: Proposal) -> list[User]:
    return administrators(proposal.lead_org_id)


def lock_proposal(proposal: Proposal) -> Proposal:
    """The proposal's row locked until the transaction ends, read again with everything that
    submission checks and freezes.

    Submitting, withdrawing, signing, answering an invitation and changing attachments decide on
    the proposal's state; two of them at once (a double click, two colleagues) must not both
    pass the guard. PostgreSQL locks the row (FOR UPDATE); on SQLite the transaction already
    holds the database's write lock (portal.db.sqlite_begin). Reading again after the lock means
    we decide, and freeze, what is committed now, not what this request loaded before the lock.
    """
    return db.session.exec(
        select(Proposal)
        .where(Proposal.id == proposal.id)
        .options(
            selectinload(Proposal.challenge).selectinload(Challenge.indicators),
            selectinload(Proposal.members).selectinload(ConsortiumMember.organisation),
            selectinload(Proposal.commitments),
            selectinload(Proposal.milestones),
            selectinload(Proposal.attachments),
            selectinload(Proposal.versions),
            selectinload(Proposal.signatures).selectinload(PledgeSignature.signer),
        )
        .with_for_update(of=Proposal)
        .execution_options(populate_existing=True)
    ).one()
