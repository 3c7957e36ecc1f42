"""Feedback to applicants, as a summary statement: each of the challenge's three settings shows
exactly what it promises, and the experts' confidential comments never reach an applicant."""

import pytest

from portal.db import db
from portal.proposals.models import Proposal
from portal.reviews import scoring
from portal.reviews.assignment import assign
from portal.reviews.feedback import rank_band
from portal.vocabulary import Feedback

CONFIDENTIAL = "Confidential: the lead's finances look shaky."
CRITERION_COMMENT = "Strong resin data."
OVERALL = "A credible plan; widen the test matrix."
RIVAL_TOTAL = "91.37"


@pytest.fixture
def decided(
    app,
    closed_challenge,
    make_proposal,
    make_org,
    make_user,
    make_expert,
    officer,
    add_to_panel,
    write_reviews,
    set_status,
):
    """A decided challenge of four proposals: Alpha's (two reviews, total 70, ranked 2nd of 4),
    and three rivals' (one reviewed 91.37)."""

    def make(level: Feedback):
        challenge = closed_challenge(feedback=level)
        alpha = make_org("Alpha Tech")
        mine = make_proposal(lead=alpha, challenge=challenge, status="in_review", title="Ours")
        make_user("alice@alpha.example", org=alpha)
        rivals = [
            make_proposal(
                lead=make_org(f"Rival {i}"),
                challenge=challenge,
                status="in_review",
                title=f"Rival plan {i}",
            )
            for i in range(3)
        ]
        make_user("rita@rival-0.example", org="Rival 0")
        experts = [make_expert(f"e{i}@x.example", name=f"Professor Hidden {i}") for i in range(3)]
        add_to_panel(challenge, *experts)
        with app.test_request_context():
            p = db.session.get(Proposal, mine.id)
            for expert, value in ((experts[0], "8"), (experts[1], "6")):
                reviewer = db.session.get(type(expert), expert.id)
                scoring.save_review(
                    assign(p, reviewer, by=officer),
                    by=reviewer,
                    scores=[
                        scoring.ScoreInput(c.id, value, CRITERION_COMMENT)
                        for c in p.challenge.criteria
                    ],
                    overall_comment=OVERALL,
                    confidential_comment=CONFIDENTIAL,
                    recommendation="fund",
                    submit=True,
                )
            db.session.commit()
        write_reviews(
            challenge,
            {rivals[0].id: {experts[2].id: 91.37}, rivals[1].id: {experts[2].id: 50}},
        )
        write_reviews(challenge, {rivals[2].id: {experts[1].id: 40}})
        set_status(challenge, "decided")
        for proposal, status in zip(
            [mine, *rivals], ["not_funded", "awarded", "not_funded", "not_funded"], strict=True
        ):
            set_status(proposal, status)
        return mine

    return make


def applicant_texts(client, proposal_id: int) -> dict[str, str]:
    """Everything the applicant can open about their proposal: the pages and the export."""
    paths = {
        "page": f"/reviews/proposals/{proposal_id}/feedback",
        "csv": f"/reviews/proposals/{proposal_id}/feedback.csv",
        "proposal": f"/proposals/{proposal_id}",
        "inbox": "/inbox/",
    }
    texts = {}
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == 200, path
        texts[name] = response.get_data(as_text=True)
    return texts


@pytest.mark.parametrize("level", list(Feedback), ids=lambda f: f.value)
def test_each_setting_shows_exactly_what_it_promises(client, login, decided, level):
    mine = decided(level)
    login("alice@alpha.example")
    texts = applicant_texts(client, mine.id)
    page, csv = texts["page"], texts["csv"]

    for text in texts.values():  # never, whatever the setting
        assert CONFIDENTIAL not in text
        assert RIVAL_TOTAL not in text  # another applicant's score
        assert "Professor Hidden" not in text  # the reviewers' names

    shows_scores = level is not Feedback.none
    assert ("70.00" in page) is shows_scores  # the total, under the challenge's aggregation
    assert ("70.0" in csv) is shows_scores
    assert ("top 50 %" in page) is shows_scores  # the rank band: 2nd of 4
    assert ("7.00" in page) is shows_scores  # each criterion's mean (8 and 6)
    assert ("Pass mark" in page) is shows_scores
    shows_comments = level is Feedback.comments
    for text in (page, csv):
        assert (CRITERION_COMMENT in text) is shows_comments
        assert (OVERALL in text) is shows_comments
    if level is Feedback.none:
        assert "does not share the review" in page
        assert csv.strip() == "\ufeffItem,Value"


def test_nothing_is_shown_before_the_decision_nor_to_another_applicant(
    app, client, login, decided, set_status
):
    mine = decided(Feedback.comments)
    login("rita@rival-0.example")
    assert client.get(f"/reviews/proposals/{mine.id}/feedback").status_code == 404
    assert client.get(f"/reviews/proposals/{mine.id}/feedback.csv").status_code == 404
    with app.app_context():
        challenge = db.session.get(Proposal, mine.id).challenge
    set_status(challenge, "reviewing")
    login("alice@alpha.example")
    page = client.get(f"/reviews/proposals/{mine.id}/feedback").get_data(as_text=True)
    assert "not been made yet" in page and CRITERION_COMMENT not in page and "70.00" not in page


@pytest.mark.parametrize(
    ("level", "told"),
    [
        (Feedback.comments, "the applicants read your criterion comments"),
        (Feedback.scores, "none of your comments"),
        (Feedback.none, "shares nothing of the review"),
    ],
)
def test_experts_see_which_comments_are_shared_before_they_submit(
    client, login, closed_challenge, make_proposal, assign_expert, level, told
):
    challenge = closed_challenge(feedback=level)
    proposal = make_proposal(challenge=challenge, status="in_review")
    assign_expert(proposal, "reviewer@x.example")
    login("reviewer@x.example")
    page = client.get(f"/reviews/proposals/{proposal.id}/review").get_data(as_text=True)
    assert told in page
    assert "Confidential comment to the officers" in page
    assert "Never shown to the applicants." in page


@pytest.mark.parametrize(
    ("rank", "ranked", "band"),
    [
        (1, 1, "top 10 %"),
        (1, 4, "top 10 %"),
        (2, 4, "top 50 %"),
        (3, 4, "top 75 %"),
        (4, 4, "bottom 25 %"),
        (3, 10, "top 25 %"),
    ],
)
def test_the_rank_band_says_where_a_proposal_stands(app, rank, ranked, band):
    with app.test_request_context():
        assert rank_band(rank, ranked) == band
