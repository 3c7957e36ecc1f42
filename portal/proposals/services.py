"""Proposals: starting one, saving its sections, attachments, submitting and withdrawing.

Every change goes through one of these functions: they check who may act, in which state and
before which deadline, change the rows, write the audit trail and notify. The view commits.
Approved members of the lead organisation prepare the proposal together; submitting and
withdrawing it are the organisation's own acts (单位推荐), done by its administrators. The
consortium's consent lives in `consent`, the team leader's signature in `signature`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select, update
from werkzeug.datastructures import FileStorage

from portal import audit, clock, storage
from portal.accounts import creditcode
from portal.accounts.forms import ORG_TYPE_LABELS
from portal.accounts.membership import administrators
from portal.accounts.models import Organisation, OrgStatus, OrgType, Role, User
from portal.accounts.services import find_organisation, normalise_email
from portal.challenges.models import Challenge
from portal.db import db
from portal.errors import DomainError, NotAllowed, ValidationFailed
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.notifications.services import notify
from portal.presentation import format_money
from portal.proposals import consent, signature
from portal.proposals.common import (
    EDITABLE,
    Problem,
    check_open,
    deadline_text,
    lead_administrators,
    lead_users,
    lock_proposal,
    plain_number,
)
from portal.proposals.models import (
    Attachment,
    Commitment,
    ConsortiumMember,
    MemberRole,
    PlannedMilestone,
    Proposal,
    ProposalStatus,
    SubmittedVersion,
    VoidCause,
)
from portal.proposals.permissions import can_edit, can_submit

SECTIONS = ("general", "members", "commitments", "milestones", "budget", "attachments")


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


class IncompleteProposal(ValidationFailed):
    """Submission refused: the checklist still has open points (a missing acceptance or a
    signature that does not hold among them)."""

    def __init__(self, problems: list[Problem]):
        self.checklist = problems
        super().__init__({None: _("The proposal cannot be submitted yet: see the checklist.")})


# ---- dates and helpers --------------------------------------------------------------------


def local_date(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(current_app.config["TIME_ZONE"])).date()


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_due_date(challenge: Challenge, submitted_on: date) -> date | None:
    """The latest due date a milestone may have: the challenge's duration from submission."""
    if not challenge.duration_months:
        return None
    return add_months(submitted_on, challenge.duration_months)


def org_type_label(value: str) -> str:
    try:
        return str(ORG_TYPE_LABELS[OrgType(value)])
    except ValueError:
        return value


def region_matches(challenge: Challenge, region: str) -> bool:
    """A challenge restricted to a region (e.g. 广东省) accepts organisations within it."""
    return not challenge.region or (region or "").strip().startswith(challenge.region.strip())


# ---- starting a proposal ------------------------------------------------------------------


def eligibility_problem(challenge: Challenge, org: Organisation | None, now: datetime):
    """Why `org` may not lead a proposal for `challenge` (a message), or None."""
    if org is None:
        return _("Only applicants who belong to an organisation can unveil a challenge.")
    if not challenge.accepts_proposals(now):
        return _("This challenge is not open for proposals.")
    if org.type.value not in challenge.allowed_org_types:
        return _(
            "This challenge does not accept proposals from organisations of the type “%(type)s”.",
            type=org_type_label(org.type.value),
        )
    if not region_matches(challenge, org.region):
        return _(
            "This challenge is open only to organisations in %(region)s.", region=challenge.region
        )
    return None


def existing_proposal(challenge: Challenge, org_id: int) -> Proposal | None:
    return db.session.exec(
        select(Proposal).where(
            Proposal.challenge_id == challenge.id, Proposal.lead_org_id == org_id
        )
    ).first()


def start_proposal(challenge: Challenge, *, by: User, now: datetime | None = None) -> Proposal:
    """A new draft led by the applicant's organisation (one per organisation and challenge)."""
    now = now or clock.now()
    if by.role is not Role.applicant:
        raise NotAllowed(_("Only applicants can unveil a challenge."))
    org = db.session.get(Organisation, by.organisation_id) if by.organisation_id else None
    problem = eligibility_problem(challenge, org, now)
    if problem:
        raise DomainError(problem)
    if existing_proposal(challenge, org.id) is not None:
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
    lead = ConsortiumMember(organisation_id=org.id, role=MemberRole.lead, position=0)
    consent.accept_as_lead(lead, by=by, now=now)
    proposal.members = [lead]
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
    audit.record(by, "proposal.started", proposal, after=audit.snapshot(proposal))
    return proposal


# ---- saving the draft ---------------------------------------------------------------------


def check_editable(proposal: Proposal, by: User, now: datetime) -> None:
    if not can_edit(by, proposal):
        raise NotAllowed()
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


def _begin_save(proposal: Proposal, by: User, revision: int | None, now: datetime) -> None:
    """Check the guard and claim the next revision, refusing a save based on an older one.

    The compare-and-set happens in the database, so two saves racing each other cannot both
    pass: the second finds the revision changed and is refused.
    """
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


# What a save of each section may change of what the team leader signed.
VOIDED_BY = {
    "general": VoidCause.leader,
    "members": VoidCause.consortium,
    "commitments": VoidCause.commitments,
    "milestones": VoidCause.milestones,
    "budget": VoidCause.budget,
}


def _saved(proposal: Proposal, by: User, section: str, now: datetime) -> None:
    """Audit the save; a change to what the leader signed voids the signature."""
    audit.record(by, "proposal.saved", proposal, after={"section": section})
    signature.void_if_changed(proposal, cause=VOIDED_BY[section], by=by, now=now)


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
    now = now or clock.now()
    _begin_save(proposal, by, revision, now)
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
    _saved(proposal, by, "general", now)
    return proposal


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
                type=org_type_label(org_type),
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
        problems[None] = _(
            "This challenge allows at most %(n)s member organisations besides the lead; you "
            "have %(count)s. Remove one.",
            n=challenge.max_members,
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
    now = now or clock.now()
    _begin_save(proposal, by, revision, now)
    challenge = proposal.challenge
    lead = proposal.lead_org
    existing = {m.organisation_id: m for m in proposal.members}
    resolved, problems = _resolve_members(challenge, lead, rows, set(existing))
    if problems:
        raise ValidationFailed(problems)
    lead_member = existing.get(lead.id) or ConsortiumMember(
        organisation_id=lead.id, role=MemberRole.lead
    )
    lead_member.position = 0
    lead_member.responsibility = (lead_responsibility or "").strip()
    consent.accept_as_lead(lead_member, by=by, now=now)
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
            db.session.add(org)
            audit.record(by, "organisation.created", org, after=audit.snapshot(org))
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
    _saved(proposal, by, "members", now)
    return proposal


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
    now = now or clock.now()
    _begin_save(proposal, by, revision, now)
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
    _saved(proposal, by, "commitments", now)
    return proposal


@dataclass
class MilestoneInput:
    title: str = ""
    due_date: date | None = None
    deliverable: str = ""
    verification: str = ""
    share_percent: Decimal | None = None

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
    now = now or clock.now()
    _begin_save(proposal, by, revision, now)
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
    _saved(proposal, by, "milestones", now)
    return proposal


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
    now = now or clock.now()
    _begin_save(proposal, by, revision, now)
    proposal.requested = requested
    proposal.self_funds = self_funds
    for member in proposal.members:
        if member.id in shares:
            member.budget_share = shares[member.id]
    _saved(proposal, by, "budget", now)
    return proposal


# ---- attachments --------------------------------------------------------------------------


def add_attachment(
    proposal: Proposal,
    *,
    by: User,
    upload: FileStorage,
    title: str = "",
    now: datetime | None = None,
) -> Attachment:
    """Keep an uploaded PDF (checked by content and size) with the draft, up to
    MAX_ATTACHMENTS current files (counted under the proposal's lock, so two uploads at once
    cannot both take the last place)."""
    now = now or clock.now()
    proposal = lock_proposal(proposal)
    check_editable(proposal, by, now)
    most = current_app.config["MAX_ATTACHMENTS"]
    if len(current_attachments(proposal)) >= most:
        raise ValidationFailed(
            {
                "file": _(
                    "A proposal can have at most %(n)s attachments. Remove one before adding "
                    "another.",
                    n=most,
                )
            }
        )
    stored = storage.store_pdf(upload, field="file", folder="proposals")
    attachment = Attachment(
        proposal_id=proposal.id,
        title=(title or "").strip() or stored.filename,
        filename=stored.filename,
        stored_name=stored.stored_name,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_at=now,
        uploaded_by_id=by.id,
    )
    db.session.add(attachment)
    audit.record(by, "proposal.attachment_added", attachment, after=audit.snapshot(attachment))
    return attachment


def in_submitted_version(attachment: Attachment) -> bool:
    return any(
        item.get("stored_name") == attachment.stored_name
        for version in attachment.proposal.versions
        for item in version.content.get("attachments", [])
    )


def remove_attachment(
    attachment: Attachment, *, by: User, now: datetime | None = None
) -> Attachment:
    """Drop an attachment from the draft. A file that a submitted version holds is kept (only
    marked removed); any other file is deleted with its row."""
    now = now or clock.now()
    proposal = lock_proposal(attachment.proposal)
    check_editable(proposal, by, now)
    if attachment.removed_at is not None or attachment not in proposal.attachments:
        raise DomainError(_("This attachment has already been removed."))
    before = audit.snapshot(attachment)
    if in_submitted_version(attachment):
        attachment.removed_at = now
        audit.record(by, "proposal.attachment_removed", attachment, before=before)
        return attachment
    audit.record(by, "proposal.attachment_deleted", attachment, before=before)
    path = storage.path_of(attachment.stored_name)
    db.session.delete(attachment)
    db.session.flush()
    path.unlink(missing_ok=True)
    return attachment


# ---- the checklist ------------------------------------------------------------------------


def current_attachments(proposal: Proposal) -> list[Attachment]:
    return [a for a in proposal.attachments if a.removed_at is None]


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
                _(
                    "This challenge allows at most %(n)s member organisations besides the lead.",
                    n=challenge.max_members,
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
    by_indicator = {c.indicator_id: c for c in proposal.commitments}
    for i, indicator in enumerate(proposal.challenge.indicators):
        commitment = by_indicator.get(indicator.id)
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
    today = local_date(now or clock.now())
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


# ---- submitting and withdrawing -----------------------------------------------------------


def _signed(proposal: Proposal) -> dict:
    """The signature a submitted version records (the current one holds at submission)."""
    current = signature.current_signature(proposal)
    if current is None:
        return {"text": "", "signed_by": "", "signed_at": "", "sha256": ""}
    return {
        "text": (current.content or {}).get("pledge", ""),
        "signed_by": current.signer_name,
        "signed_at": current.signed_at.isoformat(),
        "sha256": current.content_sha256,
    }


def freeze(proposal: Proposal, number: int, now: datetime) -> dict:
    """The proposal as plain JSON: what reviewers score, readable without the live rows."""
    challenge = proposal.challenge
    by_indicator = {c.indicator_id: c for c in proposal.commitments}
    leader_org = next(
        (m.organisation for m in proposal.members if m.organisation_id == proposal.leader_org_id),
        None,
    )

    def money(value: Decimal | None) -> str | None:
        return None if value is None else f"{value:.2f}"

    commitments = []
    for indicator in challenge.indicators:
        commitment = by_indicator.get(indicator.id)
        value = commitment.value if commitment else None
        commitments.append(
            {
                "indicator": indicator.name,
                "comparison": indicator.comparison.value,
                "target": plain_number(indicator.target),
                "unit": indicator.unit,
                "value": None if value is None else plain_number(value),
                "meets_target": value is not None
                and indicator.comparison.met_by(value, indicator.target),
                "justification": commitment.justification if commitment else "",
            }
        )
    return {
        "number": number,
        "submitted_at": now.isoformat(),
        "challenge": {"number": challenge.number, "title": challenge.title},
        "title": proposal.title,
        "leader": {
            "name": proposal.leader_name,
            "title": proposal.leader_title,
            "phone": proposal.leader_phone,
            "email": proposal.leader_email,
            "organisation": leader_org.name if leader_org else "",
        },
        "approach": proposal.approach,
        "innovation": proposal.innovation,
        "members": [
            {
                "name": m.organisation.name,
                "credit_code": m.organisation.credit_code,
                "type": m.organisation.type.value,
                "region": m.organisation.region,
                "role": m.role.value,
                "responsibility": m.responsibility,
                "budget_share": money(m.budget_share),
            }
            for m in proposal.members
        ],
        "commitments": commitments,
        "milestones": [
            {
                "title": ms.title,
                "due_date": ms.due_date.isoformat() if ms.due_date else None,
                "deliverable": ms.deliverable,
                "verification": ms.verification,
                "share_percent": None
                if ms.share_percent is None
                else plain_number(ms.share_percent),
            }
            for ms in proposal.milestones
        ],
        "budget": {
            "requested": money(proposal.requested),
            "self_funds": money(proposal.self_funds),
            "funding_cap": money(challenge.funding_cap),
        },
        "attachments": [
            {
                "id": a.id,
                "title": a.title,
                "filename": a.filename,
                "size": a.size,
                "sha256": a.sha256,
                "stored_name": a.stored_name,
            }
            for a in current_attachments(proposal)
        ],
        "pledge": _signed(proposal),
    }


EMPTY_VERSION = {
    "challenge": {"number": "", "title": ""},
    "title": "",
    "leader": {"name": "", "title": "", "phone": "", "email": "", "organisation": ""},
    "approach": "",
    "innovation": "",
    "members": [],
    "commitments": [],
    "milestones": [],
    "budget": {"requested": None, "self_funds": None, "funding_cap": None},
    "attachments": [],
    "pledge": {"text": "", "signed_by": "", "signed_at": "", "sha256": ""},
}


def readable(content: dict) -> dict:
    """A version's content with every key a page reads (older or partial copies lack some)."""
    return {**EMPTY_VERSION, **(content or {})}


def _organisation_act(proposal: Proposal, by: User, refusal: str) -> None:
    """Submitting and withdrawing are the lead organisation's acts: its administrators'.
    `refusal` names the organisation as %(org)s."""
    if not can_edit(by, proposal):
        raise NotAllowed()
    if not can_submit(by, proposal):
        raise NotAllowed(refusal % {"org": proposal.lead_org.name})


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
        proposal,
        by,
        _(
            "Only an administrator of %(org)s can submit its proposals (单位推荐). Ask one of "
            "them with the button on the proposal's page."
        ),
    )
    proposal = lock_proposal(proposal)
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
    problems = completeness_problems(proposal, now)
    if problems:
        raise IncompleteProposal(problems)
    before = audit.snapshot(proposal)
    number = (
        db.session.exec(
            select(func.max(SubmittedVersion.number)).where(
                SubmittedVersion.proposal_id == proposal.id
            )
        ).one()
        or 0
    ) + 1
    proposal.status = ProposalStatus.submitted
    proposal.submitted_at = now
    proposal.withdrawn_at = None
    proposal.updated_at = now
    proposal.revision += 1
    version = SubmittedVersion(
        proposal_id=proposal.id,
        number=number,
        content=freeze(proposal, number, now),
        submitted_at=now,
        submitted_by_id=by.id,
    )
    proposal.versions.append(version)
    audit.record(by, "proposal.submitted", proposal, before=before, after=audit.snapshot(proposal))
    title, challenge_number = proposal.title, proposal.challenge.number
    notify(
        lead_users(proposal),
        "proposal_submitted",
        lambda: _(
            "Proposal “%(title)s” for %(challenge)s submitted by %(who)s (version %(n)s)",
            title=title,
            challenge=challenge_number,
            who=by.name,
            n=number,
        ),
        link=f"/proposals/{proposal.id}",
    )
    return version


def withdraw_proposal(proposal: Proposal, *, by: User, now: datetime | None = None) -> Proposal:
    """Take a submitted proposal back before the deadline; its version stays in the history."""
    now = now or clock.now()
    _organisation_act(
        proposal, by, _("Only an administrator of %(org)s can withdraw its proposals (单位推荐).")
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
    before = audit.snapshot(proposal)
    proposal.status = ProposalStatus.withdrawn
    proposal.withdrawn_at = now
    proposal.updated_at = now
    proposal.revision += 1
    for version in proposal.versions:
        if version.withdrawn_at is None:
            version.withdrawn_at = now
    audit.record(by, "proposal.withdrawn", proposal, before=before, after=audit.snapshot(proposal))
    title, challenge_number = proposal.title, proposal.challenge.number
    notify(
        lead_users(proposal),
        "proposal_withdrawn",
        lambda: _(
            "%(who)s withdrew proposal “%(title)s” for %(challenge)s",
            who=by.name,
            title=title,
            challenge=challenge_number,
        ),
        link=f"/proposals/{proposal.id}",
    )
    return proposal


def request_submission(proposal: Proposal, *, by: User, now: datetime | None = None) -> Proposal:
    """A member of the lead organisation asks its administrators to submit the proposal."""
    now = now or clock.now()
    if not can_edit(by, proposal):
        raise NotAllowed()
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
    recipients = [u for u in lead_administrators(proposal) if u.id != by.id]
    if not recipients:
        raise DomainError(
            _(
                "%(org)s has no other administrator to ask. Platform staff can name one.",
                org=proposal.lead_org.name,
            )
        )
    audit.record(by, "proposal.submission_requested", proposal)
    title, challenge_number = proposal.title, proposal.challenge.number
    open_points = len(completeness_problems(proposal, now))
    notify(
        recipients,
        "submission_requested",
        lambda: _(
            "%(who)s asks you to submit “%(title)s” for %(challenge)s",
            who=by.name,
            title=title,
            challenge=challenge_number,
        ),
        lambda: (
            ngettext(
                "As an administrator of your organisation you submit its proposals (单位推荐). "
                "The checklist has %(num)s open point.",
                "As an administrator of your organisation you submit its proposals (单位推荐). "
                "The checklist has %(num)s open points.",
                open_points,
            )
            if open_points
            else _(
                "As an administrator of your organisation you submit its proposals (单位推荐). "
                "The checklist is complete."
            )
        ),
        link=f"/proposals/{proposal.id}",
    )
    return proposal
