"""What an uploaded PDF may contain, and the copy of it that hides who wrote it.

The rules, in the order they are checked:
- the file starts with "%PDF-" at its first byte, as strict readers require (Acrobat's tolerance
  of a header further in is how HTML/PDF polyglots are made), and has no HTML markup in the bytes
  a browser sniffs nor after its end;
- it parses as it stands: pikepdf (qpdf) with its repair mode off, so a truncated file or a
  broken cross-reference table is refused rather than guessed at;
- nothing in it runs or carries other files: no JavaScript (in the names tree, an action, an
  additional action /AA, or a "javascript:" link), no launch action, no embedded file.

pikepdf rather than pypdf: qpdf is a complete implementation that reads object and
cross-reference streams exactly, can be told not to repair, walks every object of a 20 MB file
within the upload request, and writes a faithful copy without the metadata.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pikepdf
from pikepdf import Name

from portal.i18n import gettext as _

HEADER = b"%PDF-"
# A browser that sniffs a file's type reads at most this many leading bytes (WHATWG MIME
# Sniffing, "resource header"); a PDF with HTML there is an HTML/PDF polyglot.
SNIFF_WINDOW = 1445
# The opening tags that make a browser take bytes for HTML (WHATWG MIME Sniffing, "rules for
# identifying an unknown MIME type", with a few more that run script), followed by a space, ">" or
# "/". PDF syntax never puts a letter right after "<" except in hex strings ("<a3f0…>"), and a
# closing tag is not looked for because "</Font " is ordinary PDF ("<< /Font" written "<</Font").
HTML_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|"
    rb"svg|img|object|embed|meta|base|form)[\s>/]|<!--",
    re.IGNORECASE,
)
END_OF_FILE = b"%%EOF"
# What a malformed file can make the parser raise (a PasswordError is a PdfError too).
UNREADABLE = (pikepdf.PdfError, ValueError, TypeError, KeyError, RuntimeError, RecursionError)
# Annotations whose /T names the person who wrote the comment (PDF 32000-1, 12.5.6.2).
MARKUP_ANNOTATIONS = {
    Name.Text,
    Name.FreeText,
    Name.Line,
    Name.Square,
    Name.Circle,
    Name.Polygon,
    Name.PolyLine,
    Name.Highlight,
    Name.Underline,
    Name.Squiggly,
    Name.StrikeOut,
    Name.Stamp,
    Name.Caret,
    Name.Ink,
    Name.Sound,
    Name.Redact,
}


def pdf_problem(data: bytes) -> str | None:
    """Why `data` is not accepted as a PDF, as a message for the user; None when it is."""
    if not data.startswith(HEADER):
        return _("Only PDF files are accepted; this file is not a PDF.")
    if HTML_MARKUP.search(data[:SNIFF_WINDOW]) or HTML_MARKUP.search(_after_end(data)):
        return _(
            "This file mixes a PDF with web-page (HTML) markup and is not accepted. "
            "Save the document again as a PDF and upload that."
        )
    try:
        with pikepdf.open(io.BytesIO(data), attempt_recovery=False) as pdf:
            if len(pdf.pages) == 0:
                return _("This PDF has no pages.")
            return _active_content_problem(pdf)
    except pikepdf.PasswordError:
        return _("This PDF is protected by a password. Upload it without the password.")
    except UNREADABLE:
        return _(
            "This PDF cannot be read: it is damaged or incomplete. Save it again from the "
            "program that made it and upload it again."
        )


class UnreadablePdf(ValueError):
    """A stored file that cannot be parsed as a PDF, even leniently."""


def without_metadata(data: bytes) -> bytes:
    """A copy of the PDF without its document information (/Author, /Creator, /Producer,
    /Title …), XMP metadata streams, application data (/PieceInfo) or annotation authors.

    The pages themselves are unchanged; objects that only the metadata referred to are not
    written (qpdf writes what is reachable), nor is any earlier incremental revision.
    """
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if Name.Info in pdf.trailer:
                del pdf.trailer[Name.Info]
            for item in _dictionaries(pdf):
                for key in (Name.Metadata, Name.PieceInfo):
                    if key in item:
                        del item[key]
                if item.get(Name.Subtype) in MARKUP_ANNOTATIONS and Name.T in item:
                    del item[Name.T]
            out = io.BytesIO()
            pdf.save(out, fix_metadata_version=False)
    except UNREADABLE as exc:
        raise UnreadablePdf(str(exc)) from exc
    return out.getvalue()


def _after_end(data: bytes) -> bytes:
    """Whatever follows the last end-of-file marker, where a polyglot can append a page."""
    end = data.rfind(END_OF_FILE)
    return data[end + len(END_OF_FILE) :] if end >= 0 else b""


def _active_content_problem(pdf: pikepdf.Pdf) -> str | None:
    names = pdf.Root.get(Name.Names)
    scripted = names is not None and Name.JavaScript in names
    embedded = names is not None and Name.EmbeddedFiles in names
    for item in _dictionaries(pdf):
        kind = item.get(Name.S)
        if Name.JS in item or kind == Name.JavaScript or _script_link(item):
            scripted = True
        if kind == Name.Launch:
            return _(
                "This PDF contains an action that starts a program, which is not accepted. "
                "Save it again without it (for example, print it to a new PDF)."
            )
        if (
            item.get(Name.Type) == Name.EmbeddedFile
            or Name.EF in item
            or item.get(Name.Subtype) == Name.FileAttachment
        ):
            embedded = True
    if scripted:
        return _(
            "This PDF contains JavaScript, which is not accepted. Save it again without scripts "
            "(for example, print it to a new PDF)."
        )
    if embedded:
        return _(
            "This PDF has files embedded in it, which is not accepted. Upload each file on its own."
        )
    return None


def _script_link(item: pikepdf.Object) -> bool:
    """A link action whose address is a script ("javascript:…"), which some readers run."""
    address = item.get(Name.URI)
    return isinstance(address, pikepdf.String) and (
        str(address).strip().lower().startswith("javascript:")
    )


def _dictionaries(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Every dictionary and stream of the file, also those written inside other objects (an
    action in a page's /AA, say). Indirect objects are reached once, through `pdf.objects`."""
    pending = list(pdf.objects)
    while pending:
        item = pending.pop()
        if isinstance(item, pikepdf.Array):
            children = list(item)
        elif isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
            yield item
            children = [value for _key, value in item.items()]
        else:
            continue
        pending.extend(
            child
            for child in children
            if isinstance(child, pikepdf.Array | pikepdf.Dictionary) and not child.is_indirect
        )
