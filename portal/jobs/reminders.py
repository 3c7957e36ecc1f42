"""The hook for scheduled reminders: while a module `portal.alerts.reminders` exists, its
`run_due(now)` runs once every REMINDERS_EVERY_MINUTES across all workers (it must send each
reminder once per person and event however often it runs). Other periodic work registers itself
with `@portal.jobs.periodic` where it lives."""

from __future__ import annotations

import importlib
from datetime import datetime
from pathlib import Path
from types import ModuleType

from portal.jobs.registry import periodic

MODULE = "portal.alerts.reminders"


def reminders_module() -> ModuleType | None:
    """`portal.alerts.reminders` when this portal has it (looked for beside this package, so
    that no other copy of the portal on the path is taken for it), else None."""
    root = Path(__file__).resolve().parent.parent
    if not (root / "alerts" / "reminders.py").exists():
        return None
    return importlib.import_module(MODULE)


@periodic(
    "alerts.reminders",
    every="REMINDERS_EVERY_MINUTES",
    when=lambda: reminders_module() is not None,
)
def run_reminders(now: datetime) -> None:
    module = reminders_module()
    if module is not None:
        module.run_due(now)
