"""PDF rendering: one `render_pdf()` over a Jinja template, given plain values only.

Nothing here touches the database or Flask, so rendering can run in worker processes while the
database work stays in the caller. WeasyPrint may fetch only the portal's own static files and
`data:` URLs; anything else stops the rendering with an error.

Fonts are loaded and the notices' stylesheet parsed once per process (per thread, as WeasyPrint
is not thread-safe): left to itself, WeasyPrint builds a new font configuration for every
document, reading fontconfig's lists and opening the CJK font file again, and parses the
stylesheet it links. `warm_fonts()` does both before a process forks its workers, so that they
start warm.
"""

from __future__ import annotations

import base64
import mimetypes
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = ROOT / "templates"
STATIC = (ROOT / "portal" / "static").resolve()
BASE_URL = STATIC.as_uri() + "/"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATES)),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class RenderingError(RuntimeError):
    """The document could not be rendered (for example, it asked for a forbidden resource)."""


class ForbiddenResource(ValueError):
    """A template asked WeasyPrint for something other than a static asset or a data: URL."""


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PortalFetcher(URLFetcher):
        """Serves `data:` URLs and files under portal/static; refuses everything else."""

        def __init__(self) -> None:
            super().__init__(fail_on_errors=True, allowed_protocols=("data", "file"))

        def fetch(self, url: str, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme == "file" and not parts.netloc:
                path = Path(unquote(parts.path)).resolve()
                if STATIC in path.parents and path.is_file():
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(
                        url, path.read_bytes(), headers={"Content-Type": kind}
                    )
            raise ForbiddenResource(f"notices may not load {url[:200]}")

    return PortalFetcher


def render_html(template_name: str, values: dict[str, Any]) -> str:
    return _env.get_template(template_name).render(**values)


_loaded = threading.local()

NOTICE_FONT = "Noto Serif CJK SC"  # the one face of a notice, as notices/notice.css names it
NOTICE_STYLESHEET = "notices/notice.css"  # under portal/static: the style of every notice


def font_config():
    """This thread's WeasyPrint font configuration, kept from one document to the next: Pango's
    font map holds the faces it has opened. A forked process inherits its parent's."""
    config = getattr(_loaded, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _loaded.font_config = FontConfiguration()
    return config


def stylesheet(name: str):
    """The stylesheet `name` (under portal/static), parsed once per thread and process."""
    sheets = getattr(_loaded, "stylesheets", None)
    if sheets is None:
        sheets = _loaded.stylesheets = {}
    if name not in sheets:
        from weasyprint import CSS

        sheets[name] = CSS(
            url=BASE_URL + name, url_fetcher=_fetcher_class()(), font_config=font_config()
        )
    return sheets[name]


def warm_fonts() -> None:
    """Opens the notice's font and parses its stylesheet in this process, for workers to
    inherit (a line of text is laid out and printed)."""
    html_to_pdf("<p>立项通知书 Award notice</p>", stylesheets=(NOTICE_STYLESHEET,))


def html_to_pdf(html: str, *, variant: str | None = None, stylesheets: Sequence[str] = ()) -> bytes:
    """The PDF of `html`, styled by its own links and by `stylesheets` (under portal/static)."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    try:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher_class()())
        return document.write_pdf(
            stylesheets=[stylesheet(name) for name in stylesheets],
            pdf_variant=variant or None,
            font_config=font_config(),
        )
    except FatalURLFetchingError as exc:
        raise RenderingError(str(exc.__cause__ or exc)) from exc


def render_pdf(template_name: str, values: dict[str, Any], *, variant: str | None = None) -> bytes:
    """The PDF of `template_name` (under templates/) filled with `values` (plain data), in the
    notices' style."""
    html = render_html(template_name, values)
    return html_to_pdf(html, variant=variant, stylesheets=(NOTICE_STYLESHEET,))


Job = tuple[str, dict[str, Any], str | None]  # template, values, PDF variant


def _render_job(job: Job) -> bytes:
    template_name, values, variant = job
    return render_pdf(template_name, values, variant=variant)


def render_serially(jobs: Sequence[Job]) -> list[bytes]:
    return [_render_job(job) for job in jobs]


Renderer = Callable[[Sequence[Job]], list[bytes]]


def data_url(content: bytes, mimetype: str) -> str:
    return f"data:{mimetype};base64,{base64.b64encode(content).decode('ascii')}"


def qr_data_url(text: str) -> str:
    """A QR code of `text` as a PNG data: URL (segno, pure Python), one pixel a module:
    WeasyPrint copies a few hundred bytes where it would parse and draw an SVG path for every
    notice; notice.css scales it up pixelated, so that its modules print sharp."""
    import segno

    return segno.make(text, error="m").png_data_uri(scale=1, border=2)
