"""Who sees which challenge and who may change it: the one place these rules live.

- `visible_challenges(user)`: the challenges a user may find, as SQL. The public (and every
  applicant and expert) sees each challenge that was ever published, cancelled ones included; a
  draft, or a draft cancelled before publication, is the programme office's business only.
  Officers and admins see every challenge.
- `get_challenge_or_404(number_or_id, user, need)`: the only way a view loads a challenge. 404
  when the user may not see it or may not do `need`, so that its existence is not revealed.
  "read" is reading the published text on the public pages: a draft has no public page, not even
  for the officers, who see it on their own pages ("manage"); "ask" is asking a question.
- `can_<verb>(user, challenge)`: who may act. Services enforce them with `require(...)`; which
  state allows an act is the transition table's business (portal/challenges/states.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import select
from sqlmodel.sql.expression import Select

from portal.accounts.models import User
from portal.challenges.models import (
    Chain,
    ChainLink,
    Challenge,
    ChallengeAttachment,
    Clarification,
    DeadlineChange,
)
from portal.db import db
from portal.vocabulary import Role

Row = TypeVar("Row", ChallengeAttachment, ChainLink)
Managed = TypeVar("Managed", Clarification, DeadlineChange)
PUBLISHED = Challenge.published_at.is_not(None)
"""Ever published: a draft has no published_at, and keeps none when cancelled (CHECK in 0007)."""


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def visible_challenges(user: User | None) -> Select:
    """Every challenge `user` may find (None: the public)."""
    statement = select(Challenge)
    if can_manage(user):
        return statement
    return statement.where(PUBLISHED)


# ---- the rules ----------------------------------------------------------------------------------


def can_manage(user: User | None, challenge: Challenge | None = None) -> bool:
    """The programme office (officers and admins): they see every challenge, draft, edit,
    publish, amend and cancel them, keep their guides, answer their questions and keep the
    chains. One rule for all of these, so that no page or service guards them differently."""
    return _signed_in(user) and user.is_staff


def can_read(user: User | None, challenge: Challenge) -> bool:
    """The published text, on the public pages: anyone, once the challenge was published."""
    return challenge.published_at is not None


def can_ask(user: User | None, challenge: Challenge) -> bool:
    """Questions come from applicants who speak for an organisation, about a published
    challenge (whether it is still open is the service's guard)."""
    return (
        _signed_in(user)
        and user.role is Role.applicant
        and user.organisation_id is not None
        and can_read(user, challenge)
    )


NEEDS: dict[str, Callable[[User | None, Challenge], bool]] = {
    "read": can_read,
    "manage": can_manage,
    "ask": can_ask,
}


# ---- loading for a view -------------------------------------------------------------------------


def _whole() -> tuple:
    """What every challenge page shows: its link and chain, indicators and criteria."""
    return (
        joinedload(Challenge.chain_link).joinedload(ChainLink.chain),
        selectinload(Challenge.indicators),
        selectinload(Challenge.criteria),
    )


def get_challenge_or_404(number_or_id: str | int, user: User | None, need: str = "read"):
    """The challenge by its number (public pages) or id (officer pages), loaded whole, if
    `user` may see it and do `need`; otherwise 404."""
    rule = NEEDS[need]
    key = Challenge.id if isinstance(number_or_id, int) else Challenge.number
    challenge = db.session.exec(
        visible_challenges(user).where(key == number_or_id).options(*_whole())
    ).first()
    if challenge is None or not rule(user, challenge):
        abort(404)
    return challenge


def _row_or_404(model: type[Row], row_id: int, **parent: int) -> Row:
    """The row of `model` with `row_id` if it belongs to `parent` (e.g. challenge_id=3)."""
    row = db.session.get(model, row_id)
    if row is None or any(getattr(row, column) != value for column, value in parent.items()):
        abort(404)
    return row


def get_guide_or_404(challenge: Challenge, attachment_id: int) -> ChallengeAttachment:
    """A guide of a challenge the caller has already loaded through get_challenge_or_404."""
    return _row_or_404(ChallengeAttachment, attachment_id, challenge_id=challenge.id)


def _managed_or_404(model: type[Managed], row_id: int, user: User | None) -> Managed:
    """The row of `model` with `row_id`, with its challenge, for the officers who manage that
    challenge; 404 for anyone else."""
    row = db.session.exec(
        select(model).where(model.id == row_id).options(selectinload(model.challenge))
    ).first()
    if row is None or not can_manage(user, row.challenge):
        abort(404)
    return row


def get_clarification_or_404(clarification_id: int, user: User | None) -> Clarification:
    """A question, with its challenge, for the officer who answers it."""
    return _managed_or_404(Clarification, clarification_id, user)


def get_chain_or_404(chain_id: int, user: User | None) -> Chain:
    chain = db.session.exec(
        select(Chain).where(Chain.id == chain_id).options(selectinload(Chain.links))
    ).first()
    if chain is None or not can_manage(user):
        abort(404)
    return chain


def get_link_or_404(chain: Chain, link_id: int) -> ChainLink:
    """A link of a chain the caller has already loaded through get_chain_or_404."""
    return _row_or_404(ChainLink, link_id, chain_id=chain.id)


def get_deadline_change_or_404(change_id: int, user: User | None) -> DeadlineChange:
    """An earlier deadline waiting for (or decided by) a second staff member, with its
    challenge: the programme office's business only."""
    return _managed_or_404(DeadlineChange, change_id, user)
