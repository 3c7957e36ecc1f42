"""What the challenges module tells the modules above it. Challenges are the lowest domain: they
import none of proposals, reviews, awards or notices, so these modules react to a challenge's
change by connecting a receiver to one of these signals (portal/proposals/receivers.py).

Each signal is sent inside the service's transaction, with the challenge as sender: what a
receiver writes is committed or rolled back with the change that caused it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

indicators_removed = _signals.signal("challenge-indicators-removed")
"""Indicators are about to be deleted from a challenge (an edit or an amendment):
`indicator_ids`. Whatever points to them must go first."""

published = _signals.signal("challenge-published")
"""A draft became public as version 1: `by`. Whoever follows its chain or link is told
(portal/alerts/receivers.py)."""

question_answered = _signals.signal("challenge-question-answered")
"""A clarification (the sender) was answered and is now public: `by`. Applicants drafting for
the challenge may be told (portal/alerts/receivers.py)."""

amended = _signals.signal("challenge-amended")
"""A published challenge has a new version: `version` (its number), `reason`, `by`."""

cancelled = _signals.signal("challenge-cancelled")
"""A challenge was cancelled: `reason`, `by`; `was_published` says whether anyone outside the
programme office could have seen it."""

link_removing = _signals.signal("chain-link-removing")
"""A link is about to be removed from its chain (the link is the sender): `by`. Whatever points
to it must go first, or refuse."""
