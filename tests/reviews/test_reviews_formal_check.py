"""The formal check with the challenge's checklist, and the applicant's one appeal, which the
staff member who rejected cannot decide."""

import re
from datetime import timedelta

import pytest
from sqlmodel import func, select

from portal import clock
from portal.challenges.models import DEFAULT_CHECKLIST
from portal.db import db
from portal.errors import DomainError, NotAllowed
from portal.proposals.models import Proposal
from portal.reviews import formal
from portal.reviews.models import Appeal, FormalCheck
from portal.vocabulary import AppealStatus, CheckOutcome, ProposalStatus

ALL = {"items": DEFAULT_CHECKLIST}


def count(app, model) -> int:
    with app.app_context():
        return db.session.exec(select(func.count()).select_from(model)).one()


def ticked(html: str) -> set[str]:
    """The checklist items the page offers ticked."""
    return set(
        re.findall(
            r'<input checked id="items-\d+" name="items" type="checkbox" value="([^"]+)"', html
        )
    )


def status_of(app, proposal) -> ProposalStatus:
    with app.app_context():
        return db.session.get(Proposal, proposal.id).status


@pytest.fixture
def submitted(closed_challenge, make_proposal, make_user, make_org, officer):
    challenge = closed_challenge(formal_checklist=[*DEFAULT_CHECKLIST, "Letter of support"])
    alpha = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=alpha)
    make_user("member@alpha.example", org=alpha, org_role="member")
    return make_proposal(lead=alpha, challenge=challenge, title="Good plan")


def test_staff_tick_the_challenges_items_the_platform_prefills_what_it_knows(
    app, client, login, submitted
):
    login("officer@gov.example")
    page = client.get(f"/reviews/proposals/{submitted.id}/check").get_data(as_text=True)
    for label in ("Documents complete", "Budget within the funding cap", "Letter of support"):
        assert label in page
    # what the platform knows holds is offered ticked; its own item is left to staff
    assert {"org_type", "region", "budget", "members"} <= ticked(page)
    assert "Letter of support" not in ticked(page)
    assert "pledge" not in ticked(page)  # no valid signature on record

    # passing needs every item ticked; a missing one is said at the list, nothing is written
    partly = client.post(f"/reviews/proposals/{submitted.id}/check", data={**ALL, "passes": "1"})
    assert partly.status_code == 422
    assert "Tick every item" in partly.get_data(as_text=True)
    assert status_of(app, submitted) is ProposalStatus.submitted and count(app, FormalCheck) == 0

    every = [*DEFAULT_CHECKLIST, "Letter of support"]
    done = client.post(
        f"/reviews/proposals/{submitted.id}/check", data={"items": every, "passes": "1"}
    )
    assert done.status_code == 302
    assert status_of(app, submitted) is ProposalStatus.in_review
    with app.app_context():
        check = db.session.exec(select(FormalCheck)).one()
        assert check.outcome is CheckOutcome.passed and all(check.items.values())


def test_a_rejection_needs_a_reason_not_whitespace_and_keeps_what_was_ticked(
    app, client, login, submitted
):
    login("officer@gov.example")
    response = client.post(
        f"/reviews/proposals/{submitted.id}/check",
        data={"items": ["documents", "region"], "reason": "   \n  ", "reject": "1"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="reason-error"' in html and "Give the reason for the rejection." in html
    assert ticked(html) == {"documents", "region"}  # what was ticked is kept, not the prefill
    assert status_of(app, submitted) is ProposalStatus.submitted
    assert count(app, FormalCheck) == 0


def reject(app, proposal, officer, reason="The pledge is unsigned."):
    with app.test_request_context():
        formal.reject_proposal(
            db.session.get(Proposal, proposal.id),
            reason=reason,
            items=["documents"],
            by=db.session.get(type(officer), officer.id),
        )
        db.session.commit()


def test_the_formal_checker_cannot_rule_on_the_appeal_a_second_officer_does(
    app, client, login, submitted, officer, make_user
):
    make_user("second@gov.example", role="officer", name="Officer Li")
    reject(app, submitted, officer)

    # the applicant reads the reason and the items as ticked, and appeals once
    login("alice@alpha.example")
    page = client.get(f"/reviews/proposals/{submitted.id}/appeal").get_data(as_text=True)
    assert "The pledge is unsigned." in page and "You may appeal once" in page
    blank = client.post(f"/reviews/proposals/{submitted.id}/appeal", data={"grounds": "  "})
    assert blank.status_code == 422 and 'id="grounds-error"' in blank.get_data(as_text=True)
    assert count(app, Appeal) == 0
    sent = client.post(
        f"/reviews/proposals/{submitted.id}/appeal",
        data={"grounds": "The leader signed on paper; the scan was attached late."},
    )
    assert sent.status_code == 302
    again = client.post(f"/reviews/proposals/{submitted.id}/appeal", data={"grounds": "Once more."})
    assert again.status_code == 422
    assert "already been appealed" in again.get_data(as_text=True)
    assert count(app, Appeal) == 1
    with app.app_context():
        appeal_id = db.session.exec(select(Appeal.id)).one()

    # the officer who rejected sees no decision buttons, and is refused if they try
    login("officer@gov.example")
    page = client.get(f"/reviews/appeals/{appeal_id}").get_data(as_text=True)
    assert "another staff member decides" in page and "Uphold" not in page
    refused = client.post(
        f"/reviews/appeals/{appeal_id}", data={"answer": "I stand by it.", "dismiss": "1"}
    )
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.get(Appeal, appeal_id).status is AppealStatus.lodged
    with app.test_request_context(), pytest.raises(NotAllowed):
        formal.decide_appeal(
            db.session.get(Appeal, appeal_id),
            uphold=False,
            answer="I stand by it.",
            by=db.session.get(type(officer), officer.id),
        )

    # a second officer upholds it: the proposal goes to expert review, the applicant is told
    login("second@gov.example")
    blank = client.post(f"/reviews/appeals/{appeal_id}", data={"answer": " ", "uphold": "1"})
    assert blank.status_code == 422 and 'id="answer-error"' in blank.get_data(as_text=True)
    done = client.post(
        f"/reviews/appeals/{appeal_id}",
        data={"answer": "The signature is valid.", "uphold": "1"},
    )
    assert done.status_code == 302
    assert status_of(app, submitted) is ProposalStatus.in_review
    with app.app_context():
        appeal = db.session.get(Appeal, appeal_id)
        assert appeal.status is AppealStatus.upheld and appeal.answer == "The signature is valid."
        assert db.session.get(Proposal, submitted.id).rejection_reason == ""


def test_an_appeal_comes_from_an_administrator_within_the_appeal_days(
    app, client, login, submitted, officer
):
    reject(app, submitted, officer)
    login("member@alpha.example")  # a member, not an administrator, of the lead
    page = client.get(f"/reviews/proposals/{submitted.id}/appeal").get_data(as_text=True)
    assert "An administrator of your organisation may appeal" in page
    assert client.post(
        f"/reviews/proposals/{submitted.id}/appeal", data={"grounds": "Please."}
    ).status_code in (403, 404, 422)
    assert count(app, Appeal) == 0

    clock.set_now(clock.now() + timedelta(days=app.config["APPEAL_DAYS"], minutes=1))
    with app.test_request_context(), pytest.raises(DomainError, match="time to appeal ended"):
        formal.lodge_appeal(
            db.session.get(Proposal, submitted.id),
            grounds="Too late.",
            by=_alice(),
        )


def _alice():
    from portal.accounts.models import User

    return db.session.exec(select(User).where(User.email == "alice@alpha.example")).one()
