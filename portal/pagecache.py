"""Public pages kept by each worker process for a few seconds, for anonymous visitors only.

`cached_public_page` keeps the public catalogue, challenge, chain and publicity pages as visitors
without a session see them, PUBLIC_CACHE_SECONDS (default 5) per address, query string and
language; 0 turns it off. A burst of visitors costs one rendering and no query; a visitor sees a
change at most that many seconds late (twice that while the page is being drawn again, below),
on every host alike (each keeps its own copy for as long). Deadlines are enforced by the
services, never by what a cached page said.

Pages of logged-in users are never kept: each is rendered for the user loaded on that request,
so a role change, a deactivation or a removal from an organisation shows on the next page. They
render in a few milliseconds without help (bench/README.md has the figures).

Only a 200 HTML answer that set no header of its own and left the session untouched is kept.

When a page has expired and many visitors ask for it at once (each address every few seconds,
in a crowd), one of them renders it and the others are served the copy that has just expired,
at once, while it is drawn again ("stale while revalidate"): a crowd costs one rendering, not
one each all taking the CPU at the same moment, and nobody waits for it. A copy that expired
more than PUBLIC_CACHE_SECONDS ago is not served: those visitors wait for the new rendering.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps
from threading import Event, Lock

from flask import Response, current_app, request, session
from flask_babel import get_locale

MAX_BYTES = 16 * 1024 * 1024
PLAIN_HEADERS = frozenset({"content-type", "content-length"})


class _Store:
    """A least-recently-used map of key → (stamp, body, mimetype), bounded in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[Hashable, tuple[object, bytes, str]] = OrderedDict()
        self.rendering: dict[Hashable, Event] = {}
        self.lock = Lock()

    def get(self, key: Hashable) -> tuple[object, bytes, str] | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: Hashable, stamp: object, response: Response) -> None:
        body = response.get_data()
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old[1])
            self.entries[key] = (stamp, body, response.mimetype)
            self.size += len(body)
            while self.size > self.max_bytes and self.entries:
                _key, (_stamp, dropped, _mimetype) = self.entries.popitem(last=False)
                self.size -= len(dropped)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0

    def claim(self, key: Hashable) -> tuple[Event, bool]:
        """The rendering of `key` under way: (its event, True) for the caller who is to render
        it, (its event, False) for those who may wait for it."""
        with self.lock:
            event = self.rendering.get(key)
            if event is not None:
                return event, False
            event = self.rendering[key] = Event()
            return event, True

    def done(self, key: Hashable, event: Event) -> None:
        with self.lock:
            self.rendering.pop(key, None)
        event.set()


_public = _Store(MAX_BYTES)


def clear() -> None:
    _public.clear()


def _keepable(response: Response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and not session.modified
        and {name.lower() for name, _value in response.headers} <= PLAIN_HEADERS
    )


def _replay(entry: tuple[object, bytes, str]) -> Response:
    return current_app.response_class(entry[1], mimetype=entry[2])


def cached_public_page(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args, **kwargs):
        seconds = current_app.config["PUBLIC_CACHE_SECONDS"]
        if not seconds or request.method != "GET" or session:
            return view(*args, **kwargs)
        key = (request.full_path, str(get_locale()))
        entry = _public.get(key)
        now = time.monotonic()
        if entry is not None and entry[0] > now:
            return _replay(entry)
        rendering, mine = _public.claim(key)
        if not mine:
            if entry is not None and entry[0] + seconds > now:
                return _replay(entry)  # expired a moment ago: served while it is drawn again
            rendering.wait(timeout=seconds)
            entry = _public.get(key)
            if entry is not None and entry[0] > time.monotonic():
                return _replay(entry)
            return view(*args, **kwargs)  # not kept (or too slow): rendered for this visitor
        try:
            response = current_app.make_response(view(*args, **kwargs))
            if _keepable(response):
                _public.put(key, now + seconds, response)
            return response
        finally:
            _public.done(key, rendering)

    return wrapper
