"""In a real browser: a draft typed while the session ended is not lost. The browser loses its
session cookie, the applicant saves, logs in again and finds the text in the form."""

import pytest
from playwright.sync_api import expect

from portal.db import db
from portal.proposals.models import Proposal
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

APPROACH = "Route B: a metal-oxide resist, qualified on two customer lines."


def approach_of(app, proposal_id: int) -> str:
    with app.app_context():
        return db.session.get(Proposal, proposal_id).approach


def test_a_draft_saved_after_the_session_ended_keeps_its_text_through_login(
    app, page, make_org, make_user, make_proposal
):
    alpha = make_org("Alpha Tech")
    make_user("alice@alpha.example", org=alpha, name="Alice")
    proposal = make_proposal(lead=alpha, status="draft")

    page.goto("/login")
    page.get_by_label("E-mail").fill("alice@alpha.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/proposals/{proposal.id}/edit/general")
    page.get_by_label("Technical approach").fill(APPROACH)

    page.context.clear_cookies()  # the session is gone, as after a browser restart
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".flashes")).to_contain_text("Your session had ended")
    page.get_by_label("E-mail").fill("alice@alpha.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.locator(".flashes")).to_contain_text("What you typed is back in the form")
    expect(page.get_by_label("Technical approach")).to_have_value(APPROACH)
    assert approach_of(app, proposal.id) != APPROACH  # not saved behind the applicant's back
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".flashes")).to_contain_text("Saved")
    assert approach_of(app, proposal.id) == APPROACH
