"""Flask extensions: CSRF, login, translations, and the mail sent after each commit."""

from __future__ import annotations

from flask import Flask, has_request_context, request, session
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from portal.db import db
from portal.parsing import parse_whole

csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()


def select_locale() -> str:
    from flask import current_app

    if not has_request_context():  # CLI commands and demo loaders write in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = list(current_app.config["LANGUAGES"])
    chosen = session.get("lang")  # set by the language switch, or at login from the account
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone() -> str:
    from flask import current_app

    return current_app.config["TIME_ZONE"]


def load_user(token: str):
    from portal.accounts.models import User

    user_text, _, version_text = token.partition(":")
    user_id, version = parse_whole(user_text), parse_whole(version_text)
    if user_id is None or version is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version or not user.active:
        return None
    return user


def init_extensions(app: Flask) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    import portal.notifications.mail  # noqa: F401  (registers the job that sends the outbox)
