"""Many people acting at the same moment: each a thread, released together by a barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable

from portal.db import db

PEOPLE = 20


def together(count: int, prepare: Callable[[int], object], act: Callable[[int, object], object]):
    """Run `prepare(i)` in each of `count` threads, then `act(i, prepared)` in all of them at the
    same moment; the results of `act`, in order. An exception in a thread fails the test."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def person(i: int) -> None:
        try:
            prepared = prepare(i)
            barrier.wait(timeout=60)
            results[i] = act(i, prepared)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
            barrier.abort()
        finally:
            db.remove()

    threads = [threading.Thread(target=person, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    assert not errors, errors
    return results
