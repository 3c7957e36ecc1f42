"""Every KPI on the chain page equals what the test computes itself from the raw rows, for the
quarter shown and the one before it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import selectinload
from sqlmodel import select

from portal.awards.models import Award, Decision, Disbursement, GateDecision
from portal.chains.models import LinkAssessment
from portal.challenges.models import ChainLink, Challenge
from portal.db import db
from portal.proposals.models import ConsortiumMember, Proposal
from portal.vocabulary import (
    AwardStatus,
    ChallengeStatus,
    ConsentStatus,
    FundingMode,
    MilestoneStatus,
    ProposalStatus,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
QUARTER_ENDS = {  # the first moment after each quarter, in Shanghai
    "2025Q4": datetime(2026, 1, 1, tzinfo=SHANGHAI),
    "2026Q1": datetime(2026, 4, 1, tzinfo=SHANGHAI),
    "2026Q2": datetime(2026, 7, 1, tzinfo=SHANGHAI),
}
WEIGHTS = {
    "local_supporting": 30,
    "independence": 25,
    "chokepoint_relief": 15,
    "chokepoints_attacked": 15,
    "milestones_on_time": 10,
    "industry_academia": 5,
}


def page_values(html: str) -> dict[str, tuple[str, str]]:
    """(previous, shown) of each KPI row, as the page's cells carry them."""
    rows = re.findall(
        r'<tr data-kpi="(\w+)">.*?data-previous="([^"]*)".*?data-value="([^"]*)"', html, re.S
    )
    return {key: (previous, value) for key, previous, value in rows}


def pct(part, whole) -> Decimal | None:
    return None if not whole else (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def load_rows(chain_id: int) -> dict:
    challenges = db.session.exec(
        select(Challenge).join(ChainLink).where(ChainLink.chain_id == chain_id)
    ).all()
    ids = [c.id for c in challenges]
    return {
        "challenges": challenges,
        "decisions": {
            d.challenge_id: d
            for d in db.session.exec(select(Decision).where(Decision.challenge_id.in_(ids))).all()
        },
        "proposals": db.session.exec(
            select(Proposal)
            .where(Proposal.challenge_id.in_(ids))
            .options(selectinload(Proposal.members).selectinload(ConsortiumMember.organisation))
        ).all(),
        "awards": db.session.exec(
            select(Award)
            .where(Award.challenge_id.in_(ids))
            .options(
                selectinload(Award.milestones),
                selectinload(Award.indicators),
                selectinload(Award.proposal),
                selectinload(Award.challenge),
            )
        ).all(),
        "disbursements": db.session.exec(select(Disbursement)).all(),
        "gates": db.session.exec(
            select(GateDecision).options(selectinload(GateDecision.gate))
        ).all(),
        "assessments": db.session.exec(
            select(LinkAssessment).where(LinkAssessment.superseded_at.is_(None))
        ).all(),
    }


def expected(rows: dict, quarter: str, link_ids: list[int]) -> dict[str, Decimal | int | None]:
    """The KPIs of the chain at the end of `quarter`, computed the plain way."""
    end = QUARTER_ENDS[quarter].astimezone(UTC)
    end_day = QUARTER_ENDS[quarter].date()
    challenges = [c for c in rows["challenges"] if c.published_at and c.published_at < end]
    live = [c for c in challenges if not (c.cancelled_at and c.cancelled_at < end)]
    closed = [c for c in live if c.deadline <= end]
    decided = [
        c
        for c in rows["challenges"]
        if c.status is ChallengeStatus.decided and rows["decisions"][c.id].decided_at < end
    ]
    funded = [a for a in rows["awards"] if a.confirmed_at and a.confirmed_at < end]
    handed_in = [
        p
        for p in rows["proposals"]
        if p.challenge_id in {c.id for c in closed}
        and p.status not in (ProposalStatus.draft, ProposalStatus.withdrawn)
        and p.submitted_at < end
    ]
    proposals = {p.id: p for p in rows["proposals"]}
    consortia = [
        [
            m.organisation
            for m in proposals[a.proposal_id].members
            if m.consent is ConsentStatus.accepted
        ]
        for a in funded
    ]
    members = [org for consortium in consortia for org in consortium]
    kinds = [
        {o.type.value for o in c} & {"enterprise", "university", "institute"} for c in consortia
    ]
    local = [o for o in members if o.region.startswith("广东省深圳市")]
    due = [
        m
        for a in funded
        for m in a.milestones
        if m.status is not MilestoneStatus.cancelled and m.due_date < end_day
    ]
    on_time = [
        m
        for m in due
        if m.accepted_at
        and m.accepted_at < end
        and m.accepted_at.astimezone(SHANGHAI).date() <= m.due_date
    ]
    completed = [a for a in funded if a.status is AwardStatus.completed and a.closed_at < end]
    measured = [i for a in completed for i in a.indicators if i.achieved is not None]
    met = [i for i in measured if i.comparison.met_by(i.achieved, i.committed)]
    running = [a for a in funded if not a.closed_at or a.closed_at >= end]
    behind = [
        a
        for a in running
        if any(
            m.status is not MilestoneStatus.cancelled
            and m.due_date < end_day
            and not (m.accepted_at and m.accepted_at < end)
            for m in a.milestones
        )
    ]
    attacking = {
        a.challenge.chain_link_id
        for a in funded
        if not (a.closed_at and a.closed_at < end and a.status is not AwardStatus.completed)
    }
    latest = {}
    for row in sorted(rows["assessments"], key=lambda r: r.period):
        if row.period <= quarter:
            latest[row.link_id] = row
    assessed = [latest[i] for i in link_ids if i in latest]
    chokepoints = [a for a in assessed if a.chokepoint_level >= 3]
    attacked = [a for a in chokepoints if a.link_id in attacking]

    def mean(values):
        return sum(values) / len(values) if values else None

    external = mean([a.external_dependence for a in assessed])
    local_rate = mean([a.local_supporting_rate for a in assessed])
    level = mean([Decimal(a.chokepoint_level) for a in assessed])
    terms = {
        "local_supporting": local_rate / 100 if local_rate is not None else None,
        "independence": 1 - external / 100 if external is not None else None,
        "chokepoint_relief": 1 - level / 5 if level is not None else None,
        "chokepoints_attacked": Decimal(len(attacked)) / len(chokepoints) if chokepoints else None,
        "milestones_on_time": Decimal(len(on_time)) / len(due) if due else None,
        "industry_academia": (
            Decimal(sum(len(k) >= 2 for k in kinds)) / len(consortia) if consortia else None
        ),
    }
    weighted = {k: v for k, v in terms.items() if v is not None}
    resilience = (
        100 * sum(WEIGHTS[k] * v for k, v in weighted.items()) / sum(WEIGHTS[k] for k in weighted)
    ).quantize(Decimal("0.1"))
    return {
        "published": len(challenges),
        "open": sum(c.deadline > end for c in live),
        "decided": len(decided),
        "capped": sum(c.funding_cap for c in live),
        "awarded": sum(a.amount for a in funded),
        "disbursed": sum(
            d.amount
            for d in rows["disbursements"]
            if d.paid_on < end_day and d.award_id in {a.id for a in funded}
        ),
        "cofunding": sum(proposals[a.proposal_id].self_funds for a in funded)
        + sum(c.cofunding or 0 for c in {a.challenge_id: a.challenge for a in funded}.values()),
        "competition": (Decimal(len(handed_in)) / len(closed)).quantize(Decimal("0.01")),
        "enterprise_share": pct(sum(o.type.value == "enterprise" for o in members), len(members)),
        "university_share": pct(sum(o.type.value == "university" for o in members), len(members)),
        "institute_share": pct(sum(o.type.value == "institute" for o in members), len(members)),
        "mixed_share": pct(sum(len(k) >= 2 for k in kinds), len(consortia)),
        "local_share": pct(len(local), len(members)),
        "on_time": pct(len(on_time), len(due)),
        "attainment": pct(len(met), len(measured)),
        "races": sum(c.funding_mode is FundingMode.horse_race for c in live),
        "race_teams": sum(a.challenge.funding_mode is FundingMode.horse_race for a in funded),
        "eliminated": sum(
            g.outcome.value == "eliminated" and g.gate.decided_at < end for g in rows["gates"]
        ),
        "behind_schedule": len(behind),
        "chokepoints": len(chokepoints),
        "attacked": len(attacked),
        "external_dependence": external.quantize(Decimal("0.1")) if external is not None else None,
        "local_supporting_rate": local_rate.quantize(Decimal("0.1"))
        if local_rate is not None
        else None,
        "local_firms": sum(a.local_firms for a in assessed),
        "resilience": resilience,
    }


def same(shown: str, value) -> bool:
    if value is None:
        return shown == ""
    return Decimal(shown) == Decimal(value)


@pytest.mark.parametrize("quarter, before", [("2026Q2", "2026Q1"), ("2026Q1", "2025Q4")])
def test_every_kpi_on_the_chain_page_is_what_the_rows_say(
    app, client, login, officer, story_chain, quarter, before
):
    """Given a chain whose challenges, consortia, awards, milestones, tranches, gates and
    assessments are known, when an officer opens its page for a quarter, then every KPI of that
    quarter (and of the quarter before, shown beside it) is what the rows give."""
    login(officer.email)
    html = client.get(f"/chains/{story_chain.chain.id}/brain?period={quarter}").get_data(
        as_text=True
    )
    shown = page_values(html)
    link_ids = [link.id for link in story_chain.links.values()]
    with app.app_context():
        rows = load_rows(story_chain.chain.id)
        now, then = expected(rows, quarter, link_ids), expected(rows, before, link_ids)
    assert set(shown) == set(now)
    wrong = {
        key: (shown[key], now[key], then[key])
        for key in now
        if not (same(shown[key][1], now[key]) and same(shown[key][0], then[key]))
    }
    assert wrong == {}
    assert f'data-kpi="resilience" data-value="{now["resilience"]}"' in html


def test_the_story_chain_has_something_to_count_in_every_kpi(app, story_chain):
    """The fixture is only a good test if no KPI is trivially empty in the second quarter."""
    link_ids = [link.id for link in story_chain.links.values()]
    with app.app_context():
        values = expected(load_rows(story_chain.chain.id), "2026Q2", link_ids)
    assert [key for key, value in values.items() if not value] == []
    assert values["attacked"] < values["chokepoints"]  # Modules is a chokepoint not attacked
    assert values["on_time"] not in (0, 100)
