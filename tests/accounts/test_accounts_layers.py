"""The accounts module sits below the domains and keeps its rooms: pages load through the access
helpers and leave the transaction to the unit of work; services know nothing of forms, pages or
templates."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

ABOVE_ACCOUNTS = ["challenges", "proposals", "reviews", "awards", "notices", "demo"]
PAGES = [
    "portal/accounts/views.py",
    "portal/accounts/organisation_views.py",
    "portal/accounts/staff_views.py",
    "portal/accounts/recovery_views.py",
    "portal/accounts/throttle_views.py",
    "portal/notifications/views.py",
    "portal/pages.py",
]
# What a page must leave to the access helpers, the queries and the unit of work.
NOT_IN_PAGES = ["db.session", "select(", "commit(", "rollback(", "from portal.db import db"]


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("portal")


@pytest.mark.parametrize("domain", ABOVE_ACCOUNTS)
def test_accounts_import_nothing_of_the_modules_above_them(graph, domain):
    chain = graph.find_shortest_chain("portal.accounts", f"portal.{domain}", as_packages=True)
    assert chain is None, " → ".join(chain)


def test_accounts_services_know_nothing_of_forms_pages_or_templates(graph):
    accounts = graph.find_children("portal.accounts")
    pages = {m for m in accounts if m.endswith("views")}
    services = accounts - pages - {"portal.accounts.forms"}
    for service in services:
        for upper in (*pages, "portal.accounts.forms", "portal.templating"):
            chain = graph.find_shortest_chain(service, upper)
            assert chain is None, " → ".join(chain)


@pytest.mark.parametrize("path", PAGES)
def test_pages_leave_the_database_to_the_access_helpers_and_the_unit_of_work(path):
    source = (Path(__file__).parents[2] / path).read_text()
    assert [word for word in NOT_IN_PAGES if word in source] == []
