"""The formal check (形式审查) of proposals handed in, and the applicant's one appeal against it.

- Staff tick the items the challenge lists (Challenge.formal_checklist: documents complete,
  eligible organisation type, region, budget within the cap, all members accepted, pledge signed,
  and any the challenge adds). Where the platform knows an item, the page offers it ticked.
- A proposal passes with every item ticked; a rejection needs a reason. Each ruling is kept as a
  FormalCheck row with the items as ticked.
- The check starts once the deadline has passed.
- The lead organisation may appeal a rejection once, within APPEAL_DAYS (default 5). A staff
  member other than the one who rejected decides the appeal; an upheld appeal sends the proposal
  to expert review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlmodel import select

from portal import audit, clock
from portal.accounts.models import User
from portal.db import db
from portal.errors import DomainError, NotAllowed, ValidationFailed, given_text, require
from portal.i18n import gettext as _
from portal.notifications.services import notify
from portal.presentation import format_local, lazy_local
from portal.proposals import consent, signature
from portal.proposals import states as proposal_states
from portal.proposals.models import Proposal
from portal.proposals.permissions import region_matches
from portal.proposals.queries import current_attachments
from portal.reviews import states
from portal.reviews.links import appeal_path
from portal.reviews.models import Appeal, FormalCheck
from portal.reviews.permissions import can_appeal, can_check, can_decide_appeal
from portal.reviews.queries import applicants_of, officers
from portal.reviews.services import checkable
from portal.vocabulary import AppealStatus, CheckItem, CheckOutcome, ProposalStatus

REASON_MAX = 2000


@dataclass(frozen=True)
class ChecklistRow:
    item: str  # a CheckItem value, or the item's own text
    label: str
    known: bool | None  # what the platform knows of it; None when it does not


def _known(item: str, proposal: Proposal) -> bool | None:
    challenge = proposal.challenge
    org = proposal.lead_org
    if item == CheckItem.documents.value:
        return bool(current_attachments(proposal))
    if item == CheckItem.org_type.value:
        return org.type.value in (challenge.allowed_org_types or [])
    if item == CheckItem.region.value:
        return region_matches(challenge, org.region)
    if item == CheckItem.budget.value:
        if proposal.requested is None or challenge.funding_cap is None:
            return None
        return proposal.requested <= challenge.funding_cap
    if item == CheckItem.members.value:
        return not consent.consent_problems(proposal)
    if item == CheckItem.pledge.value:
        return not signature.signature_problems(proposal)
    return None


def checklist(proposal: Proposal) -> list[ChecklistRow]:
    """The challenge's items for this proposal, each with what the platform knows of it."""
    rows = []
    for item in proposal.challenge.formal_checklist or []:
        known = CheckItem.find(item)
        rows.append(
            ChecklistRow(
                item=item,
                label=str(known.label) if known else item,
                known=_known(item, proposal),
            )
        )
    return rows


def _ticked(proposal: Proposal, items: list[str]) -> dict[str, bool]:
    """The challenge's items, each ticked or not (items the challenge does not list ignored)."""
    given = set(items)
    return {item: item in given for item in proposal.challenge.formal_checklist or []}


def _lock_submitted(proposal: Proposal, refusal: str) -> Proposal:
    proposal = db.lock(proposal)
    checkable(proposal.challenge)
    if proposal.status is not ProposalStatus.submitted:
        raise DomainError(refusal)
    return proposal


def _record(proposal: Proposal, ticked: dict, outcome: CheckOutcome, reason: str, by: User):
    check = FormalCheck(
        proposal_id=proposal.id,
        items=ticked,
        outcome=outcome,
        reason=reason,
        checked_by_id=by.id,
        checked_at=clock.now(),
    )
    db.session.add(check)
    db.session.flush()  # the audit keeps its id
    audit.created(by, f"formal_check.{outcome.value}", check)
    return check


def mark_eligible(proposal: Proposal, *, by: User, items: list[str] | None = None) -> Proposal:
    """The proposal passed the formal check, every item ticked, and goes to expert review.
    `items` None: every item of the challenge is vouched for (the demo's and scripts' way)."""
    require(can_check(by, proposal))
    proposal = _lock_submitted(proposal, _("Only a submitted proposal can pass the formal check."))
    ticked = _ticked(
        proposal, list(proposal.challenge.formal_checklist or []) if items is None else items
    )
    if not all(ticked.values()):
        raise ValidationFailed(
            {"items": _("Tick every item before passing the proposal, or reject it with a reason.")}
        )
    _record(proposal, ticked, CheckOutcome.passed, "", by)
    proposal_states.set_status(
        proposal, ProposalStatus.in_review, by=by, action="proposal.eligible"
    )
    notify(applicants_of(proposal), "proposal_eligible", title=proposal.title)
    return proposal


def appeal_days() -> int:
    return int(current_app.config.get("APPEAL_DAYS", 5))


def reject_proposal(
    proposal: Proposal, *, reason: str, by: User, items: list[str] | None = None
) -> Proposal:
    """The proposal failed the formal check; the reason is shown to the applicant, who may
    appeal once within APPEAL_DAYS."""
    require(can_check(by, proposal))
    proposal = _lock_submitted(
        proposal, _("Only a submitted proposal can be rejected at the formal check.")
    )
    reason = given_text(reason, "reason", _("Give the reason for the rejection."))
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            {"reason": _("The reason is too long (at most %(n)s characters).", n=REASON_MAX)}
        )
    ticked = _ticked(proposal, items or [])
    check = _record(proposal, ticked, CheckOutcome.rejected, reason, by)
    proposal_states.set_status(proposal, ProposalStatus.rejected, by=by, reason=reason)
    notify(
        applicants_of(proposal),
        "proposal_rejected",
        title=proposal.title,
        reason=reason,
        until=lazy_local(appeal_deadline(check)),
    )
    return proposal


# ---- the appeal -------------------------------------------------------------------------------


def latest_check(proposal: Proposal) -> FormalCheck | None:
    return db.session.exec(
        select(FormalCheck)
        .where(FormalCheck.proposal_id == proposal.id)
        .order_by(FormalCheck.checked_at.desc(), FormalCheck.id.desc())
    ).first()


def appeal_of(proposal: Proposal) -> Appeal | None:
    return db.session.exec(select(Appeal).where(Appeal.proposal_id == proposal.id)).first()


def appeal_deadline(check: FormalCheck) -> datetime:
    return check.checked_at + timedelta(days=appeal_days())


def appeal_problem(proposal: Proposal, now: datetime | None = None) -> str | None:
    """Why the applicant cannot appeal now, or None (the page and the service share it)."""
    now = now or clock.now()
    check = latest_check(proposal)
    if proposal.status is not ProposalStatus.rejected or check is None:
        return _("Only a proposal rejected at the formal check can be appealed.")
    if appeal_of(proposal) is not None:
        return _("This proposal has already been appealed; an appeal can be made once.")
    if now > appeal_deadline(check):
        return _(
            "The time to appeal ended on %(until)s.", until=format_local(appeal_deadline(check))
        )
    return None


def lodge_appeal(proposal: Proposal, *, grounds: str, by: User) -> Appeal:
    """The lead organisation appeals the rejection, once, within APPEAL_DAYS."""
    require(can_appeal(by, proposal))
    proposal = db.lock(proposal)
    if problem := appeal_problem(proposal):
        raise DomainError(problem)
    grounds = given_text(grounds, "grounds", _("Say why the rejection should be reconsidered."))
    if len(grounds) > REASON_MAX:
        raise ValidationFailed(
            {"grounds": _("The text is too long (at most %(n)s characters).", n=REASON_MAX)}
        )
    appeal = Appeal(
        proposal_id=proposal.id,
        check_id=latest_check(proposal).id,
        grounds=grounds,
        lodged_by_id=by.id,
        lodged_at=clock.now(),
    )
    db.session.add(appeal)
    db.session.flush()  # the audit keeps its id
    audit.created(by, "appeal.lodged", appeal)
    notify(
        officers(),
        "appeal_lodged",
        link=appeal_path(appeal.id),
        number=proposal.challenge.number,
        id=proposal.id,
    )
    return appeal


def decide_appeal(appeal: Appeal, *, uphold: bool, answer: str, by: User) -> Appeal:
    """A staff member other than the checker upholds the appeal (the proposal goes to expert
    review) or dismisses it (the rejection stands); the answer is the applicant's to read."""
    require(can_check(by, appeal))
    if appeal.check.checked_by_id == by.id or not can_decide_appeal(by, appeal):
        raise NotAllowed(
            _("You rejected this proposal at the formal check: another staff member decides it.")
        )
    appeal = db.lock(appeal)
    if appeal.status is not AppealStatus.lodged:
        raise DomainError(_("This appeal has already been decided."))
    answer = given_text(answer, "answer", _("Give the reason for the decision on the appeal."))
    if len(answer) > REASON_MAX:
        raise ValidationFailed(
            {"answer": _("The text is too long (at most %(n)s characters).", n=REASON_MAX)}
        )
    to = AppealStatus.upheld if uphold else AppealStatus.dismissed
    states.set_status(appeal, to, by=by, reason=answer)
    proposal = db.lock(db.session.get(Proposal, appeal.proposal_id))
    if uphold:
        proposal_states.set_status(
            proposal, ProposalStatus.in_review, by=by, action="proposal.appeal_upheld"
        )
    notify(
        applicants_of(proposal),
        "appeal_decided.upheld" if uphold else "appeal_decided.dismissed",
        title=proposal.title,
        reason=answer,
    )
    return appeal
