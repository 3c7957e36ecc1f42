"""The reads that reminders and calendars share: open reviews with their due dates, drafts and
their deadlines, open milestones, publicity periods that ended with objections open, and the
people each concerns. One query per kind of thing, and one for all their people."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import or_
from sqlalchemy.orm import selectinload
from sqlmodel import exists, select

from portal import clock
from portal.accounts.models import User
from portal.alerts.models import FOLLOWERS, AlertSettings, Subscription
from portal.awards.models import Award, Decision, Milestone
from portal.challenges.models import Chain, Challenge
from portal.db import db
from portal.proposals.models import Proposal
from portal.reviews.models import Assignment, PanelSchedule
from portal.vocabulary import (
    AssignmentStatus,
    AwardStatus,
    ChallengeStatus,
    DecisionStatus,
    MilestoneStatus,
    ObjectionStatus,
    ProposalStatus,
    Role,
)

DRAFTING = (ProposalStatus.draft,)
HANDED_IN = (ProposalStatus.draft, ProposalStatus.submitted)
TO_REPORT = (MilestoneStatus.planned, MilestoneStatus.returned)  # the team's move
RUNNING = (AwardStatus.confirmed, AwardStatus.active)


@dataclass(frozen=True)
class DueReview:
    """An expert's open assignment and the moment its review is due."""

    assignment: Assignment
    due_at: datetime


def review_period() -> timedelta:
    return timedelta(days=current_app.config["REMINDER_REVIEW_PERIOD_DAYS"])


def open_reviews(
    *, due_by: datetime | None = None, expert_id: int | None = None
) -> list[DueReview]:
    """The assignments still waiting for the expert's review (of proposals still in review),
    each with its due moment; only those due by `due_by`, or only one expert's, when given.

    This is the one place that says when a review is due: at the end of the panel's due date
    (reviews.PanelSchedule) where the officer set one, else REMINDER_REVIEW_PERIOD_DAYS after
    the expert was assigned. Every reminder and calendar reads it from here."""
    period = review_period()
    statement = (
        select(Assignment, PanelSchedule.due_on)
        .join(Proposal, Proposal.id == Assignment.proposal_id)
        .outerjoin(PanelSchedule, PanelSchedule.challenge_id == Assignment.challenge_id)
        .where(
            Assignment.status == AssignmentStatus.assigned,
            Proposal.status == ProposalStatus.in_review,
        )
        .options(selectinload(Assignment.proposal).selectinload(Proposal.challenge))
        .order_by(Assignment.assigned_at, Assignment.id)
    )
    if expert_id is not None:
        statement = statement.where(Assignment.expert_id == expert_id)
    due = [
        DueReview(a, clock.end_of_local_day(due_on) if due_on else a.assigned_at + period)
        for a, due_on in db.all(statement)
    ]
    return [d for d in due if due_by is None or d.due_at <= due_by]


def _proposals_on_open_challenges(*conditions) -> list[Proposal]:
    """Proposals on published challenges, with their challenges, by deadline."""
    return db.all(
        select(Proposal)
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .where(Challenge.status == ChallengeStatus.published, *conditions)
        .options(selectinload(Proposal.challenge))
        .order_by(Challenge.deadline, Proposal.id)
    )


def drafts_closing(now: datetime, within: timedelta) -> list[Proposal]:
    """Drafts on challenges still open whose deadline is at most `within` away."""
    return _proposals_on_open_challenges(
        Proposal.status.in_(DRAFTING), Challenge.deadline > now, Challenge.deadline <= now + within
    )


def _milestones(*conditions) -> list[Milestone]:
    """Milestones with their awards and proposals, by due date."""
    return db.all(
        select(Milestone)
        .join(Award, Award.id == Milestone.award_id)
        .join(Proposal, Proposal.id == Award.proposal_id)
        .where(*conditions)
        .options(selectinload(Milestone.award).selectinload(Award.proposal))
        .order_by(Milestone.due_date, Milestone.id)
    )


def milestones_due(by: date) -> list[Milestone]:
    """Open milestones of running projects that the team has still to report, due by `by`."""
    return _milestones(
        Award.status == AwardStatus.active,
        Milestone.status.in_(TO_REPORT),
        Milestone.due_date <= by,
    )


def publicity_ended_with_objections(now: datetime) -> list[Award]:
    """Awards whose publicity period has ended while an objection to them is still open."""
    return db.all(
        select(Award)
        .where(
            Award.status == AwardStatus.in_publicity,
            Award.publicity_ends_at <= now,
            Award.objections.any(status=ObjectionStatus.open),
        )
        .options(selectinload(Award.proposal), selectinload(Award.challenge))
        .order_by(Award.publicity_ends_at, Award.id)
    )


# ---- people ---------------------------------------------------------------------------------


def applicants_of(org_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active applicants of each organisation, in one query."""
    ids = sorted(set(org_ids))
    found: dict[int, list[User]] = defaultdict(list)
    if not ids:
        return found
    for user in db.session.exec(
        select(User)
        .where(User.organisation_id.in_(ids), User.role == Role.applicant, User.active)
        .order_by(User.id)
    ):
        found[user.organisation_id].append(user)
    return found


def users_by_id(ids: Iterable[int | None]) -> dict[int, User]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {u.id: u for u in db.session.exec(select(User).where(User.id.in_(wanted)))}


def team_of(award: Award, applicants: dict[int, list[User]], users: dict[int, User]) -> list[User]:
    """The lead organisation's applicants and the team leader (挂帅人) of an award."""
    team = list(applicants.get(award.proposal.lead_org_id, []))
    leader = users.get(award.proposal.leader_user_id)
    if leader is not None and leader not in team:
        team.append(leader)
    return team


# ---- one person's dates, for their calendar -------------------------------------------------


def deadlines_of(user: User) -> list[Proposal]:
    """The proposals of the user's organisation in draft or submitted, on published challenges
    (open, or closed since), with their challenges."""
    if user.role is not Role.applicant or user.organisation_id is None:
        return []
    return _proposals_on_open_challenges(
        Proposal.lead_org_id == user.organisation_id,
        Proposal.status.in_(HANDED_IN),
        Challenge.deadline.is_not(None),
    )


def milestones_of(user: User) -> list[Milestone]:
    """The open milestones of the projects the user works on (as a member of the lead
    organisation or as the team leader)."""
    teams = [Proposal.leader_user_id == user.id]
    if user.role is Role.applicant and user.organisation_id is not None:
        teams.append(Proposal.lead_org_id == user.organisation_id)
    return _milestones(
        or_(*teams),
        Award.status.in_(RUNNING),
        Milestone.status.not_in([MilestoneStatus.accepted, MilestoneStatus.cancelled]),
    )


# ---- subscriptions and settings -------------------------------------------------------------


def followable_chains() -> list[Chain]:
    """Every chain with its links, to choose what to follow."""
    return db.all(select(Chain).options(selectinload(Chain.links)).order_by(Chain.name, Chain.id))


def settings_of(user: User) -> AlertSettings | None:
    return db.session.exec(select(AlertSettings).where(AlertSettings.user_id == user.id)).first()


def subscription_of(user: User, chain_id: int, link_id: int | None) -> Subscription | None:
    """The user's subscription to this chain (link_id None) or link, if there is one."""
    link = (
        Subscription.chain_link_id.is_(None)
        if link_id is None
        else Subscription.chain_link_id == link_id
    )
    return db.session.exec(
        select(Subscription).where(
            Subscription.user_id == user.id, Subscription.chain_id == chain_id, link
        )
    ).first()


def followers_of(challenge: Challenge) -> list[User]:
    """The active applicants and experts who follow the challenge's link or its whole chain."""
    link = challenge.chain_link
    if link is None:
        return []
    return db.all(
        select(User)
        .where(
            User.active,
            User.role.in_(FOLLOWERS),
            exists().where(
                Subscription.user_id == User.id,
                Subscription.chain_id == link.chain_id,
                or_(
                    Subscription.chain_link_id.is_(None),
                    Subscription.chain_link_id == link.id,
                ),
            ),
        )
        .order_by(User.id)
    )


def drafters_hearing_answers(challenge_id: int, *, besides: int | None) -> list[User]:
    """The active applicants who asked to hear answered questions and whose organisation has a
    draft on the challenge (`besides`, the asker, is told anyway)."""
    return db.all(
        select(User)
        .join(AlertSettings, AlertSettings.user_id == User.id)
        .where(
            AlertSettings.answered_questions,
            User.active,
            User.role == Role.applicant,
            User.id != (besides or 0),
            exists().where(
                Proposal.lead_org_id == User.organisation_id,
                Proposal.challenge_id == challenge_id,
                Proposal.status.in_(DRAFTING),
            ),
        )
        .order_by(User.id)
    )


def open_challenges() -> list[Challenge]:
    """Published challenges with their deadlines (the programme office's calendar)."""
    return db.all(
        select(Challenge)
        .where(Challenge.status == ChallengeStatus.published, Challenge.deadline.is_not(None))
        .order_by(Challenge.deadline, Challenge.id)
    )


def publicity_periods() -> list[Award]:
    """Awards in publicity, with their proposals (the programme office's calendar)."""
    return db.all(
        select(Award)
        .where(Award.status == AwardStatus.in_publicity)
        .options(selectinload(Award.proposal))
        .order_by(Award.publicity_ends_at, Award.id)
    )


def decisions_waiting(proposed_by: datetime) -> list[Decision]:
    """Decisions proposed by `proposed_by` and still waiting for a second person's approval."""
    return db.all(
        select(Decision)
        .where(Decision.status == DecisionStatus.proposed, Decision.proposed_at <= proposed_by)
        .options(selectinload(Decision.challenge))
        .order_by(Decision.proposed_at, Decision.id)
    )
