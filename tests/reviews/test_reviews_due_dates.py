"""Each review panel has a due date: experts see it on their list, staff see the reviews still
open after it flagged."""

from datetime import timedelta

from sqlmodel import select

from portal import clock
from portal.db import db
from portal.notifications.models import Notification
from portal.reviews.models import PanelSchedule


def test_the_panel_has_a_due_date_experts_see_it_staff_see_overdue_reviews(
    app, client, login, officer, closed_challenge, make_proposal, assign_expert
):
    challenge = closed_challenge(status="reviewing")
    proposal = make_proposal(challenge=challenge, status="in_review")
    expert = assign_expert(proposal, "reviewer@x.example", name="Professor Late")

    login("officer@gov.example")
    with app.app_context():
        today = clock.local_date(clock.now())
    past = client.post(
        f"/reviews/challenges/{challenge.id}/due", data={"due_on": str(today - timedelta(days=1))}
    )
    assert past.status_code == 422
    html = past.get_data(as_text=True)
    assert 'id="due_on-error"' in html and str(today - timedelta(days=1)) in html
    with app.app_context():
        assert db.session.exec(select(PanelSchedule)).first() is None

    due = today + timedelta(days=10)
    assert (
        client.post(
            f"/reviews/challenges/{challenge.id}/due", data={"due_on": str(due)}
        ).status_code
        == 302
    )
    with app.app_context():
        note = db.session.exec(select(Notification).where(Notification.kind == "reviews_due")).one()
        assert note.user_id == expert.id and str(due) in note.title
    desk = client.get(f"/reviews/challenges/{challenge.id}").get_data(as_text=True)
    assert "Overdue" not in desk

    login("reviewer@x.example")
    mine = client.get("/reviews/mine").get_data(as_text=True)
    assert str(due) in mine and "Overdue" not in mine

    clock.set_now(clock.now() + timedelta(days=12))  # the review is still not submitted
    login("reviewer@x.example")
    assert "Overdue" in client.get("/reviews/mine").get_data(as_text=True)
    login("officer@gov.example")
    desk = client.get(f"/reviews/challenges/{challenge.id}").get_data(as_text=True)
    assert "1 review is overdue." in desk and "Overdue" in desk
