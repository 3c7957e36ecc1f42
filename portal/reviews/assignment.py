"""Who reviews what: the panel of a challenge, assignment by hand and automatic, recusal (回避),
the experts' conflict declarations and the applicants' avoidance requests.

Whether an expert may be assigned a proposal is decided by one list of rules
(permissions.ASSIGNMENT_RULES): `assign` asks `assignment_problem`, `auto_assign` and the
candidate list filter by the same rules in SQL. A declaration or an accepted request that puts
an open assignment in conflict recuses it at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from portal import audit, clock
from portal.accounts import creditcode
from portal.accounts.models import Organisation, User
from portal.audit import snapshot
from portal.challenges.models import Challenge
from portal.db import db
from portal.errors import DomainError, ValidationFailed, given_text, require
from portal.i18n import gettext as _
from portal.notifications.services import notify
from portal.proposals.models import Proposal
from portal.reviews import queries, states
from portal.reviews.links import MY_REVIEWS_PATH, challenge_path
from portal.reviews.models import (
    Assignment,
    AvoidanceRequest,
    ConflictDeclaration,
    PanelMember,
    PanelSchedule,
)
from portal.reviews.permissions import (
    assignment_problem,
    can_assign,
    can_decide_avoidance,
    can_declare_conflict,
    can_manage_panel,
    can_recuse,
    can_request_avoidance,
)
from portal.reviews.services import start_review
from portal.vocabulary import (
    AssignmentStatus,
    AvoidanceStatus,
    ChallengeStatus,
    ProposalStatus,
    Role,
)

ACTIVE = (AssignmentStatus.assigned, AssignmentStatus.submitted)
CLOSED_PANEL = (ChallengeStatus.decided, ChallengeStatus.cancelled, ChallengeStatus.draft)


# ---- panel -------------------------------------------------------------------------------------


def add_panel_member(challenge: Challenge, expert: User | None, *, by: User) -> PanelMember:
    require(can_manage_panel(by, challenge))
    if challenge.status in CLOSED_PANEL:
        raise DomainError(_("The panel of this challenge can no longer change."))
    if expert is None or expert.role is not Role.expert or not expert.active:
        raise ValidationFailed({"expert": _("Choose an active expert account.")})
    if expert.id in {m.expert_id for m in queries.panel_of(challenge)}:
        raise ValidationFailed({"expert": _("This expert is already on the panel.")})
    member = PanelMember(
        challenge_id=challenge.id, expert_id=expert.id, added_at=clock.now(), added_by_id=by.id
    )
    audit.created(by, "panel.added", member)
    return member


def remove_panel_member(member: PanelMember, *, by: User) -> None:
    require(can_manage_panel(by, member))
    if queries.has_live_assignments(member.challenge_id, member.expert_id):
        raise DomainError(_("This expert has assignments; they stay on the panel."))
    audit.record(by, "panel.removed", member, before=snapshot(member))
    db.session.delete(member)


# ---- assignment --------------------------------------------------------------------------------


def _assignable(challenge: Challenge) -> None:
    status = challenge.effective_status(clock.now())
    if status not in (ChallengeStatus.closed, ChallengeStatus.reviewing):
        raise DomainError(
            _("Assignments are made after the challenge closes and before the decision.")
        )


def _new_assignment(proposal: Proposal, expert: User, by: User) -> Assignment:
    assignment = Assignment(
        challenge_id=proposal.challenge_id,
        proposal_id=proposal.id,
        expert_id=expert.id,
        assigned_at=clock.now(),
        assigned_by_id=by.id,
    )
    db.session.add(assignment)
    return assignment


def assign(
    proposal: Proposal, expert: User | None, *, by: User, notify_expert: bool = True
) -> Assignment:
    """Assign one expert to one eligible proposal, never across a conflict."""
    require(can_assign(by, proposal))
    proposal = db.lock(proposal)
    challenge = proposal.challenge
    _assignable(challenge)
    if proposal.status is not ProposalStatus.in_review:
        raise DomainError(_("Only a proposal that passed the formal check can be assigned."))
    problem = assignment_problem(expert, proposal)
    if problem:
        raise ValidationFailed({"expert": problem})
    start_review(challenge, by=by)
    assignment = _new_assignment(proposal, expert, by)
    audit.created(by, "assignment.created", assignment)
    if notify_expert:
        notify([expert], "review_assigned", link=MY_REVIEWS_PATH, number=challenge.number)
    return assignment


@dataclass
class AssignmentReport:
    """What automatic assignment did, and what it could not do."""

    made: list[Assignment] = field(default_factory=list)
    shortfalls: list[tuple[Proposal, int, int]] = field(default_factory=list)  # (p, have, want)


def _matches(expert: User, words: set[str]) -> int:
    expertise = {
        w.strip().casefold() for w in re.split(r"[,，;；、]", expert.expertise) if w.strip()
    }
    return len(expertise & words)


def auto_assign(challenge: Challenge, *, by: User) -> AssignmentReport:
    """Give every eligible proposal the challenge's number of reviewers from the panel.

    Rounds: in each, every proposal still short takes the least loaded expert whom the
    assignment rules allow (ties: more expertise matching the chain, then the expert's id). The
    most constrained proposals choose first. Loads count this challenge's live assignments, so
    the most and least loaded differ by at most one unless the rules make that impossible.
    Proposals left short are reported, never filled across a rule.
    """
    require(can_assign(by, challenge))
    challenge = db.lock(challenge)
    _assignable(challenge)
    experts = queries.panel_experts(challenge)
    proposals = queries.proposals_in_review(challenge)
    allowed = queries.assignable_pairs(challenge)  # before this run: none of its own yet
    words = {challenge.title.casefold()}
    if challenge.chain_link is not None:
        words |= {challenge.chain_link.name.casefold(), challenge.chain_link.chain.name.casefold()}
    match = {e.id: _matches(e, words) for e in experts}
    load = {e.id: 0 for e in experts}
    have = {p.id: 0 for p in proposals}
    for a in queries.challenge_assignments(challenge.id):
        if a.status in ACTIVE:
            if a.expert_id in load:
                load[a.expert_id] += 1
            if a.proposal_id in have:
                have[a.proposal_id] += 1
    want = challenge.reviewers_per_proposal

    def candidates(p: Proposal) -> list[User]:
        return [e for e in experts if (e.id, p.id) in allowed]

    order = sorted(proposals, key=lambda p: (len(candidates(p)), p.id))
    report = AssignmentReport()
    if proposals and experts:
        start_review(challenge, by=by)
    progress = True
    while progress:
        progress = False
        for p in order:
            pool = candidates(p)
            if have[p.id] >= want or not pool:
                continue
            best = min(pool, key=lambda e: (load[e.id], -match[e.id], e.id))
            report.made.append(_new_assignment(p, best, by))
            allowed.discard((best.id, p.id))  # assigned now: not again
            have[p.id] += 1
            load[best.id] += 1
            progress = True
    report.shortfalls = [(p, have[p.id], want) for p in proposals if have[p.id] < want]
    audit.record(
        by,
        "assignment.automatic",
        challenge,
        after={
            "made": [[a.proposal_id, a.expert_id] for a in report.made],
            "short": [[p.id, n] for p, n, _w in report.shortfalls],
        },
    )
    _notify_assigned_in_bulk(challenge, experts, report.made)
    return report


def _notify_assigned_in_bulk(
    challenge: Challenge, experts: list[User], made: list[Assignment]
) -> None:
    by_expert: dict[int, int] = {}
    for a in made:
        by_expert[a.expert_id] = by_expert.get(a.expert_id, 0) + 1
    for expert in experts:
        n = by_expert.get(expert.id)
        if n:
            notify(
                [expert],
                "review_assigned.several",
                link=MY_REVIEWS_PATH,
                num=n,
                number=challenge.number,
            )


# ---- recusal -----------------------------------------------------------------------------------


def recuse(assignment: Assignment, *, reason: str, by: User) -> Assignment:
    """The expert steps aside (回避); the officers are told so that they can reassign."""
    require(can_recuse(by, assignment), _("This proposal is not assigned to you."))
    assignment = db.lock(assignment)
    if assignment.status is not AssignmentStatus.assigned:
        raise DomainError(_("Only an open assignment can be recused; a submitted review stays."))
    reason = given_text(reason, "reason", _("Give the reason for your recusal."))
    states.set_status(assignment, AssignmentStatus.recused, by=by, reason=reason)
    notify(
        queries.officers(),
        "review_recused",
        link=challenge_path(assignment.challenge_id),
        number=assignment.proposal.challenge.number,
        reason=reason,
    )
    return assignment


def _recuse_new_conflicts(
    by: User,
    why: str,
    *,
    expert_ids: list[int] | None = None,
    proposal_ids: list[int] | None = None,
) -> None:
    """Open assignments that a new declaration or accepted request puts in conflict."""
    db.session.flush()
    for found in queries.open_assignments_in_conflict(
        expert_ids=expert_ids, proposal_ids=proposal_ids
    ):
        states.set_status(db.lock(found), AssignmentStatus.recused, by=by, reason=why)


# ---- conflicts and avoidance -------------------------------------------------------------------


def _named_organisation(credit_code: str) -> tuple[str, Organisation | None]:
    """A typed credit code, normalised, and the organisation registered with it, if any.

    Callers answer alike whether or not the code is registered: a person naming an organisation
    to avoid must not learn from the portal which codes are registered.
    """
    code = creditcode.normalise(credit_code or "")
    return code, (queries.organisation_with_code(code) if code else None)


def _check_naming(code: str, reason: str, *, other: tuple[str, bool, str], no_reason: str) -> None:
    """Refuse unless exactly one party is named, and a reason given. A party is named either
    the other way, `other` being (its field, whether it was used, what to say when neither or
    both were), or as an organisation by its credit `code`, which must be well formed;
    `no_reason` is what to say when the reason is missing."""
    field, other_named, name_one = other
    problems = {}
    if other_named == bool(code):
        problems[field] = name_one
    elif code and creditcode.problem(code):
        problems["credit_code"] = str(creditcode.problem(code))
    if not (reason or "").strip():
        problems["reason"] = no_reason
    if problems:
        raise ValidationFailed(problems)


def declare_conflict(
    expert: User,
    *,
    reason: str,
    proposal: Proposal | None = None,
    credit_code: str = "",
) -> ConflictDeclaration:
    """An expert declares a conflict with a proposal, or with an organisation named by its
    credit code; any open assignment it touches is recused."""
    require(can_declare_conflict(expert, proposal))
    code, organisation = _named_organisation(credit_code)
    _check_naming(
        code,
        reason,
        other=(
            "proposal",
            proposal is not None,
            _("Name either one proposal or one organisation."),
        ),
        no_reason=_("Say why there is a conflict."),
    )
    declaration = ConflictDeclaration(
        expert_id=expert.id,
        proposal_id=proposal.id if proposal else None,
        organisation_id=organisation.id if organisation else None,
        credit_code=code,
        reason=reason.strip(),
        declared_at=clock.now(),
    )
    audit.created(expert, "conflict.declared", declaration)
    _recuse_new_conflicts(
        expert,
        _("Conflict declared: %(r)s", r=reason.strip()),
        expert_ids=[expert.id],
        proposal_ids=[proposal.id] if proposal else None,
    )
    return declaration


def request_avoidance(
    proposal: Proposal,
    *,
    reason: str,
    by: User,
    expert_email: str = "",
    credit_code: str = "",
) -> AvoidanceRequest:
    """An applicant names an expert (by e-mail) or an organisation (by its credit code) that
    should not review. The answer is the same whether or not either is registered."""
    require(can_request_avoidance(by, proposal))
    if proposal.status not in (ProposalStatus.submitted, ProposalStatus.in_review):
        raise DomainError(_("Avoidance can be requested for a submitted proposal under review."))
    expert_email = (expert_email or "").strip().lower()
    code, organisation = _named_organisation(credit_code)
    _check_naming(
        code,
        reason,
        other=(
            "expert_email",
            bool(expert_email),
            _("Name either one expert's e-mail or one organisation."),
        ),
        no_reason=_("Say why this expert or organisation should not review."),
    )
    named_expert = queries.expert_with_email(expert_email) if expert_email else None
    request = AvoidanceRequest(
        proposal_id=proposal.id,
        expert_email=expert_email,
        expert_id=named_expert.id if named_expert else None,
        organisation_id=organisation.id if organisation else None,
        credit_code=code,
        reason=reason.strip(),
        requested_by_id=by.id,
        requested_at=clock.now(),
    )
    audit.created(by, "avoidance.requested", request)
    return request


def decide_avoidance(request: AvoidanceRequest, *, accept: bool, by: User) -> AvoidanceRequest:
    """The officer accepts (the expert or organisation is then in conflict) or refuses."""
    require(can_decide_avoidance(by, request))
    request = db.lock(request)
    if request.status is not AvoidanceStatus.pending:
        raise DomainError(_("This request has already been decided."))
    to = AvoidanceStatus.accepted if accept else AvoidanceStatus.refused
    states.set_status(request, to, by=by)
    if accept:
        _recuse_new_conflicts(
            by, _("Avoidance request accepted."), proposal_ids=[request.proposal_id]
        )
    notify(
        queries.applicants_of(request.proposal),
        "avoidance_decided.accepted" if accept else "avoidance_decided.refused",
    )
    return request


# ---- the panel's due date -------------------------------------------------------------------


def set_due_date(challenge: Challenge, *, due_on: date | None, by: User) -> PanelSchedule:
    """When the panel is due to have submitted its reviews; experts see it on their list, and
    staff see the reviews still open after it flagged."""
    require(can_manage_panel(by, challenge))
    challenge = db.lock(challenge)
    if due_on is None:
        raise ValidationFailed({"due_on": _("Give the date the reviews are due.")})
    if due_on < clock.local_date(clock.now()):
        raise ValidationFailed({"due_on": _("The due date cannot be in the past.")})
    schedule = queries.schedule_of(challenge)
    before = audit.snapshot(schedule) if schedule else None
    if schedule is None:
        schedule = PanelSchedule(challenge_id=challenge.id, due_on=due_on, set_at=clock.now())
        db.session.add(schedule)
    schedule.due_on, schedule.set_by_id, schedule.set_at = due_on, by.id, clock.now()
    db.session.flush()
    audit.record(by, "panel.due_date_set", schedule, before=before, after=audit.snapshot(schedule))
    experts = queries.panel_experts(challenge)
    notify(
        experts,
        "reviews_due",
        link=MY_REVIEWS_PATH,
        number=challenge.number,
        day=due_on.isoformat(),
    )
    return schedule
