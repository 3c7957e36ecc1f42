"""The expert's review: a score per criterion (0–10 in half points), a weighted total on 100, a
recommendation and comments; saved as a draft, submitted once (then locked), reopened only by
an officer with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from portal import audit, clock
from portal.accounts.models import User
from portal.audit import snapshot
from portal.challenges.models import Criterion
from portal.db import db
from portal.errors import DomainError, NotAllowed, ValidationFailed, given_text, require
from portal.i18n import gettext as _
from portal.notifications.services import notify
from portal.reviews import states
from portal.reviews.links import score_path
from portal.reviews.models import Assignment, Review, Score
from portal.reviews.permissions import can_reopen, can_score
from portal.vocabulary import AssignmentStatus, ChallengeStatus, Recommendation, ReviewStatus

TEN = Decimal(10)


def lock_assignment(assignment: Assignment) -> Assignment:
    """The assignment's row locked until the transaction ends, read again with its review.

    An expert who submits twice at once (a double click, two tabs) must get one review, scored
    and submitted once: the second request waits here, then finds the review the first one
    wrote (submitted, so it is refused) instead of creating a second one or submitting again.
    An officer's reopening takes the same lock.
    """
    locked = db.lock(assignment, Assignment.review)
    if locked.review is not None:
        db.session.expire(locked.review, ["scores"])  # read again with the review, if read before
    return locked


def review_for(assignment: Assignment) -> Review:
    """The assignment's review, started as an empty draft the first time."""
    if assignment.review is not None:
        return assignment.review
    now = clock.now()
    review = Review(
        assignment_id=assignment.id,
        challenge_id=assignment.challenge_id,
        proposal_id=assignment.proposal_id,
        expert_id=assignment.expert_id,
        created_at=now,
        updated_at=now,
    )
    review.assignment = assignment
    db.session.add(review)
    return review


@dataclass
class ScoreInput:
    criterion_id: int
    value: str  # as typed, so that a refused form shows it again
    comment: str = ""


def parse_score(raw: str | None) -> tuple[Decimal | None, str | None]:
    """(value, problem): blank is None; otherwise 0–10 in half points."""
    text = (raw or "").strip().replace(",", ".")
    if not text:
        return None, None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, _("Enter a number from 0 to 10.")
    if not value.is_finite() or value < 0 or value > TEN:
        return None, _("A score must be from 0 to 10.")
    if (value * 2) % 1 != 0:
        return None, _("Use whole or half points, such as 7 or 7.5.")
    return value.quantize(Decimal("0.1")), None


def weighted_total(values: dict[int, Decimal], weights: dict[int, int]) -> Decimal:
    """Σ score × weight / 10 on a 0–100 scale (weights sum to 100)."""
    total = sum((values[cid] * weights[cid] for cid in weights), Decimal(0)) / TEN
    return total.quantize(Decimal("0.01"))


def _score_problems(
    criteria: dict[int, Criterion], scores: list[ScoreInput], submit: bool
) -> tuple[dict[int, Decimal], dict[str | None, str]]:
    """The valid values by criterion, and the problems: keyed "scores-<i>-value" for the i-th
    score given, None for what no score given can carry."""
    values: dict[int, Decimal] = {}
    problems: dict[str | None, str] = {}
    given = set()
    for i, entry in enumerate(scores):
        if entry.criterion_id not in criteria:
            problems[None] = _("A score was given for a criterion that is not in this rubric.")
            continue
        given.add(entry.criterion_id)
        value, problem = parse_score(entry.value)
        if problem is None and value is None and submit:
            problem = _("Score this criterion before submitting.")
        if problem:
            problems[f"scores-{i}-value"] = problem
        elif value is not None:
            values[entry.criterion_id] = value
    if submit and set(criteria) - given:
        problems[None] = _("Score every criterion of the rubric before submitting.")
    return values, problems


def save_review(
    assignment: Assignment,
    *,
    by: User,
    scores: list[ScoreInput],
    overall_comment: str,
    recommendation: str | None,
    submit: bool,
    confidential_comment: str = "",
) -> Review:
    """Save the expert's draft, or submit it (every criterion scored, then locked).

    Problems are keyed by the input: "scores-<i>-value" for the i-th score, "recommendation"
    and "overall_comment". The criterion comments and the overall comment are the comments to
    applicants (shared when the challenge shares comments); `confidential_comment` is for the
    officers only.
    """
    require(can_score(by, assignment), _("This proposal is not assigned to you."))
    assignment = lock_assignment(assignment)
    if assignment.status is AssignmentStatus.recused:
        raise NotAllowed(_("This proposal is not assigned to you."))
    challenge = assignment.proposal.challenge
    if challenge.status is ChallengeStatus.decided:
        raise DomainError(_("The decision has been made; reviews can no longer change."))
    review = review_for(assignment)
    if review.status is ReviewStatus.submitted:
        raise DomainError(_("This review is submitted and locked; ask the officer to reopen it."))
    criteria = {c.id: c for c in challenge.criteria}
    values, problems = _score_problems(criteria, scores, submit)
    rec = None
    if recommendation:
        try:
            rec = Recommendation(recommendation)
        except ValueError:
            problems["recommendation"] = _("Choose one of the recommendations.")
    elif submit:
        problems["recommendation"] = _("Choose a recommendation before submitting.")
    if submit and not (overall_comment or "").strip():
        problems["overall_comment"] = _("Write an overall comment before submitting.")
    if problems:
        raise ValidationFailed(problems)
    before = snapshot(review, "total", "recommendation")
    comments = {s.criterion_id: s.comment.strip() for s in scores}
    existing = {s.criterion_id: s for s in review.scores}
    for cid in criteria:
        score = existing.get(cid)
        if score is None:
            score = Score(criterion_id=cid)
            review.scores.append(score)
        score.value = values.get(cid)
        score.comment = comments.get(cid, "")
    review.overall_comment = (overall_comment or "").strip()
    review.confidential_comment = (confidential_comment or "").strip()
    review.recommendation = rec
    complete = len(values) == len(criteria)
    review.total = (
        weighted_total(values, {cid: c.weight for cid, c in criteria.items()}) if complete else None
    )
    review.updated_at = clock.now()
    audit.record(
        by,
        "review.saved",
        review,
        before=before,
        after={
            **snapshot(review, "total", "recommendation"),
            "scores": {str(cid): str(v) for cid, v in values.items()},
        },
    )
    if submit:
        states.set_status(review, ReviewStatus.submitted, by=by)
        states.set_status(assignment, AssignmentStatus.submitted, by=by)
    return review


def reopen_review(review: Review, *, reason: str, by: User) -> Review:
    """An officer unlocks a submitted review so that its expert may change it (audited)."""
    require(can_reopen(by, review))
    assignment = lock_assignment(review.assignment)
    review = assignment.review
    if review.status is not ReviewStatus.submitted:
        raise DomainError(_("Only a submitted review can be reopened."))
    challenge = assignment.proposal.challenge
    if challenge.status is ChallengeStatus.decided:
        raise DomainError(_("The decision has been made; reviews can no longer change."))
    reason = given_text(reason, "reason", _("Give the reason for reopening the review."))
    states.set_status(review, ReviewStatus.draft, by=by, reason=reason)
    states.set_status(assignment, AssignmentStatus.assigned, by=by)
    notify(
        [assignment.expert],
        "review_reopened",
        link=score_path(review.proposal_id),
        number=challenge.number,
        reason=reason,
    )
    return review
