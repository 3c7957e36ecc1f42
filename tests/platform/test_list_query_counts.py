"""Every list page of the demo runs no more SQL statements for all its rows than for a few:
what a row shows is loaded for all rows at once, never row by row. (The chain pages, the ranking
and the workbench have tests of their own at two sizes of data; lists that the demo leaves
nearly empty are tested where their rows are made.)"""

from __future__ import annotations

import re

import pytest

from portal.demo.build import PASSWORD

LISTS = {
    "": ["/challenges", "/publicity"],
    "officer@example.com": [
        "/officer/challenges",
        "/officer/projects",
        "/officer/objections",
        "/officer/organisations",
        "/notices/",
        "/notices/challenges",
        "/reviews/challenges",
        "/inbox/",
    ],
    "admin@example.com": ["/admin/users", "/admin/audit"],
    "carol@example.com": [
        "/proposals",
        "/proposals/invitations",
        "/projects",
        "/organisation",
    ],
    "expert1@example.com": ["/reviews/mine"],
}
PAGES = [(email, path) for email, paths in LISTS.items() for path in paths]


def items_listed(html: str) -> int:
    found = re.search(r"(\d+) items?", html)
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize(("email", "path"), PAGES, ids=[f"{e or 'public'} {p}" for e, p in PAGES])
def test_a_list_runs_no_more_queries_for_all_rows_than_for_a_few(
    app, demo, count_queries, monkeypatch, email, path
):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if email:
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302
    counts, listed = [], 0
    for size in (2, 100):  # two rows: a relation loaded in bulk is loaded at both sizes
        monkeypatch.setitem(app.config, "PAGE_SIZE", size)
        assert client.get(path).status_code == 200  # warm: catalogues and the like
        with count_queries() as statements:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(statements))
        listed = items_listed(response.get_data(as_text=True))
    assert listed > 2, "the demo should fill more than the smaller page"
    # At most as many: a relation loaded in bulk skips what an earlier one already loaded.
    assert counts[1] <= counts[0], counts
