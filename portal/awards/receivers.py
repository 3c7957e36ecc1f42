"""How awards follow the review: the receivers of the review module's signals
(portal/reviews/signals.py). They are connected when this module is imported, which create_app
does; they run inside the transaction of the change that sent them.
"""

from __future__ import annotations

from portal.accounts.models import User
from portal.awards.services import start_publicity
from portal.proposals.models import Proposal
from portal.reviews import signals


@signals.proposal_awarded.connect
def _proposal_awarded(proposal: Proposal, *, by: User, **_kw) -> None:
    start_publicity(proposal, by=by)  # the proposed award goes to publicity (公示)
