"""What the challenges module tells the modules above it, which react by connecting a receiver.
Each signal is sent inside the service's transaction: what a receiver writes is committed or
rolled back with the change that caused it, and a receiver that raises a DomainError refuses it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

link_removing = _signals.signal("chain-link-removing")
"""A link is about to be removed from its chain (the link is the sender): `by`. Whatever points
to it must go first, or refuse."""
