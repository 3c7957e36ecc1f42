"""Real PDFs for the tests, written with pikepdf: a plain one-page document, or one changed by the
test (a script, an embedded file …) to show what the portal refuses."""

from __future__ import annotations

import io
from collections.abc import Callable

import pikepdf
from pikepdf import Dictionary, Name


def pdf(text: str = "A plan", change: Callable[[pikepdf.Pdf], None] | None = None, **info) -> bytes:
    """A one-page PDF showing `text`, with document information `info` (author="Li Lei" sets
    /Author), after `change` has been applied to it."""
    document = pikepdf.new()
    page = document.add_blank_page(page_size=(595, 842))
    font = document.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    page.Resources = Dictionary(Font=Dictionary(F1=font))
    safe = text.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    page.Contents = document.make_stream(b"BT /F1 18 Tf 72 720 Td (" + safe + b") Tj ET")
    for key, value in info.items():
        document.docinfo[Name("/" + key.capitalize())] = value
    if change is not None:
        change(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def info_of(data: bytes) -> dict[str, str]:
    """The document information of a PDF, as its reader would show it."""
    with pikepdf.open(io.BytesIO(data)) as document:
        return {str(k): str(v) for k, v in document.docinfo.items()}


def has_xmp(data: bytes) -> bool:
    with pikepdf.open(io.BytesIO(data)) as document:
        return Name.Metadata in document.Root
