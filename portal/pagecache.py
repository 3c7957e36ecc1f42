"""A short-lived cache of public pages as anonymous visitors see them.

The public catalogue and challenge pages are read far more than they change, by people who are
not logged in. Each worker process keeps the rendered page for PUBLIC_CACHE_SECONDS (default 5)
per address, query string and language, so a burst of visitors costs one rendering. A page is
cached only for a visitor without a session (no login, no pending message) and only when the view
answered 200 without touching the session; logged-in officers always see the live page, and a
visitor sees a change at most PUBLIC_CACHE_SECONDS late. Deadlines are enforced by the services,
never by what a cached page said.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from threading import Lock

from flask import current_app, request, session
from flask_babel import get_locale

MAX_ENTRIES = 512
_entries: OrderedDict[tuple, tuple[float, bytes, str]] = OrderedDict()
_lock = Lock()


def clear() -> None:
    with _lock:
        _entries.clear()


def _anonymous() -> bool:
    return request.method == "GET" and not session


def cached_public_page(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args, **kwargs):
        seconds = current_app.config["PUBLIC_CACHE_SECONDS"]
        if not seconds or not _anonymous():
            return view(*args, **kwargs)
        key = (request.full_path, str(get_locale()))
        now = time.monotonic()
        with _lock:
            hit = _entries.get(key)
        if hit is not None and hit[0] > now:
            return current_app.response_class(hit[1], mimetype=hit[2])
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code == 200 and not session.modified and not response.direct_passthrough:
            with _lock:
                _entries[key] = (now + seconds, response.get_data(), response.mimetype)
                _entries.move_to_end(key)
                while len(_entries) > MAX_ENTRIES:
                    _entries.popitem(last=False)
        return response

    return wrapper
