"""Deciding an objection (异议) to an award in publicity, by a staff member other than the one
who proposed the decision (separation of duties, permissions.can_resolve). An upheld objection
revokes the award; then a reserve proposal may take its place, or the whole decision may be
reopened and made again (decision.reopen)."""

from __future__ import annotations

from portal.accounts.models import User
from portal.awards import decision as decisions
from portal.awards import queries, states
from portal.awards.models import Award, Objection
from portal.awards.permissions import can_manage, can_resolve
from portal.awards.services import start_publicity
from portal.awards.tell import tell_team
from portal.db import db
from portal.errors import DomainError, ValidationFailed, given_text, require
from portal.i18n import gettext as _
from portal.notifications.services import notify
from portal.proposals import states as proposal_states
from portal.vocabulary import AwardStatus, ObjectionStatus, ProposalStatus


def resolve(
    objection: Objection,
    *,
    by: User,
    upheld: bool,
    reason: str,
    promote_id: int | None = None,
    reopen: bool = False,
) -> Objection:
    """Uphold or dismiss the objection; when upheld, the award is revoked and a reserve proposal
    may be promoted or the decision reopened (not both)."""
    require(can_manage(by, objection.award))
    if not can_resolve(by, objection):
        raise DomainError(
            _("You proposed the decision objected to: another staff member decides this objection.")
        )
    if promote_id is not None and not upheld:
        raise ValidationFailed(
            {"promote": _("A reserve proposal can only be promoted when the objection is upheld.")}
        )
    if reopen and not upheld:
        raise ValidationFailed(
            {"reopen": _("The decision can only be reopened when the objection is upheld.")}
        )
    if reopen and promote_id is not None:
        raise ValidationFailed(
            {"reopen": _("Either promote a reserve proposal or reopen the decision, not both.")}
        )
    award = db.lock(objection.award, Award.objections)
    if objection.status is not ObjectionStatus.open:
        raise DomainError(_("This objection has already been resolved."))
    reason = given_text(reason, "reason", _("Give the reason for the decision."))
    decision = ObjectionStatus.upheld if upheld else ObjectionStatus.dismissed
    states.set_objection_status(objection, decision, by=by, reason=reason)
    if upheld:
        _revoke(award, by=by, reason=reason, cause=objection)
    notify(
        [objection.objector],
        "objection_resolved.upheld" if upheld else "objection_resolved.dismissed",
        link=f"/publicity/{award.challenge.number}",
        reason=reason,
    )
    if promote_id is not None:
        promote_reserve(promote_id, by=by, replacing=award)
    if reopen:
        live = decisions.live_decision(award.challenge)
        if live is None:
            raise ValidationFailed({"reopen": _("This challenge has no decision in effect.")})
        decisions.reopen(live, by=by, reason=reason)
    return objection


def _revoke(award: Award, *, by: User, reason: str, cause: Objection) -> None:
    """An upheld objection revokes the award in publicity; the other open objections to it are
    upheld with the same reason."""
    states.set_status(award, AwardStatus.revoked, by=by, reason=reason)
    proposal_states.set_status(award.proposal, ProposalStatus.not_funded, by=by)
    for other in award.objections:
        if other is not cause and other.status is ObjectionStatus.open:
            states.set_objection_status(other, ObjectionStatus.upheld, by=by, reason=reason)
            notify([other.objector], "objection_resolved.upheld", reason=reason)
    tell_team(award, "award_revoked", title=award.proposal.title, reason=reason)


def promote_reserve(proposal_id: int, *, by: User, replacing: Award) -> Award:
    """A reserve proposal takes a revoked award's place and gets its own publicity period."""
    require(can_manage(by, replacing))
    if replacing.status is not AwardStatus.revoked:
        raise DomainError(_("A reserve proposal can only replace a revoked award."))
    proposal = next(
        (p for p in queries.reserve_candidates(replacing.challenge_id) if p.id == proposal_id),
        None,
    )
    if proposal is None:
        raise ValidationFailed({"promote": _("Choose a reserve proposal of the same challenge.")})
    proposal_states.set_status(proposal, ProposalStatus.awarded, by=by, action="proposal.promoted")
    return start_publicity(proposal, by=by)
