"""How proposals follow what happens to their challenge: the receivers of the challenges module's
signals (portal/challenges/signals.py). They are connected when this module is imported, which
create_app does; they run inside the transaction of the change that sent them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select

from portal.accounts.models import User
from portal.challenges import signals
from portal.challenges.models import Challenge
from portal.db import db
from portal.notifications.services import notify
from portal.presentation import lazy_local
from portal.proposals.models import Commitment, Proposal
from portal.vocabulary import ProposalStatus, Role

IN_PROGRESS = (ProposalStatus.draft, ProposalStatus.submitted)


def drop_commitments(challenge: Challenge, indicator_ids: Iterable[int]) -> int:
    """Delete the commitments that proposals on `challenge` made to these indicators (which the
    challenge is removing); the commitments to its other indicators stay as they are. Returns
    how many were deleted."""
    on_challenge = select(Proposal.id).where(Proposal.challenge_id == challenge.id)
    result = db.session.execute(
        sa.delete(Commitment).where(
            Commitment.indicator_id.in_(list(indicator_ids)),
            Commitment.proposal_id.in_(on_challenge),
        )
    )
    return result.rowcount


def applicants_in_progress(challenge: Challenge) -> list[User]:
    """The users of every lead organisation with a draft or submitted proposal on `challenge`."""
    return db.all(
        select(User)
        .join(Proposal, Proposal.lead_org_id == User.organisation_id)
        .where(
            Proposal.challenge_id == challenge.id,
            Proposal.status.in_(IN_PROGRESS),
            User.role == Role.applicant,
        )
        .order_by(User.id)
    )


@signals.indicators_removed.connect
def _indicators_removed(challenge: Challenge, *, indicator_ids: list[int], **_kw) -> None:
    drop_commitments(challenge, indicator_ids)


@signals.amended.connect
def _amended(
    challenge: Challenge,
    *,
    version: int,
    reason: str,
    deadline_from: datetime | None = None,
    deadline_to: datetime | None = None,
    **_kw,
) -> None:
    notify(
        applicants_in_progress(challenge),
        "challenge_amended" if deadline_to is None else "challenge_amended.deadline_moved",
        link=f"/challenges/{challenge.number}",
        number=challenge.number,
        n=version,
        title=challenge.title,
        reason=reason,
        before=lazy_local(deadline_from),
        after=lazy_local(deadline_to),
    )


@signals.cancelled.connect
def _cancelled(challenge: Challenge, *, reason: str, was_published: bool, **_kw) -> None:
    if not was_published:  # a draft has no proposals
        return
    notify(
        applicants_in_progress(challenge),
        "challenge_cancelled",
        link=f"/challenges/{challenge.number}",
        number=challenge.number,
        reason=reason,
    )
