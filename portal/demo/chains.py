"""Demo data of the chain's digital brain: eight quarters of assessments for the demo chains'
links, supply relations between them, one correction, and a third-party evaluator's account.

The story the KPIs tell: 材料与设备, a severe chokepoint of 集成电路, is attacked by a horse race
(the awards demo funds it there) and its local supporting rate rises quarter after quarter while
its external dependence falls; 电驱与功率器件 of 新能源汽车 is a chokepoint not yet attacked.
Everything goes through the services, as an officer would record it.
"""

from __future__ import annotations

import random
from decimal import Decimal

from sqlmodel import select

from portal import clock
from portal.accounts.services import create_user
from portal.chains import services
from portal.chains.models import LinkAssessment
from portal.chains.periods import Quarter
from portal.challenges.models import Chain, ChainLink
from portal.db import db
from portal.vocabulary import Role

QUARTERS = 8
SOURCE = "链长办季度调研；海关进口数据"
# Per link: external dependence, local supporting rate and local firms in the first and the last
# quarter (straight lines between), and the chokepoint level in each quarter.
STORIES = {
    "材料与设备": ((88, 66), (6, 27), (12, 25), (5, 5, 5, 5, 4, 4, 4, 4)),
    "芯片设计与制造": ((60, 52), (20, 26), (40, 46), (3,) * 8),
    "封装测试与应用": ((30, 24), (45, 52), (80, 90), (1,) * 8),
    "动力电池与材料": ((40, 34), (35, 41), (55, 61), (2,) * 8),
    "电驱与功率器件": ((75, 69), (12, 18), (20, 24), (4,) * 8),
    "整车集成与应用": ((15, 12), (60, 66), (120, 131), (1,) * 8),
}
RELATIONS = (
    ("材料与设备", "芯片设计与制造", "光刻胶、电子特气、抛光液"),
    ("芯片设计与制造", "封装测试与应用", "晶圆"),
    ("动力电池与材料", "整车集成与应用", "电芯与模组"),
    ("电驱与功率器件", "整车集成与应用", "电驱总成"),
)


def _along(span: tuple[int, int], step: int, steps: int) -> Decimal:
    first, last = span
    return (Decimal(first) + (Decimal(last - first) * step) / (steps - 1)).quantize(Decimal("0.1"))


def load(base: dict) -> dict:
    officer, admin = base["users"]["officer"], base["users"]["admin"]
    links = {
        link.name: link for link in db.all(select(ChainLink).where(ChainLink.name.in_(STORIES)))
    }
    quarters = Quarter.current().back(QUARTERS)
    made = {}
    for name, (external, local, firms, levels) in STORIES.items():
        link = links.get(name)
        if link is None:
            continue
        for step, quarter in enumerate(quarters):
            made[(name, step)] = services.record_assessment(
                link,
                services.AssessmentInput(
                    period=str(quarter),
                    external_dependence=_along(external, step, QUARTERS),
                    local_supporting_rate=_along(local, step, QUARTERS),
                    local_firms=int(_along(firms, step, QUARTERS)),
                    chokepoint_level=levels[step],
                    source=SOURCE,
                    note="赛马攻关带动本地配套。" if name == "材料与设备" and step >= 4 else "",
                ),
                by=officer,
            )
    first = made.get(("材料与设备", 1))
    if first is not None:
        corrected = services.AssessmentInput(
            period=first.period,
            external_dependence=first.external_dependence,
            local_supporting_rate=first.local_supporting_rate + Decimal("0.5"),
            local_firms=first.local_firms,
            chokepoint_level=first.chokepoint_level,
            source=first.source,
            note=first.note,
        )
        services.correct_assessment(
            first, corrected, reason="海关数据更新后重新核算本地配套率。", by=officer
        )
    for supplier, customer, what in RELATIONS:
        if supplier in links and customer in links:
            chain = db.session.get(Chain, links[supplier].chain_id)
            services.add_relation(
                chain,
                supplier_id=links[supplier].id,
                customer_id=links[customer].id,
                note=what,
                by=officer,
            )
    base["users"]["evaluator"] = create_user(
        by=admin,
        name="第三方评估机构 Evaluator",
        email="evaluator@example.com",
        password="portal-demo",
        role=Role.evaluator,
        affiliation="华信产业评估研究院",
    )
    db.session.flush()
    return base


def scale_rows(link_ids: list[int], rng: random.Random, next_id) -> list[dict]:
    """Eight quarters of assessments for each link, as rows for a bulk insert (`demo --scale`):
    dependence falling and local supply rising a little each quarter, from random starts."""
    rows = []
    recorded_at = clock.now()
    for link_id in link_ids:
        external = Decimal(rng.randint(30, 90))
        local = Decimal(rng.randint(5, min(40, 100 - int(external))))
        level = rng.randint(1, 5)
        for step, quarter in enumerate(Quarter.current().back(QUARTERS)):
            rows.append(
                {
                    "id": next_id(LinkAssessment),
                    "link_id": link_id,
                    "period": str(quarter),
                    "external_dependence": external - step,
                    "local_supporting_rate": local + step,
                    "local_firms": 10 + 2 * step,
                    "chokepoint_level": max(level - step // 4, 0),
                    "note": "",
                    "source": SOURCE,
                    "recorded_at": recorded_at,
                    "correction_reason": "",
                }
            )
    return rows
