"""The error pages, shown in the layout: 400 (and an expired form, whose text comes back after
login), 403, 404, 405, 413 and 500."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l

# The pages that say the same every time: a title and a message by status code.
PLAIN_PAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Not allowed"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("There is nothing here, or it is not yours to see.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    500: (_l("Something went wrong"), _l("The error has been logged. Please try again.")),
}


def _page(code: int, title: str, message: str):
    return render_template("error.html", code=code, title=title, message=message), code


def _plain_page(code: int):
    title, message = PLAIN_PAGES[code]
    return lambda _e: _page(code, title, message)


def register_error_pages(app: Flask) -> None:
    for code in PLAIN_PAGES:
        app.register_error_handler(code, _plain_page(code))

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        from portal import formstash

        kept = formstash.after_stale_form()  # what was typed comes back in the form
        if kept is not None:
            return kept
        return _page(
            400,
            _("Form expired"),
            _("The form was missing its security token or it expired. Go back and try again."),
        )

    @app.errorhandler(413)
    def too_large(_e):
        return _page(
            413,
            _("File too large"),
            _(
                "The upload is larger than the portal accepts (%(mb)s MB). Nothing was saved.",
                mb=app.config["MAX_UPLOAD_MB"],
            ),
        )
