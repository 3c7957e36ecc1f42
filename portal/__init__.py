"""Jiebang Portal: the application factory."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from portal import config as default_config
from portal.requests import PortalRequest

log = logging.getLogger("portal")
ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(default_config.INSTANCE_PATH),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    app.request_class = PortalRequest
    app.config.from_object(default_config)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("PORTAL")
    app.config.update(overrides or {})
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LOCALE"])
    if not app.config.get("SECRET_KEY"):
        log.warning("No SECRET_KEY configured: sessions will not survive a restart.")
        app.config["SECRET_KEY"] = secrets.token_hex(32)

    from portal.db import db
    from portal.extensions import init_extensions
    from portal.parsing import register_converters

    db.init_app(app)
    init_extensions(app)
    register_converters(app)

    from portal.error_pages import register_error_pages
    from portal.templating import init_templating

    register_error_pages(app)
    init_templating(app)
    register_blueprints(app)

    from portal import security

    security.init_app(app)

    from portal.cli import register_commands

    register_commands(app)

    from portal.notices.health import warn_if_unready

    warn_if_unready()
    return app


def connect_receivers() -> None:
    """Modules that react to a lower module's signals (see each signals.py) connect their
    receivers when imported."""
    import portal.alerts.receivers  # noqa: F401  (publications and answers reach followers)
    import portal.alerts.reminders  # noqa: F401  (the scheduled reminders' periodic job)
    import portal.proposals.receivers  # noqa: F401  (challenges drop indicators, amend, cancel)


def register_blueprints(app: Flask) -> None:
    connect_receivers()
    from portal import pages
    from portal.accounts import (  # noqa: F401  (their routes join the accounts blueprint)
        inbox_views,
        organisation_views,
        recovery_views,
        staff_views,
        throttle_views,
    )
    from portal.accounts import views as accounts
    from portal.alerts import views as alerts
    from portal.awards import views as awards
    from portal.chains import views as chains
    from portal.challenges import views as challenges
    from portal.notices import views as notices
    from portal.operations import views as operations
    from portal.proposals import views as proposals
    from portal.reviews import views as reviews

    for module in (
        pages,
        accounts,
        throttle_views,
        challenges,
        inbox_views,
        reviews,
        proposals,
        awards,
        notices,
        chains,
        alerts,
        operations,
    ):
        app.register_blueprint(module.bp)
