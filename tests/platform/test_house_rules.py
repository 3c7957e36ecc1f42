"""The house rules that hold the code together (DESIGN §4), checked on the code itself: views
load through access helpers and never commit, and each state column has one writer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"
VIEW_MODULES = sorted(
    [*PORTAL.glob("*/views.py"), *PORTAL.glob("*/*_views.py"), PORTAL / "pages.py"]
)
STATE_COLUMNS = {"status", "consent"}
NOT_ROWS = {"filters"}  # a search form's filters carry a status to look for, not a row's state


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def database_uses(module: ast.Module) -> list[str]:
    """Where a module reaches the database itself: db.session, select(), or portal.db."""
    found = []
    for node in ast.walk(module):
        if isinstance(node, ast.Attribute) and node.attr == "session":
            if isinstance(node.value, ast.Name) and node.value.id == "db":
                found.append(f"line {node.lineno}: db.session")
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "select":
            found.append(f"line {node.lineno}: select(…)")
        elif isinstance(node, ast.ImportFrom) and node.module in ("portal.db", "sqlmodel"):
            found.append(f"line {node.lineno}: from {node.module} import …")
    return found


def transaction_ends(module: ast.Module) -> list[str]:
    return [
        f"line {node.lineno}: {node.func.attr}()"
        for node in ast.walk(module)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("commit", "rollback")
    ]


def state_writes(module: ast.Module) -> list[str]:
    """Assignments to a state column (obj.status = …, obj.consent = …)."""
    found = []
    for node in ast.walk(module):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr in STATE_COLUMNS
                and not (isinstance(target.value, ast.Name) and target.value.id in NOT_ROWS)
            ):
                found.append(f"line {node.lineno}: .{target.attr} = …")
    return found


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: str(p.relative_to(PORTAL)))
def test_views_load_through_the_access_helpers_and_never_reach_the_database(path):
    assert database_uses(tree(path)) == []


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: str(p.relative_to(PORTAL)))
def test_views_never_commit_nor_roll_back(path):
    assert transaction_ends(tree(path)) == []


def test_state_columns_are_written_only_by_the_state_machines():
    writers = {
        str(path.relative_to(PORTAL)): found
        for path in sorted(PORTAL.rglob("*.py"))
        if path.name != "states.py"
        for found in [state_writes(tree(path))]
        if found
    }
    assert writers == {}


def test_the_checks_notice_what_they_forbid():
    """Each check above finds a line written against its rule."""
    sample = ast.parse(
        "from portal.db import db\n"
        "def view():\n"
        "    proposal = db.session.get(Proposal, 1)\n"
        "    proposal.status = 'submitted'\n"
        "    db.session.commit()\n"
    )
    assert database_uses(sample) == [
        "line 1: from portal.db import …",
        "line 3: db.session",
        "line 5: db.session",
    ]
    assert transaction_ends(sample) == ["line 5: commit()"]
    assert state_writes(sample) == ["line 4: .status = …"]
