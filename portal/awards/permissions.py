"""Who may see and do what with awards (projects), milestones, reports and objections.

- `visible_<things>(user)`: every row the user may see, as SQL; lists build on these.
- `get_<thing>_or_404(id, user, need=...)`: the only way a view loads one; 404 when the user may
  not see it or may not do `need`, so that its existence is not revealed.
- `can_<verb>(user, obj)`: the rule, enforced by the services through `require`.

Staff (officers and admins) see everything and run the projects. An applicant sees the awards
of proposals their organisation leads or joined (a member that accepted the invitation); only
the lead organisation reports milestones. Awards in publicity (公示) are public, and anyone
logged in may object to one. An objection is seen by staff and by whoever lodged it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import abort
from sqlmodel import false, select
from sqlmodel.sql.expression import Select

from portal.accounts.models import User
from portal.awards.models import (
    Award,
    Decision,
    Milestone,
    MilestoneReport,
    Objection,
    ReportEvidence,
)
from portal.challenges.models import Challenge
from portal.challenges.permissions import visible_challenges
from portal.db import db
from portal.proposals.models import Proposal
from portal.proposals.permissions import taking_part
from portal.vocabulary import (
    AwardStatus,
    ChallengeStatus,
    DecisionStatus,
    FundingMode,
    Role,
)


def is_staff(user: Any) -> bool:
    """Officers and admins (False for someone not logged in)."""
    return bool(getattr(user, "is_staff", False))


def is_lead_user(user: Any, award: Award) -> bool:
    """Whether `user` speaks for the award's lead organisation (牵头单位)."""
    return (
        getattr(user, "role", None) is Role.applicant
        and user.organisation_id is not None
        and user.organisation_id == award.proposal.lead_org_id
    )


# ---- what a user sees -----------------------------------------------------------------------


def _of_own_organisation(user: Any):
    """Awards of proposals the user's organisation leads, or joined by accepting the lead's
    invitation."""
    if getattr(user, "role", None) is not Role.applicant or user.organisation_id is None:
        return false()
    return Award.proposal_id.in_(taking_part(user.organisation_id))


def visible_awards(user: Any) -> Select:
    """Every award whose project page `user` may open."""
    statement = select(Award)
    return statement if is_staff(user) else statement.where(_of_own_organisation(user))


def awards_in_publicity() -> Select:
    """The awards anyone may see, and anyone logged in may object to."""
    return select(Award).where(Award.status == AwardStatus.in_publicity)


def _visible_award_ids(user: Any) -> Select:
    return visible_awards(user).with_only_columns(Award.id)


def visible_milestones(user: Any) -> Select:
    return select(Milestone).where(Milestone.award_id.in_(_visible_award_ids(user)))


def visible_reports(user: Any) -> Select:
    return (
        select(MilestoneReport)
        .join(Milestone, Milestone.id == MilestoneReport.milestone_id)
        .where(Milestone.award_id.in_(_visible_award_ids(user)))
    )


def visible_evidence(user: Any) -> Select:
    return (
        select(ReportEvidence)
        .join(MilestoneReport, MilestoneReport.id == ReportEvidence.report_id)
        .join(Milestone, Milestone.id == MilestoneReport.milestone_id)
        .where(Milestone.award_id.in_(_visible_award_ids(user)))
    )


def visible_objections(user: Any) -> Select:
    statement = select(Objection)
    if is_staff(user):
        return statement
    if not getattr(user, "is_authenticated", False):
        return statement.where(false())
    return statement.where(Objection.objector_id == user.id)


# ---- what a user may do ---------------------------------------------------------------------


def can_object(user: Any, award: Award) -> bool:
    """Anyone logged in may object to an award in publicity."""
    return bool(getattr(user, "is_authenticated", False))


def can_manage(user: Any, award: Award) -> bool:
    """The programme office runs a project: confirms it, records its task book, changes its
    targets, decides its reports, passes or ends it."""
    return is_staff(user)


def can_start(user: Any, award: Award) -> bool:
    """The task book is recorded once the award is confirmed, and only then."""
    return can_manage(user, award) and award.status is AwardStatus.confirmed


def can_complete(user: Any, award: Award) -> bool:
    """Final acceptance is for a running project."""
    return can_manage(user, award) and award.status is AwardStatus.active


def can_end(user: Any, award: Award) -> bool:
    """A confirmed award can be revoked, a running project terminated; nothing else ends."""
    return can_manage(user, award) and award.status in (AwardStatus.confirmed, AwardStatus.active)


def can_report(user: Any, milestone: Milestone) -> bool:
    return is_lead_user(user, milestone.award)


def can_decide_report(user: Any, report: MilestoneReport) -> bool:
    return can_manage(user, report.milestone.award)


def decided_by(challenge_id: int) -> int | None:
    """Who proposed the decision of the challenge that is in effect (or awaits approval)."""
    return db.session.exec(
        select(Decision.proposed_by_id).where(
            Decision.challenge_id == challenge_id,
            Decision.status.in_([DecisionStatus.proposed, DecisionStatus.effective]),
        )
    ).first()


def can_resolve(user: Any, objection: Objection) -> bool:
    """Staff other than the person who proposed the decision objected to (separation of
    duties)."""
    return is_staff(user) and decided_by(objection.award.challenge_id) != user.id


def can_decide(user: Any, challenge: Challenge) -> bool:
    """Staff propose funding decisions."""
    return is_staff(user)


def can_approve(user: Any, decision: Decision) -> bool:
    """A proposed decision is approved, or returned, by staff other than its proposer."""
    return (
        is_staff(user)
        and decision.status is DecisionStatus.proposed
        and decision.proposed_by_id != user.id
    )


def any_award_confirmed(challenge_id: int) -> bool:
    """Whether an award of the challenge was confirmed (立项), whatever became of it since."""
    confirmed = [s for s in AwardStatus if s.is_project]
    return (
        db.session.exec(
            select(Award.id).where(Award.challenge_id == challenge_id, Award.status.in_(confirmed))
        ).first()
        is not None
    )


def can_reopen(user: Any, decision: Decision) -> bool:
    """Staff reopen a decision in effect until an award of its challenge is confirmed."""
    return (
        is_staff(user)
        and decision.status is DecisionStatus.effective
        and not any_award_confirmed(decision.challenge_id)
    )


def can_decide_gate(user: Any, challenge: Challenge) -> bool:
    return is_staff(user)


def can_publicise(user: User | None, proposal: Proposal) -> bool:
    """Publicity starts with the review decision; None is the decision's own step, which has
    checked who decides."""
    return user is None or is_staff(user)


# ---- loading one object for a view ------------------------------------------------------------

Rule = Callable[[Any, Any], bool]


def _anyone(user: Any, obj: Any) -> bool:
    return True


def _one_or_404(statement: Select, user: Any, need: str, needs: dict[str, Rule]) -> Any:
    found = db.session.exec(statement).first()
    if found is None or not needs[need](user, found):
        abort(404)
    return found


AWARD_NEEDS: dict[str, Rule] = {
    "read": _anyone,
    "object": can_object,
    "manage": can_manage,
    "start": can_start,
    "complete": can_complete,
    "end": can_end,
    "report": is_lead_user,
}


MILESTONE_NEEDS: dict[str, Rule] = {"read": _anyone, "report": can_report}
REPORT_NEEDS: dict[str, Rule] = {"read": _anyone, "decide": can_decide_report}


def get_award_or_404(
    award_id: int, user: Any, need: str = "read", load: Sequence[Any] = ()
) -> Award:
    """The award (project) `award_id`, with the relations `load` names loaded (the page's
    loader options, from queries.py). `need="object"` looks among the awards in publicity."""
    base = awards_in_publicity() if need == "object" else visible_awards(user)
    statement = base.where(Award.id == award_id).options(*load)
    return _one_or_404(statement, user, need, AWARD_NEEDS)


def get_milestone_or_404(
    milestone_id: int, user: Any, award_id: int, need: str = "read"
) -> Milestone:
    """A milestone of the award `award_id` (the award in the page's address)."""
    of_award = (Milestone.id == milestone_id, Milestone.award_id == award_id)
    return _one_or_404(visible_milestones(user).where(*of_award), user, need, MILESTONE_NEEDS)


def get_report_or_404(
    report_id: int, user: Any, award_id: int, need: str = "read"
) -> MilestoneReport:
    of_award = (MilestoneReport.id == report_id, Milestone.award_id == award_id)
    return _one_or_404(visible_reports(user).where(*of_award), user, need, REPORT_NEEDS)


def get_evidence_or_404(evidence_id: int, user: Any, award_id: int) -> ReportEvidence:
    statement = visible_evidence(user).where(
        ReportEvidence.id == evidence_id, Milestone.award_id == award_id
    )
    return _one_or_404(statement, user, "read", {"read": _anyone})


def get_objection_or_404(objection_id: int, user: Any, need: str = "read") -> Objection:
    statement = visible_objections(user).where(Objection.id == objection_id)
    return _one_or_404(statement, user, need, {"read": _anyone, "resolve": can_resolve})


def get_decision_challenge_or_404(challenge_id: int, user: Any) -> Challenge:
    """A challenge whose funding decision staff make (in review, or decided)."""
    statement = visible_challenges(user).where(
        Challenge.id == challenge_id,
        Challenge.status.in_([ChallengeStatus.reviewing, ChallengeStatus.decided]),
    )
    return _one_or_404(statement, user, "decide", {"decide": can_decide})


def get_challenge_or_404(number: str, user: Any, need: str = "publicity") -> Challenge:
    """A challenge as the awards pages show it: its publicity (any challenge but a draft), its
    horse race (`need="race"`), or a stage gate of its race (`need="gate"`, staff)."""
    statement = visible_challenges(user).where(Challenge.number == number)
    if need in ("race", "gate"):
        statement = statement.where(Challenge.funding_mode == FundingMode.horse_race)
    needs = {"publicity": _anyone, "race": _anyone, "gate": can_decide_gate}
    return _one_or_404(statement, user, need, needs)


def get_decision_or_404(decision_id: int, user: Any) -> Decision:
    """A funding decision, for staff."""
    statement = select(Decision).where(Decision.id == decision_id)
    return _one_or_404(
        statement, user, "decide", {"decide": lambda u, d: can_decide(u, d.challenge)}
    )
