"""Domain errors raised by services, and the error pages shown in the layout."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from portal.i18n import gettext as _


class DomainError(Exception):
    """A refused operation; its message is shown to the user as it is.

    The unit of work rolls back what the refused operation changed, unless `keep_changes` says
    that what it wrote must stay (a refused login's recorded attempt)."""

    keep_changes = False

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotAllowed(DomainError):
    def __init__(self, message: str | None = None):
        super().__init__(message or _("You are not allowed to do this."))


def require(allowed: bool, message: str | None = None) -> None:
    """How services enforce a `can_<verb>(user, obj)` rule: NotAllowed unless it holds."""
    if not allowed:
        raise NotAllowed(message)


class ValidationFailed(DomainError):
    """Several problems at once, each tied to a form field (or None for the whole form)."""

    def __init__(self, problems: dict[str | None, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def register_error_pages(app: Flask) -> None:
    def page(code: int, title: str, message: str):
        return render_template("error.html", code=code, title=title, message=message), code

    @app.errorhandler(400)
    def bad_request(_e):
        return page(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        from portal import formstash

        kept = formstash.after_stale_form()  # what was typed comes back in the form
        if kept is not None:
            return kept
        return page(
            400,
            _("Form expired"),
            _("The form was missing its security token or it expired. Go back and try again."),
        )

    @app.errorhandler(403)
    def forbidden(_e):
        return page(403, _("Not allowed"), _("You do not have permission to see this page."))

    @app.errorhandler(404)
    def not_found(_e):
        return page(
            404, _("Page not found"), _("There is nothing here, or it is not yours to see.")
        )

    @app.errorhandler(405)
    def method_not_allowed(_e):
        return page(405, _("Not allowed"), _("This address does not accept that kind of request."))

    @app.errorhandler(413)
    def too_large(_e):
        return page(
            413,
            _("File too large"),
            _(
                "The upload is larger than the portal accepts (%(mb)s MB). Nothing was saved.",
                mb=app.config["MAX_UPLOAD_MB"],
            ),
        )

    @app.errorhandler(500)
    def server_error(_e):
        return page(
            500, _("Something went wrong"), _("The error has been logged. Please try again.")
        )
