"""The funding decision: made on the ranking, every departure reasoned and approved by a second
person, reopened when it went wrong, and objections decided by someone other than the decider."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from portal import clock
from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.awards import decision as decisions
from portal.awards import objections, services
from portal.awards.models import Award, Decision, Objection
from portal.challenges.models import Challenge
from portal.db import db
from portal.errors import DomainError, ValidationFailed
from portal.notifications.models import Notification
from portal.proposals.models import Proposal
from portal.vocabulary import (
    AwardStatus,
    ChallengeStatus,
    DecisionStatus,
    ObjectionStatus,
    ProposalStatus,
)
from tests.awards.helpers import confirm_as_proposed, within
from tests.pagecheck import page_problems
from tests.together import PEOPLE, together


def choice_data(rows, **extra) -> dict[str, str]:
    """The decision form as the page sends it: one row per (proposal, outcome[, position])."""
    data: dict[str, str] = {}
    for i, row in enumerate(rows):
        proposal, outcome, *position = row
        data[f"choices-{i}-proposal_id"] = str(proposal.id)
        data[f"choices-{i}-outcome"] = outcome
        data[f"choices-{i}-position"] = str(position[0]) if position else ""
    return data | extra


def reasons(*pairs) -> dict[str, str]:
    """reasons-<i>-key / reasons-<i>-reason for (key, reason) pairs, in the page's order."""
    data = {}
    for i, (key, reason) in enumerate(pairs):
        data[f"reasons-{i}-key"] = key
        data[f"reasons-{i}-reason"] = reason
    return data


def titles_for(app, user) -> list[str]:
    with within(app):
        return list(
            db.session.exec(select(Notification.title).where(Notification.user_id == user.id))
        )


def decisions_of(app, challenge) -> list[Decision]:
    with within(app):
        return list(
            db.session.exec(
                select(Decision).where(Decision.challenge_id == challenge.id).order_by(Decision.id)
            )
        )


def status_of(app, proposal) -> ProposalStatus:
    with within(app):
        return db.session.get(Proposal, proposal.id).status


def as_user(user_id: int) -> User:
    return db.session.get(User, user_id)


GAMMA_WINS = ("below_pass_mark", "passes_over")


def gamma_wins(p, *why) -> dict[str, str]:
    """The officer's choice of the issue: Gamma (53.58) over Alpha (78.62) and Beta (67.67)."""
    data = choice_data(
        [(p["Alpha"], "not_funded"), (p["Beta"], "reserve"), (p["Gamma"], "winner")],
        note="The panel's favourite was judged too risky.",
    )
    keys = [f"{kind}-{p['Gamma'].id}" for kind in GAMMA_WINS]
    return data | reasons(*zip(keys, why or ("", ""), strict=True))


# ---- a departure waits for a second person ----------------------------------------------------


def test_a_departure_waits_for_a_second_person(
    app, client, login, officer, second_officer, ranked_challenge
):
    challenge, p, applicants = ranked_challenge()
    url = f"/officer/challenges/{challenge.id}/decision"
    login("officer@example.gov.cn")

    page = client.get(url).get_data(as_text=True)
    assert page_problems(page) == []
    assert "78.62" in page and "53.58" in page and "Below the pass mark" in page

    confirm = client.post(url, data=gamma_wins(p) | {"review": "1"})
    text = confirm.get_data(as_text=True)
    assert page_problems(text) == []
    assert confirm.status_code == 200 and "Nothing is recorded yet" in text
    assert "A winner below the pass mark" in text
    assert "A winner ranked below a passing proposal that is not funded" in text
    assert "Money committed" in text and "20,000,000.00" in text and "30,000,000.00" in text
    assert decisions_of(app, challenge) == []

    missing = client.post(
        url, data=gamma_wins(p, "   ", "Alpha's line is not feasible.") | {"record": "1"}
    )
    text = missing.get_data(as_text=True)
    assert missing.status_code == 422
    assert "Give the reason for this departure." in text
    assert "Alpha&#39;s line is not feasible." in text or "Alpha's line is not feasible." in text
    assert "too risky" in text  # the note typed is kept
    assert decisions_of(app, challenge) == []

    recorded = client.post(
        url,
        data=gamma_wins(p, "Gamma alone has a pilot line.", "Alpha's line is not feasible.")
        | {"record": "1"},
    )
    assert recorded.status_code == 302
    [made] = decisions_of(app, challenge)
    assert made.status is DecisionStatus.proposed and made.needs_approval
    assert status_of(app, p["Gamma"]) is ProposalStatus.in_review
    assert all(titles_for(app, a) == [] for a in applicants.values())  # nothing heard yet

    own = client.get(url).get_data(as_text=True)
    assert "Awaiting approval" in own and "Gamma alone has a pilot line." in own
    assert "Approve: the decision takes effect" not in own  # not offered to the proposer
    refused = client.post(f"/officer/decisions/{made.id}/approval", data={"approve": "1"})
    assert refused.status_code == 422
    assert "another staff member must approve it" in refused.get_data(as_text=True)
    assert decisions_of(app, challenge)[0].status is DecisionStatus.proposed

    login("officer2@example.gov.cn")
    assert "Approve: the decision takes effect" in client.get(url).get_data(as_text=True)
    approved = client.post(f"/officer/decisions/{made.id}/approval", data={"approve": "1"})
    assert approved.status_code == 302
    again = client.post(f"/officer/decisions/{made.id}/approval", data={"approve": "1"})
    assert again.status_code == 422
    assert "no longer awaits approval" in again.get_data(as_text=True)

    [made] = decisions_of(app, challenge)
    assert made.status is DecisionStatus.effective
    assert made.approved_by_id == second_officer.id and made.proposed_by_id == officer.id
    assert status_of(app, p["Gamma"]) is ProposalStatus.awarded
    assert status_of(app, p["Beta"]) is ProposalStatus.reserve
    assert status_of(app, p["Alpha"]) is ProposalStatus.not_funded
    assert any("has been selected" in t for t in titles_for(app, applicants["Gamma"]))
    assert any("not selected" in t for t in titles_for(app, applicants["Alpha"]))
    with within(app):
        events = {
            e.action: e
            for e in db.session.exec(
                select(AuditEvent)
                .where(AuditEvent.object_type == "decision")
                .order_by(AuditEvent.id)
            )
        }
        proposed, approval = events["decision.proposed"], events["decision.approved"]
        assert proposed.actor_id == officer.id and approval.actor_id == second_officer.id
        assert [d["reason"] for d in proposed.after["departures"]] == [
            "Gamma alone has a pilot line.",
            "Alpha's line is not feasible.",
        ]
        assert [r["rank"] for r in proposed.after["ranking"]] == [1, 2, 3]
        assert approval.after["proposed_by_id"] == officer.id
    page = client.get(url).get_data(as_text=True)
    assert page_problems(page) == []
    assert (
        "Officer Wang" in page and "Officer Li" in page and "Gamma alone has a pilot line." in page
    )


def as_ranked(challenge, p, officer) -> Decision:
    """Alpha wins, Beta is the reserve: the ranking followed (committed)."""
    made = decisions.decide(
        db.session.get(Challenge, challenge.id),
        winners=[p["Alpha"]],
        reserve=[p["Beta"]],
        note="As ranked.",
        by=officer,
    )
    db.session.commit()
    return made


def test_a_decision_following_the_ranking_takes_effect_at_once_and_waits_under_always(
    app, ctx, officer, second_officer, ranked_challenge
):
    challenge, p, applicants = ranked_challenge()
    made = as_ranked(challenge, p, officer)
    assert made.status is DecisionStatus.effective and made.departures == []
    assert db.session.get(Challenge, challenge.id).status is ChallengeStatus.decided
    assert any("has been selected" in t for t in titles_for(app, applicants["Alpha"]))

    other, q, others = ranked_challenge()
    app.config["DECISION_APPROVAL"] = "always"
    try:
        waiting = as_ranked(other, q, officer)
    finally:
        app.config["DECISION_APPROVAL"] = "departures"
    assert waiting.status is DecisionStatus.proposed
    assert titles_for(app, others["Alpha"]) == []
    decisions.approve(waiting, by=second_officer)
    db.session.commit()
    assert waiting.status is DecisionStatus.effective


def test_under_never_a_departure_still_needs_its_reason_but_takes_effect(
    app, ctx, officer, ranked_challenge
):
    challenge, p, _applicants = ranked_challenge()
    app.config["DECISION_APPROVAL"] = "never"
    try:
        with pytest.raises(ValidationFailed) as refused:
            decisions.decide(challenge, winners=[p["Gamma"]], note="Gamma.", by=officer)
        assert refused.value.problems == {
            "reasons-0-reason": "Give the reason for this departure.",
            "reasons-1-reason": "Give the reason for this departure.",
        }
        db.session.rollback()
        why = {f"{kind}-{p['Gamma'].id}": "Strategic." for kind in GAMMA_WINS}
        made = decisions.decide(
            db.session.get(Challenge, challenge.id),
            winners=[p["Gamma"]],
            note="Gamma.",
            by=officer,
            reasons=why,
        )
        assert made.status is DecisionStatus.effective
    finally:
        app.config["DECISION_APPROVAL"] = "departures"


# ---- reopening, objections and separation of duties --------------------------------------------


def _decided_for_gamma(app, officer, second_officer, challenge, p) -> int:
    """The departure of the issue, proposed by the officer and approved by the second."""
    with within(app):
        why = {f"{kind}-{p['Gamma'].id}": "Judged better." for kind in GAMMA_WINS}
        made = decisions.decide(
            db.session.get(Challenge, challenge.id),
            winners=[db.session.get(Proposal, p["Gamma"].id)],
            reserve=[db.session.get(Proposal, p["Beta"].id)],
            note="Gamma.",
            by=as_user(officer.id),
            reasons=why,
        )
        decisions.approve(made, by=as_user(second_officer.id))
        db.session.commit()
        return made.id


def test_an_upheld_objection_restores_a_wrongly_unfunded_proposal(
    app, client, login, officer, second_officer, ranked_challenge, make_user
):
    challenge, p, applicants = ranked_challenge()
    _decided_for_gamma(app, officer, second_officer, challenge, p)
    objector = make_user("watchdog@public.example", name="Watchdog")
    with within(app):
        award = db.session.exec(select(Award)).one()
        objection = services.lodge_objection(
            award, by=as_user(objector.id), reason="Alpha ranked first by far."
        )
        db.session.commit()
        objection_id = objection.id
    assert "Gamma plan" in client.get("/publicity").get_data(as_text=True)

    # The officer who proposed the decision does not rule on the objection to it.
    login("officer@example.gov.cn")
    page = client.get(f"/officer/objections/{objection_id}").get_data(as_text=True)
    assert "another staff member decides this objection" in page
    assert "Uphold: revoke the award" not in page
    refused = client.post(
        f"/officer/objections/{objection_id}",
        data={"decision": "upheld", "reason": "Mine.", "reopen": "y"},
    )
    assert refused.status_code == 422
    with within(app):
        assert db.session.get(Objection, objection_id).status is ObjectionStatus.open

    login("officer2@example.gov.cn")
    upheld = client.post(
        f"/officer/objections/{objection_id}",
        data={"decision": "upheld", "reason": "The ranking was ignored.", "reopen": "y"},
    )
    assert upheld.status_code == 302
    [first] = decisions_of(app, challenge)
    assert first.status is DecisionStatus.reopened
    assert first.reopen_reason == "The ranking was ignored."
    with within(app):
        assert db.session.get(Challenge, challenge.id).status is ChallengeStatus.reviewing
        assert db.session.exec(select(Award)).one().status is AwardStatus.revoked
    assert {status_of(app, x) for x in p.values()} == {ProposalStatus.in_review}
    assert any("has been reopened" in t for t in titles_for(app, applicants["Alpha"]))
    assert "Gamma plan" not in client.get("/publicity").get_data(as_text=True)
    page = client.get(f"/officer/challenges/{challenge.id}/decision").get_data(as_text=True)
    assert "Earlier decisions" in page and "The ranking was ignored." in page
    assert page_problems(page) == []

    # Decided again, on the ranking: Alpha takes effect at once and goes to publicity.
    url = f"/officer/challenges/{challenge.id}/decision"
    rows = [(p["Alpha"], "winner"), (p["Beta"], "reserve"), (p["Gamma"], "not_funded")]
    again = client.post(url, data=choice_data(rows, note="As ranked.") | {"record": "1"})
    assert again.status_code == 302
    assert decisions_of(app, challenge)[-1].status is DecisionStatus.effective
    assert status_of(app, p["Alpha"]) is ProposalStatus.awarded
    publicity = client.get("/publicity").get_data(as_text=True)
    assert "Alpha plan" in publicity and "Gamma plan" not in publicity


def test_the_decider_cannot_rule_on_objections_to_their_own_decision(
    app, ctx, officer, second_officer, ranked_challenge, make_user
):
    challenge, p, _applicants = ranked_challenge()
    made = decisions.decide(challenge, winners=[p["Alpha"]], note="As ranked.", by=officer)
    db.session.commit()
    assert made.status is DecisionStatus.effective
    award = db.session.exec(select(Award)).one()
    objection = services.lodge_objection(
        award, by=make_user("someone@public.example"), reason="Doubts."
    )
    db.session.commit()
    with pytest.raises(DomainError, match="another staff member decides"):
        objections.resolve(objection, by=officer, upheld=False, reason="Fine.")
    db.session.rollback()
    objections.resolve(
        db.session.get(Objection, objection.id), by=second_officer, upheld=False, reason="Fine."
    )
    db.session.commit()
    assert db.session.get(Objection, objection.id).status is ObjectionStatus.dismissed


def test_a_decision_cannot_be_reopened_once_an_award_is_confirmed(
    app, client, login, officer, ranked_challenge
):
    challenge, p, _applicants = ranked_challenge()
    with within(app):
        made = decisions.decide(
            db.session.get(Challenge, challenge.id), winners=[p["Alpha"]], note="Ok.", by=officer
        )
        db.session.commit()
        made_id = made.id
    login("officer@example.gov.cn")
    url = f"/officer/decisions/{made_id}/reopen"
    blank = client.post(url, data={"reason": "   "})
    assert blank.status_code == 422 and "Say why the decision is reopened." in blank.get_data(
        as_text=True
    )
    with within(app):
        award = db.session.exec(select(Award)).one()
        clock.set_now(award.publicity_ends_at)
        confirm_as_proposed(award.id, officer.id)
        db.session.commit()
    login("officer@example.gov.cn")  # a week later
    page = client.get(f"/officer/challenges/{challenge.id}/decision").get_data(as_text=True)
    assert "Reopen the decision" not in page
    late = client.post(url, data={"reason": "Second thoughts."})
    assert late.status_code == 422
    assert "can no longer be reopened" in late.get_data(as_text=True)
    assert decisions_of(app, challenge)[0].status is DecisionStatus.effective


# ---- what the decision page refuses --------------------------------------------------------------


def test_the_page_refuses_too_many_winners_the_cap_and_keeps_the_choices(
    app, client, login, officer, ranked_challenge
):
    challenge, p, _applicants = ranked_challenge(funding_mode="horse_race", horse_race_teams=2)
    url = f"/officer/challenges/{challenge.id}/decision"
    login("officer@example.gov.cn")
    three = [(p["Alpha"], "winner"), (p["Beta"], "winner"), (p["Gamma"], "winner")]
    too_many = client.post(url, data=choice_data(three) | {"review": "1"})
    assert too_many.status_code == 422
    assert "Choose at most 2 winners" in too_many.get_data(as_text=True)
    two = [(p["Alpha"], "winner"), (p["Beta"], "winner"), (p["Gamma"], "reserve")]
    capped = client.post(url, data=choice_data(two) | {"review": "1"})
    text = capped.get_data(as_text=True)
    assert capped.status_code == 422
    assert "above the cap" in text
    assert 'value="reserve" selected' in text or 'selected value="reserve"' in text
    assert decisions_of(app, challenge) == []


def test_a_proposal_is_not_both_winner_and_reserve(ctx, officer, ranked_challenge):
    challenge, p, _applicants = ranked_challenge()
    with pytest.raises(ValidationFailed) as refused:
        decisions.propose(
            challenge,
            winners=[p["Alpha"].id],
            reserve=[p["Alpha"].id],
            reasons={},
            note="Both?",
            by=officer,
        )
    assert refused.value.problems == {"choices": "A winner cannot also be on the reserve list."}


def test_a_reserve_order_against_the_ranking_is_a_departure(ctx, officer, ranked_challenge):
    challenge, p, _applicants = ranked_challenge(extra={"Delta": [65.0] * 3})
    plan = decisions.plan_decision(
        challenge, winners=[p["Alpha"].id], reserve=[p["Delta"].id, p["Beta"].id]
    )
    assert [d.key for d in plan.departures] == ["reserve_order-0"]
    assert plan.needs_approval
    in_order = decisions.plan_decision(
        challenge, winners=[p["Alpha"].id], reserve=[p["Beta"].id, p["Delta"].id]
    )
    assert in_order.departures == [] and not in_order.needs_approval


def test_too_few_reviews_is_flagged_on_the_ranking_and_the_decision_page(
    app, client, login, officer, ranked_challenge
):
    challenge, p, _applicants = ranked_challenge(extra={"Delta": [90.0, 88.0]})
    login("officer@example.gov.cn")
    for url in (
        f"/reviews/challenges/{challenge.id}/ranking",
        f"/officer/challenges/{challenge.id}/decision",
    ):
        page = client.get(url).get_data(as_text=True)
        assert "Too few reviews: 2 of 3" in page, url
    with within(app):
        plan = decisions.plan_decision(challenge, winners=[p["Delta"].id], reserve=[])
        assert [d.kind.value for d in plan.departures] == ["too_few_reviews"]


def test_returning_a_decision_needs_a_reason_and_lets_a_new_one_be_proposed(
    app, ctx, officer, second_officer, ranked_challenge
):
    challenge, p, _applicants = ranked_challenge()
    why = {f"{kind}-{p['Gamma'].id}": "Judged better." for kind in GAMMA_WINS}
    made = decisions.decide(challenge, winners=[p["Gamma"]], note="G.", by=officer, reasons=why)
    db.session.commit()
    with pytest.raises(DomainError, match="another staff member must return it"):
        decisions.return_decision(made, by=officer, reason="Mine.")
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        decisions.return_decision(made, by=second_officer, reason="  ")
    db.session.rollback()
    decisions.return_decision(made, by=second_officer, reason="Follow the ranking.")
    db.session.commit()
    assert made.status is DecisionStatus.returned
    assert any("was returned" in t for t in titles_for(app, officer))
    again = decisions.decide(
        db.session.get(Challenge, challenge.id), winners=[p["Alpha"]], note="Ok.", by=officer
    )
    assert (again.round, again.status) == (2, DecisionStatus.effective)


def test_twenty_approvals_at_once_take_effect_once(
    app, officer, make_user, ranked_challenge, start_clock
):
    challenge, p, applicants = ranked_challenge()
    approvers = [make_user(f"approver{i}@example.gov.cn", role="officer") for i in range(PEOPLE)]
    with app.app_context():
        why = {f"{kind}-{p['Gamma'].id}": "Judged better." for kind in GAMMA_WINS}
        made = decisions.decide(
            db.session.get(Challenge, challenge.id),
            winners=[db.session.get(Proposal, p["Gamma"].id)],
            note="G.",
            by=as_user(officer.id),
            reasons=why,
        )
        db.session.commit()
        made_id = made.id

    def prepare(i):
        return approvers[i].id

    def act(i, approver_id):
        with app.test_request_context(method="POST"):
            try:
                decisions.approve(db.session.get(Decision, made_id), by=as_user(approver_id))
                db.session.commit()
                return "approved"
            except DomainError as refused:
                db.session.rollback()
                return str(refused)

    outcomes = together(PEOPLE, prepare, act)
    assert outcomes.count("approved") == 1
    assert all("no longer awaits approval" in o for o in outcomes if o != "approved")
    with app.app_context():
        assert db.session.exec(select(func.count()).select_from(Award)).one() == 1
        gamma_lead = applicants["Gamma"]
        assert (
            db.session.exec(
                select(func.count())
                .select_from(Notification)
                .where(
                    Notification.user_id == gamma_lead.id, Notification.kind == "proposal_decided"
                )
            ).one()
            == 1
        )
