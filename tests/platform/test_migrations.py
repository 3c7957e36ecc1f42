"""The schema comes only from the migrations, they match the models, and they bring existing
data over."""

from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from portal.db import make_engine
from portal.models import import_all_models
from portal.schema import alembic_config, upgrade_database


def test_migrations_build_the_schema_of_the_models_on_an_empty_database(tmp_path, database_url):
    import_all_models()
    # A brand-new SQLite file always; the session's database as well (PostgreSQL in CI), which
    # the fixtures built with the same migrations.
    for url in {f"sqlite:///{tmp_path / 'empty.db'}", database_url}:
        if url.endswith("empty.db"):
            upgrade_database(url)
        engine = make_engine(url)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, SQLModel.metadata)
            tables = set(sa.inspect(connection).get_table_names())
        engine.dispose()
        assert differences == [], f"models and migrations differ on {url.split(':')[0]}"
        assert set(SQLModel.metadata.tables) <= tables


# ---- bringing existing data over ------------------------------------------------------------

T0 = datetime(2026, 1, 5, 2, 0)  # naive UTC, as the columns store it


@contextmanager
def database_at(revision: str, tmp_path, database_url: str):
    """A fresh database migrated up to `revision`: a new SQLite file, or (PostgreSQL runs)
    a schema of its own in the test database. Yields its URL."""
    if not database_url.startswith("postgresql"):
        url = f"sqlite:///{tmp_path / 'old.db'}"
        command.upgrade(alembic_config(url), revision)
        yield url
        return
    admin = make_engine(database_url)
    with admin.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS migration_story CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA migration_story"))
    joiner = "&" if "?" in database_url else "?"
    url = f"{database_url}{joiner}options=-csearch_path%3Dmigration_story"
    try:
        command.upgrade(alembic_config(url), revision)
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS migration_story CASCADE"))
        admin.dispose()


def add(connection, tables, table: str, **values) -> int:
    return connection.execute(tables[table].insert().values(**values)).inserted_primary_key[0]


def fill_at_0003(connection) -> dict[str, int]:
    """Two organisations, their users (the earliest first), a leader's account, and two
    challenges: Beta's draft with Alpha as member, and Alpha's submitted proposal with Beta."""
    metadata = sa.MetaData()
    metadata.reflect(connection)
    tables = metadata.tables
    ids = {}
    for key, name, code in (("alpha", "Alpha Tech", "A" * 18), ("beta", "Beta Univ", "B" * 18)):
        ids[key] = add(
            connection,
            tables,
            "organisation",
            name=name,
            type="enterprise",
            credit_code=code,
            region="",
            created_at=T0,
        )
    person = {
        "password_hash": "x",
        "role": "applicant",
        "active": True,
        "language": "",
        "affiliation": "",
        "expertise": "",
        "session_version": 1,
    }
    for minutes, (key, org) in enumerate(
        (("alice", "alpha"), ("alice2", "alpha"), ("lilei", "alpha"), ("bob", "beta"))
    ):
        ids[key] = add(
            connection,
            tables,
            "user",
            email=f"{key}@{org}.example",
            name=key.title(),
            organisation_id=ids[org],
            created_at=T0 + timedelta(minutes=minutes),
            **person,
        )
    chain = add(connection, tables, "chain", name="集成电路", leader_title="", description="")
    link = add(
        connection,
        tables,
        "chain_link",
        chain_id=chain,
        stage="midstream",
        name="设计",
        position=0,
    )
    for key in ("first", "second"):
        ids[key] = add(
            connection,
            tables,
            "challenge",
            number=f"JB-2026-{key}",
            status="published",
            version=1,
            title=key,
            chain_link_id=link,
            statement="",
            background="",
            deliverable="",
            funding_mode="single",
            horse_race_teams=1,
            allowed_org_types=[],
            region="",
            max_members=2,
            aggregation="mean",
            reviewers_per_proposal=3,
            pass_mark=60,
            publicity_days=5,
            blind_review=False,
            comments_to_applicants=False,
            created_at=T0,
            updated_at=T0,
            cancel_reason="",
        )
    for key, challenge, lead, member, status in (
        ("draft", "first", "beta", "alpha", "draft"),
        ("submitted", "second", "alpha", "beta", "submitted"),
    ):
        ids[key] = add(
            connection,
            tables,
            "proposal",
            challenge_id=ids[challenge],
            lead_org_id=ids[lead],
            status=status,
            title=key,
            leader_name="李雷",
            leader_title="",
            leader_phone="",
            leader_email="LiLei@alpha.example",
            leader_org_id=ids["alpha"],
            approach="",
            innovation="",
            pledge_accepted=status != "draft",
            pledge_name="李雷" if status != "draft" else "",
            revision=1,
            created_at=T0,
            updated_at=T0,
            submitted_at=T0 if status != "draft" else None,
            rejection_reason="",
        )
        for position, (org, role) in enumerate(((lead, "lead"), (member, "member"))):
            add(
                connection,
                tables,
                "consortium_member",
                proposal_id=ids[key],
                organisation_id=ids[org],
                role=role,
                responsibility="",
                position=position,
            )
    add(
        connection,
        tables,
        "submitted_version",
        proposal_id=ids["submitted"],
        number=1,
        content={"title": "submitted"},
        submitted_at=T0,
    )
    return ids


def test_existing_data_is_brought_over_administrators_consent_and_signatures(
    tmp_path, database_url
):
    with database_at("0003", tmp_path, database_url) as url:
        engine = make_engine(url)
        with engine.begin() as connection:
            ids = fill_at_0003(connection)
        command.upgrade(alembic_config(url), "head")
        with engine.connect() as connection:

            def rows(sql: str, **params):
                return connection.execute(sa.text(sql), params).all()

            roles = dict(rows("SELECT user_id, role FROM membership WHERE status = 'approved'"))
            consent = {
                (p, role): (answer, decided is not None)
                for p, role, answer, decided in rows(
                    "SELECT proposal_id, role, consent, consent_decided_at FROM consortium_member"
                )
            }
            signed = rows(
                "SELECT proposal_id, signer_id, signer_name, status, migrated, content_sha256 "
                "FROM pledge_signature"
            )
            leaders = dict(rows("SELECT id, leader_user_id FROM proposal"))
        engine.dispose()

    # Migration 0004: the earliest user of each organisation is its administrator.
    assert roles == {
        ids["alice"]: "administrator",
        ids["alice2"]: "member",
        ids["lilei"]: "member",
        ids["bob"]: "administrator",
    }
    # Migration 0006: what was submitted counts as consented and signed; the draft does not.
    assert consent[(ids["submitted"], "lead")] == ("accepted", True)
    assert consent[(ids["submitted"], "member")] == ("accepted", True)
    assert consent[(ids["draft"], "lead")] == ("accepted", True)
    assert consent[(ids["draft"], "member")] == ("invited", False)
    assert [(s[0], s[1], s[2], s[3], bool(s[4]), s[5]) for s in signed] == [
        (ids["submitted"], None, "李雷", "signed", True, "")
    ]
    assert leaders == {ids["draft"]: ids["lilei"], ids["submitted"]: ids["lilei"]}
