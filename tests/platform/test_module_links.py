"""The modules lead into one another: a person finds the next step from the page they are on."""

import re


def links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_an_officer_goes_from_a_challenge_to_its_proposals_and_its_review(
    app, client, make_challenge, make_user, login
):
    challenge = make_challenge()
    make_user("officer@example.com", role="officer")
    login("officer@example.com")
    page = client.get(f"/officer/challenges/{challenge.id}").get_data(as_text=True)
    for target in (
        f"/officer/challenges/{challenge.number}/proposals",
        f"/reviews/challenges/{challenge.id}",
    ):
        assert target in links(page)
        assert client.get(target).status_code == 200


def test_an_applicant_asks_for_avoidance_from_a_proposal_in_review(
    client, make_proposal, make_org, make_user, login
):
    alpha = make_org("Alpha Tech")
    proposal = make_proposal(lead=alpha, status="in_review")
    make_user("alice@alpha.example", org=alpha)
    login("alice@alpha.example")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"/reviews/proposals/{proposal.id}/avoid" in links(page)
    assert client.get(f"/reviews/proposals/{proposal.id}/avoid").status_code == 200


def test_an_applicant_reads_the_feedback_of_a_decided_proposal(
    client, make_proposal, make_org, make_user, login
):
    alpha = make_org("Alpha Tech")
    proposal = make_proposal(lead=alpha, status="not_funded")
    make_user("alice@alpha.example", org=alpha)
    login("alice@alpha.example")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"/reviews/proposals/{proposal.id}/feedback" in links(page)
    assert client.get(f"/reviews/proposals/{proposal.id}/feedback").status_code == 200
