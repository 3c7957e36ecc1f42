"""What the review module tells the modules above it, which it may not import (awards sits
above reviews). Each signal is sent inside the transaction that made the change, so that what a
receiver writes is committed, or rolled back, with it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

proposal_awarded = _signals.signal("proposal-awarded")
"""A decision selected a proposal for funding (it is now awarded). Sender: the proposal; keyword
`by`: who decided. The awards module publishes the proposed award (公示)."""
