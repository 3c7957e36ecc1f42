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
        "blind_review": "y",
        "feedback": "none",
        "check_items": ["documents", "org_type", "region", "budget", "members", "pledge"],
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


def draft_data(link_id: int, deadline, **overrides):
    """A complete ChallengeData, ready to publish."""
    from decimal import Decimal

    from portal.challenges.content import ChallengeData, CriterionRow, IndicatorRow
    from portal.challenges.models import Comparison

    values = {
        "title": "车规级 IGBT 模块 Automotive IGBT module",
        "chain_link_id": link_id,
        "statement": "车规级 IGBT 模块主要依赖进口。",
        "deliverable": "First-batch application in 10,000 vehicles",
        "funding_cap": Decimal("20000000.00"),
        "cofunding": Decimal("4000000.00"),
        "duration_months": 24,
        "deadline": deadline,
        "indicators": [
            IndicatorRow(
                "结温 Junction temperature", Comparison.ge, Decimal("175"), "℃", "AEC-Q101"
            ),
            IndicatorRow("导通压降 Vce(sat)", Comparison.le, Decimal("1.5"), "V", "At 600 A"),
        ],
        "criteria": [CriterionRow(name, weight) for name, weight in CRITERIA_WEIGHTS],
    }
    values.update(overrides)
    return ChallengeData(**values)


CRITERIA_WEIGHTS = [
    ("技术方案", 30),
    ("团队能力", 20),
    ("指标先进性", 20),
    ("实施计划", 15),
    ("经费合理性", 15),
]


def publish_challenge(app, officer_id: int, link_id: int, deadline, **overrides):
    """Draft and publish a challenge through the services; returns (id, number)."""
    from portal.accounts.models import User
    from portal.challenges import services
    from portal.db import db

    with app.test_request_context():
        officer = db.session.get(User, officer_id)
        challenge = services.create_draft(draft_data(link_id, deadline, **overrides), by=officer)
        services.publish(challenge, by=officer)
        db.session.commit()
        return challenge.id, challenge.number


def form_values(html: str) -> dict[str, list[str]]:
    """The values a browser would submit (no button) from the largest POST form of `html`."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.forms: list[dict[str, list[str]]] = []
            self.values: dict[str, list[str]] = {}
            self.in_form = False
            self.select = self.option = self.textarea = None
            self.text = ""

        def add(self, name, value):
            self.values.setdefault(name, []).append(value)

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form" and a.get("method") == "post":
                self.in_form, self.values = True, {}
                self.forms.append(self.values)
            if not self.in_form or not a.get("name") and tag not in ("option",):
                return
            if tag == "input" and a.get("type") not in ("submit", "file"):
                if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                    return
                self.add(a["name"], a.get("value", ""))
            elif tag == "select":
                self.select, self.option = a["name"], None
            elif tag == "option" and self.select and "selected" in a:
                self.option = a.get("value", "")
            elif tag == "textarea":
                self.textarea, self.text = a["name"], ""

        def handle_data(self, data):
            if self.textarea:
                self.text += data

        def handle_endtag(self, tag):
            if tag == "select" and self.select:
                self.add(self.select, self.option or "")
                self.select = None
            elif tag == "textarea" and self.textarea:
                self.add(self.textarea, self.text.removeprefix("\n"))
                self.textarea = None
            elif tag == "form":
                self.in_form = False

    reader = Reader()
    reader.feed(html)
    return max(reader.forms, key=len)
