"""Demo awards and projects, built through the services as officers and applicants would:
awards in publicity with objections (open, upheld with a reserve promoted, dismissed), an award
confirmed whose task book is due, running projects with accepted, returned, reported and overdue
milestones, a completed and a terminated project, and a horse race with one team eliminated at
a stage gate.

The awarded and reserve proposals are made here, on decided challenges of their own, in the
chain the challenges demo made (`base["chains"]`) when it has run.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import force_locale
from sqlmodel import select

from portal import clock
from portal.accounts.models import Organisation, User
from portal.awards import milestones, objections, queries, services
from portal.awards import targets as award_targets
from portal.awards.models import Award, MilestoneReport
from portal.challenges.models import ChainLink, Challenge
from portal.db import db
from portal.demo import build
from portal.proposals.models import Commitment, Proposal
from portal.vocabulary import ChallengeStatus, Comparison, FundingMode, GateOutcome, ProposalStatus

INDICATORS = (
    ("纯度 Purity", Comparison.ge, "99.9999", "%", "第三方检测"),
    ("金属杂质 Metal impurities", Comparison.le, "10", "ppb", "ICP-MS"),
)
RUBRIC = (("技术方案", 40), ("团队能力", 30), ("经费合理性", 30))
STAGES = (
    ("工艺验证", "阶段报告", 30),
    ("中试线建成", "阶段报告", 30),
    ("产品通过用户验证", "阶段报告", 40),
)


def _link(base: dict) -> ChainLink:
    chains = base.get("chains")
    if chains:
        chain = next(iter(chains.values())) if isinstance(chains, dict) else chains[0]
        if chain.links:
            return chain.links[0]
    return build.chain_link()


def _challenge(
    link: ChainLink, officer: User, title: str, *, ago: int = 0, teams: int = 1
) -> Challenge:
    """Decided `ago` days ago: published 120 days and closed 60 days before (a horse race when
    `teams` > 1). Made on the running clock, which a challenge sets back itself."""
    return build.challenge(
        title,
        ChallengeStatus.decided,
        by=officer,
        published=-120 - ago,
        deadline=-60 - ago,
        link=link,
        indicators=INDICATORS,
        criteria=RUBRIC,
        funding_mode=FundingMode.horse_race if teams > 1 else FundingMode.single,
        horse_race_teams=teams,
        publicity_days=7,
    )


def _proposal(
    challenge, org: Organisation, status: ProposalStatus, title: str, leader: str, due: list[date]
) -> Proposal:
    """Handed in 80 days ago, committing better than the targets."""
    return build.proposal(
        challenge,
        [org],
        title,
        leader,
        status=status,
        at=clock.now() - timedelta(days=80),
        stages=STAGES,
        due=due,
        self_funds=Decimal("5000000.00"),
        commitments=[
            Commitment(indicator_id=challenge.indicators[0].id, value=Decimal("99.99995")),
            Commitment(indicator_id=challenge.indicators[1].id, value=Decimal("8")),
        ],
    )


def confirm(award: Award, officer: User) -> Award:
    """Confirmed as proposed: its plan, its targets, from today to its last milestone."""
    return services.confirm_award(
        award,
        by=officer,
        amount=award.amount,
        starts_on=queries.local_today(),
        ends_on=award.proposal.milestones[-1].due_date,
        plan=milestones.proposed_plan(award),
        targets={row.indicator_id: row.committed for row in award_targets.proposed_targets(award)},
    )


def _start(award: Award, officer: User) -> Award:
    """Confirmed, and its task book signed the same day: the project runs."""
    confirm(award, officer)
    return services.start_project(award, by=officer, task_book_signed_on=queries.local_today())


def _report(award: Award, position: int, user: User, text: str) -> MilestoneReport:
    return milestones.report_milestone(
        award.milestones[position],
        by=user,
        progress=text,
        values={award.indicators[0].id: Decimal("99.99996")},
    )


def load(base: dict) -> dict:
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _load(base)


def _load(base: dict) -> dict:
    users, orgs = base["users"], base["orgs"]
    officer = users["officer"]
    teams = [
        (orgs["enterprise"], users["alice"]),
        (orgs["university"], users["bob"]),
        (orgs["institute"], users["carol"]),
    ]
    link = _link(base)
    today = clock.now()
    past = today - timedelta(days=300)  # when the running projects were decided
    running_due = [
        (today - timedelta(days=150)).date(),  # accepted
        (today - timedelta(days=10)).date(),  # overdue, or returned
        (today + timedelta(days=20)).date(),  # due within 30 days
    ]
    fresh_due = [(today + timedelta(days=d)).date() for d in (180, 365, 540)]
    made: dict[str, object] = {}
    awarded = ProposalStatus.awarded

    # In publicity now: one award with an open objection; one revoked after an upheld
    # objection, whose reserve was promoted; one whose objection was dismissed.
    gas = _challenge(link, officer, "高纯电子特气国产化")
    winner = _proposal(gas, orgs["enterprise"], awarded, "电子级三氟化氮纯化", "李雷", fresh_due)
    in_publicity = services.start_publicity(winner, by=officer)
    services.lodge_objection(
        in_publicity, by=users["bob"], reason="牵头单位申报的中试线产能与现场情况不符。"
    )

    wafer = _challenge(link, officer, "12 英寸硅片抛光液")
    revoked_proposal = _proposal(
        wafer, orgs["university"], awarded, "抛光液配方优化", "韩梅梅", fresh_due
    )
    reserve = _proposal(
        wafer, orgs["institute"], ProposalStatus.reserve, "新型抛光液体系", "王强", fresh_due
    )
    revoked = services.start_publicity(revoked_proposal, by=officer)
    upheld = services.lodge_objection(
        revoked, by=users["alice"], reason="团队负责人同时承担另一在研项目，超出限项规定。"
    )
    objections.resolve(
        upheld,
        by=officer,
        upheld=True,
        reason="经核实，负责人在研项目超限，撤销立项。",
        promote_id=reserve.id,
    )
    dismissed = services.lodge_objection(
        db.session.exec(select(Award).where(Award.proposal_id == reserve.id)).one(),
        by=users["alice"],
        reason="怀疑预算虚高。",
    )
    objections.resolve(dismissed, by=officer, upheld=False, reason="预算经专家复核合理。")

    # Running, completed and terminated projects, decided 300 days ago.
    running = {}
    projects = (
        ("running", "光刻胶树脂国产化", teams[2]),
        ("completed", "高纯石英坩埚", teams[0]),
        ("terminated", "大尺寸碳化硅衬底", teams[1]),
    )
    challenges = {key: _challenge(link, officer, title, ago=300) for key, title, _ in projects}
    with clock.frozen_at(past):
        for key, title, (org, _user) in projects:
            challenge = challenges[key]
            due = running_due if key == "running" else fresh_due
            proposal = _proposal(challenge, org, awarded, title, "张伟", due)
            running[key] = services.start_publicity(proposal, by=officer)
    with clock.frozen_at(past + timedelta(days=8)):
        for award in running.values():
            _start(award, officer)

    project = running["running"]
    carol = users["carol"]
    with clock.frozen_at(today - timedelta(days=152)):
        first = _report(project, 0, carol, "完成树脂合成工艺验证，附检测报告。")
    with clock.frozen_at(today - timedelta(days=148)):
        milestones.accept_report(
            first,
            by=officer,
            paid_on=(today - timedelta(days=145)).date(),
            comments="材料齐全，同意拨付。",
        )
    with clock.frozen_at(today - timedelta(days=12)):
        second = _report(project, 1, carol, "中试线主体设备已到货。")
    with clock.frozen_at(today - timedelta(days=11)):
        milestones.return_report(second, by=officer, comments="请补充设备安装调试记录和验收单。")
    _report(project, 2, carol, "用户验证样品已送检（提前上报）。")

    completed = running["completed"]
    for position in range(3):
        report = _report(completed, position, users["alice"], "按计划完成。")
        milestones.accept_report(report, by=officer, paid_on=queries.local_today())
    services.complete_project(
        completed,
        by=officer,
        achieved={
            completed.indicators[0].id: Decimal("99.99996"),
            completed.indicators[1].id: Decimal("6"),
        },
        comments="各项指标均达到或优于承诺值，通过验收。",
    )

    terminated = running["terminated"]
    report = _report(terminated, 0, users["bob"], "完成晶体生长炉改造。")
    milestones.accept_report(report, by=officer, paid_on=queries.local_today())
    services.terminate_project(
        terminated,
        by=officer,
        reason="核心团队成员离职，无法继续实施。",
        refund_due=Decimal("1000000.00"),
    )

    # A horse race: three teams; at the mid-term gate one is eliminated.
    race = _challenge(link, officer, "车规级 IGBT 模块（赛马）", ago=300, teams=3)
    with clock.frozen_at(past):
        race_awards = [
            services.start_publicity(
                _proposal(race, org, awarded, f"IGBT 模块方案 {chr(65 + i)}", user.name, fresh_due),
                by=officer,
            )
            for i, (org, user) in enumerate(teams)
        ]
    with clock.frozen_at(past + timedelta(days=8)):
        for award in race_awards:
            _start(award, officer)
    for award, (_org, user) in zip(race_awards[:2], teams[:2], strict=True):
        report = _report(award, 0, user, "样品通过 1200V 耐压测试。")
        milestones.accept_report(report, by=officer, paid_on=queries.local_today())
    outcomes = {
        race_awards[0].id: (GateOutcome.continued, "耐压与损耗指标领先。"),
        race_awards[1].id: (GateOutcome.continued, "进度符合计划。"),
        race_awards[2].id: (GateOutcome.eliminated, "首个里程碑未达成，样品耐压不足。"),
    }
    services.decide_stage_gate(race, by=officer, name="中期评估 Mid-term gate", outcomes=outcomes)

    # Confirmed a week ago (立项): its award notice may be issued, its task book is due.
    decided = today - timedelta(days=15)
    targets = _challenge(link, officer, "超高纯溅射靶材", ago=15)
    with clock.frozen_at(decided):
        confirmed = services.start_publicity(
            _proposal(targets, orgs["enterprise"], awarded, "超高纯铜靶材制备", "刘洋", fresh_due),
            by=officer,
        )
    with clock.frozen_at(today - timedelta(days=7)):
        confirm(confirmed, officer)

    made.update(
        confirmed=confirmed,
        in_publicity=in_publicity,
        revoked=revoked,
        running=project,
        completed=completed,
        terminated=terminated,
        race=race,
    )
    db.session.flush()
    base["awards"] = made
    return base
