"""Addresses that leave the portal in messages about proposals."""

from __future__ import annotations

from portal.proposals.models import Proposal

INVITATIONS_PATH = "/proposals/invitations"


def pledge_path(proposal: Proposal) -> str:
    """Where the named team leader reads and signs the pledge."""
    return f"/proposals/{proposal.id}/pledge"
