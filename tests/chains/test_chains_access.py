"""Who sees what of the chain's digital brain: officers everything, evaluators the figures and
never a proposal or a review, the public a summary without unfunded proposals."""

from __future__ import annotations

import pytest
from sqlmodel import select

from portal.db import db
from portal.proposals.models import Proposal
from portal.vocabulary import ProposalStatus


def rules_of(app, *blueprints: str):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.split(".")[0] in blueprints]


def url_of(rule, story) -> str:
    """The rule's URL for real objects of the story chain (whatever the rule names)."""
    p1 = story.proposals["p1"]
    member = next(m for m in p1.members if m.role.value == "member")
    values = {
        "proposal_id": p1.id,
        "challenge_id": story.challenges["c1"].id,
        "member_id": member.id,
        "section": "general",
        "fmt": "csv",
    }
    for name in rule.arguments:
        if name == "number":
            converter = type(rule._converters[name]).__name__
            values[name] = (
                1 if "Int" in converter or "Id" in converter else (story.challenges["c3"].number)
            )
        values.setdefault(name, 1)
    return rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]


def test_the_evaluator_reads_the_kpis_map_and_project_figures(
    client, login, evaluator, story_chain
):
    login(evaluator.email)
    brain = client.get(f"/chains/{story_chain.chain.id}/brain?period=2026Q2")
    html = brain.get_data(as_text=True)
    assert brain.status_code == 200
    assert 'data-kpi="awarded"' in html and 'data-kpi="resilience"' in html
    assert "Import a quarter" not in html  # nothing to record
    wafers = story_chain.links["Wafers"]
    page = client.get(f"/chains/links/{wafers.id}?period=2026Q2").get_data(as_text=True)
    assert story_chain.proposals["p1"].title in page  # a funded project, with its figures
    assert "800.00 万元" in page
    assert "SECRET APPROACH TEXT" not in page
    for name in ("trend", "funding", "composition", "on_time"):
        chart = client.get(f"/chains/{story_chain.chain.id}/brain/{name}.svg")
        assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert client.get(f"/chains/{story_chain.chain.id}/brain/report.xlsx").status_code == 200


def test_the_evaluator_gets_404_on_every_proposal_and_review_url(
    app, client, login, evaluator, officer, story_chain
):
    """Walked from the URL map: every address of the proposals and reviews modules, with the ids
    of real objects, GET and POST alike, answers the evaluator 404."""
    rules = rules_of(app, "proposals", "reviews")
    assert len(rules) > 30
    login(officer.email)  # the ids are real: an officer reads the proposal
    assert client.get(f"/proposals/{story_chain.proposals['p1'].id}").status_code == 200
    login(evaluator.email)
    answers = {}
    for rule in rules:
        url = url_of(rule, story_chain)
        for method in sorted(rule.methods & {"GET", "POST"}):
            answers[(method, url)] = client.open(url, method=method).status_code
    assert {key: code for key, code in answers.items() if code != 404} == {}


def test_the_evaluator_records_nothing(client, login, evaluator, story_chain):
    login(evaluator.email)
    chain_id, link_id = story_chain.chain.id, story_chain.links["Wafers"].id
    for url in (
        f"/chains/links/{link_id}/assessments/new",
        f"/chains/{chain_id}/relations",
        f"/chains/{chain_id}/import",
        f"/chains/{chain_id}/import/template.xlsx",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/chains/{chain_id}/relations", data={}).status_code == 404


@pytest.mark.parametrize("role", ["applicant", "expert"])
def test_applicants_and_experts_are_refused_the_brain(client, login, make_user, story_chain, role):
    make_user(f"someone@{role}.example", role=role)
    login(f"someone@{role}.example")
    assert client.get(f"/chains/{story_chain.chain.id}/brain").status_code == 403
    assert client.get(f"/chains/links/{story_chain.links['Wafers'].id}").status_code == 403


def test_the_public_is_sent_to_log_in_for_the_brain(client, story_chain):
    response = client.get(f"/chains/{story_chain.chain.id}/brain")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_public_summary_shows_no_unfunded_proposal(app, client, story_chain):
    """Given proposals not funded, drafts, withdrawn and still under review on the chain, the
    public summary shows the map, the published challenges and the funding, and nothing about
    those proposals."""
    response = client.get(f"/chains/{story_chain.chain.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    with app.app_context():
        unfunded = db.session.exec(
            select(Proposal.title).where(Proposal.status != ProposalStatus.awarded)
        ).all()
    assert len(unfunded) == 5
    assert [title for title in unfunded if title in html] == []
    assert "Beijing Parts" not in html  # it only leads unfunded proposals
    assert "Proposals per challenge" not in html and "SECRET APPROACH TEXT" not in html
    assert 'data-figure="awarded" data-value="27000000.00"' in html  # 800 + 900 + 700 + 300 万元
    assert 'data-figure="disbursed" data-value="7500000.00"' in html
    assert "Challenge on Modules" in html  # the cancelled one was published
    assert html.count("Challenge on Modules") == 1  # the draft is not
    wafers = story_chain.links["Wafers"].id
    assert f'href="/challenges?link={wafers}"' in html  # the map leads to the catalogue
    funding = client.get(f"/chains/{story_chain.chain.id}/funding.svg")
    assert funding.status_code == 200 and "<script" not in funding.get_data(as_text=True)
