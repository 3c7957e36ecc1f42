"""Addresses that leave the portal in messages about review (notifications are written also
outside a request, by the demo loader, so they are plain paths, not url_for)."""

from __future__ import annotations

MY_REVIEWS_PATH = "/reviews/mine"


def challenge_path(challenge_id: int) -> str:
    """The officers' review desk of a challenge."""
    return f"/reviews/challenges/{challenge_id}"


def score_path(proposal_id: int) -> str:
    """Where the expert scores a proposal."""
    return f"/reviews/proposals/{proposal_id}/review"


def feedback_path(proposal_id: int) -> str:
    """Where the applicant reads the decision and the reviewers' comments."""
    return f"/reviews/proposals/{proposal_id}/feedback"


def appeal_path(appeal_id: int) -> str:
    """Where staff decide an appeal against the formal check."""
    return f"/reviews/appeals/{appeal_id}"
