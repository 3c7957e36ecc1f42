"""The life of a challenge: drafting, publishing, amending and cancelling, and the guides published
with it. Chains and links are kept in chains.py, questions and answers in clarifications.py.

Each function checks who may act (permissions.py), locks the challenge before it reads the state
it decides on, changes the rows, records the audit event and tells the modules above through
signals.py. The state itself moves only through states.set_status. The unit of work commits.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from werkzeug.datastructures import FileStorage

from portal import audit, clock, sequences, storage
from portal.accounts.models import User
from portal.challenges import deadlines, signals, states
from portal.challenges.content import (
    REASON_MAX,
    ChallengeData,
    apply_content,
    audit_content,
    check_content,
    content_of,
    content_problems,
)
from portal.challenges.models import (
    Challenge,
    ChallengeAttachment,
    ChallengeVersion,
    DeadlineChange,
)
from portal.challenges.permissions import can_manage
from portal.db import db
from portal.errors import DomainError, ValidationFailed, require
from portal.i18n import gettext as _
from portal.vocabulary import ChallengeStatus, DeadlineChangeStatus


class PublicationRefused(ValidationFailed):
    """A draft that is not complete yet: every problem, by field (the preview lists them)."""

    def __init__(self, problems: dict[str | None, str]):
        super().__init__(problems)
        self.message = _(
            "The challenge cannot be published yet: %(problems)s",
            problems="; ".join(problems.values()),
        )


def lock(challenge: Challenge) -> Challenge:
    """The challenge's row locked for this transaction and read again with its rows: what every
    change of a challenge takes first."""
    return db.lock(challenge, Challenge.chain_link, Challenge.indicators, Challenge.criteria)


# ---- drafting -------------------------------------------------------------------------------


def create_draft(data: ChallengeData, *, by: User) -> Challenge:
    """A new draft with its number (JB-2026-001), taken now and never given to another."""
    require(can_manage(by))
    now = clock.now()
    check_content(data, complete=False, now=now)
    number = f"JB-{now.year}-{sequences.next_value(f'challenge-{now.year}'):03d}"
    challenge = Challenge(
        number=number, title="", created_by_id=by.id, created_at=now, updated_at=now
    )
    apply_content(challenge, data)
    db.session.add(challenge)
    audit.record(by, "challenge.created", challenge, after=audit_content(challenge))
    return challenge


def update_draft(challenge: Challenge, data: ChallengeData, *, by: User) -> Challenge:
    require(can_manage(by, challenge))
    challenge = lock(challenge)
    if challenge.status is not ChallengeStatus.draft:
        raise DomainError(
            _("Only a draft can be edited; amend a published challenge with a reason.")
        )
    now = clock.now()
    check_content(data, complete=False, now=now, challenge=challenge)
    before = audit_content(challenge)
    apply_content(challenge, data)
    challenge.updated_at = now
    audit.record(by, "challenge.edited", challenge, before=before, after=audit_content(challenge))
    return challenge


def publication_problems(challenge: Challenge, now: datetime | None = None) -> dict:
    """What stops this draft from being published (the same list the preview shows): its
    content, and a deadline that leaves applicants too little time."""
    now = now or clock.now()
    problems = content_problems(
        ChallengeData.of(challenge), complete=True, now=now, challenge=challenge
    )
    if "deadline" not in problems and (
        problem := deadlines.publication_window_problem(challenge.deadline, now)
    ):
        problems["deadline"] = problem
    return problems


# ---- publishing and amending ----------------------------------------------------------------


def _freeze(challenge: Challenge, *, reason: str, by: User, now: datetime) -> ChallengeVersion:
    """The next version, with the text as it is now. On publication the state moves right after,
    so that the version number and published_at reach the database together (CHECK)."""
    db.session.flush()
    db.session.refresh(challenge, ["chain_link"])  # the link's names as they are now
    content = content_of(challenge)
    challenge.version += 1
    version = ChallengeVersion(
        challenge_id=challenge.id,
        version=challenge.version,
        content=content,
        reason=reason,
        published_at=now,
        published_by_id=by.id,
    )
    db.session.add(version)
    return version


def publish(challenge: Challenge, *, by: User) -> ChallengeVersion:
    """Make a complete draft public as version 1."""
    require(can_manage(by, challenge))
    challenge = lock(challenge)
    now = clock.now()
    states.check(challenge, ChallengeStatus.published, now)
    problems = publication_problems(challenge, now)
    if problems:
        raise PublicationRefused(problems)
    version = _freeze(challenge, reason="", by=by, now=now)
    states.set_status(challenge, ChallengeStatus.published, by=by, now=now)
    signals.published.send(challenge, by=by)  # followers of its chain or link are told
    return version


def _reason_problem(reason: str, missing: str) -> str | None:
    if not reason:
        return missing
    if len(reason) > REASON_MAX:
        return _("The reason is too long (at most %(n)s characters).", n=REASON_MAX)
    return None


def amend(
    challenge: Challenge, data: ChallengeData, *, reason: str, by: User
) -> ChallengeVersion | DeadlineChange:
    """Change a published challenge: a new version with the reason, every earlier one kept.
    Indicators that stay keep their identity, and what proposals committed to them; applicants
    whose proposal is in progress are told (by the proposals module, through signals.amended).

    A later deadline takes effect with the rest. An earlier one needs the notice period and a
    second staff member (deadlines.py): the other changes take effect, and the earlier deadline
    waits as a DeadlineChange, which is returned when nothing else changed."""
    require(can_manage(by, challenge))
    challenge = lock(challenge)
    now = clock.now()
    if not challenge.accepts_proposals(now):
        raise DomainError(_("Only a published challenge open for proposals can be amended."))
    reason = (reason or "").strip()
    problems = content_problems(data, complete=True, now=now, challenge=challenge)
    if "deadline" not in problems:
        problems.update(deadlines.shortening_problems(challenge, data.deadline, now))
    missing = _("Say why the challenge is amended; applicants will read it.")
    if problem := _reason_problem(reason, missing):
        problems["reason"] = problem
    if problems:
        raise ValidationFailed(problems)
    earlier = data.deadline if data.deadline < challenge.deadline else None
    if earlier is not None:
        data.deadline = challenge.deadline  # waits for the second staff member
    before = audit_content(challenge)
    published = content_of(challenge)
    previous = challenge.deadline
    apply_content(challenge, data)
    db.session.flush()
    db.session.refresh(challenge, ["chain_link"])
    changed = content_of(challenge) != published
    if not changed and earlier is None:
        raise DomainError(_("Nothing has changed: an amendment must change the challenge."))
    change = (
        deadlines.propose_earlier(challenge, earlier, reason=reason, by=by, now=now)
        if earlier is not None
        else None
    )
    if not changed:
        return change
    told = {}
    if challenge.deadline != previous:
        told = {"deadline_from": previous, "deadline_to": challenge.deadline}
    return _publish_amendment(challenge, reason=reason, by=by, now=now, before=before, **told)


def _publish_amendment(
    challenge: Challenge, *, reason: str, by: User, now: datetime, before: dict, **told
) -> ChallengeVersion:
    challenge.updated_at = now
    version = _freeze(challenge, reason=reason, by=by, now=now)
    audit.record(
        by,
        "challenge.amended",
        challenge,
        before=before,
        after={**audit_content(challenge), "reason": reason},
    )
    signals.amended.send(challenge, version=version.version, reason=reason, by=by, **told)
    return version


def approve_deadline_change(change: DeadlineChange, *, by: User) -> ChallengeVersion:
    """A second staff member approves an earlier deadline: it takes effect as a new version,
    and applicants with a proposal in progress are told."""
    require(can_manage(by, change.challenge))
    change, challenge = deadlines.lock(change)
    challenge = lock(challenge)
    now = clock.now()
    deadlines.check_approval(change, challenge, by, now)
    before = audit_content(challenge)
    previous = challenge.deadline
    challenge.deadline = change.deadline
    states.set_deadline_change_status(change, DeadlineChangeStatus.approved, by=by)
    return _publish_amendment(
        challenge,
        reason=change.reason,
        by=by,
        now=now,
        before=before,
        deadline_from=previous,
        deadline_to=change.deadline,
    )


def cancel(challenge: Challenge, *, reason: str, by: User) -> Challenge:
    """Withdraw a draft or a published challenge, with a reason that the public page shows."""
    require(can_manage(by, challenge))
    challenge = lock(challenge)
    states.check(challenge, ChallengeStatus.cancelled)
    reason = (reason or "").strip()
    if problem := _reason_problem(reason, _("Give the reason for cancelling.")):
        raise ValidationFailed({"reason": problem})
    was_published = challenge.published_at is not None
    states.set_status(challenge, ChallengeStatus.cancelled, by=by, reason=reason)
    signals.cancelled.send(challenge, reason=reason, by=by, was_published=was_published)
    return challenge


# ---- guides ---------------------------------------------------------------------------------


def add_attachment(challenge: Challenge, upload: FileStorage, *, by: User) -> ChallengeAttachment:
    """A PDF guide, published with the challenge (added to a draft or a challenge still open)."""
    require(can_manage(by, challenge))
    challenge = lock(challenge)
    if challenge.status not in (ChallengeStatus.draft, ChallengeStatus.published):
        raise DomainError(_("Guides can be added to a draft or a published challenge only."))
    stored = storage.store_pdf(upload, field="file", folder="challenges")
    attachment = ChallengeAttachment(
        **asdict(stored),
        challenge_id=challenge.id,
        uploaded_at=clock.now(),
    )
    audit.created(by, "challenge.guide_added", attachment)
    return attachment


def remove_attachment(attachment: ChallengeAttachment, challenge: Challenge, *, by: User) -> None:
    """Only a draft's guides can be removed: what was published stays published. The file goes
    once the removal is committed."""
    require(can_manage(by, challenge))
    challenge = lock(challenge)
    if challenge.status is not ChallengeStatus.draft:
        raise DomainError(_("A published guide cannot be removed."))
    audit.record(by, "challenge.guide_removed", attachment, before=audit.snapshot(attachment))
    db.session.delete(attachment)
    stored_name = attachment.stored_name
    db.on_commit(lambda: storage.path_of(stored_name).unlink(missing_ok=True))
