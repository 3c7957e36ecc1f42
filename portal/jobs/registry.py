"""What jobs there are: each module registers its own with `@job` (or `@periodic`) when it is
imported, and every process that runs create_app() knows them all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any


class Retry(Exception):
    """Raised by a job that should be tried again later (an SMTP server that is down): the
    attempt counts, the message is shown to administrators, the job waits out its back-off."""


@dataclass(frozen=True)
class Definition:
    name: str
    func: Callable[..., Any]
    max_attempts: int | None  # None: tried until it succeeds
    every: timedelta | str | None = None  # periodic: an interval, or the setting in minutes
    when: Callable[[], bool] | None = None  # periodic: scheduled only while this says so

    def interval(self, config) -> timedelta:
        if isinstance(self.every, str):
            return timedelta(minutes=float(config[self.every]))
        return self.every


REGISTRY: dict[str, Definition] = {}


def job(name: str, *, max_attempts: int | None = 5):
    """Register `func` as the job `name`; `portal.jobs.enqueue(name, **args)` runs it on a
    worker with those (JSON) arguments. A job must be safe to run twice: a worker killed in the
    middle leaves it to run again elsewhere."""

    def decorate(func):
        REGISTRY[name] = Definition(name, func, max_attempts)
        return func

    return decorate


def periodic(
    name: str,
    *,
    every: timedelta | str,
    max_attempts: int | None = 1,
    when: Callable[[], bool] | None = None,
):
    """Register `func(now)` to run once per `every` (a timedelta, or the name of a setting in
    minutes) across all workers: each period's run is one job row with a unique key, so two
    schedulers on two hosts start it once."""

    def decorate(func):
        REGISTRY[name] = Definition(name, func, max_attempts, every=every, when=when)
        return func

    return decorate


def periodic_definitions() -> list[Definition]:
    return [d for d in REGISTRY.values() if d.every is not None]
