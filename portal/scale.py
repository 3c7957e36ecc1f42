"""Realistic data in bulk for benchmarks: `flask --app portal demo --scale N`.

About N proposals over N/20 challenges on several chains, with consortia, commitments, planned
milestones and submitted versions; each later module adds its part (reviews, awards, notices).
Rows go in with bulk INSERTs and explicit ids, so 10,000 proposals take seconds, not minutes.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import SQLModel

from portal import clock
from portal.accounts import creditcode
from portal.accounts.models import Organisation, OrgType, Role, User
from portal.accounts.services import hash_password
from portal.challenges.models import (
    Aggregation,
    Chain,
    ChainLink,
    Challenge,
    ChallengeStatus,
    ChallengeVersion,
    Comparison,
    Criterion,
    FundingMode,
    Indicator,
    Stage,
)
from portal.db import db
from portal.proposals.models import (
    Commitment,
    ConsortiumMember,
    MemberRole,
    PlannedMilestone,
    Proposal,
    ProposalStatus,
    SubmittedVersion,
)

PROPOSALS_PER_CHALLENGE = 20
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


def insert(model: type[SQLModel], rows: Iterable[dict]) -> int:
    rows = list(rows)
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(model.__table__), rows[start : start + 5000])
    return len(rows)


def next_id(model: type[SQLModel]) -> int:
    return (db.session.execute(sa.select(sa.func.max(model.__table__.c.id))).scalar() or 0) + 1


def load_scale(n: int, seed: int = 2026) -> dict[str, int]:
    """Add about `n` proposals (and everything around them) to the database."""
    rng = random.Random(seed)
    now = clock.now()
    pw = hash_password("portal-demo")
    made: dict[str, int] = {}

    # Chains and links
    chain_id, link_id = next_id(Chain), next_id(ChainLink)
    chains, links = [], []
    for c, (name, link_names) in enumerate(CHAINS.items()):
        chains.append(
            {
                "id": chain_id + c,
                "name": f"{name}·{chain_id + c}",
                "leader_title": f"{name}产业链链长",
                "description": "",
            }
        )
        for p, link in enumerate(link_names):
            links.append(
                {
                    "id": link_id + len(links),
                    "chain_id": chain_id + c,
                    "stage": list(Stage)[p % 3].value,
                    "name": link,
                    "position": p,
                }
            )
    made["chains"] = insert(Chain, chains)
    insert(ChainLink, links)

    # Organisations, one applicant each, and experts
    n_orgs = max(PROPOSALS_PER_CHALLENGE * 3, n // 15)
    org_id, user_id = next_id(Organisation), next_id(User)
    orgs = [
        {
            "id": org_id + i,
            "name": f"{rng.choice(['华', '中', '深', '京', '沪'])}科{org_id + i}号"
            f"{['技术有限公司', '大学', '研究院', '创新中心'][i % 4]}",
            "type": [OrgType.enterprise, OrgType.university, OrgType.institute, OrgType.other][
                i % 4
            ].value,
            "credit_code": creditcode.complete(f"91{org_id + i:015d}"),
            "region": rng.choice(["广东省深圳市", "北京市", "上海市", "江苏省苏州市"]),
            "created_at": now,
        }
        for i in range(n_orgs)
    ]
    made["organisations"] = insert(Organisation, orgs)
    users = [
        {
            "id": user_id + i,
            "email": f"applicant{org_id + i}@scale.example",
            "name": f"申报人{i}",
            "password_hash": pw,
            "role": Role.applicant.value,
            "active": True,
            "language": "",
            "organisation_id": org_id + i,
            "affiliation": "",
            "expertise": "",
            "created_at": now,
            "session_version": 1,
        }
        for i in range(n_orgs)
    ]
    n_experts = max(10, n // 100)
    users += [
        {
            "id": user_id + n_orgs + i,
            "email": f"expert{user_id + n_orgs + i}@scale.example",
            "name": f"专家{i}",
            "password_hash": pw,
            "role": Role.expert.value,
            "active": True,
            "language": "",
            "organisation_id": None,
            "affiliation": "独立专家",
            "expertise": rng.choice(list(CHAINS)),
            "created_at": now,
            "session_version": 1,
        }
        for i in range(n_experts)
    ]
    made["users"] = insert(User, users)
    made["experts"] = n_experts

    # Challenges with indicators, rubric and version 1
    n_challenges = max(1, n // PROPOSALS_PER_CHALLENGE)
    ch_id, ind_id, crit_id, ver_id = (
        next_id(m) for m in (Challenge, Indicator, Criterion, ChallengeVersion)
    )
    challenges, indicators, criteria, versions = [], [], [], []
    indicator_ids: dict[int, list[tuple[int, Decimal]]] = {}
    for i in range(n_challenges):
        cid = ch_id + i
        status = rng.choices(
            [ChallengeStatus.published, ChallengeStatus.reviewing, ChallengeStatus.decided],
            weights=[3, 3, 4],
        )[0]
        deadline = (
            now + timedelta(days=rng.randint(5, 90))
            if status is ChallengeStatus.published
            else now - timedelta(days=rng.randint(10, 400))
        )
        topic = rng.choice(TOPICS)
        cap = Decimal(rng.choice([5, 10, 20, 30, 50])) * Decimal(1_000_000)
        challenges.append(
            {
                "id": cid,
                "number": f"JB-{now.year}-S{cid:05d}",
                "status": status.value,
                "version": 1,
                "title": f"{topic}关键技术攻关（第 {cid} 号）",
                "chain_link_id": rng.choice(links)["id"],
                "statement": f"{topic}目前主要依赖进口，国产化率不足 10%。",
                "background": "",
                "deliverable": "中试线与首批应用",
                "funding_cap": cap,
                "cofunding": cap / 5,
                "duration_months": 36,
                "deadline": deadline,
                "funding_mode": (
                    FundingMode.horse_race if i % 7 == 0 else FundingMode.single
                ).value,
                "horse_race_teams": 3 if i % 7 == 0 else 1,
                "allowed_org_types": ["enterprise", "university", "institute", "other"],
                "region": "",
                "max_members": 4,
                "aggregation": Aggregation.trimmed_mean.value,
                "reviewers_per_proposal": 5,
                "pass_mark": 60,
                "publicity_days": 7,
                "blind_review": True,
                "comments_to_applicants": False,
                "created_at": deadline - timedelta(days=60),
                "updated_at": deadline - timedelta(days=60),
                "published_at": deadline - timedelta(days=60),
                "cancel_reason": "",
            }
        )
        indicator_ids[cid] = []
        for p in range(3):
            target = Decimal(rng.randint(10, 500))
            indicators.append(
                {
                    "id": ind_id + len(indicators),
                    "challenge_id": cid,
                    "position": p,
                    "name": ["分辨率", "良率", "寿命"][p],
                    "comparison": Comparison.ge.value,
                    "target": target,
                    "unit": ["nm", "%", "h"][p],
                    "test_method": "第三方检测报告",
                }
            )
            indicator_ids[cid].append((indicators[-1]["id"], target))
        for p, (name, weight) in enumerate(RUBRIC):
            criteria.append(
                {
                    "id": crit_id + len(criteria),
                    "challenge_id": cid,
                    "position": p,
                    "name": name,
                    "description": "",
                    "weight": weight,
                }
            )
        versions.append(
            {
                "id": ver_id + i,
                "challenge_id": cid,
                "version": 1,
                "content": {"title": challenges[-1]["title"]},
                "reason": "",
                "published_at": challenges[-1]["published_at"],
            }
        )
    made["challenges"] = insert(Challenge, challenges)
    insert(Indicator, indicators)
    insert(Criterion, criteria)
    insert(ChallengeVersion, versions)

    # Proposals with consortia, commitments, milestones and a submitted version
    p_id, m_id, c_id, pm_id, sv_id = (
        next_id(m)
        for m in (Proposal, ConsortiumMember, Commitment, PlannedMilestone, SubmittedVersion)
    )
    proposals, members, commitments, milestones, submitted = [], [], [], [], []
    for ch in challenges:
        leads = rng.sample(range(n_orgs), PROPOSALS_PER_CHALLENGE)
        for lead in leads:
            pid = p_id + len(proposals)
            requested = (ch["funding_cap"] * Decimal(rng.randint(50, 100)) / 100).quantize(
                Decimal("0.01")
            )
            status = (
                ProposalStatus.submitted
                if ch["status"] == "published"
                else rng.choice([ProposalStatus.in_review] * 8 + [ProposalStatus.rejected])
            )
            proposals.append(
                {
                    "id": pid,
                    "challenge_id": ch["id"],
                    "lead_org_id": org_id + lead,
                    "status": status.value,
                    "title": f"{ch['title']}——方案 {pid}",
                    "leader_name": f"挂帅人{pid}",
                    "leader_title": "首席科学家",
                    "leader_phone": "",
                    "leader_email": "",
                    "leader_org_id": org_id + lead,
                    "approach": "采用自主研发路线。",
                    "innovation": "",
                    "requested": requested,
                    "self_funds": requested / 4,
                    "pledge_accepted": True,
                    "pledge_name": f"挂帅人{pid}",
                    "revision": 1,
                    "created_at": ch["created_at"],
                    "updated_at": ch["created_at"],
                    "submitted_at": ch["created_at"] + timedelta(days=rng.randint(1, 50)),
                    "rejection_reason": "" if status is not ProposalStatus.rejected else "材料不全",
                }
            )
            others = rng.sample([o for o in range(n_orgs) if o != lead], rng.randint(1, 2))
            share = (requested / (len(others) + 1)).quantize(Decimal("0.01"))
            for pos, org in enumerate([lead, *others]):
                members.append(
                    {
                        "id": m_id + len(members),
                        "proposal_id": pid,
                        "organisation_id": org_id + org,
                        "role": (MemberRole.lead if pos == 0 else MemberRole.member).value,
                        "responsibility": "联合攻关",
                        "position": pos,
                        "budget_share": requested - share * len(others) if pos == 0 else share,
                    }
                )
            for indicator, target in indicator_ids[ch["id"]]:
                commitments.append(
                    {
                        "id": c_id + len(commitments),
                        "proposal_id": pid,
                        "indicator_id": indicator,
                        "value": target,
                        "justification": "",
                    }
                )
            for pos, pct in enumerate((30, 30, 40)):
                milestones.append(
                    {
                        "id": pm_id + len(milestones),
                        "proposal_id": pid,
                        "position": pos,
                        "title": f"里程碑 {pos + 1}",
                        "due_date": (now + timedelta(days=365 * (pos + 1))).date(),
                        "deliverable": "阶段报告",
                        "verification": "现场核查",
                        "share_percent": Decimal(pct),
                    }
                )
            submitted.append(
                {
                    "id": sv_id + len(submitted),
                    "proposal_id": pid,
                    "number": 1,
                    "content": {"title": proposals[-1]["title"]},
                    "submitted_at": proposals[-1]["submitted_at"],
                }
            )
    made["proposals"] = insert(Proposal, proposals)
    insert(ConsortiumMember, members)
    insert(Commitment, commitments)
    insert(PlannedMilestone, milestones)
    insert(SubmittedVersion, submitted)
    advance_id_sequences()
    return made


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
