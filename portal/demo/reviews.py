"""Demo data for review: a blind challenge in review (formal check done, a panel, assignments,
submitted and draft reviews, a recusal after a declared conflict, a detected conflict, avoidance
requests) and a decided challenge (awarded, reserve, not funded, comments shared)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlmodel import select

from portal import clock
from portal.accounts import creditcode
from portal.accounts.models import Organisation, OrgStatus, OrgType
from portal.challenges.models import (
    Aggregation,
    Chain,
    ChainLink,
    Challenge,
    ChallengeStatus,
    Criterion,
    Feedback,
    Stage,
)
from portal.db import db
from portal.demo import proposals as proposals_demo
from portal.proposals.models import (
    ConsortiumMember,
    MemberRole,
    Proposal,
    ProposalStatus,
    SubmittedVersion,
)
from portal.proposals.snapshot import SubmittedContent
from portal.reviews import assignment, decision, formal, scoring
from portal.reviews.models import Assignment, PanelMember
from portal.sequences import next_value


def _organisation(name: str, type_: OrgType, code17: str, region: str) -> Organisation:
    org = Organisation(
        name=name,
        type=type_,
        credit_code=creditcode.complete(code17),
        region=region,
        created_at=clock.now(),
        status=OrgStatus.verified,
        verified_at=clock.now(),
    )
    db.session.add(org)
    return org


def _chain_link() -> ChainLink:
    chain = db.session.exec(select(Chain).where(Chain.name == "集成电路")).first()
    if chain is None:
        chain = Chain(name="集成电路", leader_title="集成电路产业链链长")
        db.session.add(chain)
        db.session.flush()
    link = db.session.exec(select(ChainLink).where(ChainLink.chain_id == chain.id)).first()
    if link is None:
        link = ChainLink(chain_id=chain.id, stage=Stage.upstream, name="材料与设备")
        db.session.add(link)
        db.session.flush()
    return link


def _challenge(title: str, officer, **fields) -> Challenge:
    now = clock.now()
    challenge = Challenge(
        number=f"JB-{now.year}-{next_value(f'challenge-{now.year}'):03d}",
        status=ChallengeStatus.published,
        version=1,
        title=title,
        chain_link_id=_chain_link().id,
        statement="国产化率不足5%，长期依赖进口。",
        deliverable="中试线与第三方检测报告",
        funding_cap=Decimal("30000000.00"),
        duration_months=36,
        deadline=now - timedelta(days=10),
        created_by_id=officer.id,
        created_at=now - timedelta(days=60),
        updated_at=now - timedelta(days=60),
        published_at=now - timedelta(days=60),
        **fields,
    )
    challenge.criteria = [
        Criterion(position=i, name=name, weight=w)
        for i, (name, w) in enumerate(
            [("技术先进性 Technical merit", 40), ("团队能力 Team", 30), ("可行性 Feasibility", 30)]
        )
    ]
    db.session.add(challenge)
    db.session.flush()
    return challenge


def _proposal(challenge: Challenge, lead: Organisation, members, title: str, leader: str):
    now = clock.now() - timedelta(days=12)
    proposal = Proposal(
        challenge_id=challenge.id,
        lead_org_id=lead.id,
        status=ProposalStatus.submitted,
        title=title,
        leader_name=leader,
        leader_title="首席科学家",
        leader_org_id=lead.id,
        approach="分三阶段建设中试线，联合下游验证。",
        innovation="新型树脂体系与国产光酸。",
        requested=Decimal("20000000.00"),
        self_funds=Decimal("6000000.00"),
        created_at=now,
        updated_at=now,
        submitted_at=now,
    )
    proposal.members = [
        ConsortiumMember(
            organisation_id=org.id,
            role=MemberRole.lead if i == 0 else MemberRole.member,
            responsibility="研发与验证",
            position=i,
        )
        for i, org in enumerate([lead, *members])
    ]
    db.session.add(proposal)
    proposals_demo.handed_in(proposal, now)
    db.session.add(
        SubmittedVersion(
            proposal_id=proposal.id,
            number=1,
            content=SubmittedContent.from_proposal(proposal, 1, now).to_json(),
            submitted_at=now,
        )
    )
    return proposal


def _review(proposal, expert, officer, values, comment, recommendation, submit=True):
    assigned = db.session.exec(
        select(Assignment).where(
            Assignment.proposal_id == proposal.id, Assignment.expert_id == expert.id
        )
    ).first() or assignment.assign(proposal, expert, by=officer)
    criteria = proposal.challenge.criteria
    scoring.save_review(
        assigned,
        by=expert,
        scores=[
            scoring.ScoreInput(c.id, str(v), comment) for c, v in zip(criteria, values, strict=True)
        ],
        overall_comment=comment,
        recommendation=recommendation,
        submit=submit,
    )


def load(base: dict) -> dict:
    """Runs the review services; they translate messages, which needs a request (the CLI has
    none), so a test request context of the current application is used."""
    with current_app.test_request_context():
        return _load(base)


def _load(base: dict) -> dict:
    users, orgs = base["users"], base["orgs"]
    officer = users["officer"]
    e1, e2, e3 = users["expert1"], users["expert2"], users["expert3"]
    extra = [
        _organisation(
            "粤港澳新材料有限公司", OrgType.enterprise, "91440101MA5R0W1E2", "广东省广州市"
        ),
        _organisation("东方精密化学有限公司", OrgType.enterprise, "91310000MA1K2L3M4", "上海市"),
    ]
    db.session.flush()

    # A blind challenge in review.
    reviewing = _challenge(
        "28nm ArF 光刻胶国产化 (in review)", officer, reviewers_per_proposal=2, blind_review=True
    )
    p1 = _proposal(
        reviewing,
        orgs["enterprise"],
        [orgs["university"]],
        "ArF 光刻胶树脂与光酸体系",
        "李雷 Li Lei",
    )
    p2 = _proposal(reviewing, orgs["institute"], [], "高纯度光刻胶单体合成", "韩梅 Han Mei")
    p3 = _proposal(reviewing, extra[0], [], "光刻胶检测平台", "王强 Wang Qiang")
    _proposal(reviewing, extra[1], [], "光刻胶配套试剂", "周洁 Zhou Jie")  # awaits the check
    for p in (p1, p2):
        formal.mark_eligible(p, by=officer)
    formal.reject_proposal(
        p3, reason="证明材料不全 The supporting documents are incomplete.", by=officer
    )
    for expert in (e1, e2, e3):
        db.session.add(
            PanelMember(challenge_id=reviewing.id, expert_id=expert.id, added_at=clock.now())
        )
    db.session.flush()
    # expert2 works at a member of p1's consortium: a detected conflict, never assigned to p1.
    _review(p1, e1, officer, [8, 7.5, 8], "树脂路线可信，验证计划充分。", "fund")
    _review(p2, e2, officer, [6, 7, 5.5], "单体纯度指标偏保守。", "fund_with_changes")
    assignment.assign(p2, e3, by=officer)
    assignment.declare_conflict(e3, reason="曾与牵头单位合作 Former collaborator.", proposal=p2)
    _review(p1, e3, officer, [7, 6.5, 0], "草稿 Draft.", "", submit=False)
    assignment.assign(p2, e1, by=officer)
    assignment.request_avoidance(
        p1,
        reason="竞争关系 A direct competitor.",
        by=users["alice"],
        credit_code=extra[1].credit_code,
    )
    assignment.decide_avoidance(
        assignment.request_avoidance(
            p2, reason="无具体理由 No reason.", by=users["carol"], expert_email="x@example.com"
        ),
        accept=False,
        by=officer,
    )

    # A decided challenge, with comments shared with applicants.
    decided = _challenge(
        "EUV 掩模检测设备",
        officer,
        reviewers_per_proposal=2,
        aggregation=Aggregation.median,
        feedback=Feedback.comments,
        blind_review=False,
    )
    d1 = _proposal(decided, orgs["enterprise"], [], "EUV 掩模缺陷检测样机", "李雷 Li Lei")
    d2 = _proposal(decided, orgs["institute"], [], "掩模检测算法平台", "韩梅 Han Mei")
    d3 = _proposal(decided, orgs["university"], [], "掩模检测光源研究", "张伟 Zhang Wei")
    for p in (d1, d2, d3):
        formal.mark_eligible(p, by=officer)
    for expert in (e1, e3):
        db.session.add(
            PanelMember(challenge_id=decided.id, expert_id=expert.id, added_at=clock.now())
        )
    db.session.flush()
    for p, scores in ((d1, [9, 8.5, 8]), (d2, [7, 7.5, 7]), (d3, [5, 6, 4.5])):
        _review(p, e1, officer, scores, "整体方案清晰 Clear plan.", "fund")
        _review(
            p,
            e3,
            officer,
            [max(v - 1, 0) for v in scores],
            "风险需关注 Watch the risks.",
            "fund_with_changes",
        )
    decision.decide(decided, winners=[d1], reserve=[d2], note="专家组一致推荐。", by=officer)
    db.session.flush()
    base["review_challenges"] = {"reviewing": reviewing, "decided": decided}
    return base
