"""Addresses that leave the portal in messages about proposals."""

from __future__ import annotations

from urllib.parse import urlencode

from portal.notifications.mail import public_link
from portal.proposals.models import Proposal

INVITATIONS_PATH = "/proposals/invitations"


def pledge_path(proposal: Proposal) -> str:
    """Where the named team leader reads and signs the pledge."""
    return f"/proposals/{proposal.id}/pledge"


def invitation_link(token: str, next_path: str) -> str:
    """The e-mailed link through which a person without an account registers (the accounts
    module serves it at /invitations/<token>, endpoint `accounts.invitation`) and then lands on
    `next_path`."""
    return public_link(f"/invitations/{token}?{urlencode({'next': next_path})}")
