"""Realistic data in bulk for benchmarks: `flask --app portal demo --scale N`.

About N proposals over N/20 challenges on several chains (one challenge in review carries 200
proposals, the size of the officer ranking page we measure), with consortia, commitments,
planned milestones, submitted versions, five submitted reviews per proposal in review, awards
with milestones and tranches for decided challenges, and a few issued notices. Rows go in with
bulk INSERTs and explicit ids, so 10,000 proposals take seconds, not minutes; the notices are
rendered for real, so only a handful are issued.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa
from sqlmodel import SQLModel

from portal import clock
from portal.accounts import creditcode, passwords
from portal.accounts import models as accounts
from portal.awards.models import Award, AwardIndicator, Decision, Disbursement, Milestone
from portal.chains.models import LinkAssessment
from portal.challenges.models import (
    DEFAULT_CHECKLIST,
    Chain,
    ChainLink,
    Challenge,
    ChallengeVersion,
    Criterion,
    Indicator,
)
from portal.db import db
from portal.demo import chains as chains_demo
from portal.proposals.models import (
    Commitment,
    ConsortiumMember,
    PlannedMilestone,
    Proposal,
    SubmittedVersion,
)
from portal.proposals.snapshot import SubmittedContent
from portal.reviews.models import Assignment, PanelMember, Review, Score
from portal.vocabulary import (
    Aggregation,
    AssignmentStatus,
    AwardStatus,
    ChallengeStatus,
    Comparison,
    ConsentStatus,
    DecisionStatus,
    Feedback,
    FundingMode,
    MemberRole,
    MilestoneStatus,
    ProposalStatus,
    Recommendation,
    ReviewStatus,
    Stage,
)

PROPOSALS_PER_CHALLENGE = 20
RANKING_PAGE_PROPOSALS = 200
REVIEWS_PER_PROPOSAL = 5
NOTICES_ISSUED = 5
CHAINS = {
    "集成电路": ["光刻材料", "EDA 工具", "晶圆制造", "先进封装"],
    "新能源汽车": ["动力电池", "车规芯片", "电驱系统", "智能座舱"],
    "高端装备": ["数控机床", "工业机器人", "精密轴承"],
    "生物医药": ["创新药", "医疗器械", "生物试剂"],
    "新材料": ["碳纤维", "高温合金", "电子特气"],
}
TOPICS = [
    "光刻胶",
    "IGBT 模块",
    "高精度减速器",
    "靶向药物",
    "碳化硅衬底",
    "激光雷达",
    "质谱仪",
    "工业软件",
    "航空轴承",
    "固态电池",
    "FPGA 芯片",
    "医用 CT 探测器",
]
RUBRIC = [
    ("技术方案", 30),
    ("团队能力", 20),
    ("指标先进性", 20),
    ("实施计划", 15),
    ("经费合理性", 15),
]
INDICATORS = [
    ("分辨率", "nm", Comparison.le),
    ("良率", "%", Comparison.ge),
    ("寿命", "h", Comparison.ge),
]


def insert(model: type[SQLModel], rows: Iterable[dict]) -> int:
    rows = list(rows)
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(model.__table__), rows[start : start + 5000])
    return len(rows)


class Ids:
    """Explicit ids for bulk rows, continuing after what the database already holds."""

    def __init__(self) -> None:
        self._next: dict[type[SQLModel], int] = {}

    def __call__(self, model: type[SQLModel]) -> int:
        if model not in self._next:
            top = db.session.execute(sa.select(sa.func.max(model.__table__.c.id))).scalar()
            self._next[model] = (top or 0) + 1
        value = self._next[model]
        self._next[model] += 1
        return value


@dataclass
class Scale:
    rng: random.Random
    now: datetime
    ids: Ids = field(default_factory=Ids)
    made: dict[str, int] = field(default_factory=dict)
    links: list[int] = field(default_factory=list)
    orgs: list[int] = field(default_factory=list)
    organisations: dict[int, SimpleNamespace] = field(default_factory=dict)  # as read, by id
    experts: list[int] = field(default_factory=list)
    challenges: list[dict] = field(default_factory=list)
    indicators: dict[int, list[dict]] = field(default_factory=dict)
    criteria: dict[int, list[dict]] = field(default_factory=dict)
    proposals: dict[int, list[dict]] = field(default_factory=dict)  # by challenge id


def load_scale(n: int, seed: int = 2026) -> dict[str, int]:
    """Add about `n` proposals (and everything around them) to the database."""
    s = Scale(rng=random.Random(seed), now=clock.now())
    sizes = challenge_sizes(n)
    add_chains(s)
    add_people(s, max(PROPOSALS_PER_CHALLENGE * 3, n // 15, sizes[0] + 10))
    add_challenges(s, sizes)
    add_proposals(s, sizes)
    add_reviews(s)
    add_awards(s)
    s.made["assessments"] = insert(LinkAssessment, chains_demo.scale_rows(s.links, s.rng, s.ids))
    advance_id_sequences()
    add_notices(s)
    return s.made


def challenge_sizes(n: int) -> list[int]:
    """Proposals per challenge: the first as large as the ranking page we measure."""
    first = min(RANKING_PAGE_PROPOSALS, max(PROPOSALS_PER_CHALLENGE, n // 10), n)
    rest = n - first
    sizes = [first] + [PROPOSALS_PER_CHALLENGE] * (rest // PROPOSALS_PER_CHALLENGE)
    if rest % PROPOSALS_PER_CHALLENGE:
        sizes.append(rest % PROPOSALS_PER_CHALLENGE)
    return sizes


def add_chains(s: Scale) -> None:
    chains, links = [], []
    for name, link_names in CHAINS.items():
        chain_id = s.ids(Chain)
        chains.append(
            {
                "id": chain_id,
                "name": f"{name}·{chain_id}",
                "leader_title": f"{name}产业链链长",
                "description": "",
            }
        )
        for position, link in enumerate(link_names):
            links.append(
                {
                    "id": s.ids(ChainLink),
                    "chain_id": chain_id,
                    "stage": list(Stage)[position % 3].value,
                    "name": link,
                    "position": position,
                }
            )
    s.made["chains"] = insert(Chain, chains)
    insert(ChainLink, links)
    s.links = [link["id"] for link in links]


def add_people(s: Scale, n_orgs: int) -> None:
    """Organisations with one applicant each, and the experts."""
    pw = passwords.hashed("portal-demo")
    orgs, users, memberships = [], [], []
    types = list(accounts.OrgType)  # enterprise, university, institute, other
    suffixes = ["技术有限公司", "大学", "研究院", "创新中心"]
    for i in range(n_orgs):
        org_id = s.ids(accounts.Organisation)
        orgs.append(
            {
                "id": org_id,
                "name": f"{s.rng.choice('华中深京沪')}科{org_id}号{suffixes[i % 4]}",
                "type": types[i % 4].value,
                "credit_code": creditcode.complete(f"91{org_id:015d}"),
                "region": s.rng.choice(["广东省深圳市", "北京市", "上海市", "江苏省苏州市"]),
                "created_at": s.now,
                "status": accounts.OrgStatus.verified.value,
                "verified_at": s.now,
            }
        )
        user_id = s.ids(accounts.User)
        users.append(
            person(
                user_id,
                f"applicant{user_id}@scale.example",
                f"申报人{user_id}",
                accounts.Role.applicant,
                pw,
                s.now,
                organisation_id=org_id,
            )
        )
        memberships.append(
            {
                "user_id": user_id,
                "organisation_id": org_id,
                "status": accounts.MembershipStatus.approved.value,
                "role": accounts.MembershipRole.administrator.value,
                "created_at": s.now,
                "decided_at": s.now,
            }
        )
    for _ in range(max(10, n_orgs // 6)):
        user_id = s.ids(accounts.User)
        users.append(
            person(
                user_id,
                f"expert{user_id}@scale.example",
                f"专家{user_id}",
                accounts.Role.expert,
                pw,
                s.now,
                affiliation="独立专家",
                expertise=s.rng.choice(list(CHAINS)),
            )
        )
        s.experts.append(user_id)
    officer_id = s.ids(accounts.User)
    users.append(
        person(
            officer_id,
            f"officer{officer_id}@scale.example",
            f"主管{officer_id}",
            accounts.Role.officer,
            pw,
            s.now,
        )
    )
    s.made["organisations"] = insert(accounts.Organisation, orgs)
    s.made["users"] = insert(accounts.User, users)
    connection = db.session.connection()  # the keys the conflict rules compare names by
    accounts.store_match_keys(
        connection, [SimpleNamespace(short_name="", english_name="", **o) for o in orgs]
    )
    accounts.store_affiliation_keys(connection, [SimpleNamespace(**u) for u in users])
    insert(accounts.Membership, memberships)
    s.made["experts"] = len(s.experts)
    s.orgs = [o["id"] for o in orgs]
    s.organisations = {o["id"]: row_object(o, type=accounts.OrgType(o["type"])) for o in orgs}


def person(user_id, email, name, role, pw, now, **fields) -> dict:
    row = {
        "id": user_id,
        "email": email,
        "name": name,
        "password_hash": pw,
        "role": role.value,
        "active": True,
        "language": "",
        "organisation_id": None,
        "affiliation": "",
        "affiliation_org_id": None,
        "expertise": "",
        "created_at": now,
        "email_verified_at": now,
        "session_version": 1,
    }
    return row | fields


def add_challenges(s: Scale, sizes: list[int]) -> None:
    """Challenges with indicators, rubric and version 1; the first one is in review."""
    versions, indicators, criteria = [], [], []
    for i, _size in enumerate(sizes):
        cid = s.ids(Challenge)
        status = (
            ChallengeStatus.reviewing
            if i == 0
            else s.rng.choices(
                [ChallengeStatus.published, ChallengeStatus.reviewing, ChallengeStatus.decided],
                weights=[3, 3, 4],
            )[0]
        )
        deadline = (
            s.now + timedelta(days=s.rng.randint(5, 90))
            if status is ChallengeStatus.published
            else s.now - timedelta(days=s.rng.randint(30, 400))
        )
        topic = s.rng.choice(TOPICS)
        cap = Decimal(s.rng.choice([5, 10, 20, 30, 50])) * Decimal(1_000_000)
        published = deadline - timedelta(days=60)
        s.challenges.append(
            {
                "id": cid,
                "number": f"JB-{s.now.year}-S{cid:05d}",
                "status": status.value,
                "version": 1,
                "title": f"{topic}关键技术攻关（第 {cid} 号）",
                "chain_link_id": s.rng.choice(s.links),
                "statement": f"{topic}目前主要依赖进口，国产化率不足 10%。",
                "background": "",
                "deliverable": "中试线与首批应用",
                "funding_cap": cap,
                "cofunding": cap / 5,
                "duration_months": 36,
                "deadline": deadline,
                "funding_mode": (
                    FundingMode.horse_race if i % 7 == 3 else FundingMode.single
                ).value,
                "horse_race_teams": 3 if i % 7 == 3 else 1,
                "allowed_org_types": ["enterprise", "university", "institute", "other"],
                "region": "",
                "max_members": 4,
                "aggregation": Aggregation.trimmed_mean.value,
                "reviewers_per_proposal": REVIEWS_PER_PROPOSAL,
                "pass_mark": 60,
                "publicity_days": 7,
                "blind_review": True,
                "feedback": Feedback.none.value,
                "formal_checklist": list(DEFAULT_CHECKLIST),
                "created_at": published,
                "updated_at": published,
                "published_at": published,
                "cancel_reason": "",
            }
        )
        s.indicators[cid] = []
        for position, (name, unit, comparison) in enumerate(INDICATORS):
            row = {
                "id": s.ids(Indicator),
                "challenge_id": cid,
                "position": position,
                "name": name,
                "comparison": comparison.value,
                "target": Decimal(s.rng.randint(10, 500)),
                "unit": unit,
                "test_method": "第三方检测报告",
            }
            indicators.append(row)
            s.indicators[cid].append(row)
        s.criteria[cid] = []
        for position, (name, weight) in enumerate(RUBRIC):
            row = {
                "id": s.ids(Criterion),
                "challenge_id": cid,
                "position": position,
                "name": name,
                "description": "",
                "weight": weight,
            }
            criteria.append(row)
            s.criteria[cid].append(row)
        versions.append(
            {
                "id": s.ids(ChallengeVersion),
                "challenge_id": cid,
                "version": 1,
                "content": {"title": s.challenges[-1]["title"]},
                "reason": "",
                "published_at": published,
            }
        )
    s.made["challenges"] = insert(Challenge, s.challenges)
    insert(Indicator, indicators)
    insert(Criterion, criteria)
    insert(ChallengeVersion, versions)


def add_proposals(s: Scale, sizes: list[int]) -> None:
    """Proposals with consortia, commitments, milestones and a submitted version."""
    proposals, members, commitments, milestones, submitted = [], [], [], [], []
    for challenge, size in zip(s.challenges, sizes, strict=True):
        s.proposals[challenge["id"]] = []
        for lead in s.rng.sample(s.orgs, size):
            pid = s.ids(Proposal)
            requested = (challenge["funding_cap"] * s.rng.randint(50, 100) / 100).quantize(
                Decimal("0.01")
            )
            status = (
                ProposalStatus.submitted
                if challenge["status"] == "published"
                else (s.rng.choice([ProposalStatus.in_review] * 9 + [ProposalStatus.rejected]))
            )
            submitted_at = challenge["created_at"] + timedelta(days=s.rng.randint(1, 50))
            row = {
                "id": pid,
                "challenge_id": challenge["id"],
                "lead_org_id": lead,
                "status": status.value,
                "title": f"{challenge['title']}——方案 {pid}",
                "leader_name": f"挂帅人{pid}",
                "leader_title": "首席科学家",
                "leader_phone": "",
                "leader_email": "",
                "leader_org_id": lead,
                "approach": "采用自主研发路线。",
                "innovation": "",
                "requested": requested,
                "self_funds": requested / 4,
                "revision": 1,
                "created_at": challenge["created_at"],
                "updated_at": submitted_at,
                "submitted_at": submitted_at,
                "rejection_reason": "材料不全" if status is ProposalStatus.rejected else "",
            }
            proposals.append(row)
            s.proposals[challenge["id"]].append(row)
            others = s.rng.sample([o for o in s.orgs if o != lead], s.rng.randint(1, 2))
            share = (requested / (len(others) + 1)).quantize(Decimal("0.01"))
            team, plan, promised = [], [], []
            for position, org in enumerate([lead, *others]):
                team.append(
                    {
                        "id": s.ids(ConsortiumMember),
                        "proposal_id": pid,
                        "organisation_id": org,
                        "role": (MemberRole.lead if position == 0 else MemberRole.member).value,
                        "responsibility": "联合攻关",
                        "position": position,
                        "budget_share": requested - share * len(others) if position == 0 else share,
                        "consent": ConsentStatus.accepted.value,
                        "invited_at": challenge["created_at"],
                        "invited_email": "",
                        "consent_decided_at": submitted_at,
                        "consent_reason": "",
                    }
                )
            for indicator in s.indicators[challenge["id"]]:
                promised.append(
                    {
                        "id": s.ids(Commitment),
                        "proposal_id": pid,
                        "indicator_id": indicator["id"],
                        "value": indicator["target"],
                        "justification": "",
                    }
                )
            for position, pct in enumerate((30, 30, 40)):
                plan.append(
                    {
                        "id": s.ids(PlannedMilestone),
                        "proposal_id": pid,
                        "position": position,
                        "title": f"里程碑 {position + 1}",
                        "due_date": (s.now + timedelta(days=365 * (position + 1))).date(),
                        "deliverable": "阶段报告",
                        "verification": "现场核查",
                        "share_percent": Decimal(pct),
                    }
                )
            members += team
            commitments += promised
            milestones += plan
            submitted.append(
                {
                    "id": s.ids(SubmittedVersion),
                    "proposal_id": pid,
                    "number": 1,
                    "content": frozen(s, challenge, row, team, promised, plan),
                    "submitted_at": submitted_at,
                }
            )
    s.made["proposals"] = insert(Proposal, proposals)
    insert(ConsortiumMember, members)
    insert(Commitment, commitments)
    insert(PlannedMilestone, milestones)
    insert(SubmittedVersion, submitted)


def row_object(row: dict, **fields) -> SimpleNamespace:
    """A bulk row read as its model object, `fields` (enums, relations) replacing values."""
    return SimpleNamespace(**row | fields)


def frozen(s: Scale, challenge: dict, row: dict, team, promised, plan) -> dict:
    """What the proposal's first version froze, by the one snapshot submission takes
    (SubmittedContent.from_proposal), read off the rows written in bulk."""
    indicators = [
        row_object(i, comparison=Comparison(i["comparison"])) for i in s.indicators[challenge["id"]]
    ]
    proposal = row_object(
        row,
        challenge=row_object(challenge, indicators=indicators),
        members=[
            row_object(
                m, role=MemberRole(m["role"]), organisation=s.organisations[m["organisation_id"]]
            )
            for m in team
        ],
        commitments=[row_object(c) for c in promised],
        milestones=[row_object(ms) for ms in plan],
        attachments=[],
        signatures=[],
    )
    return SubmittedContent.from_proposal(proposal, 1, row["submitted_at"]).to_json()


def add_reviews(s: Scale) -> None:
    """A panel per challenge in review or decided, and five submitted reviews per proposal."""
    panel, assignments, reviews, scores = [], [], [], []
    for challenge in s.challenges:
        if challenge["status"] == "published":
            continue
        experts = s.rng.sample(s.experts, min(len(s.experts), REVIEWS_PER_PROPOSAL + 3))
        harshness = {e: s.rng.uniform(-1.5, 1.5) for e in experts}
        for expert in experts:
            panel.append(
                {
                    "id": s.ids(PanelMember),
                    "challenge_id": challenge["id"],
                    "expert_id": expert,
                    "added_at": challenge["deadline"],
                }
            )
        reviewed = [p for p in s.proposals[challenge["id"]] if p["status"] == "in_review"]
        for index, proposal in enumerate(reviewed):
            quality = s.rng.uniform(4, 9)
            for k in range(REVIEWS_PER_PROPOSAL):
                expert = experts[(index + k) % len(experts)]
                at = challenge["deadline"] + timedelta(days=10 + k)
                assignment_id, review_id = s.ids(Assignment), s.ids(Review)
                assignments.append(
                    {
                        "id": assignment_id,
                        "challenge_id": challenge["id"],
                        "proposal_id": proposal["id"],
                        "expert_id": expert,
                        "status": AssignmentStatus.submitted.value,
                        "assigned_at": at,
                        "recusal_reason": "",
                    }
                )
                total = Decimal(0)
                for criterion in s.criteria[challenge["id"]]:
                    value = Decimal(
                        round(
                            2 * min(10, max(0, quality + harshness[expert] + s.rng.uniform(-1, 1)))
                        )
                        / 2
                    )
                    total += value * criterion["weight"] / 10
                    scores.append(
                        {
                            "id": s.ids(Score),
                            "review_id": review_id,
                            "criterion_id": criterion["id"],
                            "value": value,
                            "comment": "论证充分。",
                        }
                    )
                reviews.append(
                    {
                        "id": review_id,
                        "assignment_id": assignment_id,
                        "challenge_id": challenge["id"],
                        "proposal_id": proposal["id"],
                        "expert_id": expert,
                        "status": ReviewStatus.submitted.value,
                        "recommendation": (
                            Recommendation.fund if total >= 60 else Recommendation.do_not_fund
                        ).value,
                        "overall_comment": "建议支持。" if total >= 60 else "建议不予支持。",
                        "total": total.quantize(Decimal("0.01")),
                        "created_at": at,
                        "updated_at": at,
                        "submitted_at": at,
                        "reopen_reason": "",
                    }
                )
                proposal.setdefault("totals", []).append(total)
    insert(PanelMember, panel)
    insert(Assignment, assignments)
    s.made["reviews"] = insert(Review, reviews)
    insert(Score, scores)


def add_awards(s: Scale) -> None:
    """Decided challenges: the best proposal (the best three in a horse race) is a running
    project with milestones; the next one is on the reserve list; the rest are not funded."""
    decisions, awards, milestones, award_indicators, disbursements = [], [], [], [], []
    status_updates: list[dict] = []
    for challenge in s.challenges:
        if challenge["status"] != "decided":
            continue
        ranked = sorted(
            (p for p in s.proposals[challenge["id"]] if p.get("totals")),
            key=lambda p: -sum(p["totals"]) / len(p["totals"]),
        )
        winners = ranked[: challenge["horse_race_teams"]]
        reserve = ranked[len(winners) : len(winners) + 1]
        decided_at = challenge["deadline"] + timedelta(days=30)
        decisions.append(
            {
                "id": s.ids(Decision),
                "challenge_id": challenge["id"],
                "winner_ids": [p["id"] for p in winners],
                "reserve_ids": [p["id"] for p in reserve],
                "note": "专家评审结果。",
                "status": DecisionStatus.effective.value,
                "decided_at": decided_at,
            }
        )
        for proposal in ranked:
            status = (
                ProposalStatus.awarded
                if proposal in winners
                else ProposalStatus.reserve
                if proposal in reserve
                else ProposalStatus.not_funded
            )
            status_updates.append({"pid": proposal["id"], "status": status.value})
        for proposal in winners:
            award_id = s.ids(Award)
            starts = (decided_at + timedelta(days=30)).date()
            awards.append(
                {
                    "id": award_id,
                    "proposal_id": proposal["id"],
                    "challenge_id": challenge["id"],
                    "status": AwardStatus.active.value,
                    "amount": proposal["requested"],
                    "publicity_starts_at": decided_at,
                    "publicity_ends_at": decided_at + timedelta(days=7),
                    "confirmed_at": decided_at + timedelta(days=10),
                    "starts_on": starts,
                    "ends_on": starts + timedelta(days=3 * 365),
                    "task_book_signed_on": starts,
                    "close_reason": "",
                    "acceptance_comments": "",
                    "created_at": decided_at,
                }
            )
            tranches = split(proposal["requested"], (30, 30, 40))
            for position, tranche in enumerate(tranches):
                due = starts + timedelta(days=365 * (position + 1) - 300)
                accepted = due < s.now.date() and s.rng.random() < 0.7
                milestone_id = s.ids(Milestone)
                milestones.append(
                    {
                        "id": milestone_id,
                        "award_id": award_id,
                        "position": position,
                        "title": f"里程碑 {position + 1}",
                        "due_date": due,
                        "deliverable": "阶段报告",
                        "verification": "现场核查",
                        "tranche": tranche,
                        "status": (
                            MilestoneStatus.accepted if accepted else MilestoneStatus.planned
                        ).value,
                        "accepted_at": datetime.combine(due, datetime.min.time(), s.now.tzinfo)
                        if accepted
                        else None,
                    }
                )
                if accepted:
                    disbursements.append(
                        {
                            "id": s.ids(Disbursement),
                            "award_id": award_id,
                            "milestone_id": milestone_id,
                            "amount": tranche,
                            "paid_on": due,
                            "recorded_at": milestones[-1]["accepted_at"],
                        }
                    )
            for position, indicator in enumerate(s.indicators[challenge["id"]]):
                award_indicators.append(
                    {
                        "id": s.ids(AwardIndicator),
                        "award_id": award_id,
                        "indicator_id": indicator["id"],
                        "position": position,
                        "name": indicator["name"],
                        "comparison": indicator["comparison"],
                        "unit": indicator["unit"],
                        "committed": indicator["target"],
                        "target": indicator["target"],
                    }
                )
    if status_updates:
        table = Proposal.__table__
        db.session.execute(
            table.update()
            .where(table.c.id == sa.bindparam("pid"))
            .values(status=sa.bindparam("status")),
            status_updates,
        )
    insert(Decision, decisions)
    s.made["awards"] = insert(Award, awards)
    s.made["milestones"] = insert(Milestone, milestones)
    insert(AwardIndicator, award_indicators)
    insert(Disbursement, disbursements)


def split(amount: Decimal, shares: tuple[int, ...]) -> list[Decimal]:
    """Tranches of `amount` by percentage, the last taking the rounding so they sum exactly."""
    parts = [(amount * share / 100).quantize(Decimal("0.01")) for share in shares[:-1]]
    return [*parts, amount - sum(parts)]


def add_notices(s: Scale) -> None:
    """A few real notices, rendered and stored like any other."""
    from portal.demo.notices import write_seal
    from portal.notices import queries as notice_queries
    from portal.notices import services as notice_services

    waiting = db.all(notice_queries.awards_without_notice().limit(NOTICES_ISSUED))
    if not waiting:
        s.made["notices"] = 0
        return
    write_seal()
    for award in notice_queries.awards_for_notices(list(waiting)):
        notice_services.issue_notice(award, by=None)
    s.made["notices"] = len(waiting)


def advance_id_sequences() -> None:
    """PostgreSQL's id sequences do not see explicit ids: move them past what was inserted."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in SQLModel.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement and table.c.id.type.python_type is int:
            db.session.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
                )
            )
