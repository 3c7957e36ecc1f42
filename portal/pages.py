"""The home page (a person's workbench once logged in), the language switch and the favicon."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_from_directory,
    session,
)
from flask_login import current_user

from portal import clock
from portal.access import public, writes
from portal.accounts.services import set_language as remember_language
from portal.parsing import safe_next
from portal.unit_of_work import unit_of_work
from portal.workbench.queries import workbench

bp = Blueprint("pages", __name__)


@bp.get("/")
@public
def home():
    """Anyone's welcome; after login, the person's workbench: what waits for them."""
    queues = workbench(current_user) if current_user.is_authenticated else {}
    return render_template("home.html", queues=queues, now=clock.now())


@bp.get("/language/<lang>")
@public
@writes
def set_language(lang: str):
    """Remember the chosen language in the session (and on the account when logged in).

    A plain link rather than a form, so that public pages need no CSRF token (and no session
    cookie) just to offer the switch; changing one's language is harmless to forge.
    """
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = lang
    if current_user.is_authenticated:
        unit_of_work(
            lambda: remember_language(current_user, lang), lambda exc: flash(str(exc), "error")
        )
    return redirect(safe_next("/"))


@bp.get("/favicon.ico")
@public
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; pages link the SVG."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon"
    )


@bp.get("/healthz")
@public
def healthz():
    return {"status": "ok"}
