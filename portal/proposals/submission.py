"""Handing a proposal in and taking it back: the lead organisation's acts (单位推荐), done by its
administrators. A member of the organisation asks them with `request_submission`.

Submitting freezes the proposal as its next SubmittedVersion (a SubmittedContent, as JSON):
what reviewers score is exactly what was submitted, and every version stays in the history.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import func, select

from portal import audit, clock
from portal.accounts.models import User
from portal.db import db
from portal.errors import DomainError, require
from portal.i18n import gettext as _
from portal.proposals.checklist import IncompleteProposal, completeness_problems
from portal.proposals.common import (
    check_open,
    lead_administrators,
    lead_users,
    lock_proposal,
    tell,
)
from portal.proposals.models import Proposal, SubmittedVersion
from portal.proposals.permissions import EDITABLE, can_edit, can_submit, can_withdraw
from portal.proposals.snapshot import SubmittedContent
from portal.proposals.states import set_status
from portal.vocabulary import ProposalStatus


def _organisation_act(allowed: bool, proposal: Proposal, by: User, refusal: str) -> None:
    """Submitting and withdrawing are the lead organisation's acts, `allowed` to its
    administrators only. Anyone else of the organisation is told why (`refusal` names it as
    %(org)s); anyone outside it, that they may not."""
    require(can_edit(by, proposal))
    require(allowed, refusal % {"org": proposal.lead_org.name})


def _check_submittable(proposal: Proposal, now: datetime) -> None:
    """Refuse unless the proposal is a draft (or withdrawn) and the challenge still open."""
    if proposal.status not in EDITABLE:
        raise DomainError(_("Only a draft or a withdrawn proposal can be submitted."))
    check_open(
        proposal,
        now,
        _(
            "The deadline of this challenge (%(deadline)s) has passed; proposals are no longer "
            "accepted."
        ),
    )


def freeze(proposal: Proposal, *, by: User, now: datetime) -> SubmittedVersion:
    """The proposal as it is now, kept as its next submitted version."""
    number = (
        db.session.exec(
            select(func.max(SubmittedVersion.number)).where(
                SubmittedVersion.proposal_id == proposal.id
            )
        ).one()
        or 0
    ) + 1
    version = SubmittedVersion(
        proposal_id=proposal.id,
        number=number,
        content=SubmittedContent.from_proposal(proposal, number, now).to_json(),
        submitted_at=now,
        submitted_by_id=by.id,
    )
    proposal.versions.append(version)
    return version


def submit_proposal(
    proposal: Proposal, *, by: User, now: datetime | None = None
) -> SubmittedVersion:
    """Validate everything, freeze the content as the next submitted version, tell the team.

    Only an administrator of the lead organisation submits, once the organisation is verified,
    every member organisation has accepted and the team leader's signature holds (its hash is
    compared with the proposal as it is now). The proposal is locked and read again first: of
    two submissions at once, the second finds it submitted and is refused, and there is one
    version.
    """
    now = now or clock.now()
    _organisation_act(
        can_submit(by, proposal),
        proposal,
        by,
        _(
            "Only an administrator of %(org)s can submit its proposals. Ask one of "
            "them with the button on the proposal's page."
        ),
    )
    proposal = lock_proposal(proposal)
    _check_submittable(proposal, now)
    problems = completeness_problems(proposal, now)
    if problems:
        raise IncompleteProposal(problems)
    version = freeze(proposal, by=by, now=now)
    set_status(proposal, ProposalStatus.submitted, by=by, now=now)
    proposal.revision += 1
    tell(lead_users(proposal), "proposal_submitted", proposal, by, n=version.number)
    return version


def withdraw_proposal(proposal: Proposal, *, by: User, now: datetime | None = None) -> Proposal:
    """Take a submitted proposal back before the deadline; its version stays in the history."""
    now = now or clock.now()
    _organisation_act(
        can_withdraw(by, proposal),
        proposal,
        by,
        _("Only an administrator of %(org)s can withdraw its proposals."),
    )
    proposal = lock_proposal(proposal)
    if proposal.status is not ProposalStatus.submitted:
        raise DomainError(_("Only a submitted proposal can be withdrawn."))
    check_open(
        proposal,
        now,
        _(
            "The deadline of this challenge (%(deadline)s) has passed; the proposal can no "
            "longer be withdrawn."
        ),
    )
    set_status(proposal, ProposalStatus.withdrawn, by=by, now=now)
    proposal.revision += 1
    for version in proposal.versions:
        if version.withdrawn_at is None:
            version.withdrawn_at = now
    tell(lead_users(proposal), "proposal_withdrawn", proposal, by)
    return proposal


def request_submission(proposal: Proposal, *, by: User, now: datetime | None = None) -> Proposal:
    """A member of the lead organisation asks its administrators to submit the proposal."""
    now = now or clock.now()
    require(can_edit(by, proposal))
    _check_submittable(proposal, now)
    recipients = [u for u in lead_administrators(proposal) if u.id != by.id]
    if not recipients:
        raise DomainError(
            _(
                "%(org)s has no other administrator to ask. Platform staff can name one.",
                org=proposal.lead_org.name,
            )
        )
    audit.record(by, "proposal.submission_requested", proposal)
    open_points = len(completeness_problems(proposal, now))
    kind = "submission_requested" if open_points else "submission_requested.complete"
    tell(recipients, kind, proposal, by, num=open_points)
    return proposal
