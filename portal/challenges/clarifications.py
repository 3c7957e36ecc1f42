"""Clarifications (答疑): an applicant asks about a challenge open for proposals; an officer
answers, and the question and answer become public without the asker's name."""

from __future__ import annotations

from portal import audit, clock
from portal.accounts.models import User
from portal.challenges import signals
from portal.challenges.content import QUESTION_MAX
from portal.challenges.models import Challenge, Clarification
from portal.challenges.permissions import can_ask, can_manage
from portal.db import db
from portal.errors import DomainError, ValidationFailed, require
from portal.i18n import gettext as _
from portal.notifications.services import notify


def _text(text: str, *, field: str, missing: str, too_long: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed({field: missing})
    if len(text) > QUESTION_MAX:
        raise ValidationFailed({field: too_long})
    return text


def ask(challenge: Challenge, question: str, *, by: User) -> Clarification:
    """An applicant asks a question about a challenge that is open for proposals."""
    require(can_ask(by, challenge), _("Only applicants can ask questions about a challenge."))
    now = clock.now()
    if not challenge.accepts_proposals(now):
        raise DomainError(_("Questions can be asked only while the challenge is open."))
    question = _text(
        question,
        field="question",
        missing=_("Write your question."),
        too_long=_("The question is too long (at most %(n)s characters).", n=QUESTION_MAX),
    )
    clarification = Clarification(
        challenge_id=challenge.id, asked_by_id=by.id, question=question, asked_at=now
    )
    audit.created(by, "clarification.asked", clarification)
    return clarification


def answer(clarification: Clarification, answer: str, *, by: User) -> Clarification:
    """An officer answers; the question and answer become public, the asker is told."""
    require(can_manage(by, clarification.challenge))
    clarification = db.lock(clarification, Clarification.challenge)
    if clarification.answered_at is not None:
        raise DomainError(_("This question has been answered already."))
    clarification.answer = _text(
        answer,
        field="answer",
        missing=_("Write the answer."),
        too_long=_("The answer is too long (at most %(n)s characters).", n=QUESTION_MAX),
    )
    clarification.answered_by_id = by.id
    clarification.answered_at = clock.now()
    audit.record(by, "clarification.answered", clarification, after=audit.snapshot(clarification))
    number = clarification.challenge.number
    notify(
        [db.session.get(User, clarification.asked_by_id)],
        "clarification_answered",
        link=f"/challenges/{number}#clarifications",
        number=number,
    )
    signals.question_answered.send(clarification, by=by)  # applicants drafting may be told
    return clarification
