"""The protections every request passes through, wired in one place (see the README's
"Security" section): how long a login lasts."""

from __future__ import annotations

from flask import Flask

from portal.accounts import sessions


def init_app(app: Flask) -> None:
    # Before the page cache's hook, which may answer a logged-in user with a kept page.
    app.before_request(sessions.check)
