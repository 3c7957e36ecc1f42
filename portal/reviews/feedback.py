"""Feedback to applicants, in the manner of an NIH summary statement: what one applicant sees of
the review of their own proposal once the challenge is decided, as far as the challenge shares
it (Challenge.feedback):

- `none`: nothing;
- `scores`: their total (under the challenge's aggregation) and each criterion's mean, their rank
  band (for example "top 25 %", never another proposal's score) and the pass mark;
- `comments`: the same, and the reviewers' comments to applicants (the criterion comments and
  the overall comment), reviewer by reviewer and without their names.

The confidential comment to the officers is never read here: it does not reach this module's
result, so neither the page nor the export built on it can show it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from sqlalchemy.orm import selectinload
from sqlmodel import select

from portal.db import db
from portal.i18n import gettext as _
from portal.proposals.models import Proposal
from portal.reviews.models import Review, Score
from portal.reviews.ranking import ranking
from portal.vocabulary import ChallengeStatus, Feedback, ReviewStatus

BANDS = (10, 25, 50, 75)


def rank_band(rank: int, ranked: int) -> str:
    """Where a proposal stands among `ranked` scored proposals, in words: "top t %" when fewer
    than t % of them ranked above it, else "bottom 25 %". Never another proposal's score."""
    above = (rank - 1) / ranked
    for t in BANDS:
        if above < t / 100:
            return _("top %(n)s %%", n=t)
    return _("bottom %(n)s %%", n=25)


@dataclass
class CriterionMean:
    name: str
    weight: int
    mean: float | None


@dataclass
class ReviewerComments:
    """One reviewer's comments to applicants, without the reviewer's name."""

    criteria: list[tuple[str, str]]  # (criterion, comment), those with a comment
    overall: str


@dataclass
class SummaryStatement:
    level: Feedback
    decided: bool
    pass_mark: int
    reviews: int = 0
    total: float | None = None
    band: str | None = None
    criteria: list[CriterionMean] = field(default_factory=list)
    comments: list[ReviewerComments] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.decided and self.level.shares_scores


def _submitted_reviews(proposal: Proposal) -> list[Review]:
    return db.all(
        select(Review)
        .where(Review.proposal_id == proposal.id, Review.status == ReviewStatus.submitted)
        .options(selectinload(Review.scores).selectinload(Score.criterion))
        .order_by(Review.submitted_at, Review.id)
    )


def summary_statement(proposal: Proposal) -> SummaryStatement:
    """What the applicant of `proposal` may see of its review now."""
    challenge = proposal.challenge
    level = Feedback(challenge.feedback)
    statement = SummaryStatement(
        level=level,
        decided=challenge.status is ChallengeStatus.decided,
        pass_mark=challenge.pass_mark,
    )
    if not statement.shown:
        return statement
    result = ranking(challenge)
    scored = [row for row in result.rows if row.score is not None]
    mine = next((row for row in scored if row.proposal.id == proposal.id), None)
    if mine is not None:
        statement.total = mine.score
        statement.reviews = mine.n
        statement.band = rank_band(mine.rank, len(scored))
    reviews = _submitted_reviews(proposal)
    values: dict[int, list[float]] = {}
    for review in reviews:
        for score in review.scores:
            if score.value is not None:
                values.setdefault(score.criterion_id, []).append(float(score.value))
    statement.criteria = [
        CriterionMean(
            name=c.name,
            weight=c.weight,
            mean=statistics.fmean(values[c.id]) if c.id in values else None,
        )
        for c in challenge.criteria
    ]
    if level.shares_comments:
        for review in reviews:
            ordered = sorted(review.scores, key=lambda s: s.criterion.position)
            statement.comments.append(
                ReviewerComments(
                    criteria=[(s.criterion.name, s.comment) for s in ordered if s.comment],
                    overall=review.overall_comment,
                )
            )
    return statement


def statement_table(statement: SummaryStatement) -> tuple[list[str], list[list[object]]]:
    """The summary statement as rows for the applicant's CSV export: exactly what the page
    shows, nothing more."""
    header = [_("Item"), _("Value")]
    rows: list[list[object]] = []
    if not statement.shown:
        return header, rows

    def number(value: float | None) -> object:
        return round(value, 2) if value is not None else ""

    rows.append([_("Total"), number(statement.total)])
    rows.append([_("Rank band"), statement.band or ""])
    rows.append([_("Pass mark"), statement.pass_mark])
    rows.append([_("Reviews"), statement.reviews])
    for c in statement.criteria:
        rows.append([_("Mean score: %(criterion)s", criterion=c.name), number(c.mean)])
    for i, reviewer in enumerate(statement.comments, start=1):
        for name, comment in reviewer.criteria:
            rows.append([_("Reviewer %(n)s: %(criterion)s", n=i, criterion=name), comment])
        if reviewer.overall:
            rows.append([_("Reviewer %(n)s: overall comment", n=i), reviewer.overall])
    return header, rows
