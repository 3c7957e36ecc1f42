"""Drafting a proposal: starting it, and saving each of its sections however incomplete.

Approved members of the lead organisation prepare the proposal together. Every save is based on
the revision the form was opened at: a save based on an older one is refused (StaleDraft), so
that nobody's changes are lost silently. A change to what the team leader signed voids the
signature (signature.void_if_changed); adding a member organisation invites it (consent.invite).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import update

from portal import audit, clock
from portal.accounts import creditcode
from portal.accounts.membership import administrators
from portal.accounts.models import Organisation, User
from portal.accounts.services import find_organisation, normalise_email
from portal.challenges.models import Challenge
from portal.db import db
from portal.errors import DomainError, ValidationFailed, require
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.proposals import consent, signature
from portal.proposals.common import deadline_text
from portal.proposals.models import Commitment, ConsortiumMember, PlannedMilestone, Proposal
from portal.proposals.permissions import EDITABLE, can_edit, eligibility_problem, region_matches
from portal.proposals.queries import led_proposal
from portal.proposals.snapshot import FrozenMilestone
from portal.vocabulary import MemberRole, OrgStatus, OrgType, Role, VoidCause


class StaleDraft(DomainError):
    """Someone saved the proposal after this form was opened."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else saved this proposal while you were editing it, so your changes "
                "were not saved. Your text is still in the form below: copy what you need, open "
                "the latest version and make your changes again."
            )
        )


# ---- starting a proposal ------------------------------------------------------------------


def start_proposal(challenge: Challenge, *, by: User, now: datetime | None = None) -> Proposal:
    """A new draft led by the applicant's organisation (one per organisation and challenge)."""
    now = now or clock.now()
    require(by.role is Role.applicant, _("Only applicants can unveil a challenge."))
    org = db.session.get(Organisation, by.organisation_id) if by.organisation_id else None
    problem = eligibility_problem(challenge, org, now)
    if problem:
        raise DomainError(problem)
    if led_proposal(challenge, org.id) is not None:
        raise DomainError(
            _(
                "Your organisation already has a proposal for this challenge; an organisation "
                "can lead only one. Open it from your proposals."
            )
        )
    proposal = Proposal(
        challenge_id=challenge.id,
        lead_org_id=org.id,
        leader_org_id=org.id,
        created_by_id=by.id,
        created_at=now,
        updated_at=now,
    )
    proposal.members = [consent.lead_member(org.id, by=by, now=now)]
    try:
        with db.session.begin_nested():
            db.session.add(proposal)
            db.session.flush()
    except IntegrityError as exc:  # another user of the organisation was faster
        raise DomainError(
            _(
                "Your organisation already has a proposal for this challenge; an organisation "
                "can lead only one. Open it from your proposals."
            )
        ) from exc
    audit.created(by, "proposal.started", proposal)
    return proposal


# ---- saving the draft ---------------------------------------------------------------------


def check_editable(proposal: Proposal, by: User, now: datetime) -> None:
    """Refuse unless `by` prepares this proposal, it is a draft (or withdrawn) and the
    challenge is still open."""
    require(can_edit(by, proposal))
    if proposal.status not in EDITABLE:
        raise DomainError(
            _("This proposal has been submitted and is frozen; withdraw it first to change it.")
        )
    if not proposal.challenge.accepts_proposals(now):
        raise DomainError(
            _(
                "The deadline of this challenge (%(deadline)s) has passed; the proposal can no "
                "longer be changed.",
                deadline=deadline_text(proposal.challenge),
            )
        )


def _begin_save(
    proposal: Proposal, by: User, revision: int | None, now: datetime | None
) -> datetime:
    """Check the guard and claim the next revision, refusing a save based on an older one;
    the moment of the save (`now`, or the clock's).

    The compare-and-set happens in the database, so two saves racing each other cannot both
    pass: the second finds the revision changed and is refused.
    """
    now = now or clock.now()
    check_editable(proposal, by, now)
    if revision is None or revision != proposal.revision:
        raise StaleDraft()
    result = db.session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.revision == revision)
        .values(revision=revision + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleDraft()
    db.session.expire(proposal, ["revision", "updated_at"])
    return now


# What a save of each section may change of what the team leader signed.
VOIDED_BY = {
    "general": VoidCause.leader,
    "members": VoidCause.consortium,
    "commitments": VoidCause.commitments,
    "milestones": VoidCause.milestones,
    "budget": VoidCause.budget,
}


def _saved(proposal: Proposal, by: User, section: str, now: datetime) -> Proposal:
    """Audit the save; a change to what the leader signed voids the signature."""
    audit.record(by, "proposal.saved", proposal, after={"section": section})
    signature.void_if_changed(proposal, cause=VOIDED_BY[section], by=by, now=now)
    return proposal


def save_general(
    proposal: Proposal,
    *,
    by: User,
    revision: int | None,
    title: str,
    leader_name: str,
    leader_title: str,
    leader_phone: str,
    leader_email: str,
    leader_org_id: int | None,
    approach: str,
    innovation: str,
    now: datetime | None = None,
) -> Proposal:
    """The project's name, the team leader and the technical approach, however incomplete.

    The leader is named by e-mail (see signature.name_leader); the typed name is shown until the
    leader signs with their own account.
    """
    now = _begin_save(proposal, by, revision, now)
    member_orgs = {m.organisation_id for m in proposal.members}
    if leader_org_id is not None and leader_org_id not in member_orgs:
        raise ValidationFailed(
            {
                "leader_org_id": _(
                    "The team leader must belong to an organisation of the consortium."
                )
            }
        )
    proposal.title = (title or "").strip()
    proposal.leader_title = (leader_title or "").strip()
    proposal.leader_phone = (leader_phone or "").strip()
    signature.name_leader(
        proposal,
        by=by,
        email=leader_email,
        typed_name=leader_name,
        leader_org_id=leader_org_id,
        now=now,
    )
    proposal.approach = approach or ""
    proposal.innovation = innovation or ""
    return _saved(proposal, by, "general", now)


@dataclass
class MemberInput:
    credit_code: str = ""
    name: str = ""
    type: str = ""
    region: str = ""
    email: str = ""  # where to invite an organisation that is not registered yet
    responsibility: str = ""

    @property
    def blank(self) -> bool:
        return not any(
            (self.credit_code or "").strip() or (getattr(self, f) or "").strip()
            for f in ("name", "region", "email", "responsibility")
        )


def _resolve_members(
    challenge: Challenge, lead: Organisation, rows: list[MemberInput], already: set[int]
) -> tuple[list[tuple[int, MemberInput, Organisation | None]], dict[str | None, str]]:
    """Each row's organisation (None: to be created) and the problems found, by field.
    `already`: the organisations in the consortium before this save (invited already)."""
    problems: dict[str | None, str] = {}
    resolved = []
    seen = {lead.credit_code}
    for i, row in enumerate(rows):
        if row.blank:
            continue
        key = f"members-{i}-"
        code = creditcode.normalise(row.credit_code)
        if not code:
            problems[key + "credit_code"] = _("Enter the organisation's credit code.")
            continue
        bad = creditcode.problem(code)
        if bad:
            problems[key + "credit_code"] = str(bad)
            continue
        if code in seen:
            problems[key + "credit_code"] = _("This organisation is already in the consortium.")
            continue
        seen.add(code)
        org = find_organisation(code)
        org_type, region = (org.type.value, org.region) if org else (row.type, row.region)
        if org is None:
            if not (row.name or "").strip():
                problems[key + "name"] = _(
                    "This organisation is not in the portal yet: enter its name, type and region."
                )
                continue
            if row.type not in {t.value for t in OrgType}:
                problems[key + "type"] = _("Choose the organisation's type.")
                continue
        if org_type not in challenge.allowed_org_types:
            problems[key + "credit_code"] = _(
                "This challenge does not accept organisations of the type “%(type)s”.",
                type=OrgType(org_type).label,
            )
            continue
        if not region_matches(challenge, region):
            problems[key + ("credit_code" if org else "region")] = _(
                "This challenge is open only to organisations in %(region)s.",
                region=challenge.region,
            )
            continue
        email = normalise_email(row.email)
        if email and "@" not in email.strip("@"):
            problems[key + "email"] = _("Enter an e-mail address, e.g. name@example.com.")
            continue
        if not email and (org is None or (org.id not in already and _nobody_to_ask(org))):
            problems[key + "email"] = _(
                "Nobody has registered this organisation on the portal yet: give the e-mail "
                "address of the person there who will register it and answer the invitation."
            )
            continue
        resolved.append((i, row, org))
    count = sum(1 for row in rows if not row.blank)
    if count > challenge.max_members:
        problems[None] = ngettext(
            "This challenge allows at most %(num)s member organisation besides the lead; you "
            "have %(count)s. Remove one.",
            "This challenge allows at most %(num)s member organisations besides the lead; you "
            "have %(count)s. Remove one.",
            challenge.max_members,
            count=count,
        )
    return resolved, problems


def _nobody_to_ask(org: Organisation) -> bool:
    """An organisation without administrators that nobody has registered: it is invited by
    e-mail (see consent.invitable_by_email)."""
    return not administrators(org.id) and consent.invitable_by_email(org)


def save_members(
    proposal: Proposal,
    *,
    by: User,
    revision: int | None,
    lead_responsibility: str,
    rows: list[MemberInput],
    now: datetime | None = None,
) -> Proposal:
    """The consortium: organisations found by credit code, or added inline, within the limits.

    A member organisation added now is invited (its administrators, or the address given for
    one not registered yet); the others keep their answer. An organisation typed in here is
    created unverified and without members, under the name the lead typed, for whoever
    registers it to correct.
    """
    now = _begin_save(proposal, by, revision, now)
    challenge = proposal.challenge
    lead = proposal.lead_org
    existing = {m.organisation_id: m for m in proposal.members}
    resolved, problems = _resolve_members(challenge, lead, rows, set(existing))
    if problems:
        raise ValidationFailed(problems)
    lead_member = existing.get(lead.id) or consent.lead_member(lead.id, by=by, now=now)
    lead_member.position = 0
    lead_member.responsibility = (lead_responsibility or "").strip()
    kept = [lead_member]
    added: list[tuple[ConsortiumMember, Organisation, str]] = []
    for _i, row, org in resolved:
        if org is None:
            org = Organisation(
                name=row.name.strip(),
                type=OrgType(row.type),
                credit_code=creditcode.normalise(row.credit_code),
                region=(row.region or "").strip(),
                created_at=now,
                status=OrgStatus.unverified,
            )
            audit.created(by, "organisation.created", org)
        member = existing.get(org.id)
        if member is None:
            member = ConsortiumMember(organisation=org, role=MemberRole.member)
            added.append((member, org, normalise_email(row.email)))
        member.position = len(kept)
        member.responsibility = (row.responsibility or "").strip()
        kept.append(member)
    for removed in (m for m in proposal.members if m not in kept):
        audit.record(
            by,
            "consortium.removed",
            removed,
            before=audit.snapshot(removed, "proposal_id", "organisation_id", "consent"),
        )
    proposal.members = kept
    for member, org, email in added:
        consent.invite(member, proposal, organisation=org, email=email, by=by, now=now)
    if proposal.leader_org_id not in {m.organisation_id for m in kept}:
        proposal.leader_org_id = None
    return _saved(proposal, by, "members", now)


@dataclass
class CommitmentInput:
    indicator_id: int
    value: Decimal | None
    justification: str = ""


def save_commitments(
    proposal: Proposal,
    *,
    by: User,
    revision: int | None,
    rows: list[CommitmentInput],
    now: datetime | None = None,
) -> Proposal:
    """The value committed for each indicator of the challenge, and any justification."""
    now = _begin_save(proposal, by, revision, now)
    indicators = {ind.id for ind in proposal.challenge.indicators}
    current = {c.indicator_id: c for c in proposal.commitments}
    for row in rows:
        if row.indicator_id not in indicators:
            continue
        commitment = current.get(row.indicator_id)
        if commitment is None:
            commitment = Commitment(indicator_id=row.indicator_id)
            proposal.commitments.append(commitment)
        commitment.value = row.value
        commitment.justification = (row.justification or "").strip()
    return _saved(proposal, by, "commitments", now)


@dataclass(frozen=True)
class MilestoneInput(FrozenMilestone):
    """A row of the milestone plan as the applicant typed it: the fields a submission freezes."""

    @property
    def blank(self) -> bool:
        return not (
            (self.title or "").strip()
            or self.due_date
            or (self.deliverable or "").strip()
            or (self.verification or "").strip()
            or self.share_percent is not None
        )


def save_milestones(
    proposal: Proposal,
    *,
    by: User,
    revision: int | None,
    rows: list[MilestoneInput],
    now: datetime | None = None,
) -> Proposal:
    """The milestone plan, row by row; empty rows are dropped."""
    now = _begin_save(proposal, by, revision, now)
    proposal.milestones = [
        PlannedMilestone(
            position=i,
            title=(row.title or "").strip(),
            due_date=row.due_date,
            deliverable=(row.deliverable or "").strip(),
            verification=(row.verification or "").strip(),
            share_percent=row.share_percent,
        )
        for i, row in enumerate(r for r in rows if not r.blank)
    ]
    return _saved(proposal, by, "milestones", now)


def save_budget(
    proposal: Proposal,
    *,
    by: User,
    revision: int | None,
    requested: Decimal | None,
    self_funds: Decimal | None,
    shares: dict[int, Decimal | None],
    now: datetime | None = None,
) -> Proposal:
    """Funding requested, self-raised funds and each member's share (by member id)."""
    now = _begin_save(proposal, by, revision, now)
    proposal.requested = requested
    proposal.self_funds = self_funds
    for member in proposal.members:
        if member.id in shares:
            member.budget_share = shares[member.id]
    return _saved(proposal, by, "budget", now)
