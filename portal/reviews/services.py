"""Every change of state in review: formal check, conflicts, panels, assignment, scoring and
the funding decision. Each function checks its guard, changes the rows, audits and notifies;
the caller commits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask import current_app, has_request_context, url_for
from sqlalchemy.orm import selectinload
from sqlmodel import select

from portal import audit, clock
from portal.accounts import creditcode
from portal.accounts.models import Organisation, Role, User
from portal.audit import snapshot
from portal.awards.services import start_publicity
from portal.challenges.models import Challenge, ChallengeStatus, FundingMode
from portal.db import db
from portal.errors import DomainError, NotAllowed, ValidationFailed
from portal.i18n import gettext as _
from portal.notifications.services import notify
from portal.proposals.models import ConsortiumMember, Proposal, ProposalStatus
from portal.proposals.states import set_status
from portal.reviews.models import (
    Assignment,
    AssignmentStatus,
    AvoidanceRequest,
    AvoidanceStatus,
    ConflictDeclaration,
    Decision,
    PanelMember,
    Recommendation,
    Review,
    ReviewStatus,
    Score,
)
from portal.reviews.permissions import conflict_reasons, conflicts, load_conflict_index

ACTIVE = (AssignmentStatus.assigned, AssignmentStatus.submitted)
TEN = Decimal(10)


def _staff(user: User) -> None:
    if not user.is_staff:
        raise NotAllowed()


def _applicants(proposal: Proposal) -> list[User]:
    return list(
        db.session.exec(
            select(User).where(User.organisation_id == proposal.lead_org_id, User.active)
        )
    )


def _officers() -> list[User]:
    return list(db.session.exec(select(User).where(User.role == Role.officer, User.active)))


def _link(endpoint: str, **values) -> str:
    """A site-relative link for a notification, also outside a request (the demo loader)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


# ---- formal check (形式审查) -------------------------------------------------------------------


def _checkable(challenge: Challenge) -> None:
    status = challenge.effective_status(clock.now())
    if status not in (ChallengeStatus.closed, ChallengeStatus.reviewing):
        raise DomainError(_("The formal check starts when the challenge has closed."))


def mark_eligible(proposal: Proposal, *, by: User) -> Proposal:
    """The proposal passed the formal check and goes to expert review."""
    _staff(by)
    _checkable(proposal.challenge)
    if proposal.status is not ProposalStatus.submitted:
        raise DomainError(_("Only a submitted proposal can pass the formal check."))
    set_status(proposal, ProposalStatus.in_review, by=by, action="proposal.eligible")
    title = proposal.title
    notify(
        _applicants(proposal),
        "proposal_eligible",
        lambda: _("Your proposal “%(title)s” passed the formal check", title=title),
        lambda: _("It now goes to expert review."),
    )
    return proposal


def reject_proposal(proposal: Proposal, *, reason: str, by: User) -> Proposal:
    """The proposal failed the formal check; the reason is shown to the applicant."""
    _staff(by)
    _checkable(proposal.challenge)
    if proposal.status is not ProposalStatus.submitted:
        raise DomainError(_("Only a submitted proposal can be rejected at the formal check."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Give the reason for the rejection.")})
    set_status(proposal, ProposalStatus.rejected, by=by, reason=reason)
    title = proposal.title
    notify(
        _applicants(proposal),
        "proposal_rejected",
        lambda: _("Your proposal “%(title)s” did not pass the formal check", title=title),
        lambda: _("Reason: %(reason)s", reason=reason),
    )
    return proposal


def start_review(challenge: Challenge, *, by: User) -> Challenge:
    """closed → reviewing. Also done by the first assignment."""
    _staff(by)
    if challenge.status is ChallengeStatus.reviewing:
        return challenge
    if challenge.effective_status(clock.now()) is not ChallengeStatus.closed:
        raise DomainError(_("Review can start only when the challenge has closed."))
    before = snapshot(challenge, "status")
    challenge.status = ChallengeStatus.reviewing
    challenge.updated_at = clock.now()
    audit.record(by, "challenge.reviewing", challenge, before=before, after={"status": "reviewing"})
    return challenge


# ---- panel -------------------------------------------------------------------------------------


def add_panel_member(challenge: Challenge, expert: User, *, by: User) -> PanelMember:
    _staff(by)
    if challenge.status in (
        ChallengeStatus.decided,
        ChallengeStatus.cancelled,
        ChallengeStatus.draft,
    ):
        raise DomainError(_("The panel of this challenge can no longer change."))
    if expert.role is not Role.expert or not expert.active:
        raise ValidationFailed({"expert": _("Choose an active expert account.")})
    existing = db.session.exec(
        select(PanelMember).where(
            PanelMember.challenge_id == challenge.id, PanelMember.expert_id == expert.id
        )
    ).first()
    if existing is not None:
        raise ValidationFailed({"expert": _("This expert is already on the panel.")})
    member = PanelMember(
        challenge_id=challenge.id, expert_id=expert.id, added_at=clock.now(), added_by_id=by.id
    )
    db.session.add(member)
    audit.record(by, "panel.added", member, after=snapshot(member))
    return member


def remove_panel_member(member: PanelMember, *, by: User) -> None:
    _staff(by)
    live = db.session.exec(
        select(Assignment).where(
            Assignment.challenge_id == member.challenge_id,
            Assignment.expert_id == member.expert_id,
            Assignment.status.in_(ACTIVE),
        )
    ).first()
    if live is not None:
        raise DomainError(_("This expert has assignments; they stay on the panel."))
    audit.record(by, "panel.removed", member, before=snapshot(member))
    db.session.delete(member)


def panel_experts(challenge: Challenge) -> list[User]:
    return list(
        db.session.exec(
            select(User)
            .join(PanelMember, PanelMember.expert_id == User.id)
            .where(PanelMember.challenge_id == challenge.id, User.active)
            .order_by(User.name, User.id)
        )
    )


# ---- assignment --------------------------------------------------------------------------------


def _assignable(challenge: Challenge) -> None:
    status = challenge.effective_status(clock.now())
    if status not in (ChallengeStatus.closed, ChallengeStatus.reviewing):
        raise DomainError(
            _("Assignments are made after the challenge closes and before the decision.")
        )


def _notify_assigned(expert: User, proposal: Proposal) -> None:
    challenge_number = proposal.challenge.number
    notify(
        [expert],
        "review_assigned",
        lambda: _("A proposal of challenge %(number)s awaits your review", number=challenge_number),
        lambda: _("Open your reviews to read and score it."),
        link=_link("reviews.my_assignments"),
    )


def assign(proposal: Proposal, expert: User, *, by: User, notify_expert: bool = True) -> Assignment:
    """Assign one expert to one eligible proposal, never across a conflict."""
    _staff(by)
    challenge = proposal.challenge
    _assignable(challenge)
    if proposal.status is not ProposalStatus.in_review:
        raise DomainError(_("Only a proposal that passed the formal check can be assigned."))
    if expert.role is not Role.expert or not expert.active:
        raise ValidationFailed({"expert": _("Choose an active expert account.")})
    on_panel = db.session.exec(
        select(PanelMember).where(
            PanelMember.challenge_id == challenge.id, PanelMember.expert_id == expert.id
        )
    ).first()
    if on_panel is None:
        raise ValidationFailed({"expert": _("Add the expert to the panel first.")})
    db.session.refresh(proposal, ["members"])
    if conflicts([expert], [proposal]):
        raise ValidationFailed(
            {"expert": _("This expert has a conflict of interest with the proposal.")}
        )
    earlier = db.session.exec(
        select(Assignment).where(
            Assignment.proposal_id == proposal.id, Assignment.expert_id == expert.id
        )
    ).first()
    if earlier is not None:
        raise ValidationFailed(
            {"expert": _("This expert has already been assigned this proposal.")}
        )
    start_review(challenge, by=by)
    assignment = Assignment(
        challenge_id=challenge.id,
        proposal_id=proposal.id,
        expert_id=expert.id,
        assigned_at=clock.now(),
        assigned_by_id=by.id,
    )
    db.session.add(assignment)
    audit.record(by, "assignment.created", assignment, after=snapshot(assignment))
    if notify_expert:
        _notify_assigned(expert, proposal)
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

    Rounds: in each, every proposal still short takes the least loaded expert without a
    conflict who has not had it before (ties: more expertise matching the chain, then the
    expert's id). The most constrained proposals choose first. Loads count this challenge's
    live assignments, so the most and least loaded differ by at most one unless conflicts
    make that impossible. Proposals left short are reported, never filled across a conflict.
    """
    _staff(by)
    _assignable(challenge)
    experts = panel_experts(challenge)
    proposals = list(
        db.session.exec(
            select(Proposal)
            .where(
                Proposal.challenge_id == challenge.id,
                Proposal.status == ProposalStatus.in_review,
            )
            .options(selectinload(Proposal.members).selectinload(ConsortiumMember.organisation))
            .order_by(Proposal.id)
        )
    )
    existing = list(
        db.session.exec(select(Assignment).where(Assignment.challenge_id == challenge.id))
    )
    conflicted = conflicts(experts, proposals)
    words = {challenge.title.casefold()}
    if challenge.chain_link is not None:
        words |= {challenge.chain_link.name.casefold(), challenge.chain_link.chain.name.casefold()}
    match = {e.id: _matches(e, words) for e in experts}
    load = {e.id: 0 for e in experts}
    had: dict[int, set[int]] = {p.id: set() for p in proposals}
    have = {p.id: 0 for p in proposals}
    for a in existing:
        if a.proposal_id in had:
            had[a.proposal_id].add(a.expert_id)
        if a.status in ACTIVE:
            if a.expert_id in load:
                load[a.expert_id] += 1
            if a.proposal_id in have:
                have[a.proposal_id] += 1
    want = challenge.reviewers_per_proposal

    def candidates(p: Proposal) -> list[User]:
        return [e for e in experts if (e.id, p.id) not in conflicted and e.id not in had[p.id]]

    order = sorted(proposals, key=lambda p: (len(candidates(p)), p.id))
    report = AssignmentReport()
    if proposals and experts:
        start_review(challenge, by=by)
    progress = True
    while progress:
        progress = False
        for p in order:
            if have[p.id] >= want:
                continue
            pool = candidates(p)
            if not pool:
                continue
            best = min(pool, key=lambda e: (load[e.id], -match[e.id], e.id))
            assignment = Assignment(
                challenge_id=challenge.id,
                proposal_id=p.id,
                expert_id=best.id,
                assigned_at=clock.now(),
                assigned_by_id=by.id,
            )
            db.session.add(assignment)
            report.made.append(assignment)
            had[p.id].add(best.id)
            have[p.id] += 1
            load[best.id] += 1
            progress = True
    report.shortfalls = [(p, have[p.id], want) for p in proposals if have[p.id] < want]
    db.session.flush()
    audit.record(
        by,
        "assignment.automatic",
        challenge,
        after={
            "made": [[a.proposal_id, a.expert_id] for a in report.made],
            "short": [[p.id, n] for p, n, _w in report.shortfalls],
        },
    )
    by_expert: dict[int, int] = {}
    for a in report.made:
        by_expert[a.expert_id] = by_expert.get(a.expert_id, 0) + 1
    number = challenge.number
    for expert in experts:
        n = by_expert.get(expert.id)
        if n:
            notify(
                [expert],
                "review_assigned",
                lambda n=n: _(
                    "%(n)s proposals of challenge %(number)s await your review", n=n, number=number
                ),
                lambda: _("Open your reviews to read and score them."),
                link=_link("reviews.my_assignments"),
            )
    return report


def recuse(assignment: Assignment, *, reason: str, by: User) -> Assignment:
    """The expert steps aside (回避); the officers are told so that they can reassign."""
    if assignment.expert_id != by.id:
        raise NotAllowed(_("This proposal is not assigned to you."))
    if assignment.status is not AssignmentStatus.assigned:
        raise DomainError(_("Only an open assignment can be recused; a submitted review stays."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Give the reason for your recusal.")})
    _set_recused(assignment, reason, by)
    number = assignment.proposal.challenge.number
    notify(
        _officers(),
        "review_recused",
        lambda: _("An expert recused from a proposal of challenge %(number)s", number=number),
        lambda: _("Reason: %(reason)s", reason=reason),
        link=_link("reviews.challenge", challenge_id=assignment.challenge_id),
    )
    return assignment


def _set_recused(assignment: Assignment, reason: str, by: User) -> None:
    before = snapshot(assignment, "status", "recusal_reason")
    assignment.status = AssignmentStatus.recused
    assignment.recused_at = clock.now()
    assignment.recusal_reason = reason
    audit.record(
        by,
        "assignment.recused",
        assignment,
        before=before,
        after=snapshot(assignment, "status", "recusal_reason"),
    )


def _recuse_new_conflicts(expert_ids: list[int], proposal_ids: list[int], by: User, why: str):
    """Open assignments that a new declaration or accepted request puts in conflict."""
    if not expert_ids or not proposal_ids:
        return
    open_ = list(
        db.session.exec(
            select(Assignment)
            .where(
                Assignment.expert_id.in_(expert_ids),
                Assignment.proposal_id.in_(proposal_ids),
                Assignment.status == AssignmentStatus.assigned,
            )
            .options(
                selectinload(Assignment.proposal)
                .selectinload(Proposal.members)
                .selectinload(ConsortiumMember.organisation),
                selectinload(Assignment.expert),
            )
        )
    )
    index = load_conflict_index(expert_ids, proposal_ids)
    for a in open_:
        if conflict_reasons(a.expert, a.proposal, index):
            _set_recused(a, why, by)


def _named_organisation(credit_code: str) -> tuple[str, Organisation | None]:
    """A typed credit code, normalised, and the organisation registered with it, if any.

    Callers answer alike whether or not the code is registered: a person naming an organisation
    to avoid must not learn from the portal which codes are registered.
    """
    code = creditcode.normalise(credit_code or "")
    if not code:
        return "", None
    organisation = db.session.exec(
        select(Organisation).where(Organisation.credit_code == code)
    ).first()
    return code, organisation


def declare_conflict(
    expert: User,
    *,
    reason: str,
    proposal: Proposal | None = None,
    credit_code: str = "",
) -> ConflictDeclaration:
    """An expert declares a conflict with a proposal, or with an organisation named by its
    credit code; any open assignment it touches is recused."""
    if expert.role is not Role.expert:
        raise NotAllowed()
    code, organisation = _named_organisation(credit_code)
    problems = {}
    if (proposal is None) == (not code):
        problems["target"] = _("Name either one proposal or one organisation.")
    elif code and creditcode.problem(code):
        problems["credit_code"] = str(creditcode.problem(code))
    if not (reason or "").strip():
        problems["reason"] = _("Say why there is a conflict.")
    if problems:
        raise ValidationFailed(problems)
    declaration = ConflictDeclaration(
        expert_id=expert.id,
        proposal_id=proposal.id if proposal else None,
        organisation_id=organisation.id if organisation else None,
        credit_code=code,
        reason=reason.strip(),
        declared_at=clock.now(),
    )
    db.session.add(declaration)
    audit.record(expert, "conflict.declared", declaration, after=snapshot(declaration))
    db.session.flush()
    if proposal is not None:
        proposal_ids = [proposal.id]
    else:
        proposal_ids = list(
            db.session.exec(select(Assignment.proposal_id).where(Assignment.expert_id == expert.id))
        )
    _recuse_new_conflicts(
        [expert.id], proposal_ids, expert, _("Conflict declared: %(r)s", r=reason)
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
    if by.organisation_id != proposal.lead_org_id:
        raise NotAllowed()
    if proposal.status not in (ProposalStatus.submitted, ProposalStatus.in_review):
        raise DomainError(_("Avoidance can be requested for a submitted proposal under review."))
    expert_email = (expert_email or "").strip().lower()
    code, organisation = _named_organisation(credit_code)
    problems = {}
    if bool(expert_email) == bool(code):
        problems["expert_email"] = _("Name either one expert's e-mail or one organisation.")
    elif code and creditcode.problem(code):
        problems["credit_code"] = str(creditcode.problem(code))
    if not (reason or "").strip():
        problems["reason"] = _("Say why this expert or organisation should not review.")
    if problems:
        raise ValidationFailed(problems)
    expert = None
    if expert_email:
        expert = db.session.exec(
            select(User).where(User.email == expert_email, User.role == Role.expert)
        ).first()
    request = AvoidanceRequest(
        proposal_id=proposal.id,
        expert_email=expert_email,
        expert_id=expert.id if expert else None,
        organisation_id=organisation.id if organisation else None,
        credit_code=code,
        reason=reason.strip(),
        requested_by_id=by.id,
        requested_at=clock.now(),
    )
    db.session.add(request)
    audit.record(by, "avoidance.requested", request, after=snapshot(request))
    return request


def decide_avoidance(request: AvoidanceRequest, *, accept: bool, by: User) -> AvoidanceRequest:
    """The officer accepts (the expert or organisation is then in conflict) or refuses."""
    _staff(by)
    if request.status is not AvoidanceStatus.pending:
        raise DomainError(_("This request has already been decided."))
    before = snapshot(request, "status")
    request.status = AvoidanceStatus.accepted if accept else AvoidanceStatus.refused
    request.decided_by_id = by.id
    request.decided_at = clock.now()
    audit.record(by, "avoidance.decided", request, before=before, after=snapshot(request, "status"))
    if accept:
        db.session.flush()
        expert_ids = list(
            db.session.exec(
                select(Assignment.expert_id).where(Assignment.proposal_id == request.proposal_id)
            )
        )
        _recuse_new_conflicts(
            expert_ids, [request.proposal_id], by, _("Avoidance request accepted.")
        )
    accepted = accept
    notify(
        _applicants(request.proposal),
        "avoidance_decided",
        lambda: (
            _("Your avoidance request was accepted")
            if accepted
            else _("Your avoidance request was refused")
        ),
    )
    return request


# ---- scoring -----------------------------------------------------------------------------------


def lock_assignment(assignment: Assignment) -> Assignment:
    """The assignment's row locked until the transaction ends, read again with its review and
    scores.

    An expert who submits twice at once (a double click, two tabs) must get one review, scored
    and submitted once: the second request waits here, then finds the review the first one
    wrote (submitted, so it is refused) instead of creating a second one or submitting again.
    PostgreSQL locks the row (FOR UPDATE); on SQLite the transaction already holds the
    database's write lock (portal.db.sqlite_begin).
    """
    locked = db.session.exec(
        select(Assignment)
        .where(Assignment.id == assignment.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    db.session.exec(
        select(Review)
        .where(Review.assignment_id == locked.id)
        .options(selectinload(Review.scores))
        .execution_options(populate_existing=True)
    ).all()
    db.session.expire(locked, ["review"])
    return locked


def review_for(assignment: Assignment) -> Review:
    """The assignment's review, started as an empty draft the first time."""
    if assignment.review is not None:
        return assignment.review
    now = clock.now()
    review = Review(
        assignment_id=assignment.id,
        challenge_id=assignment.challenge_id,
        proposal_id=assignment.proposal_id,
        expert_id=assignment.expert_id,
        created_at=now,
        updated_at=now,
    )
    review.assignment = assignment
    db.session.add(review)
    return review


@dataclass
class ScoreInput:
    criterion_id: int
    value: str  # as typed, so that a refused form shows it again
    comment: str = ""


def parse_score(raw: str | None) -> tuple[Decimal | None, str | None]:
    """(value, problem): blank is None; otherwise 0–10 in half points."""
    text = (raw or "").strip().replace(",", ".")
    if not text:
        return None, None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, _("Enter a number from 0 to 10.")
    if not value.is_finite() or value < 0 or value > TEN:
        return None, _("A score must be from 0 to 10.")
    if (value * 2) % 1 != 0:
        return None, _("Use whole or half points, such as 7 or 7.5.")
    return value.quantize(Decimal("0.1")), None


def weighted_total(values: dict[int, Decimal], weights: dict[int, int]) -> Decimal:
    """Σ score × weight / 10 on a 0–100 scale (weights sum to 100)."""
    total = sum((values[cid] * weights[cid] for cid in weights), Decimal(0)) / TEN
    return total.quantize(Decimal("0.01"))


def save_review(
    assignment: Assignment,
    *,
    by: User,
    scores: list[ScoreInput],
    overall_comment: str,
    recommendation: str | None,
    submit: bool,
) -> Review:
    """Save the expert's draft, or submit it (every criterion scored, then locked).

    Problems are keyed `criterion-<id>` for a score, `recommendation` and `overall_comment`.
    """
    if assignment.expert_id != by.id:
        raise NotAllowed(_("This proposal is not assigned to you."))
    assignment = lock_assignment(assignment)
    if assignment.status is AssignmentStatus.recused:
        raise NotAllowed(_("This proposal is not assigned to you."))
    challenge = assignment.proposal.challenge
    if challenge.status is ChallengeStatus.decided:
        raise DomainError(_("The decision has been made; reviews can no longer change."))
    review = review_for(assignment)
    if review.status is ReviewStatus.submitted:
        raise DomainError(_("This review is submitted and locked; ask the officer to reopen it."))
    criteria = {c.id: c for c in challenge.criteria}
    given = {s.criterion_id: s for s in scores}
    problems: dict[str | None, str] = {}
    unknown = set(given) - set(criteria)
    if unknown:
        problems[None] = _("A score was given for a criterion that is not in this rubric.")
    values: dict[int, Decimal] = {}
    for cid in criteria:
        entry = given.get(cid)
        value, problem = parse_score(entry.value if entry else None)
        if problem:
            problems[f"criterion-{cid}"] = problem
        elif value is None:
            if submit:
                problems[f"criterion-{cid}"] = _("Score this criterion before submitting.")
        else:
            values[cid] = value
    rec = None
    if recommendation:
        try:
            rec = Recommendation(recommendation)
        except ValueError:
            problems["recommendation"] = _("Choose one of the recommendations.")
    elif submit:
        problems["recommendation"] = _("Choose a recommendation before submitting.")
    if submit and not (overall_comment or "").strip():
        problems["overall_comment"] = _("Write an overall comment before submitting.")
    if problems:
        raise ValidationFailed(problems)
    before = snapshot(review, "status", "total", "recommendation")
    existing = {s.criterion_id: s for s in review.scores}
    for cid in criteria:
        entry = given.get(cid)
        score = existing.get(cid)
        if score is None:
            score = Score(criterion_id=cid)
            review.scores.append(score)
        score.value = values.get(cid)
        score.comment = (entry.comment if entry else "").strip()
    review.overall_comment = (overall_comment or "").strip()
    review.recommendation = rec
    complete = len(values) == len(criteria)
    review.total = (
        weighted_total(values, {cid: c.weight for cid, c in criteria.items()}) if complete else None
    )
    review.updated_at = clock.now()
    if submit:
        review.status = ReviewStatus.submitted
        review.submitted_at = clock.now()
        assignment.status = AssignmentStatus.submitted
    audit.record(
        by,
        "review.submitted" if submit else "review.saved",
        review,
        before=before,
        after={
            **snapshot(review, "status", "total", "recommendation"),
            "scores": {str(cid): str(v) for cid, v in values.items()},
        },
    )
    return review


def reopen_review(review: Review, *, reason: str, by: User) -> Review:
    """An officer unlocks a submitted review so that its expert may change it (audited)."""
    _staff(by)
    review = lock_assignment(review.assignment).review
    if review.status is not ReviewStatus.submitted:
        raise DomainError(_("Only a submitted review can be reopened."))
    challenge = db.session.get(Challenge, review.challenge_id)
    if challenge.status is ChallengeStatus.decided:
        raise DomainError(_("The decision has been made; reviews can no longer change."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Give the reason for reopening the review.")})
    before = snapshot(review, "status", "total", "submitted_at")
    review.status = ReviewStatus.draft
    review.reopened_at = clock.now()
    review.reopen_reason = reason
    review.assignment.status = AssignmentStatus.assigned
    audit.record(
        by, "review.reopened", review, before=before, after={"status": "draft", "reason": reason}
    )
    expert = db.session.get(User, review.expert_id)
    number = challenge.number
    notify(
        [expert],
        "review_reopened",
        lambda: _("Your review for challenge %(number)s was reopened", number=number),
        lambda: _("Reason: %(reason)s", reason=reason),
        link=_link("reviews.score", proposal_id=review.proposal_id),
    )
    return review


# ---- decision ----------------------------------------------------------------------------------


def decide(
    challenge: Challenge,
    *,
    winners: list[Proposal],
    reserve: list[Proposal],
    note: str,
    by: User,
) -> Decision:
    """Winners become awarded, the reserve list reserve, every other proposal in review not
    funded; the challenge is decided and every applicant told."""
    _staff(by)
    if challenge.status is not ChallengeStatus.reviewing:
        raise DomainError(_("Only a challenge in review can be decided."))
    problems: dict[str | None, str] = {}
    horse_race = FundingMode(challenge.funding_mode) is FundingMode.horse_race
    allowed = challenge.horse_race_teams if horse_race else 1
    if not winners:
        problems["winners"] = _("Choose at least one winner.")
    elif len(winners) > allowed:
        problems["winners"] = _("Choose at most %(n)s winners.", n=allowed)
    win_ids = [p.id for p in winners]
    reserve_ids = [p.id for p in reserve]
    if set(win_ids) & set(reserve_ids):
        problems["reserve"] = _("A winner cannot also be on the reserve list.")
    if len(set(win_ids)) != len(win_ids) or len(set(reserve_ids)) != len(reserve_ids):
        problems["winners"] = _("Each proposal may be chosen once.")
    if any(
        p.challenge_id != challenge.id or p.status is not ProposalStatus.in_review
        for p in [*winners, *reserve]
    ):
        problems[None] = _("Only proposals of this challenge that are in review can be chosen.")
    if not (note or "").strip():
        problems["note"] = _("Record the decision note.")
    if problems:
        raise ValidationFailed(problems)
    proposals = list(
        db.session.exec(
            select(Proposal).where(
                Proposal.challenge_id == challenge.id,
                Proposal.status == ProposalStatus.in_review,
            )
        )
    )
    now = clock.now()
    for proposal in proposals:
        if proposal.id in win_ids:
            set_status(proposal, ProposalStatus.awarded, by=by, now=now)
        elif proposal.id in reserve_ids:
            set_status(proposal, ProposalStatus.reserve, by=by, now=now)
        else:
            set_status(proposal, ProposalStatus.not_funded, by=by, now=now)
    for proposal in proposals:
        if proposal.status is ProposalStatus.awarded:
            start_publicity(proposal, by=by)  # the proposed awards go to publicity (公示)
    decision = Decision(
        challenge_id=challenge.id,
        winner_ids=win_ids,
        reserve_ids=reserve_ids,
        note=note.strip(),
        decided_by_id=by.id,
        decided_at=now,
    )
    db.session.add(decision)
    before = snapshot(challenge, "status")
    challenge.status = ChallengeStatus.decided
    challenge.updated_at = now
    audit.record(
        by,
        "challenge.decided",
        challenge,
        before=before,
        after={
            "status": "decided",
            "winners": win_ids,
            "reserve": reserve_ids,
            "not_funded": [p.id for p in proposals if p.id not in win_ids + reserve_ids],
        },
    )
    messages = {
        ProposalStatus.awarded: lambda t: _("Your proposal “%(title)s” has been selected", title=t),
        ProposalStatus.reserve: lambda t: _(
            "Your proposal “%(title)s” is on the reserve list", title=t
        ),
        ProposalStatus.not_funded: lambda t: _(
            "Your proposal “%(title)s” was not selected for funding", title=t
        ),
    }
    for proposal in proposals:
        message, title = messages[proposal.status], proposal.title
        notify(
            _applicants(proposal),
            "proposal_decided",
            lambda m=message, t=title: m(t),
            link=_link("reviews.feedback", proposal_id=proposal.id),
        )
    return decision
