"""Demo challenges: two chains with their links, and challenges in every state.

Everything goes through the services, on the clock set back in time where the story needs it
(a challenge published weeks ago whose deadline has passed, an amendment last week, …).
"""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from portal import clock
from portal.challenges import chains, clarifications, services
from portal.challenges.content import DEFAULT_RUBRIC, ChallengeData, CriterionRow, IndicatorRow
from portal.db import db
from portal.vocabulary import Aggregation, Comparison, FundingMode, Stage

CHAINS = {  # name: the leader's title, description, links upstream, midstream and downstream
    "集成电路": (
        "集成电路产业链链长（市长）",
        "从材料、设备到设计、制造与封测的集成电路全产业链。",
        ("材料与设备", "芯片设计与制造", "封装测试与应用"),
    ),
    "新能源汽车": (
        "新能源汽车产业链链长（常务副市长）",
        "动力电池、电驱系统、功率器件到整车集成的新能源汽车产业链。",
        ("动力电池与材料", "电驱与功率器件", "整车集成与应用"),
    ),
}
CHALLENGES = tomllib.loads((Path(__file__).parent / "challenges.toml").read_text(encoding="utf-8"))
STANDALONE = CHALLENGES.pop("standalone")  # the proposals demo's, when this one has not run


def wan(amount: int | None) -> Decimal | None:
    return None if amount is None else Decimal(amount) * 10000


def challenge_data(entry: dict, link_id: int, now: datetime) -> ChallengeData:
    """The content of a challenge from its entry in challenges.toml, in the link `link_id`."""
    fields = {key: value for key, value in entry.items() if key != "link"}
    days = fields.pop("deadline", None)
    return ChallengeData(
        **fields
        | {
            "chain_link_id": link_id,
            "funding_cap": wan(fields.get("funding_cap")),
            "cofunding": wan(fields.get("cofunding")),
            "deadline": None if days is None else now + timedelta(days=days),
            "funding_mode": FundingMode(fields.get("funding_mode", "single")),
            "aggregation": Aggregation(fields.get("aggregation", "mean")),
            "indicators": [
                IndicatorRow(name, Comparison(cmp), Decimal(target), unit, method)
                for name, cmp, target, unit, method in fields["indicators"]
            ],
            "criteria": [CriterionRow(item.zh, item.weight) for item in DEFAULT_RUBRIC],
        }
    )


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
        for link_name, stage in zip(chain_links, Stage, strict=True):
            links[link_name] = chains.save_link(
                chain, None, name=link_name, stage=stage, by=officer
            ).id
    db.session.flush()
    data = {key: challenge_data(row, links[row["link"]], now) for key, row in CHALLENGES.items()}
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
            IndicatorRow("感光灵敏度", Comparison.le, Decimal("30"), "mJ/cm²", "曝光能量测试")
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
