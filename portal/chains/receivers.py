"""How the chain's digital brain reacts to the modules below it (connected when this package's
views are imported by create_app)."""

from __future__ import annotations

from portal.chains import services
from portal.challenges import signals


@signals.link_removing.connect
def _release_link(link, *, by, **_ignored) -> None:
    services.release_link(link, by=by)
