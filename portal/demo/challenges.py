"""Demo challenges: two chains with their links, and challenges in every state.

Everything goes through the services, on the clock set back in time where the story needs it
(a challenge published weeks ago whose deadline has passed, an amendment last week, …).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from portal import clock
from portal.challenges import chains, clarifications, services
from portal.challenges.content import DEFAULT_RUBRIC, ChallengeData, CriterionRow, IndicatorRow
from portal.challenges.models import Aggregation, Comparison, FundingMode, Stage
from portal.db import db

ge, le, eq = Comparison.ge, Comparison.le, Comparison.eq

CHAINS = {
    "集成电路": (
        "集成电路产业链链长（市长）",
        "从材料、设备到设计、制造与封测的集成电路全产业链。",
        [
            ("材料与设备", Stage.upstream),
            ("芯片设计与制造", Stage.midstream),
            ("封装测试与应用", Stage.downstream),
        ],
    ),
    "新能源汽车": (
        "新能源汽车产业链链长（常务副市长）",
        "动力电池、电驱系统、功率器件到整车集成的新能源汽车产业链。",
        [
            ("动力电池与材料", Stage.upstream),
            ("电驱与功率器件", Stage.midstream),
            ("整车集成与应用", Stage.downstream),
        ],
    ),
}


def rubric() -> list[CriterionRow]:
    return [CriterionRow(item.zh, item.weight) for item in DEFAULT_RUBRIC]


def wan(amount: int) -> Decimal:
    return Decimal(amount) * 10000


def _challenges(links: dict[str, int], now: datetime) -> dict[str, ChallengeData]:
    return {
        "photoresist": ChallengeData(
            title="28nm 节点 ArF 浸没式光刻胶研发及产业化",
            chain_link_id=links["材料与设备"],
            statement=(
                "ArF 浸没式光刻胶是 28nm 及以下节点的关键材料，目前国内需求的 95% 以上依赖日本、"
                "美国供应商进口，供货周期与价格受制于人。\n\n"
                "本榜单征集可在国内 12 英寸产线完成验证并稳定供货的 ArF 浸没式光刻胶。"
            ),
            background="本地两家晶圆厂年需求约 120 吨，现有国产产品仅能满足 i 线、KrF 节点。",
            deliverable="通过 12 英寸产线验证的产品及年产 50 吨中试线",
            funding_cap=wan(3000),
            cofunding=wan(1000),
            duration_months=36,
            deadline=now + timedelta(days=45),
            aggregation=Aggregation.trimmed_mean,
            reviewers_per_proposal=5,
            indicators=[
                IndicatorRow("分辨率", le, Decimal("28"), "nm", "SEM 线宽测量，第三方检测机构"),
                IndicatorRow("线边缘粗糙度 LER (3σ)", le, Decimal("2.5"), "nm", "CD-SEM 测量"),
                IndicatorRow("金属杂质含量", le, Decimal("10"), "ppb", "ICP-MS"),
                IndicatorRow("批次稳定性（CD 偏差）", le, Decimal("1.5"), "nm", "连续 3 批次"),
            ],
            criteria=rubric(),
        ),
        "igbt": ChallengeData(
            title="车规级 IGBT 功率模块国产化（赛马）",
            chain_link_id=links["电驱与功率器件"],
            statement=(
                "主驱逆变器用车规级 IGBT 模块长期依赖英飞凌等进口，国产模块在高结温可靠性与"
                "功率循环寿命上仍有差距。采用赛马制，同时支持 3 个团队并行攻关。"
            ),
            deliverable="通过 AEC-Q101 认证的模块，在 1 万辆整车上首批应用",
            funding_cap=wan(2000),
            cofunding=wan(800),
            duration_months=30,
            deadline=now + timedelta(days=60),
            funding_mode=FundingMode.horse_race,
            horse_race_teams=3,
            max_members=5,
            indicators=[
                IndicatorRow("最高工作结温", ge, Decimal("175"), "℃", "AEC-Q101 高温反偏试验"),
                IndicatorRow("导通压降 Vce(sat) @600A", le, Decimal("1.45"), "V", "第三方测试"),
                IndicatorRow("功率循环寿命 (ΔTj=100K)", ge, Decimal("100000"), "次", "AQG 324"),
            ],
            criteria=rubric(),
        ),
        "cmp": ChallengeData(
            title="高端 CMP 抛光液关键技术攻关",
            chain_link_id=links["材料与设备"],
            statement="14nm 以下铜互连 CMP 抛光液几乎全部进口，国内仅能供应成熟制程产品。",
            deliverable="通过客户产线验证的抛光液产品",
            funding_cap=wan(1500),
            cofunding=wan(300),
            duration_months=24,
            deadline=now - timedelta(days=20),
            indicators=[
                IndicatorRow("去除速率", ge, Decimal("500"), "nm/min", "客户产线测试"),
                IndicatorRow("表面缺陷数 (>60nm)", le, Decimal("30"), "个/片", "KLA 检测"),
            ],
            criteria=rubric(),
        ),
        "solid_state": ChallengeData(
            title="硫化物固态电解质及全固态电池中试",
            chain_link_id=links["动力电池与材料"],
            statement=(
                "全固态电池的硫化物电解质材料与量产工艺掌握在日韩企业手中，国内尚无百吨级产线。"
            ),
            deliverable="百吨级电解质中试线及 20Ah 全固态电芯样品",
            funding_cap=wan(5000),
            cofunding=wan(2000),
            duration_months=36,
            deadline=now - timedelta(days=10),
            reviewers_per_proposal=3,
            indicators=[
                IndicatorRow("室温离子电导率", ge, Decimal("10"), "mS/cm", "交流阻抗法"),
                IndicatorRow("电芯能量密度", ge, Decimal("400"), "Wh/kg", "GB/T 31486"),
                IndicatorRow("循环寿命（80% 容量保持）", ge, Decimal("1000"), "次", "1C/1C"),
            ],
            criteria=rubric(),
        ),
        "eda": ChallengeData(
            title="模拟电路 EDA 全流程工具链",
            chain_link_id=links["芯片设计与制造"],
            statement="模拟/混合信号 EDA 工具国内市场占有率不足 10%。",
            deliverable="支持 28nm 工艺的模拟全流程工具",
            funding_cap=wan(4000),
            duration_months=36,
            indicators=[
                IndicatorRow("仿真精度偏差（对标商用工具）", le, Decimal("1"), "%", "基准电路集"),
            ],
            criteria=rubric(),
        ),
        "battery_recycling": ChallengeData(
            title="退役动力电池梯次利用智能分选装备",
            chain_link_id=links["整车集成与应用"],
            statement="退役电池快速检测与分选装备依赖进口，分选效率低。",
            deliverable="分选装备样机",
            funding_cap=wan(800),
            duration_months=18,
            deadline=now + timedelta(days=40),
            indicators=[IndicatorRow("分选速度", ge, Decimal("600"), "只/小时", "现场测试")],
            criteria=rubric(),
        ),
        "sic": ChallengeData(
            title="8 英寸碳化硅衬底制备（已撤榜）",
            chain_link_id=links["电驱与功率器件"],
            statement="8 英寸 SiC 衬底依赖进口。",
            deliverable="8 英寸衬底样品",
            funding_cap=wan(2500),
            duration_months=36,
            deadline=now + timedelta(days=50),
            indicators=[
                IndicatorRow("微管密度", le, Decimal("0.5"), "个/cm²", "光学检测"),
                IndicatorRow("电阻率均匀性", le, Decimal("5"), "%", "四探针"),
            ],
            criteria=rubric(),
        ),
    }


def load(base: dict) -> dict:
    users = base["users"]
    officer, alice, bob = users["officer"], users["alice"], users["bob"]
    now = clock.now()

    links: dict[str, int] = {}
    made_chains = {}
    for name, (leader, description, chain_links) in CHAINS.items():
        chain = chains.save_chain(
            None, name=name, leader_title=leader, description=description, by=officer
        )
        made_chains[name] = chain
        for link_name, stage in chain_links:
            links[link_name] = chains.save_link(
                chain, None, name=link_name, stage=stage, by=officer
            ).id
    db.session.flush()
    data = _challenges(links, now)
    made = {}

    # Published 3 weeks ago, amended last week, with questions answered and waiting.
    with clock.frozen_at(now - timedelta(days=21)):
        made["photoresist"] = services.create_draft(data["photoresist"], by=officer)
        services.publish(made["photoresist"], by=officer)
    with clock.frozen_at(now - timedelta(days=14)):
        answered = clarifications.ask(
            made["photoresist"],
            "联合体成员中的高校是否可以作为牵头单位？Can a university lead the consortium?",
            by=bob,
        )
        later = clarifications.ask(
            made["photoresist"],
            "中试线是否可以建在本市以外？Must the pilot line be local?",
            by=alice,
        )
    with clock.frozen_at(now - timedelta(days=12)):
        clarifications.answer(
            answered,
            "可以。高校、科研院所和企业均可牵头。Yes, any eligible type may lead.",
            by=officer,
        )
        clarifications.answer(
            later, "中试线须落地本市。The pilot line must be built locally.", by=officer
        )
    with clock.frozen_at(now - timedelta(days=7)):
        amended = ChallengeData.of(made["photoresist"])  # the saved rows, with their ids
        amended.indicators[2].target = Decimal("5")
        amended.indicators.append(
            IndicatorRow("感光灵敏度", le, Decimal("30"), "mJ/cm²", "曝光能量测试")
        )
        amended.deadline = now + timedelta(days=52)
        services.amend(
            made["photoresist"],
            amended,
            reason="根据晶圆厂意见收紧金属杂质指标、增加灵敏度指标，并将截止时间顺延一周。",
            by=officer,
        )
    with clock.frozen_at(now - timedelta(days=2)):
        clarifications.ask(
            made["photoresist"],
            "是否接受已有 KrF 产线改造方案？Is upgrading a KrF line acceptable?",
            by=users["carol"],
        )

    # A horse race open for proposals.
    with clock.frozen_at(now - timedelta(days=5)):
        made["igbt"] = services.create_draft(data["igbt"], by=officer)
        services.publish(made["igbt"], by=officer)

    # Closed: published weeks ago, deadline passed (for the review modules to work on).
    for key in ("cmp", "solid_state"):
        with clock.frozen_at(now - timedelta(days=40)):
            made[key] = services.create_draft(data[key], by=officer)
            services.publish(made[key], by=officer)

    # Still a draft.
    made["eda"] = services.create_draft(data["eda"], by=officer)
    # A draft with nearly everything, ready to publish.
    made["battery_recycling"] = services.create_draft(data["battery_recycling"], by=officer)

    # Published, then cancelled.
    with clock.frozen_at(now - timedelta(days=10)):
        made["sic"] = services.create_draft(data["sic"], by=officer)
        services.publish(made["sic"], by=officer)
    with clock.frozen_at(now - timedelta(days=3)):
        services.cancel(
            made["sic"], reason="该方向已纳入国家重点研发计划，本市不再重复支持。", by=officer
        )

    db.session.flush()
    base["chains"] = made_chains
    base["challenges"] = made
    return base
