"""Deadlines that stay fair (公平的截止时间).

- A challenge is published with at least MIN_APPLICATION_DAYS (default 14) before its deadline.
- An amendment may always move the deadline later.
- Bringing it forward needs at least MIN_NOTICE_DAYS (default 7) between the amendment and the
  new deadline, and a second staff member's approval: the amendment's other changes take effect
  at once, the earlier deadline waits as a DeadlineChange until another staff member approves
  it (checked against the notice period again then) or returns it with a reason.
- Applicants with a proposal in progress are told of every change, in their language (the
  proposals module, through signals.amended).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.orm import selectinload
from sqlmodel import select

from portal import audit
from portal.accounts.models import User
from portal.challenges import states
from portal.challenges.models import Challenge, DeadlineChange
from portal.challenges.permissions import can_manage
from portal.db import db
from portal.errors import DomainError, NotAllowed, given_text, require
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.presentation import format_local
from portal.vocabulary import DeadlineChangeStatus


def min_application_days() -> int:
    return int(current_app.config.get("MIN_APPLICATION_DAYS", 14))


def min_notice_days() -> int:
    return int(current_app.config.get("MIN_NOTICE_DAYS", 7))


def publication_window_problem(deadline: datetime | None, now: datetime) -> str | None:
    """Why a challenge with this deadline may not be published now, or None."""
    days = min_application_days()
    if deadline is None or deadline - now >= timedelta(days=days):
        return None
    return ngettext(
        "Applicants need at least %(num)s day: publish with a deadline on or after %(date)s.",
        "Applicants need at least %(num)s days: publish with a deadline on or after %(date)s.",
        days,
        date=format_local(now + timedelta(days=days)),
    )


def notice_problem(deadline: datetime, now: datetime) -> str | None:
    """Why the deadline may not be brought forward to `deadline` now, or None."""
    days = min_notice_days()
    if deadline - now >= timedelta(days=days):
        return None
    return ngettext(
        "A deadline can be brought forward only with %(num)s day's notice: the earliest is "
        "%(date)s.",
        "A deadline can be brought forward only with %(num)s days' notice: the earliest is "
        "%(date)s.",
        days,
        date=format_local(now + timedelta(days=days)),
    )


def pending_change(challenge: Challenge) -> DeadlineChange | None:
    """The earlier deadline that waits for a second staff member, if any."""
    return db.session.exec(
        select(DeadlineChange)
        .where(
            DeadlineChange.challenge_id == challenge.id,
            DeadlineChange.status == DeadlineChangeStatus.proposed,
        )
        .options(selectinload(DeadlineChange.proposed_by))
    ).first()


def shortening_problems(
    challenge: Challenge, deadline: datetime | None, now: datetime
) -> dict[str | None, str]:
    """What stops an amendment from bringing the deadline forward to `deadline`."""
    if deadline is None or challenge.deadline is None or deadline >= challenge.deadline:
        return {}
    if problem := notice_problem(deadline, now):
        return {"deadline": problem}
    if pending_change(challenge) is not None:
        return {
            "deadline": _(
                "An earlier deadline already waits for approval; it must be approved or "
                "returned first."
            )
        }
    return {}


def propose_earlier(
    challenge: Challenge, deadline: datetime, *, reason: str, by: User, now: datetime
) -> DeadlineChange:
    """Record an earlier deadline that waits for a second staff member (the caller has
    checked shortening_problems and holds the challenge's lock)."""
    change = DeadlineChange(
        challenge_id=challenge.id,
        previous_deadline=challenge.deadline,
        deadline=deadline,
        reason=reason,
        proposed_by_id=by.id,
        proposed_at=now,
    )
    db.session.add(change)
    db.session.flush()  # the audit keeps its id
    audit.created(by, "deadline_change.proposed", change)
    return change


def lock(change: DeadlineChange) -> tuple[DeadlineChange, Challenge]:
    challenge = db.lock(change.challenge)
    change = db.lock(change)
    if change.status is not DeadlineChangeStatus.proposed:
        raise DomainError(_("This change of the deadline has already been decided."))
    return change, challenge


def return_change(change: DeadlineChange, *, reason: str, by: User) -> DeadlineChange:
    """The second staff member turns the earlier deadline down; the deadline stays."""
    require(can_manage(by, change.challenge))
    change, _challenge = lock(change)
    reason = given_text(reason, "reason", _("Give the reason for returning the change."))
    states.set_deadline_change_status(change, DeadlineChangeStatus.returned, by=by, reason=reason)
    return change


def approvable(change: DeadlineChange, user: User) -> bool:
    """Whether `user` may approve this change: staff other than the one who proposed it."""
    return (
        can_manage(user, change.challenge)
        and change.status is DeadlineChangeStatus.proposed
        and change.proposed_by_id != user.id
    )


def check_approval(change: DeadlineChange, challenge: Challenge, by: User, now: datetime) -> None:
    """Refuse an approval by the proposer, of a challenge no longer open, or one that would now
    give less than the notice period."""
    if change.proposed_by_id == by.id:
        raise NotAllowed(
            _("A second staff member must approve an earlier deadline; you proposed this one.")
        )
    if not challenge.accepts_proposals(now):
        raise DomainError(_("Only a published challenge open for proposals can be amended."))
    if problem := notice_problem(change.deadline, now):
        raise DomainError(problem)
