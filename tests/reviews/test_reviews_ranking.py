"""Aggregation and ranking: hand-computed statistics, z-scores, the divergence flag, the
tie-break rule, and a page whose query count does not grow with the number of proposals."""

import pytest

from portal.reviews.ranking import ranking


@pytest.fixture
def five_experts(make_expert):
    return [make_expert(f"{name}@x.example", name=name.title()) for name in "abcde"]


def test_statistics_match_a_hand_computed_example(
    ctx, closed_challenge, make_proposal, five_experts, write_reviews
):
    a, b, c, d, e = (x.id for x in five_experts)
    challenge = closed_challenge(status="reviewing", aggregation="trimmed_mean", pass_mark=65)
    p1 = make_proposal(lead="One Ltd", challenge=challenge, status="in_review")
    p2 = make_proposal(lead="Two Ltd", challenge=challenge, status="in_review")
    write_reviews(
        challenge,
        {p1.id: {a: 80, b: 70, c: 95, d: 60, e: 72}, p2.id: {a: 60, b: 50, e: 72}},
    )

    result = ranking(challenge)
    first, second = result.rows
    assert (first.proposal.id, second.proposal.id) == (p1.id, p2.id)
    # P1: 60 70 72 80 95
    assert first.n == 5
    assert first.mean == pytest.approx(75.4)
    assert first.trimmed_mean == pytest.approx(74.0)  # (70 + 72 + 80) / 3
    assert first.median == pytest.approx(72)
    assert first.sd == pytest.approx(13.0690, abs=1e-4)  # √(683.2 / 4), sample
    # Reviewers a and b: 80/60 and 70/50, so z = ±1/√2; c and d reviewed once and e gave
    # 72 twice: z = 0. P1's mean z = (2 × 0.70711) / 5; P2's = (−2 × 0.70711 + 0) / 3.
    assert first.z_mean == pytest.approx(0.28284, abs=1e-5)
    assert second.z_mean == pytest.approx(-0.47140, abs=1e-5)
    assert first.spread == 35 and first.divergent
    # P2: 50 60 72 — fewer than 5 reviews, the trimmed mean is the mean
    assert second.mean == pytest.approx(60.6667, abs=1e-4)
    assert second.trimmed_mean == second.mean
    assert second.median == 60
    assert second.sd == pytest.approx(11.0151, abs=1e-4)
    assert not second.divergent
    assert first.score == pytest.approx(74.0) and first.passes
    assert not second.passes
    stats = {s.expert_name: (s.n, s.mean, s.sd) for s in result.reviewers}
    assert stats["A"] == (2, 70, pytest.approx(14.1421, abs=1e-4))
    assert stats["E"] == (2, 72, 0)
    assert stats["C"] == (1, 95, None)


def test_ties_are_broken_by_the_higher_mean_z_score(
    ctx, closed_challenge, make_proposal, make_expert, write_reviews
):
    x, y = make_expert("x@x.example"), make_expert("y@x.example")
    challenge = closed_challenge(status="reviewing", aggregation="mean")
    p1, p2, p3 = (
        make_proposal(lead=f"Firm {i}", challenge=challenge, status="in_review") for i in range(3)
    )
    # Every mean is 70; x is lenient (70 is low for x), y is harsh (70 is high for y).
    write_reviews(challenge, {p1.id: {x.id: 70}, p2.id: {y.id: 70}, p3.id: {x.id: 90, y.id: 50}})
    order = [r.proposal.id for r in ranking(challenge).rows]
    assert order == [p2.id, p3.id, p1.id]


def test_a_split_panel_is_flagged_as_divergent(
    app, ctx, closed_challenge, make_proposal, five_experts, write_reviews
):
    a, b, c, d, _e = (x.id for x in five_experts)
    challenge = closed_challenge(status="reviewing")
    split = make_proposal(lead="Split Ltd", challenge=challenge, status="in_review")
    agreed = make_proposal(lead="Agreed Ltd", challenge=challenge, status="in_review")
    write_reviews(
        challenge, {split.id: {a: 90, b: 90, c: 40, d: 40}, agreed.id: {a: 70, b: 75, c: 72}}
    )
    flags = {r.proposal.id: r.divergent for r in ranking(challenge).rows}
    assert flags == {split.id: True, agreed.id: False}
    app.config["REVIEW_DIVERGENCE_POINTS"] = 60
    try:
        assert not any(r.divergent for r in ranking(challenge).rows)
    finally:
        app.config["REVIEW_DIVERGENCE_POINTS"] = 30


def test_the_ranking_page_runs_as_many_queries_for_200_proposals_as_for_20(
    client,
    login,
    officer,
    closed_challenge,
    five_experts,
    bulk_proposals,
    write_reviews,
    count_queries,
):
    login("officer@gov.example")
    counts = {}
    for n in (20, 200):
        challenge = closed_challenge(title=f"Challenge of {n}", status="reviewing")
        ids = bulk_proposals(challenge, n, prefix=f"P{n}")
        write_reviews(
            challenge,
            {
                pid: {e.id: 50 + (pid * 7 + k * 13) % 45 for k, e in enumerate(five_experts)}
                for pid in ids
            },
        )
        with count_queries() as counted:
            response = client.get(f"/reviews/challenges/{challenge.id}/ranking")
        assert response.status_code == 200
        assert f"P{n} proposal" in response.get_data(as_text=True)
        counts[n] = len(counted)
    assert counts[20] == counts[200]


def test_the_ranking_page_shows_flags_and_reviewer_statistics(
    client, login, officer, closed_challenge, make_proposal, five_experts, write_reviews
):
    a, b, c, d, _e = (x.id for x in five_experts)
    challenge = closed_challenge(status="reviewing")
    split = make_proposal(lead="Split Ltd", challenge=challenge, status="in_review")
    write_reviews(challenge, {split.id: {a: 90, b: 90, c: 40, d: 40}})
    login("officer@gov.example")
    html = client.get(f"/reviews/challenges/{challenge.id}/ranking").get_data(as_text=True)
    assert "Divergent: spread 50.00" in html
    assert "Split Ltd" in html and "Passes" in html  # mean 65 ≥ pass mark 60
    assert "<td>A</td><td>1</td><td>90.00</td>" in html
