"""Deciding an objection (异议) to an award in publicity, by a staff member other than the one
who proposed the decision (separation of duties, permissions.can_resolve). An upheld objection
revokes the award; then a reserve proposal may take its place, or the whole decision may be
reopened and made again (decision.reopen)."""

from __future__ import annotations

from portal.accounts.models import User
from portal.awards import decision as decisions
from portal.awards import services
from portal.awards.models import Objection
from portal.awards.permissions import can_resolve
from portal.errors import DomainError, ValidationFailed
from portal.i18n import gettext as _


def resolve(
    objection: Objection,
    *,
    by: User,
    upheld: bool,
    reason: str,
    promote_id: int | None = None,
    reopen: bool = False,
) -> Objection:
    """Uphold or dismiss the objection; when upheld, promote a reserve proposal or reopen the
    decision (not both)."""
    if not can_resolve(by, objection):
        raise DomainError(
            _("You proposed the decision objected to: another staff member decides this objection.")
        )
    if reopen and not upheld:
        raise ValidationFailed(
            {"reopen": _("The decision can only be reopened when the objection is upheld.")}
        )
    if reopen and promote_id is not None:
        raise ValidationFailed(
            {"reopen": _("Either promote a reserve proposal or reopen the decision, not both.")}
        )
    services.resolve_objection(
        objection, by=by, upheld=upheld, reason=reason, promote_id=promote_id
    )
    if reopen:
        live = decisions.live_decision(objection.award.challenge)
        if live is None:
            raise ValidationFailed({"reopen": _("This challenge has no decision in effect.")})
        decisions.reopen(live, by=by, reason=reason)
    return objection
