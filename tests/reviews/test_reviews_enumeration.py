"""The conflict and avoidance forms do not tell whether a credit code is registered: a registered
and an unregistered code get the same answer and are listed the same way, and a code registered
later still counts."""

import re
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from portal.db import make_engine
from portal.reviews.assignment import declare_conflict
from portal.reviews.queries import detected_conflicts
from portal.schema import MIGRATIONS, alembic_config
from tests.factories import PASSWORD, fresh_credit_code


def same_page(first: str, second: str, codes: tuple[str, str]) -> bool:
    """The two pages are the same but for the code each one names (and its CSRF token)."""

    def plain(html: str, code: str) -> str:
        html = re.sub(r'name="csrf_token" value="[^"]*"', "", html)
        return html.replace(code, "CODE")

    return plain(first, codes[0]) == plain(second, codes[1])


def test_an_applicant_cannot_tell_a_registered_code_from_an_unregistered_one(
    app, login, make_org, make_user, make_proposal, closed_challenge
):
    alpha = make_org("Alpha Tech")
    registered = make_org("Rival Labs").credit_code
    unregistered = fresh_credit_code()
    pages = []
    for code, email in ((registered, "alice@alpha.example"), (unregistered, "alan@alpha.example")):
        proposal = make_proposal(lead=alpha, challenge=closed_challenge(), status="in_review")
        make_user(email, org=alpha, name="Member")
        browser = app.test_client()
        browser.post("/login", data={"email": email, "password": PASSWORD})
        url = f"/reviews/proposals/{proposal.id}/avoid"
        response = browser.post(url, data={"credit_code": code, "reason": "A direct rival."})
        assert response.status_code == 302
        page = browser.get(response.headers["Location"]).get_data(as_text=True)
        assert "Your request has been sent to the programme officer." in page
        assert f"The organisation with credit code {code}" in page
        pages.append(page.replace(f"/reviews/proposals/{proposal.id}/", "/reviews/proposals/N/"))
        pages[-1] = pages[-1].replace(proposal.title, "TITLE")
    assert "Rival Labs" not in pages[0]
    assert same_page(*pages, codes=(registered, unregistered))


def test_an_expert_cannot_tell_a_registered_code_from_an_unregistered_one(
    app, make_org, make_expert
):
    registered = make_org("Old Employer Ltd").credit_code
    unregistered = fresh_credit_code()
    pages = []
    for code, email in ((registered, "e1@x.example"), (unregistered, "e2@x.example")):
        make_expert(email, name="Expert")
        browser = app.test_client()
        browser.post("/login", data={"email": email, "password": PASSWORD})
        response = browser.post(
            "/reviews/conflicts",
            data={"proposal": "0", "credit_code": code, "reason": "Worked there."},
        )
        assert response.status_code == 302
        pages.append(browser.get(response.headers["Location"]).get_data(as_text=True))
    assert "Your conflict has been recorded." in pages[0]
    assert "Old Employer Ltd" not in pages[0]
    assert same_page(*pages, codes=(registered, unregistered))


def test_a_mistyped_code_is_refused_at_its_field_whoever_holds_it(
    client, login, make_org, make_expert
):
    registered = make_org("Old Employer Ltd").credit_code
    make_expert("e@x.example")
    login("e@x.example")
    for code in (registered, fresh_credit_code()):
        mistyped = code[:17] + ("0" if code[17] != "0" else "1")
        response = client.post(
            "/reviews/conflicts",
            data={"proposal": "0", "credit_code": mistyped, "reason": "Worked there."},
        )
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert 'id="credit_code-error"' in html and "check character does not match" in html


def test_a_conflict_with_a_code_registered_later_still_counts(
    ctx, make_org, make_expert, make_proposal, closed_challenge
):
    code = fresh_credit_code()
    expert = make_expert("e@x.example")
    declare_conflict(expert, reason="My former employer.", credit_code=code)
    ctx.commit()

    newcomer = make_org("Newcomer Tech", code=code)
    proposal = make_proposal(lead=newcomer, challenge=closed_challenge(), status="in_review")
    assert detected_conflicts([expert.id], [proposal.id])


def test_existing_declarations_get_the_code_of_their_organisation(tmp_path):
    """The migration that adds the typed code fills it in for rows written before it (the
    same statement serves avoidance requests)."""
    migration = next(Path(MIGRATIONS, "versions").glob("*_security_hardening.py"))
    before = re.search(r'down_revision: str \| None = "(\w+)"', migration.read_text())[1]
    url = f"sqlite:///{tmp_path / 'before.db'}"
    command.upgrade(alembic_config(url), before)
    code = fresh_credit_code()
    engine = make_engine(url)
    with engine.begin() as connection:
        for statement in (
            "INSERT INTO organisation (id, name, type, credit_code, region, created_at) "
            f"VALUES (1, 'Old Employer Ltd', 'enterprise', '{code}', '', '2026-01-01')",
            "INSERT INTO user (id, email, name, password_hash, role, active, language, "
            "affiliation, expertise, created_at, session_version) VALUES (1, 'e@x.example', "
            "'Expert', '', 'expert', 1, '', '', '', '2026-01-01', 1)",
            "INSERT INTO conflict_declaration (expert_id, organisation_id, reason, declared_at) "
            "VALUES (1, 1, 'Worked there.', '2026-01-02')",
            "INSERT INTO conflict_declaration (expert_id, proposal_id, reason, declared_at) "
            "VALUES (1, NULL, 'A proposal.', '2026-01-02')",
        ):
            connection.execute(sa.text(statement))
    engine.dispose()

    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with engine.connect() as connection:
        codes = connection.execute(
            sa.text("SELECT credit_code FROM conflict_declaration ORDER BY id")
        ).scalars()
        assert list(codes) == [code, ""]
    engine.dispose()
