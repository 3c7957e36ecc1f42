"""How the awards module tells a project's team: the users of its lead organisation, each in
their own language, with a link to the project's page."""

from __future__ import annotations

from portal.awards import queries
from portal.awards.models import Award
from portal.notifications.services import notify


def project_link(award: Award) -> str:
    return f"/projects/{award.id}"


def tell_team(award: Award, kind: str, **params) -> None:
    """Notify the project's team of `kind`, filled in with `params` as by notify()."""
    notify(queries.lead_users(award), kind, link=project_link(award), **params)
