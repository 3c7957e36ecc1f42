"""The pages `make bench` loads, and the SQL query counts it prints."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.accounts.models import User
from portal.challenges.models import ChainLink, Challenge
from portal.proposals.models import Proposal
from portal.vocabulary import ChallengeStatus, Role


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # formatted with the targets found in the database
    login: str = ""  # "officer" or "applicant": the account to load it as
    goal: str = ""  # the ratio to hello we hold ourselves to
    ms_goal: str = ""  # the median on one connection we hold ourselves to


PAGES = [
    Page("public catalogue", "/challenges", goal="≥0.25", ms_goal="≤2.5"),
    Page("challenge page", "/challenges/{open_challenge}", goal="≥0.25", ms_goal="≤2.5"),
    Page(
        "officer ranking (200 × 5 reviews)",
        "/reviews/challenges/{ranked_challenge}/ranking",
        login="officer",
        goal="≥0.083",
        ms_goal="≤6",
    ),
    Page("applicant dashboard", "/proposals", login="applicant", goal="≥0.125", ms_goal="≤4"),
    Page("chain public summary", "/chains/{chain}", goal="≥0.2", ms_goal="≤2.5"),
    Page("chain page (KPIs, map)", "/chains/{chain}/brain", login="officer", goal="≥0.0625"),
]
# The other pages the issue sets a goal for, timed in-process by bench/profile.py.
MORE_PAGES = [
    Page("publicity", "/publicity", ms_goal="≤2.5"),
    Page("officer challenge list", "/officer/challenges", login="officer", ms_goal="≤4"),
    Page("officer projects", "/officer/projects", login="officer", ms_goal="≤4"),
    Page("award notices (officer)", "/notices/", login="officer", ms_goal="≤4"),
    Page("workbench (officer)", "/", login="officer", ms_goal="≤4"),
    Page("workbench (applicant)", "/", login="applicant", ms_goal="≤4"),
]
ALL_PAGES = PAGES + MORE_PAGES
LISTS = [
    ("public catalogue", "/challenges", ""),
    ("applicant dashboard", "/proposals", "applicant"),
    ("officer challenge list", "/officer/challenges", "officer"),
    ("officer projects", "/officer/projects", "officer"),
    ("publicity", "/publicity", ""),
    ("award notices (officer)", "/notices/", "officer"),
]


def targets(url: str) -> dict[str, str]:
    """Numbers, ids and accounts of the scale database that the pages are loaded with."""
    engine = sa.create_engine(url)
    with engine.connect() as c:
        challenge = Challenge.__table__
        proposal = Proposal.__table__
        user = User.__table__
        busiest_org = (
            sa.select(proposal.c.lead_org_id)
            .group_by(proposal.c.lead_org_id)
            .order_by(sa.func.count().desc())
            .limit(1)
            .scalar_subquery()
        )
        link = ChainLink.__table__
        found = {
            "chain": c.execute(  # the chain with the most challenges
                sa.select(link.c.chain_id)
                .join(challenge, challenge.c.chain_link_id == link.c.id)
                .group_by(link.c.chain_id)
                .order_by(sa.func.count().desc(), link.c.chain_id)
            ).scalar(),
            "open_challenge": c.execute(
                sa.select(challenge.c.number)
                .where(challenge.c.status == ChallengeStatus.published.value)
                .order_by(challenge.c.id)
            ).scalar(),
            "ranked_challenge": c.execute(
                sa.select(proposal.c.challenge_id)
                .group_by(proposal.c.challenge_id)
                .order_by(sa.func.count().desc())
            ).scalar(),
            "officer": c.execute(
                sa.select(user.c.email).where(user.c.role == Role.officer.value).order_by(user.c.id)
            ).scalar(),
            "applicant": c.execute(
                sa.select(user.c.email).where(user.c.organisation_id == busiest_org)
            ).scalar(),
        }
    engine.dispose()
    return {key: str(value) for key, value in found.items()}


def query_counts(url: str, password: str) -> list[tuple[str, int, int]]:
    """SQL statements each list page runs with 10 and with 1,000 rows per page."""
    from portal import create_app
    from portal.db import db

    found = targets(url)
    results = []
    for name, path, login in LISTS:
        counts = []
        for size in (10, 1000):
            app = create_app(
                {
                    "DATABASE_URL": url,
                    "PAGE_SIZE": size,
                    "SECRET_KEY": "bench",
                    "WTF_CSRF_ENABLED": False,
                    "PUBLIC_CACHE_SECONDS": 0,  # count what the page itself runs
                }
            )
            client = app.test_client()
            if login:
                client.post("/login", data={"email": found[login], "password": password})
            client.get(path)  # warm: the first request loads the catalogues
            statements: list[str] = []

            def count(*args, statements=statements):
                statements.append(args[2])

            sa.event.listen(db.engine, "before_cursor_execute", count)
            response = client.get(path)
            sa.event.remove(db.engine, "before_cursor_execute", count)
            assert response.status_code == 200, (path, response.status_code)
            counts.append(len(statements))
        results.append((name, *counts))
    return results
