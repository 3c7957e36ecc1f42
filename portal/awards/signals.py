"""What the awards module tells the modules above it, which it may not import (notices sits
above awards). Each signal is sent inside the transaction that made the change, so that what a
receiver writes is committed, or rolled back, with it.
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

award_revoked = signals.signal(
    "award-revoked",
    doc="An award was revoked (after an upheld objection, or 撤销立项 later). Sender: the "
    "award; keyword `by`: who revoked it. The notices module revokes the award's notices.",
)
