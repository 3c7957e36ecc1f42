"""The protections every request passes through, wired in one place (the README's "Security"
section lists them): the client's address behind trusted proxies, and how long a login lasts."""

from __future__ import annotations

import ipaddress

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.accounts import sessions


class _PlainAddress:
    """Keeps the connecting peer's address when the forwarded one is not an IP address, which
    only a client can cause that forges X-Forwarded-For past a proxy not counted in
    TRUSTED_PROXIES. Everything downstream (throttling, the audit trail) may then trust
    `request.remote_addr` to be short and plain."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        try:
            ipaddress.ip_address(environ.get("REMOTE_ADDR", ""))
        except ValueError:
            original = environ.get("werkzeug.proxy_fix.orig", {})
            environ["REMOTE_ADDR"] = original.get("REMOTE_ADDR", "")
        return self.wsgi_app(environ, start_response)


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, the client's address and scheme are the ones the
    last of them reports in X-Forwarded-For and X-Forwarded-Proto."""
    hops = int(app.config["TRUSTED_PROXIES"])
    if hops > 0:
        app.wsgi_app = ProxyFix(_PlainAddress(app.wsgi_app), x_for=hops, x_proto=hops)


def init_app(app: Flask) -> None:
    trust_proxies(app)
    # Before the page cache's hook, which may answer a logged-in user with a kept page.
    app.before_request(sessions.check)
