"""Rendered pages kept by each worker process, so that reading a page again costs little.

Two caches with different promises:

- `cached_public_page`: the public catalogue, challenge and publicity pages as anonymous visitors
  see them, kept PUBLIC_CACHE_SECONDS (default 5) per address, query string and language. A burst
  of visitors costs one rendering and no query; a visitor sees a change at most that many seconds
  late. Deadlines are enforced by the services, never by what a cached page said.
- `cached_private_page`: pages of logged-in users, never behind the data. An entry is kept with
  the data generation it was rendered at (portal/generation.py) and served only while the
  database is still there: any committed write, by any worker, makes every entry stale, and one
  small query tells. The key holds the session's user token and CSRF token (so forms carry the
  right one), the language and the full path. A kept page is answered before the user is even
  loaded (see `_serve_kept_page` for why that is safe). Pages derived from the clock
  (countdowns, deadlines passing) are rendered again every PRIVATE_CACHE_SECONDS (default 5);
  0 turns the cache off.

Only a 200 HTML answer that set no header of its own and left the session untouched is kept, and
nothing is served from a cache while a message waits to be flashed.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps
from threading import Lock

from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user

from portal import clock, generation
from portal.db import db
from portal.extensions import login_manager

MAX_BYTES = 64 * 1024 * 1024
PLAIN_HEADERS = frozenset({"content-type", "content-length"})


class _Store:
    """A least-recently-used map of key → (stamp, body, mimetype), bounded in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[Hashable, tuple[object, bytes, str]] = OrderedDict()
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


_public = _Store(MAX_BYTES // 4)
_private = _Store(MAX_BYTES)


def clear() -> None:
    _public.clear()
    _private.clear()


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
        now = time.monotonic()
        entry = _public.get(key)
        if entry is not None and entry[0] > now:
            return _replay(entry)
        response = current_app.make_response(view(*args, **kwargs))
        if _keepable(response):
            _public.put(key, now + seconds, response)
        return response

    return wrapper


def _private_key() -> tuple | None:
    """The key of this request's page in the private cache, or None when it may not be kept:
    not a GET, no logged-in session, a message waiting, or a session that Flask-Login would
    refuse here (strong protection binds it to the address and browser it was made in)."""
    seconds = current_app.config["PRIVATE_CACHE_SECONDS"]
    if not seconds or request.method != "GET" or "_flashes" in session:
        return None
    token = session.get("_user_id")
    if token is None or session.get("_id") != login_manager._session_identifier_generator():
        return None
    return (
        request.full_path,
        str(get_locale()),
        token,
        session.get("csrf_token"),
        int(clock.now().timestamp() // seconds),
    )


def _serve_kept_page() -> Response | None:
    """Before the view, and before the user is loaded: a kept page still at the current data
    generation is the answer. The entry was stored by this session, for this user, after their
    access was checked; the generation has not moved since, so neither the user's row (role,
    activity, session version: logging out moves it on) nor anything else the check or the page
    read has changed. The login's idle timeout and lifetime were checked just before, by the
    hook of portal/accounts/sessions.py, which ends a login past them before this one runs."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if not getattr(view, "keeps_private_page", False):
        return None
    key = _private_key()
    if key is None:
        return None
    # Read first, so that everything the page then reads is at least this new.
    stamp = generation.current(db.session)
    g.private_page = (key, stamp)
    entry = _private.get(key)
    if entry is not None and entry[0] == stamp:
        return _replay(entry)
    return None


def cached_private_page(view: Callable) -> Callable:
    """Keep the page the view renders for a logged-in user (see the module's note). Goes below
    the view's access rule, which runs on every request that is not served from the cache."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        pending = g.pop("private_page", None)
        if pending is None:
            return view(*args, **kwargs)
        response = current_app.make_response(view(*args, **kwargs))
        if current_user.is_authenticated and _keepable(response):
            _private.put(*pending, response)
        return response

    wrapper.keeps_private_page = True
    return wrapper


def init_app(app: Flask) -> None:
    app.before_request(_serve_kept_page)
