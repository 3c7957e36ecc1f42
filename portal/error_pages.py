"""The error pages, shown in the layout: 400 (and an expired form, whose text comes back after
login), 403, 404, 405, 413 and 500."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from portal.i18n import gettext as _


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
