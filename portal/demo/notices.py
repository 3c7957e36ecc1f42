"""Demo notices: one issued, one corrected (so its first version is superseded).

Uses the confirmed or running awards that earlier loaders made; when there are none (or too
few), makes confirmed awards of its own, on a decided challenge, from awarded proposals put in
publicity and confirmed through the awards services (their task books not yet signed).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from portal import clock
from portal.accounts.models import Organisation, User
from portal.awards import services as award_services
from portal.awards.models import Award
from portal.challenges.models import Challenge
from portal.db import db
from portal.demo import awards as awards_demo
from portal.demo import build
from portal.errors import DomainError
from portal.notices import content, queries, services
from portal.notices.seal import seal_svg
from portal.vocabulary import ChallengeStatus, Comparison, ProposalStatus

INDICATORS = (
    ("分辨率 Resolution", Comparison.le, "28", "nm", "第三方检测报告"),
    ("批次良率 Batch yield", Comparison.ge, "95", "%", "连续三批次抽检"),
)
STAGES = (
    ("关键材料合成", "样品及检测报告", 30),
    ("中试线建设", "中试线通过验收", 30),
    ("量产验证", "用户验证报告", 40),
)


def write_seal() -> Path:
    """Draws the demo authority's seal where NOTICE_SEAL_PATH points, unless one is there."""
    from flask import current_app

    path = content.seal_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(seal_svg(current_app.config["NOTICE_AUTHORITY"]), encoding="utf-8")
    return path


def make_challenge(title: str, *, by: User) -> Challenge:
    """A challenge with two indicators, published by the officer `by` 110 days ago and
    decided."""
    return build.challenge(
        title, ChallengeStatus.decided, by=by, published=-110, deadline=-60, indicators=INDICATORS
    )


def make_confirmed_award(
    challenge: Challenge,
    lead: Organisation,
    members: list[Organisation],
    title: str,
    amount: Decimal,
    leader: str = "李明",
    *,
    by: User,
) -> Award:
    """An awarded proposal with three milestones (30/30/40 %) due at the end of each of the next
    three years, in publicity 20 days ago and confirmed by the officer `by` 12 days ago; its
    task book not yet signed."""
    now = clock.now()
    due = [date(now.year + 1 + i, 12, 31) for i in range(len(STAGES))]
    with clock.frozen_at(now - timedelta(days=20)):
        proposal = build.proposal(
            challenge,
            [lead, *members],
            title,
            leader,
            status=ProposalStatus.awarded,
            at=now - timedelta(days=70),
            requested=amount,
            stages=STAGES,
            due=due,
        )
        award = award_services.start_publicity(proposal, by=by)
    with clock.frozen_at(now - timedelta(days=12)):
        return awards_demo.confirm(award, by)


def _printable(award: Award) -> bool:
    try:
        content.check_complete(award)
    except DomainError:
        return False
    return True


def _demo_awards(base: dict, officer: User) -> list[Award]:
    """Two confirmed awards for the valid and the corrected notice (the earlier loaders' own
    when they are complete enough to print) and, always our own, one to revoke."""
    waiting = db.all(queries.awards_without_notice().limit(20))
    ready = [a for a in queries.awards_for_notices(waiting) if _printable(a)][:2]
    orgs = base["orgs"]
    challenge = make_challenge("28纳米ArF光刻胶国产化", by=officer)
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
        make_confirmed_award(
            challenge, lead, members, title, Decimal(amount), leader=leader, by=officer
        )
        for lead, members, title, amount, leader in specs
    ]
    return queries.awards_for_notices([a.id for a in [*ready, *made]])


def load(base: dict) -> dict:
    """A valid notice, a corrected one (version 1 superseded) and one of an award revoked
    because its task book was never signed."""
    write_seal()
    officer = base["users"]["officer"]
    first, second, third = _demo_awards(base, officer)
    issued = services.issue_notice(first, by=officer)
    superseded = services.issue_notice(second, by=officer)
    corrected = services.correct_notice(
        superseded, by=officer, reason="更正项目负责人职称 Team leader's title corrected"
    )
    revoked = services.issue_notice(third, by=officer, language="en")
    award_services.terminate_project(
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
