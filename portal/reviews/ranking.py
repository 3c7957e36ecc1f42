"""The ranking of a challenge's proposals with its statistics (one read, shared by the ranking
page, its export and the decision form).

Statistics (all on the 0–100 review totals of submitted reviews):
- standard deviation is the *sample* standard deviation (n − 1), blank below two values; the
  same definition serves the proposals' spread, the reviewers' statistics and the z-scores;
- trimmed mean drops one highest and one lowest total when a proposal has at least 5 reviews,
  otherwise it equals the mean;
- z-score: each reviewer's totals are standardised over their own submitted reviews in this
  challenge, z = (total − reviewer's mean) / reviewer's standard deviation. A reviewer with one
  review, or whose totals are all equal, contributes z = 0 (no evidence of harshness or
  leniency). A proposal's z mean is the mean of its reviews' z;
- divergence: the spread (highest − lowest total) exceeds REVIEW_DIVERGENCE_POINTS (default 30);
- too few reviews: fewer submitted reviews than the challenge's reviewers per proposal;
- ranking: by the challenge's aggregation (mean, trimmed mean or median), then by the higher z
  mean, then by more reviews, then by the earlier submission of the proposal, then by its id.
  Proposals without a submitted review come last.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlmodel import select

from portal.accounts.models import Organisation, User
from portal.challenges.models import Challenge
from portal.db import db
from portal.proposals.models import Proposal
from portal.reviews.models import Review
from portal.vocabulary import Aggregation, ProposalStatus, ReviewStatus

REVIEWED_STATES = (
    ProposalStatus.in_review,
    ProposalStatus.awarded,
    ProposalStatus.reserve,
    ProposalStatus.not_funded,
)
DEFAULT_DIVERGENCE = 30


def sample_sd(values: list[float]) -> float | None:
    """The sample standard deviation (n − 1), in floats: statistics.stdev works in exact
    fractions and took a third of the ranking page's time."""
    n = len(values)
    if n < 2:
        return None
    mean = math.fsum(values) / n
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))


def trimmed_mean(values: list[float]) -> float | None:
    if not values:
        return None
    if len(values) >= 5:
        values = sorted(values)[1:-1]
    return statistics.fmean(values)


def z_scores(
    totals_by_reviewer: dict[int, list[tuple[int, float]]],
) -> dict[tuple[int, int], float]:
    """{(reviewer id, proposal id): z}. See the module's note for the rule."""
    z = {}
    for reviewer, pairs in totals_by_reviewer.items():
        values = [t for _p, t in pairs]
        sd = sample_sd(values)
        mean = statistics.fmean(values)
        for proposal_id, total in pairs:
            z[(reviewer, proposal_id)] = (total - mean) / sd if sd else 0.0
    return z


@dataclass(frozen=True)
class RankedProposal:
    """What the ranking shows of a proposal: read as plain columns, not as ORM objects, which
    cost more to build than all the statistics together."""

    id: int
    title: str
    status: ProposalStatus
    submitted_at: datetime | None
    lead_org_name: str


@dataclass
class ProposalStats:
    proposal: RankedProposal
    totals: list[float] = field(default_factory=list)
    n: int = 0
    mean: float | None = None
    trimmed_mean: float | None = None
    median: float | None = None
    sd: float | None = None
    z_mean: float | None = None
    spread: float | None = None
    divergent: bool = False
    score: float | None = None  # by the challenge's aggregation
    passes: bool = False
    rank: int = 0
    required: int = 0  # the challenge's reviewers per proposal

    @property
    def too_few_reviews(self) -> bool:
        return self.n < self.required


@dataclass
class ReviewerStats:
    expert_name: str
    n: int
    mean: float
    sd: float | None


@dataclass
class Ranking:
    challenge: Challenge
    rows: list[ProposalStats]
    reviewers: list[ReviewerStats]
    threshold: float


def divergence_threshold() -> float:
    return float(current_app.config.get("REVIEW_DIVERGENCE_POINTS", DEFAULT_DIVERGENCE))


def submitted_totals(challenge: Challenge) -> list[tuple[int, int, float]]:
    """(proposal id, expert id, total) of every submitted review of the challenge: one query."""
    return db.rows(
        select(Review.proposal_id, Review.expert_id, sa.cast(Review.total, sa.Float)).where(
            Review.challenge_id == challenge.id,
            Review.status == ReviewStatus.submitted,
            Review.total.is_not(None),
        )
    ).all()


def ranking(challenge: Challenge) -> Ranking:
    """Every reviewed proposal with its statistics, in rank order; a constant number of queries
    whatever the number of proposals (proposals with their organisations, totals, experts)."""
    proposals = db.rows(
        select(
            Proposal.id,
            Proposal.title,
            Proposal.status,
            Proposal.submitted_at,
            Organisation.name,
        )
        .join(Organisation, Organisation.id == Proposal.lead_org_id)
        .where(Proposal.challenge_id == challenge.id, Proposal.status.in_(REVIEWED_STATES))
    )
    rows = {p[0]: ProposalStats(proposal=RankedProposal(*p)) for p in proposals}
    by_reviewer: dict[int, list[tuple[int, float]]] = {}
    for proposal_id, expert_id, total in submitted_totals(challenge):
        if proposal_id in rows:
            rows[proposal_id].totals.append(total)
            by_reviewer.setdefault(expert_id, []).append((proposal_id, total))
    z = z_scores(by_reviewer)
    z_by_proposal: dict[int, list[float]] = {}
    for (_reviewer, proposal_id), value in z.items():
        z_by_proposal.setdefault(proposal_id, []).append(value)
    threshold = divergence_threshold()
    method = Aggregation(challenge.aggregation).value
    for row in rows.values():
        values = row.totals
        row.n = len(values)
        row.required = challenge.reviewers_per_proposal
        if not values:
            continue
        row.mean = statistics.fmean(values)
        row.trimmed_mean = trimmed_mean(values)
        row.median = statistics.median(values)
        row.sd = sample_sd(values)
        row.z_mean = statistics.fmean(z_by_proposal[row.proposal.id])
        row.spread = max(values) - min(values)
        row.divergent = row.spread > threshold
        row.score = {"mean": row.mean, "trimmed_mean": row.trimmed_mean, "median": row.median}[
            method
        ]
        row.passes = row.score >= challenge.pass_mark
    far_future = datetime.max.replace(tzinfo=None)

    def key(row: ProposalStats):
        submitted = row.proposal.submitted_at
        return (
            row.score is None,
            -(row.score or 0.0),
            -(row.z_mean or 0.0),
            -row.n,
            submitted.replace(tzinfo=None) if submitted else far_future,
            row.proposal.id,
        )

    ordered = sorted(rows.values(), key=key)
    for i, row in enumerate(ordered, start=1):
        row.rank = i
    names = dict(db.rows(select(User.id, User.name).where(User.id.in_(list(by_reviewer)))).all())
    reviewers = [
        ReviewerStats(
            expert_name=names[rid],
            n=len(pairs),
            mean=statistics.fmean([t for _p, t in pairs]),
            sd=sample_sd([t for _p, t in pairs]),
        )
        for rid, pairs in sorted(by_reviewer.items(), key=lambda item: names[item[0]])
    ]
    return Ranking(challenge=challenge, rows=ordered, reviewers=reviewers, threshold=threshold)
