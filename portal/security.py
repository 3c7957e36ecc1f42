"""The protections every request passes through, wired in one place (the README's "Security"
section lists them): the client's address behind trusted proxies, how long a login lasts, forms
kept when it has ended, and the headers that tell browsers what a page may do.

The headers are set by one `after_request` rather than an extension such as Flask-Talisman: the
portal needs five fixed headers, and Talisman would bring its own HTTPS redirects and cookie
settings that duplicate SESSION_COOKIE_SECURE and the reverse proxy's job.
"""

from __future__ import annotations

import ipaddress
import logging
import stat
from pathlib import Path

from flask import Flask, Response, current_app
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import formstash
from portal.accounts import sessions

log = logging.getLogger("portal")


class _PlainAddress:
    """A forwarded address that is not an IP address can only come from a client that forged
    X-Forwarded-For (TRUSTED_PROXIES set higher than the proxies there are): the connecting
    peer's address is kept instead, so that throttling and the audit trail may trust
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


# Pages load scripts, styles, images and fonts from the portal only: no inline script or style,
# no plugin, no other site; no page may be framed (clickjacking) and forms post only here.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS_SECONDS = 365 * 24 * 3600


def security_headers(response: Response) -> Response:
    """Every response: no content sniffing, no referrer to other sites, no framing; HTML pages
    also get the CSP; and over HTTPS (SESSION_COOKIE_SECURE) browsers are told to stay on it.
    A view that set one of these itself keeps its own."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if current_app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")
    return response


def warn_if_readable_by_others(config_file: Path) -> bool:
    """Say so when the file holding the signing key can be read by other users of the machine
    (`make run` writes it with mode 0600)."""
    if not config_file.exists() or not stat.S_IMODE(config_file.stat().st_mode) & 0o077:
        return False
    log.warning("%s can be read by other users; run: chmod 600 %s", config_file, config_file)
    return True


def init_app(app: Flask) -> None:
    warn_if_readable_by_others(Path(app.instance_path) / "config.py")
    trust_proxies(app)
    app.before_request(sessions.check)
    formstash.init_app(app)
    app.after_request(security_headers)
