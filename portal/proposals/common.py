"""What the proposal services share: the checklist's problem, the deadline, the row lock and
the people to tell."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from portal.accounts.membership import administrators
from portal.accounts.models import Organisation, User
from portal.challenges.models import Challenge, Indicator
from portal.db import db
from portal.errors import DomainError
from portal.notifications.services import notify
from portal.presentation import format_local
from portal.proposals.models import Commitment, Proposal
from portal.vocabulary import Role


@dataclass(frozen=True)
class Problem:
    """Something that stops a proposal from being submitted, and the form field it concerns."""

    section: str
    field: str | None
    message: str


def indicator_commitments(proposal: Proposal) -> list[tuple[Indicator, Commitment | None]]:
    """Each indicator of the challenge, in its order, with the proposal's commitment to it
    (None while none is made); relations loaded."""
    by_indicator = {c.indicator_id: c for c in proposal.commitments}
    return [(i, by_indicator.get(i.id)) for i in proposal.challenge.indicators]


def leader_organisation(proposal: Proposal) -> Organisation | None:
    """The team leader's organisation, found among the consortium's (members loaded)."""
    return next(
        (m.organisation for m in proposal.members if m.organisation_id == proposal.leader_org_id),
        None,
    )


def deadline_text(challenge: Challenge) -> str:
    return format_local(challenge.deadline)


def check_open(proposal: Proposal, now: datetime, message: str) -> None:
    """Refuse with `message` (which may name %(deadline)s) once the challenge has closed."""
    if not proposal.challenge.accepts_proposals(now):
        raise DomainError(message % {"deadline": deadline_text(proposal.challenge)})


def lead_users(proposal: Proposal) -> list[User]:
    """The approved members of the lead organisation."""
    return db.all(
        select(User).where(
            User.organisation_id == proposal.lead_org_id, User.role == Role.applicant
        )
    )


def lead_administrators(proposal: Proposal) -> list[User]:
    return administrators(proposal.lead_org_id)


def tell(
    users: Iterable[User], kind: str, proposal: Proposal, by: User, *, link: str = "", **params
) -> None:
    """Notify `users` of `kind`, something `by` did to the proposal, as notify() does: the
    message names who did it (`who`), the proposal (`title`) and its challenge (`challenge`).
    The link is the proposal's page unless another is given."""
    notify(
        users,
        kind,
        link=link or f"/proposals/{proposal.id}",
        who=by.name,
        title=proposal.title,
        challenge=proposal.challenge.number,
        **params,
    )


def lock_proposal(proposal: Proposal) -> Proposal:
    """The proposal's row locked until the transaction ends (db.lock), read again with
    everything that the guards check and submission freezes.

    Submitting, withdrawing, signing, answering an invitation and changing attachments decide on
    the proposal's state; two of them at once (a double click, two colleagues) must not both
    pass the guard, and what is decided, and frozen, is what is committed now.
    """
    return db.lock(
        proposal,
        Proposal.challenge,
        Proposal.lead_org,
        Proposal.members,
        Proposal.commitments,
        Proposal.milestones,
        Proposal.attachments,
        Proposal.versions,
        Proposal.signatures,
    )
