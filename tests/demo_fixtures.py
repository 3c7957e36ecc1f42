"""The demo database, built once per test run and copied into each test that asks for it.

Loading the demo runs the whole journey through the services (several seconds); a dozen tests
need it. `demo_copy` loads it once, keeps every table's rows and the files it stored, and empties
the database again. The `demo` fixture writes those rows back in one statement per table, puts
the files back and hands the test a `Demo` whose `objects()` gives the same nested dictionary of
model objects that `load_demo()` returns, loaded in the caller's session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import SQLModel

from portal.db import db
from portal.demo.load import load_demo


@dataclass(frozen=True)
class Ref:
    """A model object by its class and primary key, to be loaded in a later session."""

    model: type
    identity: tuple


def _walk(value: Any, leaf: Callable[[Any], Any]) -> Any:
    """The same nesting of dictionaries, lists and tuples, with `leaf` applied to the rest."""
    if isinstance(value, dict):
        return {key: _walk(item, leaf) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_walk(item, leaf) for item in value)
    return leaf(value)


def _to_ref(value: Any) -> Any:
    return Ref(type(value), sa.inspect(value).identity) if isinstance(value, SQLModel) else value


def _from_ref(value: Any) -> Any:
    return db.session.get(value.model, value.identity) if isinstance(value, Ref) else value


def _stored_files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


@dataclass(frozen=True)
class DemoCopy:
    rows: dict[str, list[dict]]
    files: dict[Path, bytes]
    refs: dict[str, Any]


@dataclass(frozen=True)
class Demo:
    refs: dict[str, Any]

    def objects(self) -> dict[str, Any]:
        """What `load_demo()` returned, as objects of the current session."""
        return _walk(self.refs, _from_ref)


@pytest.fixture(scope="session")
def demo_copy(app: Flask) -> DemoCopy:
    from tests.conftest import empty_all_tables

    root = Path(app.config["STORAGE_ROOT"])
    with app.app_context():
        before = _stored_files(root)
        refs = _walk(load_demo(), _to_ref)
        db.session.commit()
        with db.engine.connect() as connection:
            rows = {
                table.name: [dict(row._mapping) for row in connection.execute(table.select())]
                for table in SQLModel.metadata.sorted_tables
            }
        files = {path: path.read_bytes() for path in _stored_files(root) - before}
        db.remove()
        empty_all_tables()
    return DemoCopy(rows=rows, files=files, refs=refs)


def _restore_rows(rows: dict[str, list[dict]]) -> None:
    """Insert the kept rows with foreign keys checked only at the end (some tables point at each
    other), and move every id sequence past the ids written (PostgreSQL)."""
    with db.engine.begin() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(sa.text("SET CONSTRAINTS ALL DEFERRED"))
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        else:
            connection.execute(sa.text("PRAGMA defer_foreign_keys = ON"))
        for table in SQLModel.metadata.sorted_tables:
            if rows.get(table.name):
                connection.execute(table.insert(), rows[table.name])
        if postgres:
            for table in SQLModel.metadata.sorted_tables:
                numbered = "id" in table.c and isinstance(table.c.id.type, sa.Integer)
                if rows.get(table.name) and numbered:
                    connection.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                            f'(SELECT MAX(id) FROM "{table.name}"))'
                        )
                    )


@pytest.fixture
def demo(app: Flask, demo_copy: DemoCopy) -> Iterator[Demo]:
    with app.app_context():
        _restore_rows(demo_copy.rows)
    for path, data in demo_copy.files.items():
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    yield Demo(demo_copy.refs)
