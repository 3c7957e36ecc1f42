"""PDF rendering: one `render_pdf()` over a Jinja template, given plain values only.

Nothing here touches the database or Flask, so rendering can run in worker processes (see
`render_many`) while the database work stays in the caller. WeasyPrint may fetch only the
portal's own static files and `data:` URLs; anything else stops the rendering with an error.
"""

from __future__ import annotations

import base64
import mimetypes
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
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


def html_to_pdf(html: str, *, variant: str | None = None) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    try:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher_class()())
        return document.write_pdf(pdf_variant=variant or None)
    except FatalURLFetchingError as exc:
        raise RenderingError(str(exc.__cause__ or exc)) from exc


def render_pdf(template_name: str, values: dict[str, Any], *, variant: str | None = None) -> bytes:
    """The PDF of `template_name` (under templates/) filled with `values` (plain data)."""
    return html_to_pdf(render_html(template_name, values), variant=variant)


Job = tuple[str, dict[str, Any], str | None]  # template, values, PDF variant


def _render_job(job: Job) -> bytes:
    template_name, values, variant = job
    return render_pdf(template_name, values, variant=variant)


def render_serially(jobs: Sequence[Job]) -> list[bytes]:
    return [_render_job(job) for job in jobs]


class RenderPool:
    """Renders jobs in `workers` processes (forked where the platform allows, so that the fonts
    WeasyPrint has already loaded come along). Use as a context manager."""

    def __init__(self, workers: int = 2) -> None:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.executor = ProcessPoolExecutor(max_workers=workers, mp_context=context)

    def __call__(self, jobs: Sequence[Job]) -> list[bytes]:
        return [future.result() for future in self.submit(jobs)]

    def submit(self, jobs: Sequence[Job]) -> list[Future]:
        """Start rendering `jobs`; each future's result is a PDF (in the order of `jobs`)."""
        return [self.executor.submit(_render_job, job) for job in jobs]

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(self, *exc) -> None:
        self.executor.shutdown()


Renderer = Callable[[Sequence[Job]], list[bytes]]


def data_url(content: bytes, mimetype: str) -> str:
    return f"data:{mimetype};base64,{base64.b64encode(content).decode('ascii')}"


def qr_data_url(text: str) -> str:
    """A QR code of `text` as a PNG data: URL (segno, pure Python), one pixel a module:
    WeasyPrint copies a few hundred bytes where it would parse and draw an SVG path for every
    notice; notice.css scales it up pixelated, so that its modules print sharp."""
    import segno

    return segno.make(text, error="m").png_data_uri(scale=1, border=2)
