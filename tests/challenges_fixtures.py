"""Helpers for the challenges module's tests: a complete form as an officer would fill it in."""

from __future__ import annotations

INDICATORS = [
    ("分辨率 Resolution", "le", "28", "nm", "SEM line/space, third-party lab"),
    ("线边缘粗糙度 LER", "le", "2.5", "nm", "CD-SEM, 3σ"),
    ("批次良率 Batch yield", "ge", "95", "%", "Three pilot batches"),
]
CRITERIA = [
    ("技术方案", "30"),
    ("团队能力", "20"),
    ("指标先进性", "20"),
    ("实施计划", "15"),
    ("经费合理性", "15"),
]


def challenge_form(link_id: int, **overrides) -> dict[str, str]:
    """The fields of a complete challenge with 3 indicators and 5 criteria."""
    form = {
        "title": "28nm ArF 光刻胶 28nm ArF photoresist",
        "chain_link_id": str(link_id),
        "statement": "国内 ArF 光刻胶几乎全部依赖进口 (import dependence above 95%).",
        "background": "Two foreign suppliers.",
        "deliverable": "Pilot line of 10 tonnes a year",
        "funding_cap": "3000",
        "cofunding": "500",
        "duration_months": "36",
        "deadline": "2030-06-30T17:00",
        "funding_mode": "single",
        "horse_race_teams": "3",
        "allowed_org_types": ["enterprise", "university", "institute"],
        "region": "",
        "max_members": "4",
        "aggregation": "trimmed_mean",
        "reviewers_per_proposal": "5",
        "pass_mark": "60",
        "publicity_days": "7",
        "save": "Save draft",
    }
    for i, (name, cmp, target, unit, method) in enumerate(INDICATORS):
        form.update(
            {
                f"indicators-{i}-name": name,
                f"indicators-{i}-comparison": cmp,
                f"indicators-{i}-target": target,
                f"indicators-{i}-unit": unit,
                f"indicators-{i}-test_method": method,
            }
        )
    for i, (name, weight) in enumerate(CRITERIA):
        form.update({f"criteria-{i}-name": name, f"criteria-{i}-weight": weight})
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}
