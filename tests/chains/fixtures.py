"""Fixtures of the chain stories: the people who read and record, and chains whose records are
known row by row (built directly, so that every state and time stamp is exactly as the story
needs; the chains module's own writes go through its services in the tests)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from portal import clock
from portal.awards.models import (
    Award,
    AwardIndicator,
    Decision,
    Disbursement,
    GateDecision,
    Milestone,
    StageGate,
)
from portal.chains.models import LinkAssessment
from portal.challenges.models import Chain, ChainLink, Challenge
from portal.db import db
from portal.proposals.models import ConsortiumMember, Proposal
from portal.vocabulary import (
    AwardStatus,
    ChallengeStatus,
    Comparison,
    ConsentStatus,
    DecisionStatus,
    FundingMode,
    GateOutcome,
    MemberRole,
    MilestoneStatus,
    ProposalStatus,
    Stage,
)
from tests.factories import committing

NOW = datetime(2026, 7, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, in the third quarter


def decided_on(challenge, day: str) -> Decision:
    """The funding decision of `challenge`, in effect since `day`."""
    return Decision(status=DecisionStatus.effective, challenge_id=challenge.id, decided_at=at(day))


WAN = Decimal(10000)
NUMBERS = itertools.count(100)


def at(day: str, hour: int = 4) -> datetime:
    """Noon in Shanghai (04:00 UTC) of `day`, unless `hour` says otherwise."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.fixture
def chain_clock():
    clock.set_now(NOW)
    return NOW


@pytest.fixture
def officer(make_user, chain_clock):
    return make_user("officer@example.gov.cn", role="officer", name="Officer Wang")


@pytest.fixture
def evaluator(make_user, chain_clock):
    return make_user(
        "evaluator@assess.example", role="evaluator", name="Evaluator Qian", affiliation="华信评估"
    )


@dataclass
class Story:
    """What a story chain holds, for the tests to compute from."""

    chain: Chain
    links: dict[str, ChainLink]
    challenges: dict[str, Challenge] = field(default_factory=dict)
    proposals: dict[str, Proposal] = field(default_factory=dict)
    awards: dict[str, Award] = field(default_factory=dict)


CLOSED_WITH_REASON = (AwardStatus.revoked, AwardStatus.terminated, AwardStatus.eliminated)


class Builder:
    """Adds rows to the session with plain defaults; the caller commits."""

    def __init__(self, orgs):
        self.orgs = orgs

    def chain(self, name: str, links: list[tuple[str, Stage]]) -> Story:
        chain = Chain(name=name, leader_title=f"{name}产业链链长")
        db.session.add(chain)
        db.session.flush()
        made = {}
        for position, (link_name, stage) in enumerate(links):
            made[link_name] = ChainLink(
                chain_id=chain.id, stage=stage, name=link_name, position=position
            )
            db.session.add(made[link_name])
        db.session.flush()
        return Story(chain, made)

    def challenge(self, link: ChainLink, *, published, deadline, cap, **fields) -> Challenge:
        challenge = Challenge(
            number=f"JB-2026-{next(NUMBERS):03d}",
            status=fields.pop("status", ChallengeStatus.published),
            version=1 if published else 0,
            title=fields.pop("title", f"Challenge on {link.name}"),
            chain_link_id=link.id,
            funding_cap=Decimal(cap) * WAN,
            deadline=deadline,
            created_at=published or at("2025-10-01"),
            updated_at=published or at("2025-10-01"),
            published_at=published,
            **fields,
        )
        db.session.add(challenge)
        db.session.flush()
        return challenge

    def proposal(self, challenge, lead, status, *, submitted=None, members=(), self_funds=0):
        proposal = Proposal(
            challenge_id=challenge.id,
            lead_org_id=self.orgs[lead].id,
            status=status,
            title=f"{lead} on {challenge.number}",
            approach="SECRET APPROACH TEXT",
            requested=Decimal(1000) * WAN,
            self_funds=Decimal(self_funds) * WAN,
            created_at=at("2025-12-01"),
            updated_at=at("2025-12-01"),
            submitted_at=submitted,
            withdrawn_at=submitted if status is ProposalStatus.withdrawn else None,
            rejection_reason="Incomplete." if status is ProposalStatus.rejected else "",
        )
        proposal.members = [
            ConsortiumMember(
                organisation_id=self.orgs[lead].id,
                role=MemberRole.lead,
                consent=ConsentStatus.accepted,
                consent_decided_at=at("2025-12-01"),
                position=0,
            ),
            *[
                ConsortiumMember(
                    organisation_id=self.orgs[name].id,
                    role=MemberRole.member,
                    consent=consent,
                    consent_decided_at=None
                    if consent is ConsentStatus.invited
                    else at("2025-12-02"),
                    consent_reason="No." if consent is ConsentStatus.declined else "",
                    position=i + 1,
                )
                for i, (name, consent) in enumerate(members)
            ],
        ]
        db.session.add(proposal)
        db.session.flush()
        return proposal

    def award(self, proposal, amount, *, confirmed, status=AwardStatus.active, closed=None):
        """An award as the state machine leaves it: confirmed with its execution period, its
        task book signed the same day, closed with a reason where its state needs one."""
        started = status not in (AwardStatus.in_publicity, AwardStatus.confirmed)
        award = Award(
            proposal_id=proposal.id,
            challenge_id=proposal.challenge_id,
            status=status,
            amount=Decimal(amount) * WAN,
            publicity_starts_at=confirmed,
            publicity_ends_at=confirmed,
            confirmed_at=confirmed,
            starts_on=confirmed.date(),
            ends_on=confirmed.date().replace(year=confirmed.year + 2),
            task_book_signed_on=confirmed.date() if started else None,
            closed_at=closed,
            close_reason="Closed." if status in CLOSED_WITH_REASON else "",
            created_at=confirmed,
        )
        db.session.add(award)
        db.session.flush()
        return award

    def milestone(self, award, position, due, *, accepted=None, status=None, paid=None, tranche=0):
        milestone = Milestone(
            award_id=award.id,
            position=position,
            title=f"Milestone {position + 1}",
            due_date=date.fromisoformat(due),
            tranche=Decimal(tranche) * WAN,
            status=status or (MilestoneStatus.accepted if accepted else MilestoneStatus.planned),
            accepted_at=accepted,
        )
        db.session.add(milestone)
        db.session.flush()
        if paid:
            db.session.add(
                Disbursement(
                    award_id=award.id,
                    milestone_id=milestone.id,
                    amount=milestone.tranche,
                    paid_on=date.fromisoformat(paid),
                    recorded_at=at(paid),
                )
            )
        return milestone

    def assessment(self, link, period, external, local, firms, level, **fields) -> LinkAssessment:
        row = LinkAssessment(
            link_id=link.id,
            period=period,
            external_dependence=Decimal(external),
            local_supporting_rate=Decimal(local),
            local_firms=firms,
            chokepoint_level=level,
            source="Survey",
            recorded_at=at("2026-07-01"),
            **fields,
        )
        db.session.add(row)
        db.session.flush()
        return row


@pytest.fixture
def story_orgs(make_org):
    return {
        "E1": make_org("Shenzhen Chips", type="enterprise", region="广东省深圳市南山区"),
        "E2": make_org("Beijing Parts", type="enterprise", region="北京市"),
        "U1": make_org("South University", type="university", region="广东省广州市"),
        "I1": make_org("Shenzhen Institute", type="institute", region="广东省深圳市"),
    }


@pytest.fixture
def story_chain(app, story_orgs, chain_clock) -> Story:
    """A chain of three links whose challenges, consortia, awards, milestones, tranches, stage
    gates and assessments fall in the first and second quarters of 2026, with a few records
    that must not count (a draft challenge, a withdrawn proposal, a corrected assessment …)."""
    accepted, declined = ConsentStatus.accepted, ConsentStatus.declined
    with committing(app):
        b = Builder(story_orgs)
        s = b.chain(
            "Story chain",
            [
                ("Wafers", Stage.upstream),
                ("Design", Stage.midstream),
                ("Modules", Stage.downstream),
            ],
        )
        wafers, design, modules = s.links["Wafers"], s.links["Design"], s.links["Modules"]

        # Wafers: a single-team challenge decided in Q1 and a horse race decided in Q2.
        c1 = b.challenge(
            wafers,
            published=at("2026-01-10"),
            deadline=at("2026-02-20"),
            cap=1000,
            cofunding=Decimal(200) * WAN,
            status=ChallengeStatus.decided,
        )
        db.session.add(decided_on(c1, "2026-03-01"))
        p1 = b.proposal(
            c1,
            "E1",
            ProposalStatus.awarded,
            submitted=at("2026-02-01"),
            members=[("U1", accepted), ("I1", accepted)],
            self_funds=100,
        )
        b.proposal(c1, "E2", ProposalStatus.not_funded, submitted=at("2026-02-05"))
        b.proposal(c1, "U1", ProposalStatus.draft)
        b.proposal(c1, "I1", ProposalStatus.withdrawn, submitted=at("2026-02-06"))
        a1 = b.award(p1, 800, confirmed=at("2026-03-20"))
        b.milestone(a1, 0, "2026-05-31", accepted=at("2026-05-30"), paid="2026-06-02", tranche=240)
        b.milestone(a1, 1, "2026-06-15", accepted=at("2026-06-20"), paid="2026-06-25", tranche=240)
        b.milestone(a1, 2, "2026-09-30", tranche=320)

        c2 = b.challenge(
            wafers,
            published=at("2026-02-01"),
            deadline=at("2026-03-10"),
            cap=2000,
            funding_mode=FundingMode.horse_race,
            horse_race_teams=2,
            status=ChallengeStatus.decided,
        )
        db.session.add(decided_on(c2, "2026-04-05"))
        p5 = b.proposal(
            c2,
            "I1",
            ProposalStatus.awarded,
            submitted=at("2026-03-01"),
            members=[("E1", accepted), ("E2", declined)],
            self_funds=50,
        )
        p6 = b.proposal(c2, "U1", ProposalStatus.awarded, submitted=at("2026-03-02"))
        b.proposal(c2, "E2", ProposalStatus.not_funded, submitted=at("2026-03-03"))
        a5 = b.award(p5, 900, confirmed=at("2026-04-20"))
        b.milestone(a5, 0, "2026-06-30", accepted=at("2026-06-28"), paid="2026-06-29", tranche=270)
        b.milestone(a5, 1, "2026-06-20", tranche=300)  # past due, not accepted: behind schedule
        a6 = b.award(
            p6,
            700,
            confirmed=at("2026-04-20"),
            status=AwardStatus.eliminated,
            closed=at("2026-06-10"),
        )
        b.milestone(a6, 0, "2026-06-05", status=MilestoneStatus.cancelled, tranche=700)
        gate = StageGate(challenge_id=c2.id, name="Mid-term", decided_at=at("2026-06-10"))
        db.session.add(gate)
        db.session.flush()
        db.session.add_all(
            [
                GateDecision(
                    gate_id=gate.id, award_id=a5.id, outcome=GateOutcome.continued, reason="Ok."
                ),
                GateDecision(
                    gate_id=gate.id, award_id=a6.id, outcome=GateOutcome.eliminated, reason="No."
                ),
            ]
        )

        # Design: one challenge still open, and a project completed in Q2.
        c3 = b.challenge(design, published=at("2026-03-01"), deadline=at("2026-08-31"), cap=500)
        b.proposal(c3, "E2", ProposalStatus.submitted, submitted=at("2026-04-10"))
        c4 = b.challenge(
            design,
            published=at("2025-11-01"),
            deadline=at("2025-12-31"),
            cap=300,
            status=ChallengeStatus.decided,
        )
        db.session.add(decided_on(c4, "2026-01-05"))
        p9 = b.proposal(c4, "E1", ProposalStatus.awarded, submitted=at("2025-12-01"))
        a7 = b.award(
            p9,
            300,
            confirmed=at("2026-01-15"),
            status=AwardStatus.completed,
            closed=at("2026-05-15"),
        )
        # Accepted at 01:00 in Shanghai the day after it was due (17:00 UTC on the due date).
        b.milestone(a7, 0, "2026-03-31", accepted=at("2026-03-31", hour=17), paid="2026-04-01")
        b.milestone(a7, 1, "2026-05-10", accepted=at("2026-05-12"), tranche=100)
        for position, (comparison, committed, achieved) in enumerate(
            [(Comparison.ge, 100, 105), (Comparison.le, 5, 6), (Comparison.eq, 1, 1)]
        ):
            db.session.add(
                AwardIndicator(
                    award_id=a7.id,
                    position=position,
                    name=f"Indicator {position + 1}",
                    comparison=comparison,
                    committed=Decimal(committed),
                    target=Decimal(committed),
                    achieved=Decimal(achieved),
                )
            )

        # Modules: a challenge cancelled in Q2 and a draft.
        b.challenge(
            modules,
            published=at("2026-01-05"),
            deadline=at("2026-06-30"),
            cap=400,
            status=ChallengeStatus.cancelled,
            cancelled_at=at("2026-05-01"),
            cancel_reason="Covered elsewhere.",
        )
        b.challenge(
            modules,
            published=None,
            deadline=at("2026-09-30"),
            cap=999,
            status=ChallengeStatus.draft,
        )

        # Assessments: Wafers each quarter (Q2 corrected), Design once in 2025, Modules in Q2.
        b.assessment(wafers, "2026Q1", 80, 10, 5, 5)
        first = b.assessment(wafers, "2026Q2", 75, 15, 6, 5, superseded_at=at("2026-07-02"))
        b.assessment(
            wafers, "2026Q2", 70, 20, 8, 4, corrects_id=first.id, correction_reason="Customs data."
        )
        b.assessment(design, "2025Q4", 50, 30, 20, 3)
        b.assessment(modules, "2026Q2", 20, 50, 40, 3)  # a chokepoint nobody attacks
        s.challenges.update(c1=c1, c2=c2, c3=c3, c4=c4)
        s.proposals.update(p1=p1, p5=p5, p6=p6, p9=p9)
        s.awards.update(a1=a1, a5=a5, a6=a6, a7=a7)
    return s


@pytest.fixture
def chain_of(app, make_org, chain_clock):
    """A chain of `n` links, each with a challenge, a funded project with a tranche paid, a
    consortium and an assessment: for counting the statements a page runs."""

    def make(n: int, name: str = "Counted chain", assessed: bool = True) -> Story:
        orgs = {"E": make_org(f"{name} firm", type="enterprise", region="广东省深圳市")}
        with committing(app):
            b = Builder(orgs)
            stages = list(Stage)
            s = b.chain(name, [(f"{name} link {i}", stages[i % 3]) for i in range(n)])
            for link in s.links.values():
                challenge = b.challenge(
                    link,
                    published=at("2026-01-10"),
                    deadline=at("2026-02-20"),
                    cap=100,
                    status=ChallengeStatus.decided,
                )
                proposal = b.proposal(
                    challenge, "E", ProposalStatus.awarded, submitted=at("2026-02-01")
                )
                award = b.award(proposal, 80, confirmed=at("2026-03-20"))
                b.milestone(
                    award, 0, "2026-05-31", accepted=at("2026-05-30"), paid="2026-06-01", tranche=80
                )
                if assessed:
                    b.assessment(link, "2026Q2", 50, 20, 3, 3)
        return s

    return make
