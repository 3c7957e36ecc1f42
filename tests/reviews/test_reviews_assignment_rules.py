"""Whether an expert may be assigned a proposal is decided once (permissions.ASSIGNMENT_RULES):
assigning by hand, the candidate list and automatic assignment all follow the same rules, so a
rule added there holds in all three."""

from __future__ import annotations

import pytest
from sqlmodel import select

from portal.accounts.models import User
from portal.challenges.models import Challenge
from portal.db import db
from portal.errors import ValidationFailed
from portal.proposals.models import Proposal
from portal.reviews import permissions
from portal.reviews.assignment import assign, auto_assign, recuse
from portal.reviews.models import Assignment
from portal.reviews.permissions import AssignmentRule, assignment_problem
from portal.reviews.queries import candidates
from tests.factories import committing


@pytest.fixture
def desk(app, closed_challenge, make_proposal, make_org, make_expert, add_to_panel, officer):
    """A proposal of Alpha Tech in review, a challenge wanting two reviewers, and a panel of
    Ready (free to review) and Other (whom each case makes unfit)."""
    alpha = make_org("Alpha Tech")
    challenge = closed_challenge(reviewers_per_proposal=2)
    proposal = make_proposal(lead=alpha, challenge=challenge, status="in_review")
    ready = make_expert("ready@x.example", name="Ready Expert")
    other = make_expert("other@x.example", name="Other Expert")
    add_to_panel(challenge, ready, other)
    return challenge, proposal, ready, other, alpha


def outcomes(app, client, login, challenge, proposal, other) -> dict:
    """What each of the three ways makes of `other`: the candidate list, assigning by hand, and
    automatic assignment."""
    login("officer@gov.example")
    listed = client.get(f"/reviews/proposals/{proposal.id}/assign").get_data(as_text=True)
    by_hand = client.post(f"/reviews/proposals/{proposal.id}/assign", data={"expert": other.id})
    with app.test_request_context():
        officer = db.session.exec(select(User).where(User.email == "officer@gov.example")).one()
        report = auto_assign(db.session.get(Challenge, challenge.id), by=officer)
        db.session.commit()
        automatic = {(a.proposal_id, a.expert_id) for a in report.made}
    return {
        "listed": f'<option value="{other.id}">' in listed,
        "by hand": (by_hand.status_code, by_hand.get_data(as_text=True)),
        "automatic": (proposal.id, other.id) in automatic,
    }


def test_a_rule_added_once_holds_in_the_candidate_list_by_hand_and_automatically(
    app, client, login, desk, monkeypatch
):
    challenge, proposal, _ready, other, _alpha = desk
    retired = AssignmentRule(
        "Retired experts do not review.", lambda expert, _proposal: expert.expertise != "retired"
    )
    monkeypatch.setattr(permissions, "ASSIGNMENT_RULES", (*permissions.ASSIGNMENT_RULES, retired))
    with committing(app):
        db.session.get(User, other.id).expertise = "retired"

    seen = outcomes(app, client, login, challenge, proposal, other)

    assert seen["listed"] is False
    assert seen["by hand"][0] == 422
    assert "Retired experts do not review." in seen["by hand"][1]
    assert seen["automatic"] is False


def test_without_the_added_rule_the_same_expert_is_listed_and_assigned(app, client, login, desk):
    challenge, proposal, _ready, other, _alpha = desk
    with committing(app):
        db.session.get(User, other.id).expertise = "retired"

    login("officer@gov.example")
    listed = client.get(f"/reviews/proposals/{proposal.id}/assign").get_data(as_text=True)
    assert f'<option value="{other.id}">' in listed
    by_hand = client.post(f"/reviews/proposals/{proposal.id}/assign", data={"expert": other.id})
    assert by_hand.status_code == 302


def _inactive(app, ctx) -> None:
    db.session.get(User, ctx["other"].id).active = False


def _off_panel(app, ctx) -> None:
    from portal.reviews.models import PanelMember

    seat = db.session.exec(
        select(PanelMember).where(PanelMember.expert_id == ctx["other"].id)
    ).one()
    db.session.delete(seat)


def _works_at_the_lead(app, ctx) -> None:
    db.session.get(User, ctx["other"].id).affiliation_org_id = ctx["alpha"].id


def _recused_before(app, ctx) -> None:
    """Other was assigned the proposal, and stepped aside."""
    with app.test_request_context():
        officer = db.session.exec(select(User).where(User.email == "officer@gov.example")).one()
        expert = db.session.get(User, ctx["other"].id)
        made = assign(db.session.get(Proposal, ctx["proposal"].id), expert, by=officer)
        recuse(made, reason="I know the team.", by=expert)
        db.session.commit()


RULES = {
    "Choose an active expert account.": _inactive,
    "Add the expert to the panel first.": _off_panel,
    "This expert has a conflict of interest with the proposal.": _works_at_the_lead,
    "This expert has already been assigned this proposal.": _recused_before,
}


@pytest.mark.parametrize("problem", list(RULES))
def test_each_rule_refuses_in_all_three_ways_with_its_own_reason(app, client, login, desk, problem):
    challenge, proposal, _ready, other, alpha = desk
    with committing(app):
        RULES[problem](app, {"other": other, "proposal": proposal, "alpha": alpha})

    with app.test_request_context():
        live = db.session.get(Proposal, proposal.id)
        assert assignment_problem(db.session.get(User, other.id), live) == problem
        assert other.id not in {e.id for e in candidates(live)}
    seen = outcomes(app, client, login, challenge, proposal, other)

    assert seen["listed"] is False
    assert seen["by hand"][0] == 422 and problem in seen["by hand"][1]
    assert seen["automatic"] is False


def test_a_free_expert_has_no_problem_and_is_assigned_once(ctx, desk, officer):
    _challenge, proposal, ready, _other, _alpha = desk
    assert assignment_problem(ready, proposal) is None
    assign(proposal, ready, by=officer)
    with pytest.raises(ValidationFailed) as refused:
        assign(proposal, ready, by=officer)
    assert refused.value.problems == {
        "expert": "This expert has already been assigned this proposal."
    }
    assert len(ctx.exec(select(Assignment)).all()) == 1
