"""The checklist of a draft: everything that stops it from being submitted, each problem tied
to the section and field where it is put right. The draft page, the section forms and
submission all read this one list.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from portal import clock
from portal.challenges.models import Challenge
from portal.errors import ValidationFailed
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.presentation import format_money, plain_number
from portal.proposals import consent, signature
from portal.proposals.common import Problem, indicator_commitments
from portal.proposals.models import Proposal
from portal.proposals.permissions import region_matches
from portal.proposals.queries import current_attachments
from portal.vocabulary import MemberRole, OrgStatus


class IncompleteProposal(ValidationFailed):
    """Submission refused: the checklist still has open points (a missing acceptance or a
    signature that does not hold among them)."""

    def __init__(self, problems: list[Problem]):
        self.checklist = problems
        super().__init__({None: _("The proposal cannot be submitted yet: see the checklist.")})


def last_due_date(challenge: Challenge, submitted_on: date) -> date | None:
    """The latest due date a milestone may have: the challenge's duration from submission."""
    if not challenge.duration_months:
        return None
    return clock.add_months(submitted_on, challenge.duration_months)


def _general_problems(proposal: Proposal) -> list[Problem]:
    found = []
    for field, message in (
        ("title", _("Give the project a title.")),
        ("leader_name", _("Name the team leader.")),
        ("leader_title", _("Give the team leader's title or position.")),
        ("leader_phone", _("Give the team leader's telephone number.")),
        ("leader_email", _("Give the team leader's e-mail address.")),
        ("approach", _("Describe the technical approach.")),
        ("innovation", _("Describe the innovation points.")),
    ):
        if not (getattr(proposal, field) or "").strip():
            found.append(Problem("general", field, message))
    if proposal.leader_org_id not in {m.organisation_id for m in proposal.members}:
        found.append(
            Problem(
                "general",
                "leader_org_id",
                _("Choose the consortium organisation the team leader belongs to."),
            )
        )
    return found


def _member_problems(proposal: Proposal) -> list[Problem]:
    challenge = proposal.challenge
    found = []
    others = [m for m in proposal.members if m.role is MemberRole.member]
    lead = next((m for m in proposal.members if m.role is MemberRole.lead), None)
    if lead is not None and not lead.responsibility.strip():
        found.append(
            Problem(
                "members",
                "lead_responsibility",
                _("Describe the lead organisation's responsibility."),
            )
        )
    if len(others) > challenge.max_members:
        found.append(
            Problem(
                "members",
                None,
                ngettext(
                    "This challenge allows at most %(num)s member organisation besides the lead.",
                    "This challenge allows at most %(num)s member organisations besides the lead.",
                    challenge.max_members,
                ),
            )
        )
    for i, member in enumerate(others):
        org = member.organisation
        if not member.responsibility.strip():
            found.append(
                Problem(
                    "members",
                    f"members-{i}-responsibility",
                    _("Describe the responsibility of %(org)s.", org=org.name),
                )
            )
        if org.type.value not in challenge.allowed_org_types or not region_matches(
            challenge, org.region
        ):
            found.append(
                Problem(
                    "members",
                    f"members-{i}-credit_code",
                    _("%(org)s may not take part in this challenge.", org=org.name),
                )
            )
    return found


def _commitment_problems(proposal: Proposal) -> list[Problem]:
    found = []
    for i, (indicator, commitment) in enumerate(indicator_commitments(proposal)):
        if commitment is None or commitment.value is None:
            found.append(
                Problem(
                    "commitments",
                    f"commitments-{i}-value",
                    _("Commit to a value for “%(name)s”.", name=indicator.name),
                )
            )
        elif (
            not indicator.comparison.met_by(commitment.value, indicator.target)
            and not commitment.justification.strip()
        ):
            found.append(
                Problem(
                    "commitments",
                    f"commitments-{i}-justification",
                    _(
                        "The value for “%(name)s” does not meet the target (%(cmp)s %(target)s): "
                        "explain why.",
                        name=indicator.name,
                        cmp=indicator.comparison.symbol,
                        target=plain_number(indicator.target),
                    ),
                )
            )
    return found


def _milestone_problems(proposal: Proposal, today: date) -> list[Problem]:
    found = []
    milestones = proposal.milestones
    if not milestones:
        return [Problem("milestones", None, _("Plan at least one milestone."))]
    latest = last_due_date(proposal.challenge, today)
    for i, ms in enumerate(milestones):
        key = f"milestones-{i}-"
        for field, message in (
            ("title", _("Give the milestone a title.")),
            ("deliverable", _("Say what will be delivered.")),
            ("verification", _("Say how it will be verified.")),
        ):
            if not (getattr(ms, field) or "").strip():
                found.append(Problem("milestones", key + field, message))
        if ms.due_date is None:
            found.append(Problem("milestones", key + "due_date", _("Give a due date.")))
        elif ms.due_date <= today:
            found.append(
                Problem("milestones", key + "due_date", _("The due date must be in the future."))
            )
        elif latest is not None and ms.due_date > latest:
            found.append(
                Problem(
                    "milestones",
                    key + "due_date",
                    _(
                        "The due date must fall within the challenge's duration of %(n)s months "
                        "(by %(date)s if submitted today).",
                        n=proposal.challenge.duration_months,
                        date=latest.isoformat(),
                    ),
                )
            )
        if ms.share_percent is None:
            found.append(
                Problem("milestones", key + "share_percent", _("Give the share of funding."))
            )
        elif ms.share_percent <= 0:
            found.append(
                Problem("milestones", key + "share_percent", _("The share must be above 0 %."))
            )
    shares = [ms.share_percent for ms in milestones if ms.share_percent is not None]
    if len(shares) == len(milestones):
        total = sum(shares, Decimal(0))
        if total != Decimal(100):
            message = _(
                "The shares add up to %(total)s %%; they must add up to 100 %%.",
                total=plain_number(total),
            )
            found.extend(
                Problem("milestones", f"milestones-{i}-share_percent", message)
                for i in range(len(milestones))
            )
    return found


def _budget_problems(proposal: Proposal) -> list[Problem]:
    found = []
    cap = proposal.challenge.funding_cap
    if proposal.requested is None:
        found.append(Problem("budget", "requested", _("Give the funding requested.")))
    elif proposal.requested <= 0:
        found.append(Problem("budget", "requested", _("The funding requested must be above 0.")))
    elif cap is not None and proposal.requested > cap:
        found.append(
            Problem(
                "budget",
                "requested",
                _(
                    "The funding requested is above the challenge's cap of %(cap)s.",
                    cap=format_money(cap),
                ),
            )
        )
    if proposal.self_funds is None:
        found.append(
            Problem("budget", "self_funds", _("Give the self-raised funds (0 if there are none)."))
        )
    elif proposal.self_funds < 0:
        found.append(Problem("budget", "self_funds", _("Self-raised funds cannot be negative.")))
    members = proposal.members
    for i, member in enumerate(members):
        if member.budget_share is None:
            found.append(
                Problem(
                    "budget",
                    f"shares-{i}-share",
                    _("Give the share of %(org)s (0 if none).", org=member.organisation.name),
                )
            )
        elif member.budget_share < 0:
            found.append(Problem("budget", f"shares-{i}-share", _("A share cannot be negative.")))
    shares = [m.budget_share for m in members if m.budget_share is not None]
    if proposal.requested is not None and len(shares) == len(members):
        total = sum(shares, Decimal(0))
        if total != proposal.requested:
            message = _(
                "The members' shares add up to %(total)s, not the %(requested)s requested.",
                total=format_money(total),
                requested=format_money(proposal.requested),
            )
            found.extend(
                Problem("budget", f"shares-{i}-share", message) for i in range(len(members))
            )
    return found


def verification_problems(proposal: Proposal) -> list[Problem]:
    """An organisation may draft before platform staff verify it, but not submit."""
    if proposal.lead_org.status is OrgStatus.verified:
        return []
    return [
        Problem(
            "organisation",
            None,
            _(
                "%(org)s has not been verified by platform staff yet: it may prepare proposals "
                "but submit them only once verified.",
                org=proposal.lead_org.name,
            ),
        )
    ]


def completeness_problems(proposal: Proposal, now: datetime | None = None) -> list[Problem]:
    """Everything that stops the proposal from being submitted: the draft page's checklist."""
    today = clock.local_date(now or clock.now())
    problems = [
        *verification_problems(proposal),
        *_general_problems(proposal),
        *_member_problems(proposal),
        *consent.consent_problems(proposal),
        *_commitment_problems(proposal),
        *_milestone_problems(proposal, today),
        *_budget_problems(proposal),
    ]
    if not current_attachments(proposal):
        problems.append(Problem("attachments", "file", _("Attach the proposal document as a PDF.")))
    problems.extend(signature.signature_problems(proposal))
    return problems
