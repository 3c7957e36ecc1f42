"""Every kind of notification the portal sends, rendered for a reader of Chinese, contains no word
of the English message catalogue.

The kinds are read from the catalogue of notification messages, so a new kind counts at once.
The demo journey is run for people whose language is Chinese (the programme's default, which the
demo's accounts keep), and then each act the demo does not do is done once on its data; the
kinds written must be every kind of the catalogue.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlmodel import SQLModel, select

from portal import clock
from portal.accounts import membership, organisations, registration
from portal.accounts import services as accounts
from portal.accounts.models import Membership, Organisation, User
from portal.alerts import reminders, subscriptions
from portal.alerts.models import AlertSettings, Subscription
from portal.awards import decision as decisions
from portal.awards.models import Award, Decision, Milestone
from portal.challenges import clarifications
from portal.challenges import services as challenges
from portal.challenges.content import ChallengeData
from portal.challenges.models import Challenge
from portal.db import db
from portal.demo.load import licence_scan, load_demo
from portal.notifications.messages import MESSAGES, kind_of
from portal.notifications.models import Notification
from portal.proposals import consent, drafting, submission
from portal.proposals.models import ConsortiumMember, Proposal
from portal.reviews import assignment as assignments
from portal.reviews import formal, scoring
from portal.reviews.models import Assignment, Review
from portal.reviews.ranking import ranking as rank
from portal.vocabulary import (
    AssignmentStatus,
    AwardStatus,
    ChallengeStatus,
    ConsentStatus,
    DecisionStatus,
    MembershipRole,
    MembershipStatus,
    MilestoneStatus,
    OrgStatus,
    ProposalStatus,
    ReviewStatus,
)
from tests.pagecheck_tools import catalogue_words, english_on_page, user_words


def kinds_in_catalogue() -> set[str]:
    """The kind of every message of the catalogue (an entry `kind.case` is of `kind`)."""
    return {kind_of(name) for name in MESSAGES}


def one(model, *where):
    return db.session.exec(select(model).where(*where).order_by(model.id)).first()


def user(email: str) -> User:
    return one(User, User.email == email)


def amended(challenge: Challenge) -> ChallengeData:
    return dataclasses.replace(
        ChallengeData.of(challenge), statement=challenge.statement + "\n\n补充说明。"
    )


def admin_of(organisation_id: int) -> User:
    found = one(
        Membership,
        Membership.organisation_id == organisation_id,
        Membership.role == MembershipRole.administrator,
        Membership.status == MembershipStatus.approved,
    )
    return db.session.get(User, found.user_id)


# ---- what the demo does not do, done once each ---------------------------------------------


def accounts_and_organisations() -> None:
    admin, alice = user("admin@example.com"), user("alice@example.com")
    accounts.set_active(user("expert4@example.com"), True, by=admin)  # account_activated
    registration.register_expert(  # expert_registered
        name="赵专家",
        email="zhao@expert.example",
        password="a long enough password",
        affiliation="国家集成电路创新中心",
        expertise="光刻",
    )
    dave = one(Membership, Membership.user_id == user("dave@example.com").id)
    membership.approve(dave, by=alice)  # membership_approved
    membership.promote(dave, by=alice)  # membership_promoted
    newcomer = registration.register_applicant(
        name="钱新",
        email="qian@example.com",
        password="a long enough password",
        credit_code=alice.organisation.credit_code,
    )
    newcomer.email_verified_at = clock.now()  # as if through the link sent to them
    request = one(Membership, Membership.user_id == newcomer.id)
    membership.refuse(request, by=alice, reason="不是本单位员工")  # membership_refused
    unverified = one(Organisation, Organisation.status == OrgStatus.unverified)
    organisations.reject(unverified, by=admin, reason="营业执照不清晰")  # organisation_rejected
    erin = user("erin@example.com")
    organisations.upload_licence(unverified, licence_scan(unverified), by=erin)
    organisations.verify(unverified, by=admin)  # organisation_verified
    details = organisations.Details(
        name=unverified.name,
        short_name="粤海新材",
        english_name=unverified.english_name,
        type=unverified.type,
        credit_code=unverified.credit_code,
        region=unverified.region,
    )
    organisations.edit(unverified, details, by=admin, reason="更正简称")  # organisation_edited


def challenges_and_consortia() -> None:
    officer, alice = user("officer@example.com"), user("alice@example.com")
    drafted = one(Proposal, Proposal.status == ProposalStatus.draft)
    challenge = drafted.challenge
    drafter = admin_of(drafted.lead_org_id)
    settings = one(AlertSettings, AlertSettings.user_id == drafter.id)
    if settings is None:
        settings = AlertSettings(user_id=drafter.id)
        db.session.add(settings)
    settings.answered_questions = True
    question = clarifications.ask(challenge, "样品如何送检？", by=user("bob@example.com"))
    clarifications.answer(question, "送第三方检测机构。", by=officer)  # clarification_published
    challenges.amend(challenge, amended(challenge), reason="补充说明", by=officer)  # amended
    draft = one(
        Challenge, Challenge.status == ChallengeStatus.draft, Challenge.deadline.is_not(None)
    )
    chain_id = draft.chain_link.chain_id
    if not one(Subscription, Subscription.user_id == alice.id, Subscription.chain_id == chain_id):
        subscriptions.subscribe(by=alice, chain_id=chain_id)
    challenges.publish(draft, by=officer)  # challenge_published
    member = one(
        ConsortiumMember,
        ConsortiumMember.consent == ConsentStatus.accepted,
        ConsortiumMember.proposal_id
        == one(Proposal, Proposal.status == ProposalStatus.submitted).id,
        ConsortiumMember.organisation_id != alice.organisation_id,
    )
    consent.withdraw_consent(  # consortium_withdrawn
        member, by=admin_of(member.organisation_id), reason="预算调整"
    )
    invited = one(ConsortiumMember, ConsortiumMember.consent == ConsentStatus.invited)
    consent.decline(  # consortium_declined
        invited, by=admin_of(invited.organisation_id), reason="无法参加"
    )
    own = drafting.start_proposal(draft, by=alice)
    dave = user("dave@example.com")
    submission.request_submission(own, by=dave)  # submission_requested
    membership.remove(one(Membership, Membership.user_id == dave.id), by=alice)  # removed
    challenges.cancel(challenge, reason="需求变化", by=officer)  # challenge_cancelled


def reviews_and_decisions() -> None:
    officer, officer2 = user("officer@example.com"), user("officer2@example.com")
    rejected = one(Proposal, Proposal.status == ProposalStatus.rejected)
    older = one(Membership, Membership.organisation_id == rejected.lead_org_id)  # no administrator
    membership.name_administrator(rejected.lead_org, older.id, by=user("admin@example.com"))
    applicant = older.user
    appeal = formal.lodge_appeal(rejected, grounds="材料已补齐", by=applicant)  # appeal_lodged
    checker = formal.latest_check(rejected).checked_by_id
    judge = officer2 if checker == officer.id else officer
    formal.decide_appeal(appeal, uphold=False, answer="材料仍不齐全", by=judge)  # appeal_decided
    reviewing = one(Challenge, Challenge.status == ChallengeStatus.reviewing)
    due_on = clock.now().date() + timedelta(days=7)
    assignments.set_due_date(reviewing, due_on=due_on, by=officer)  # reviews_due
    review = one(Review, Review.status == ReviewStatus.submitted)
    scoring.reopen_review(review, reason="请补充意见", by=officer)  # review_reopened
    live = one(
        Assignment,
        Assignment.status == AssignmentStatus.assigned,
        Assignment.challenge_id == reviewing.id,
    )
    assignments.recuse(live, reason="与牵头单位有合作", by=live.expert)  # review_recused
    first = next(r for r in rank(reviewing).rows if r.proposal.status is ProposalStatus.in_review)
    winners = [first.proposal.id]
    plan = decisions.plan_decision(reviewing, winners=winners, reserve=[])
    reasons = {d.key: "专家组意见" for d in plan.departures}
    proposed = decisions.propose(  # decision_proposed
        reviewing, winners=winners, reserve=[], reasons=reasons, note="同意立项。", by=officer
    )
    decisions.return_decision(proposed, by=officer2, reason="请说明理由")  # decision_returned
    decisions.propose(  # and proposed again, to wait for approval (a reminder)
        reviewing, winners=winners, reserve=[], reasons=reasons, note="同意立项。", by=officer
    )
    effective = one(Decision, Decision.status == DecisionStatus.effective)
    decisions.reopen(effective, by=officer, reason="重新评议")  # decision_reopened


def reminders_due() -> None:
    """The reminders, each run at a moment it is due."""
    moments: list[datetime] = []
    for challenge in db.session.exec(
        select(Challenge).where(Challenge.status == ChallengeStatus.published)
    ):
        moments += [challenge.deadline - timedelta(days=6), challenge.deadline - timedelta(hours=6)]
    milestone = one(Milestone, Milestone.status == MilestoneStatus.planned)
    due = datetime.combine(milestone.due_date, time(4), tzinfo=UTC)
    moments += [due - timedelta(days=3), due + timedelta(days=2)]
    award = one(Award, Award.status == AwardStatus.in_publicity)
    moments.append(award.publicity_ends_at + timedelta(hours=1))
    moments += [clock.now() + timedelta(days=6), clock.now() + timedelta(days=9)]
    for moment in sorted(moments):
        reminders.run_due(moment)


STEPS: list[Callable[[], None]] = [
    accounts_and_organisations,
    challenges_and_consortia,
    reviews_and_decisions,
]


def all_rows() -> dict[str, list[dict]]:
    with db.engine.connect() as connection:
        return {
            table.name: [dict(row._mapping) for row in connection.execute(table.select())]
            for table in SQLModel.metadata.sorted_tables
        }


@pytest.mark.slow
def test_every_kind_of_notification_reads_in_chinese(app, monkeypatch):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "zh")
    with app.app_context():
        load_demo()
        db.session.commit()
    monkeypatch.setitem(app.config, "DECISION_APPROVAL", "always")  # a decision waits
    for step in STEPS:
        with app.test_request_context():
            step()
            db.session.commit()
    with app.app_context():
        reminders_due()
        notes = db.session.exec(select(Notification)).all()
        db.session.commit()
        rows = all_rows()

    assert {n.kind for n in notes} == kinds_in_catalogue()
    english, typed = catalogue_words(), user_words(rows)
    untranslated = {
        f"{n.kind}: {n.title} / {n.body}": sorted(found)
        for n in notes
        if (found := english_on_page(f"<p>{n.title}</p><p>{n.body}</p>", english, typed))
    }
    assert not untranslated, "\n".join(f"{k}: {v}" for k, v in untranslated.items())
