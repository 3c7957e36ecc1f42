"""The review options on the challenge form: blind review, what applicants see after the
decision, reviewers per proposal and the formal check's items; a warning when blind review
hides the team the rubric asks the experts to judge."""

from datetime import UTC, datetime

from sqlmodel import select

from portal import clock
from portal.challenges.content import DEFAULT_RUBRIC, judges_the_team
from portal.challenges.models import Challenge
from portal.db import db
from portal.vocabulary import Feedback
from tests.challenges.fixtures import challenge_form

WARNING = "blind review hides the team"


def test_the_options_are_set_when_creating_and_kept_on_the_page(
    app, client, login, make_user, make_chain
):
    clock.set_now(datetime(2026, 11, 29, tzinfo=UTC))
    link = make_chain()
    make_user("officer@example.com", role="officer")
    login("officer@example.com")
    form = challenge_form(
        link.id,
        blind_review=None,  # unticked
        feedback="comments",
        reviewers_per_proposal="2",
        check_items=["documents", "budget"],
        check_extra="Letter of support from the demand owner\n\n",
    )
    assert client.post("/officer/challenges/new", data=form).status_code == 302
    with app.app_context():
        challenge = db.session.exec(select(Challenge)).one()
        assert challenge.blind_review is False
        assert challenge.feedback is Feedback.comments
        assert challenge.reviewers_per_proposal == 2
        assert challenge.formal_checklist == [
            "documents",
            "budget",
            "Letter of support from the demand owner",
        ]
    edit = client.get(f"/officer/challenges/{challenge.id}/edit").get_data(as_text=True)
    assert 'value="comments"' in edit and "Letter of support from the demand owner" in edit
    assert WARNING not in edit  # open review: the team may be judged


def test_blind_review_with_a_team_criterion_shows_a_warning(
    app, client, login, make_user, make_chain
):
    link = make_chain()
    make_user("officer@example.com", role="officer")
    login("officer@example.com")
    new = client.get("/officer/challenges/new").get_data(as_text=True)
    assert WARNING in new  # blind by default, and the default rubric judges the team
    form = challenge_form(link.id, **{"add_criterion": "Add"})
    del form["save"]
    shown = client.post("/officer/challenges/new", data=form).get_data(as_text=True)
    assert WARNING in shown  # 团队能力 in the rubric
    open_review = client.post(
        "/officer/challenges/new", data={**form, "blind_review": ""}
    ).get_data(as_text=True)
    assert WARNING not in open_review
    # saved all the same: a warning, not a refusal
    del form["add_criterion"]
    saved = client.post("/officer/challenges/new", data={**form, "save": "Save draft"})
    assert saved.status_code == 302
    assert WARNING in client.get(saved.headers["Location"]).get_data(as_text=True)


def test_the_default_rubric_is_data_in_both_languages(client, login, make_user):
    assert sum(item.weight for item in DEFAULT_RUBRIC) == 100
    team = next(item for item in DEFAULT_RUBRIC if item.key == "team")
    assert (team.zh, team.en) == ("团队能力", "Team capability")
    assert all(" " not in item.zh and item.en.isascii() for item in DEFAULT_RUBRIC)
    assert judges_the_team(team.zh) and judges_the_team(team.en)
    make_user("officer@example.com", role="officer")
    login("officer@example.com")
    client.get("/language/zh?next=/")
    page = client.get("/officer/challenges/new").get_data(as_text=True)
    assert 'value="团队能力"' in page and "Team capability" not in page
