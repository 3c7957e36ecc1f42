"""In Chromium: an officer decides through the ranking with one departure, which waits until a
second officer approves it; only then are the applicants told."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from portal.awards.models import Decision
from portal.db import db
from portal.notifications.models import Notification
from portal.vocabulary import DecisionStatus
from tests.browser.test_browser_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_departure_is_decided_in_the_browser_and_approved_by_a_second_officer(
    app, page: Page, officer, second_officer, ranked_challenge
):
    challenge, p, applicants = ranked_challenge(extra={"Delta": [80.0, 82.0]})
    log_in(page, "officer@example.gov.cn")
    page.goto(f"/reviews/challenges/{challenge.id}/ranking")
    expect(page.get_by_text("Too few reviews: 2 of 3").first).to_be_visible()
    page.get_by_role("link", name="The decision", exact=True).click()

    rows = page.locator("table.ranking tbody tr")
    expect(rows.first).to_contain_text("Delta plan")  # 81.00, but only two reviews of three
    expect(rows.first).to_contain_text("Too few reviews: 2 of 3")
    expect(rows.nth(1)).to_contain_text("Alpha plan")
    page.get_by_label("Outcome of Delta plan").select_option("not_funded")
    page.get_by_label("Outcome of Alpha plan").select_option("reserve")
    page.get_by_label("Outcome of Beta plan").select_option("winner")
    page.get_by_role("button", name="Review the decision").click()

    expect(page.locator("h1")).to_contain_text("Confirm the decision")
    expect(page.locator(".money-committed")).to_contain_text("20,000,000.00")
    expect(page.get_by_text("Nothing is recorded yet.")).to_be_visible()
    reason = page.get_by_label("Reason for this departure")
    expect(reason).to_have_count(1)  # Beta (rank 3) passes over Alpha (rank 2)
    page.get_by_label("Decision note").fill("Beta's plan fits the chain's local suppliers.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".field.has-error")).to_contain_text("Give the reason for this departure.")
    expect(page.get_by_label("Decision note")).to_have_value(re.compile("local suppliers"))
    page.get_by_label("Reason for this departure").fill("Alpha depends on an imported resin.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".flashes")).to_contain_text("waits for another staff member")
    expect(page.get_by_text("Alpha depends on an imported resin.")).to_be_visible()
    expect(page.get_by_role("button", name="Approve: the decision takes effect")).to_have_count(0)
    with app.app_context():
        assert (
            db.session.exec(
                select(Notification).where(Notification.kind == "proposal_decided")
            ).all()
            == []
        )

    log_in(page, "officer2@example.gov.cn")
    page.goto(f"/officer/challenges/{challenge.id}/decision")
    expect(page.get_by_text("Alpha depends on an imported resin.")).to_be_visible()
    page.get_by_role("button", name="Approve: the decision takes effect").click()
    expect(page.locator(".flashes")).to_contain_text("approved and has taken effect")
    record = page.locator("main dl.facts").nth(1)
    expect(record).to_contain_text(re.compile(r"Proposed by\s*Officer Wang"))
    expect(record).to_contain_text(re.compile(r"Approved by\s*Officer Li"))
    with app.app_context():
        made = db.session.exec(select(Decision)).one()
        assert made.status is DecisionStatus.effective
        assert (made.proposed_by_id, made.approved_by_id) == (officer.id, second_officer.id)
        told = db.session.exec(
            select(Notification.user_id).where(Notification.kind == "proposal_decided")
        ).all()
        assert applicants["Beta"].id in told
