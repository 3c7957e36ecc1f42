"""Demo notices: one issued, one corrected (so its first version is superseded).

Uses the confirmed or running awards that earlier loaders made; when there are none (or too
few), makes confirmed awards of its own, directly, with a challenge, awarded proposals and
milestones (their task books not yet signed).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlmodel import select

from portal import clock
from portal.accounts.models import Organisation
from portal.awards.models import Award, AwardStatus, Milestone
from portal.awards.services import terminate_project
from portal.challenges.models import (
    Chain,
    ChainLink,
    Challenge,
    ChallengeStatus,
    Comparison,
    Indicator,
    Stage,
)
from portal.db import db
from portal.demo import proposals as proposals_demo
from portal.errors import DomainError
from portal.notices import content, queries, services
from portal.notices.seal import seal_svg
from portal.proposals.models import (
    Commitment,
    ConsortiumMember,
    MemberRole,
    Proposal,
    ProposalStatus,
)


def write_seal() -> Path:
    """Draws the demo authority's seal where NOTICE_SEAL_PATH points, unless one is there."""
    from flask import current_app

    path = content.seal_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(seal_svg(current_app.config["NOTICE_AUTHORITY"]), encoding="utf-8")
    return path


def make_challenge(number: str, title: str) -> Challenge:
    now = clock.now()
    chain = db.session.exec(select(Chain).where(Chain.name == "集成电路")).first()
    if chain is None:
        chain = Chain(name="集成电路", leader_title="集成电路产业链链长")
        db.session.add(chain)
        db.session.flush()
    link = ChainLink(chain_id=chain.id, stage=Stage.upstream, name=f"材料 {number}")
    db.session.add(link)
    db.session.flush()
    challenge = Challenge(
        number=number,
        status=ChallengeStatus.decided,
        version=1,
        title=title,
        chain_link_id=link.id,
        statement="国内供给不足5%，依赖进口。",
        funding_cap=Decimal("30000000.00"),
        duration_months=36,
        deadline=now - timedelta(days=60),
        created_at=now - timedelta(days=120),
        updated_at=now - timedelta(days=60),
        published_at=now - timedelta(days=110),
    )
    challenge.indicators = [
        Indicator(
            position=0,
            name="分辨率 Resolution",
            comparison=Comparison.le,
            target=Decimal("28"),
            unit="nm",
            test_method="第三方检测报告",
        ),
        Indicator(
            position=1,
            name="批次良率 Batch yield",
            comparison=Comparison.ge,
            target=Decimal("95"),
            unit="%",
            test_method="连续三批次抽检",
        ),
    ]
    db.session.add(challenge)
    db.session.flush()
    return challenge


def make_confirmed_award(
    challenge: Challenge,
    lead: Organisation,
    members: list[Organisation],
    title: str,
    amount: Decimal,
    leader: str = "李明",
) -> Award:
    """An awarded proposal and its confirmed award with three milestones (30/30/40 %), its task
    book not yet signed."""
    now = clock.now()
    proposal = Proposal(
        challenge_id=challenge.id,
        lead_org_id=lead.id,
        status=ProposalStatus.awarded,
        title=title,
        leader_name=leader,
        leader_title="首席科学家",
        leader_org_id=lead.id,
        requested=amount,
        created_at=now - timedelta(days=90),
        updated_at=now - timedelta(days=70),
        submitted_at=now - timedelta(days=70),
    )
    proposal.members = [
        ConsortiumMember(
            organisation_id=org.id,
            role=MemberRole.lead if i == 0 else MemberRole.member,
            position=i,
        )
        for i, org in enumerate([lead, *members])
    ]
    proposal.commitments = [
        Commitment(indicator_id=indicator.id, value=indicator.target)
        for indicator in challenge.indicators
    ]
    db.session.add(proposal)
    proposals_demo.handed_in(proposal, proposal.submitted_at)
    year = now.year
    award = Award(
        proposal_id=proposal.id,
        challenge_id=challenge.id,
        status=AwardStatus.confirmed,
        amount=amount,
        publicity_starts_at=now - timedelta(days=20),
        publicity_ends_at=now - timedelta(days=13),
        confirmed_at=now - timedelta(days=12),
        starts_on=date(year + 1, 1, 1),
        ends_on=date(year + 3, 12, 31),
        created_at=now - timedelta(days=20),
    )
    award.milestones = [
        Milestone(
            position=i,
            title=stage,
            due_date=date(year + 1 + i, 12, 31),
            deliverable=deliverable,
            verification="专家现场验收",
            tranche=(amount * Decimal(pct) / 100).quantize(Decimal("0.01")),
        )
        for i, (stage, deliverable, pct) in enumerate(
            [
                ("关键材料合成", "样品及检测报告", "30"),
                ("中试线建设", "中试线通过验收", "30"),
                ("量产验证", "用户验证报告", "40"),
            ]
        )
    ]
    db.session.add(award)
    db.session.flush()
    return award


def _printable(award: Award) -> bool:
    try:
        content.check_complete(award)
    except DomainError:
        return False
    return True


def _demo_awards(base: dict) -> list[Award]:
    """Two confirmed awards for the valid and the corrected notice (the earlier loaders' own
    when they are complete enough to print) and, always our own, one to revoke."""
    waiting = db.session.exec(queries.awards_without_notice().limit(20)).all()
    ready = [a for a in queries.awards_for_notices(waiting) if _printable(a)][:2]
    orgs = base["orgs"]
    challenge = make_challenge("JB-DEMO-N01", "28纳米ArF光刻胶国产化")
    specs = [
        (
            orgs["enterprise"],
            [orgs["university"]],
            "国产28纳米ArF光刻胶研发与产业化",
            "30000000.00",
            "李明",
        ),
        (orgs["institute"], [], "高分辨率光刻胶树脂关键材料攻关", "12500000.50", "陈静"),
    ][: 2 - len(ready)]
    specs.append((orgs["university"], [], "光刻胶配套高纯溶剂研制", "3000000.00", "王伟"))
    made = [
        make_confirmed_award(challenge, lead, members, title, Decimal(amount), leader=leader)
        for lead, members, title, amount, leader in specs
    ]
    return queries.awards_for_notices([a.id for a in [*ready, *made]])


def load(base: dict) -> dict:
    """A valid notice, a corrected one (version 1 superseded) and one of an award revoked
    because its task book was never signed."""
    write_seal()
    officer = base["users"]["officer"]
    first, second, third = _demo_awards(base)
    issued = services.issue_notice(first, by=officer)
    superseded = services.issue_notice(second, by=officer)
    corrected = services.correct_notice(
        superseded, by=officer, reason="更正项目负责人职称 Team leader's title corrected"
    )
    revoked = services.issue_notice(third, by=officer, language="en")
    terminate_project(
        third,
        by=officer,
        reason="逾期未签订任务书，撤销立项 The task book was never signed: award revoked",
        revoke=True,
    )
    base["notices"] = {
        "issued": issued,
        "superseded": superseded,
        "corrected": corrected,
        "revoked": revoked,
    }
    return base
