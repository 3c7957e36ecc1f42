"""The schema comes only from the migrations, and they match the models."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from portal.cli import upgrade_database
from portal.db import make_engine
from portal.models import import_all_models


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
