"""Conflicts of interest (回避): detected, declared and requested; a conflicted expert is never
assigned and is in no candidate list, and what puts an open assignment in conflict recuses it."""

from sqlmodel import select

from portal.accounts.models import User
from portal.challenges.models import Challenge
from portal.db import db
from portal.errors import ValidationFailed
from portal.proposals.models import Proposal
from portal.reviews.assignment import (
    assign,
    auto_assign,
    decide_avoidance,
    declare_conflict,
    request_avoidance,
)
from portal.reviews.models import Assignment, AvoidanceRequest
from portal.reviews.permissions import visible_proposals
from portal.reviews.queries import detected_conflicts
from portal.vocabulary import AssignmentStatus


def _get(model, obj):
    return db.session.get(model, obj.id)


def conflicted(experts, proposals) -> dict:
    return detected_conflicts([e.id for e in experts], [p.id for p in proposals])


def test_an_expert_from_a_member_organisation_is_never_assigned_and_gets_404(
    app,
    client,
    login,
    closed_challenge,
    make_proposal,
    make_org,
    make_expert,
    officer,
    add_to_panel,
):
    beta = make_org("Beta University", type="university")
    challenge = closed_challenge(reviewers_per_proposal=2)
    proposal = make_proposal(
        lead="Alpha Tech", members=(beta,), challenge=challenge, status="in_review"
    )
    insider = make_expert("insider@beta.example", affiliation_org=beta, name="Insider Qian")
    others = [make_expert(f"outside{i}@x.example") for i in range(2)]
    add_to_panel(challenge, insider, *others)

    login("officer@gov.example")
    page = client.get(f"/reviews/proposals/{proposal.id}/assign").get_data(as_text=True)
    assert "Insider Qian" not in page  # not a candidate
    assert "Outside0" in page and "Outside1" in page
    refused = client.post(f"/reviews/proposals/{proposal.id}/assign", data={"expert": insider.id})
    assert refused.status_code == 422
    assert "This expert has a conflict of interest with the proposal." in refused.get_data(
        as_text=True
    )

    with app.test_request_context():
        report = auto_assign(_get(Challenge, challenge), by=_get(User, officer))
        db.session.commit()
        assert report.shortfalls == []
        try:
            assign(_get(Proposal, proposal), _get(User, insider), by=_get(User, officer))
        except ValidationFailed as exc:
            assert "conflict of interest" in exc.problems["expert"]
        else:
            raise AssertionError("a conflicted expert was assigned")
        db.session.rollback()
        assigned = set(
            db.session.exec(
                select(Assignment.expert_id).where(Assignment.proposal_id == proposal.id)
            )
        )
    assert assigned == {others[0].id, others[1].id}

    login("outside0@x.example")
    assert client.get(f"/reviews/proposals/{proposal.id}").status_code == 200


def test_the_team_leader_and_the_lead_organisation_are_detected(
    ctx, closed_challenge, make_proposal, make_org, make_expert, make_user
):
    alpha = make_org("Alpha Tech")
    challenge = closed_challenge()
    proposal = make_proposal(lead=alpha, challenge=challenge, status="in_review")
    from_lead = make_expert("staff@alpha.example", affiliation_org=alpha)
    by_email = make_expert("leader@example.com")  # the proposal's leader e-mail
    by_name = make_expert("li@elsewhere.example", name="li lei")  # the leader's name, any case
    by_affiliation = make_user(
        "free@text.example", role="expert", affiliation=" alpha TECH "
    )  # no organisation linked, only the name typed at registration
    stranger = make_expert("stranger@x.example")

    found = conflicted([from_lead, by_email, by_name, by_affiliation, stranger], [proposal])

    assert set(found) == {
        (from_lead.id, proposal.id),
        (by_email.id, proposal.id),
        (by_name.id, proposal.id),
        (by_affiliation.id, proposal.id),
    }
    assert found[(by_email.id, proposal.id)] == ["The expert is the proposal's team leader."]
    assert found[(from_lead.id, proposal.id)] == ["The expert's organisation is in the consortium."]


def test_a_declared_conflict_recuses_the_assignment_and_hides_the_proposal(
    ctx, closed_challenge, make_proposal, make_expert, officer, add_to_panel
):
    challenge = closed_challenge()
    proposal = make_proposal(challenge=challenge, status="in_review")
    expert = make_expert("e@x.example")
    add_to_panel(challenge, expert)
    assignment = assign(proposal, expert, by=officer)
    assert db.session.exec(visible_proposals(expert)).all() == [proposal]

    declare_conflict(expert, reason="I advised the lead firm.", proposal=proposal)

    assert assignment.status is AssignmentStatus.recused
    assert assignment.recusal_reason == "Conflict declared: I advised the lead firm."
    assert db.session.exec(visible_proposals(expert)).all() == []


def test_an_accepted_avoidance_request_keeps_the_organisation_away(
    ctx, closed_challenge, make_proposal, make_org, make_expert, make_user, officer, add_to_panel
):
    rival = make_org("Rival Institute", type="institute")
    challenge = closed_challenge()
    proposal = make_proposal(lead="Alpha Tech", challenge=challenge, status="in_review")
    applicant = make_user(
        "alice@alpha.example", org=db.session.get(type(rival), proposal.lead_org_id)
    )
    expert = make_expert("e@rival.example", affiliation_org=rival)
    add_to_panel(challenge, expert)
    assignment = assign(proposal, expert, by=officer)

    request = request_avoidance(
        proposal, reason="A direct competitor.", by=applicant, credit_code=rival.credit_code
    )
    assert not conflicted([expert], [proposal])  # pending: no effect yet
    decide_avoidance(request, accept=True, by=officer)
    assert conflicted([expert], [proposal])
    assert assignment.status is AssignmentStatus.recused
    refused = request_avoidance(
        proposal, reason="Too strict.", by=applicant, expert_email="someone@x.example"
    )
    decide_avoidance(refused, accept=False, by=officer)
    assert db.session.get(AvoidanceRequest, refused.id).status.value == "refused"


def test_an_affiliation_typed_as_a_short_or_english_name_is_a_conflict(
    app, client, login, closed_challenge, make_proposal, make_org, make_user, officer, add_to_panel
):
    shenxin = make_org(
        "深芯微电子有限公司", short_name="深芯微电子", english_name="Shenxin Microelectronics"
    )
    challenge = closed_challenge()
    proposal = make_proposal(lead="Alpha Tech", members=(shenxin,), challenge=challenge)
    typed = {  # e-mail: (name, affiliation as typed at registration)
        "zhao@x.example": ("Zhao Yi", "深芯微电子"),
        "qian@x.example": ("Qian Er", "  shenxin   MICROELECTRONICS "),
        "sun@x.example": ("Sun San", "Shenxin Microelectronics Co., Ltd."),
        "li@x.example": ("Li Si", "深芯微电子（深圳）有限公司"),
        "zhou@x.example": ("Zhou Wu", "ＳＨＥＮＸＩＮ Microelectronics"),  # full width
    }
    experts = [
        make_user(email, role="expert", name=name, affiliation=affiliation)
        for email, (name, affiliation) in typed.items()
    ]
    neighbour = make_user(
        "neighbour@x.example", role="expert", name="Neighbour", affiliation="深芯光电有限公司"
    )
    add_to_panel(challenge, *experts, neighbour)

    with app.test_request_context():
        found = conflicted([*experts, neighbour], [proposal])
    assert set(found) == {(e.id, proposal.id) for e in experts}

    login("officer@gov.example")
    candidates = client.get(f"/reviews/proposals/{proposal.id}/assign").get_data(as_text=True)
    assert "Neighbour" in candidates
    assert not any(e.name in candidates for e in experts)
    refused = client.post(
        f"/reviews/proposals/{proposal.id}/assign", data={"expert": experts[1].id}
    )
    assert refused.status_code == 422


def test_an_affiliation_without_the_legal_form_is_a_conflict(
    ctx, closed_challenge, make_proposal, make_org, make_user
):
    shenxin = make_org("深圳市深芯微电子有限公司")  # no short or English name given
    beta = make_org("Beta Microsystems Co., Ltd.")
    ab = make_org("Ab Co., Ltd.")  # a core too short to stand alone: only whole names match
    proposal = make_proposal(lead=shenxin, members=(beta, ab), challenge=closed_challenge())
    by_core = make_user("a@x.example", role="expert", affiliation="深芯微电子")
    by_company = make_user("b@x.example", role="expert", affiliation="深芯微电子公司")
    by_latin = make_user("c@x.example", role="expert", affiliation="beta microsystems")
    by_region_only = make_user("d@x.example", role="expert", affiliation="深圳市")
    by_region_and_name = make_user("e@x.example", role="expert", affiliation="上海市Ab Co., Ltd.")
    by_short_core = make_user("f@x.example", role="expert", affiliation="Ab")

    found = conflicted(
        [by_core, by_company, by_latin, by_region_only, by_region_and_name, by_short_core],
        [proposal],
    )

    assert set(found) == {
        (e.id, proposal.id) for e in (by_core, by_company, by_latin, by_region_and_name)
    }


def test_an_organisation_renamed_or_an_affiliation_retyped_is_matched_by_its_new_name(
    ctx, closed_challenge, make_proposal, make_org, make_user
):
    firm = make_org("Old Name Ltd")
    proposal = make_proposal(lead=firm, challenge=closed_challenge())
    expert = make_user("e@x.example", role="expert", affiliation="New Name")
    assert not conflicted([expert], [proposal])

    firm.short_name = "New Name"  # as staff correct it (the keys follow any write of the names)
    ctx.commit()
    assert conflicted([expert], [proposal])

    expert.affiliation = "Elsewhere"
    ctx.commit()
    assert not conflicted([expert], [proposal])
