"""Reads shared by the notices' pages, the batch and the command line (lists of notices are
built on permissions.visible_notices)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import selectinload
from sqlmodel import func, select

from portal.accounts.models import User
from portal.awards.models import Award
from portal.challenges.models import Challenge
from portal.db import db
from portal.notices.models import Notice, NoticeBatch
from portal.notices.permissions import visible_notices
from portal.proposals.models import ConsortiumMember, Proposal
from portal.vocabulary import AwardStatus, NoticeStatus

ISSUABLE = (AwardStatus.confirmed, AwardStatus.active)


def award_loading():
    """Everything a notice prints, loaded in bulk for any number of awards."""
    return (
        selectinload(Award.proposal).selectinload(Proposal.lead_org),
        selectinload(Award.proposal).selectinload(Proposal.leader_org),
        selectinload(Award.proposal)
        .selectinload(Proposal.members)
        .selectinload(ConsortiumMember.organisation),
        selectinload(Award.proposal).selectinload(Proposal.commitments),
        selectinload(Award.challenge).selectinload(Challenge.indicators),
        selectinload(Award.milestones),
    )


def awards_for_notices(ids: Sequence[int]) -> list[Award]:
    rows = db.all(select(Award).where(Award.id.in_(list(ids))).options(*award_loading()))
    by_id = {award.id: award for award in rows}
    return [by_id[i] for i in ids if i in by_id]


def awards_awaiting_notice(challenge_id: int, exclude: Sequence[int] = ()):
    """Confirmed or active awards of a challenge that have no notice yet, oldest first."""
    statement = (
        select(Award.id)
        .where(
            Award.challenge_id == challenge_id,
            Award.status.in_(ISSUABLE),
            ~select(Notice.id).where(Notice.award_id == Award.id).exists(),
        )
        .order_by(Award.id)
    )
    if exclude:
        statement = statement.where(Award.id.not_in(list(exclude)))
    return statement


def awards_without_notice():
    """Confirmed or active awards of any challenge that have no notice yet, oldest first."""
    return (
        select(Award.id)
        .where(
            Award.status.in_(ISSUABLE),
            ~select(Notice.id).where(Notice.award_id == Award.id).exists(),
        )
        .order_by(Award.id)
    )


def notice_list(user: User):
    return (
        visible_notices(user)
        .options(
            selectinload(Notice.award).selectinload(Award.proposal).selectinload(Proposal.lead_org)
        )
        .order_by(Notice.issued_at.desc(), Notice.id.desc())
    )


def versions_of(number: str) -> list[Notice]:
    return db.all(select(Notice).where(Notice.number == number).order_by(Notice.version))


def challenges_with_awards():
    """Challenges that have confirmed or active awards, with how many and how many notices."""
    awards = func.count(func.distinct(Award.id))
    noticed = func.count(func.distinct(Notice.award_id))
    return (
        select(Challenge, awards.label("awards"), noticed.label("noticed"))
        .join(Award, Award.challenge_id == Challenge.id)
        .outerjoin(Notice, (Notice.award_id == Award.id) & (Notice.status == NoticeStatus.valid))
        .where(Award.status.in_(ISSUABLE))
        .group_by(Challenge.id)
        .order_by(Challenge.number.desc())
    )


def challenge_awards(challenge_id: int) -> list[tuple[Award, Notice | None]]:
    """The issuable awards of a challenge with their current (valid) notice, if any."""
    awards = db.all(
        select(Award)
        .where(Award.challenge_id == challenge_id, Award.status.in_(ISSUABLE))
        .options(selectinload(Award.proposal).selectinload(Proposal.lead_org))
        .order_by(Award.id)
    )
    notices = db.all(
        select(Notice).where(
            Notice.award_id.in_([a.id for a in awards]), Notice.status == NoticeStatus.valid
        )
    )
    current = {n.award_id: n for n in notices}
    return [(award, current.get(award.id)) for award in awards]


def batch_notices(batch_id: int):
    return select(Notice).where(Notice.batch_id == batch_id).order_by(Notice.id)


def recent_batches(challenge_id: int, limit: int = 5) -> list[NoticeBatch]:
    return db.all(
        select(NoticeBatch)
        .where(NoticeBatch.challenge_id == challenge_id)
        .order_by(NoticeBatch.id.desc())
        .limit(limit)
    )


def every_notice_of(batch_id: int) -> list[Notice]:
    return db.all(batch_notices(batch_id))
