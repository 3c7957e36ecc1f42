"""Who may see and do what with award notices and their batches.

A notice is seen by staff and by the users of the award's lead organisation (the addressee);
staff issue, correct and batch them. Anyone may verify a notice by its code (notice_to_verify):
that page shows what the notice printed, nothing more. The awards these act on are loaded through
portal.awards.permissions.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlmodel import false, select
from sqlmodel.sql.expression import Select

from portal.accounts.models import User
from portal.awards.models import Award
from portal.awards.permissions import is_staff
from portal.challenges import permissions as challenge_permissions
from portal.challenges.models import Challenge
from portal.db import db
from portal.notices.models import Notice, NoticeBatch
from portal.proposals.models import Proposal
from portal.vocabulary import Role


def visible_notices(user: Any) -> Select:
    """Every notice `user` may open: staff all; an applicant those addressed to their
    organisation as the lead of the project."""
    statement = select(Notice)
    if is_staff(user):
        return statement
    if getattr(user, "role", None) is not Role.applicant or user.organisation_id is None:
        return statement.where(false())
    addressed = select(Award.id).join(Proposal, Proposal.id == Award.proposal_id)
    return statement.where(
        Notice.award_id.in_(addressed.where(Proposal.lead_org_id == user.organisation_id))
    )


def _operator_or_staff(user: User | None) -> bool:
    """Staff, or None: the operator of the server on the command line."""
    return user is None or is_staff(user)


def can_issue(user: User | None, subject: Award | Challenge) -> bool:
    """Issue the notice of an award, or (in a batch) of every confirmed award of a challenge."""
    return _operator_or_staff(user)


def can_correct(user: User | None, notice: Notice) -> bool:
    return _operator_or_staff(user)


def can_revoke(user: User | None, notice: Notice) -> bool:
    """Notices are revoked with their award, by whoever revoked it."""
    return _operator_or_staff(user)


def can_run(user: User | None, batch: NoticeBatch) -> bool:
    return _operator_or_staff(user)


def get_notice_or_404(notice_id: int, user: Any, need: str = "read") -> Notice:
    notice = db.session.exec(visible_notices(user).where(Notice.id == notice_id)).first()
    needs = {"read": lambda u, n: True, "correct": can_correct}
    if notice is None or not needs[need](user, notice):
        abort(404)
    return notice


def notice_to_verify(code: str) -> Notice | None:
    """The notice printed with `code`, for anyone, logged in or not: a notice is public to
    whoever holds its code (the verification page shows what it printed, and its status)."""
    return db.session.exec(select(Notice).where(Notice.code == code)).first()


def get_batch_or_404(batch_id: int, user: Any) -> NoticeBatch:
    batch = db.session.get(NoticeBatch, batch_id)
    if batch is None or not can_run(user, batch):
        abort(404)
    return batch


def get_challenge_or_404(challenge_id: int, user: Any) -> Challenge:
    """A challenge as the notices pages show it: the awards to issue notices for (staff)."""
    if not is_staff(user):
        abort(404)
    return challenge_permissions.get_challenge_or_404(challenge_id, user, need="manage")
