"""The chain pages run the same number of SQL statements for 5 links as for 50."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/chains/{chain}/brain?period=2026Q2",
        "/chains/{chain}?period=2026Q2",
        "/chains/{chain}/brain/funding.svg?period=2026Q2",
        "/chains/links/{link}?period=2026Q2",
    ],
    ids=["chain page", "public summary", "funding chart", "link page"],
)
def test_query_count_does_not_grow_with_the_links(
    app, client, login, officer, chain_of, count_queries, path
):
    small, large = chain_of(5, name="Small"), chain_of(50, name="Large")
    login(officer.email)
    counts = []
    for story in (small, large):
        url = path.format(chain=story.chain.id, link=next(iter(story.links.values())).id)
        assert client.get(url).status_code == 200  # warm: catalogues and the like
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[0] < 30


def test_each_chain_and_quarter_shows_its_own_figures(client, login, officer, chain_of):
    """The chain page's statements are built once per process and reused with new parameters:
    given two chains with a challenge published on each of two and of three links, each page
    (and each quarter of it) counts its own chain's challenges, never those shown before it."""
    from tests.chains.test_chains_kpis import page_values

    two, three = chain_of(2, name="Two"), chain_of(3, name="Three")
    login(officer.email)
    for story, published in ((two, "2"), (three, "3"), (two, "2")):
        html = client.get(f"/chains/{story.chain.id}/brain?period=2026Q2").get_data(as_text=True)
        assert page_values(html)["published"] == (published, published)
    earlier = client.get(f"/chains/{three.chain.id}/brain?period=2025Q4").get_data(as_text=True)
    assert page_values(earlier)["published"] == ("0", "0")
