"""Demo data for review: a blind challenge in review (formal check done, a panel, assignments,
submitted and draft reviews, a recusal after a declared conflict, a detected conflict, avoidance
requests) and a decided challenge (awarded, reserve, not funded, comments shared)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlmodel import select

from portal import clock
from portal.awards import decision
from portal.challenges.models import Challenge
from portal.db import db
from portal.demo import build
from portal.reviews import assignment, formal, scoring
from portal.reviews.models import Assignment
from portal.vocabulary import Aggregation, ChallengeStatus, Comparison, Feedback, OrgType

INDICATORS = (("国产化率 Local share", Comparison.ge, "90", "%", "第三方检测报告"),)
RUBRIC = (("技术先进性 Technical merit", 40), ("团队能力 Team", 30), ("可行性 Feasibility", 30))


def _challenge(title: str, officer, experts, **fields) -> Challenge:
    """Published 60 days ago, closed 10 days ago, with its panel of `experts`."""
    made = build.challenge(
        title,
        ChallengeStatus.published,
        by=officer,
        published=-60,
        deadline=-10,
        indicators=INDICATORS,
        criteria=RUBRIC,
        **fields,
    )
    for expert in experts:
        assignment.add_panel_member(made, expert, by=officer)
    return made


def _proposals(challenge: Challenge, *teams) -> list:
    """Proposals handed in 12 days ago, by (lead, members, title, team leader)."""
    at = clock.now() - timedelta(days=12)
    return [
        build.proposal(
            challenge, [lead, *members], title, leader, at=at, self_funds=Decimal("6000000.00")
        )
        for lead, members, title, leader in teams
    ]


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
        build.organisation(
            "粤港澳新材料有限公司", OrgType.enterprise, "91440101MA5R0W1E2", "广东省广州市"
        ),
        build.organisation(
            "东方精密化学有限公司", OrgType.enterprise, "91310000MA1K2L3M4", "上海市"
        ),
    ]
    db.session.flush()

    # A blind challenge in review; the fourth proposal awaits the formal check.
    reviewing = _challenge(
        "28nm ArF 光刻胶国产化 (in review)",
        officer,
        (e1, e2, e3),
        reviewers_per_proposal=2,
        blind_review=True,
    )
    p1, p2, p3, _waiting = _proposals(
        reviewing,
        (orgs["enterprise"], [orgs["university"]], "ArF 光刻胶树脂与光酸体系", "李雷 Li Lei"),
        (orgs["institute"], [], "高纯度光刻胶单体合成", "韩梅 Han Mei"),
        (extra[0], [], "光刻胶检测平台", "王强 Wang Qiang"),
        (extra[1], [], "光刻胶配套试剂", "周洁 Zhou Jie"),
    )
    for p in (p1, p2):
        formal.mark_eligible(p, by=officer)
    formal.reject_proposal(
        p3, reason="证明材料不全 The supporting documents are incomplete.", by=officer
    )
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
        (e1, e3),
        reviewers_per_proposal=2,
        aggregation=Aggregation.median,
        feedback=Feedback.comments,
        blind_review=False,
    )
    d1, d2, d3 = _proposals(
        decided,
        (orgs["enterprise"], [], "EUV 掩模缺陷检测样机", "李雷 Li Lei"),
        (orgs["institute"], [], "掩模检测算法平台", "韩梅 Han Mei"),
        (orgs["university"], [], "掩模检测光源研究", "张伟 Zhang Wei"),
    )
    for p in (d1, d2, d3):
        formal.mark_eligible(p, by=officer)
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
