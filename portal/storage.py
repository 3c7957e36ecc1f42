"""Uploaded files: checked by content with a real parser, within a size limit, kept under random
names outside the web root, and served only as downloads.

Every upload goes through `store_upload` (`store_pdf` for PDFs): the file's type is what its
content is, never what its name says, and the stored name and every download name carry the
extension of that checked type. Files are written once and never changed; they are served only by
views that check permission first, through `send_stored` (or `send_data` for a derived copy),
as attachments with `nosniff`, so that no browser ever renders one as a page.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from flask import Response, current_app, send_file
from PIL import Image
from werkzeug.datastructures import FileStorage

from portal.errors import ValidationFailed
from portal.i18n import gettext as _
from portal.pdfs import pdf_problem
from portal.presentation import listing


def _image_problem(data: bytes, pillow_format: str, end: bytes) -> str | None:
    """Why `data` is not a whole, readable image of the format its signature claims.

    The end marker is checked by hand: the PDF renderer tells Pillow, for the whole process, to
    accept truncated images (ImageFile.LOAD_TRUNCATED_IMAGES), so decoding alone would not notice.
    """
    problem = _("This image cannot be read: it is damaged, incomplete or too large.")
    if not data.rstrip(b"\0").endswith(end):
        return problem
    try:
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
            if image.width * image.height > Image.MAX_IMAGE_PIXELS:
                return problem
            image.verify()
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return problem
    return None


@dataclass(frozen=True)
class FileKind:
    """A type of file the portal keeps: how its content begins, how it is checked, and the
    extension and content type it is stored and served with."""

    label: str
    extension: str
    content_type: str
    signature: bytes
    problem: Callable[[bytes], str | None] = field(repr=False)
    other_extensions: tuple[str, ...] = ()


PDF = FileKind("PDF", "pdf", "application/pdf", b"%PDF-", pdf_problem)
PNG = FileKind(
    "PNG",
    "png",
    "image/png",
    b"\x89PNG\r\n\x1a\n",
    lambda data: _image_problem(data, "PNG", b"IEND\xaeB`\x82"),
)
JPEG = FileKind(
    "JPEG",
    "jpg",
    "image/jpeg",
    b"\xff\xd8\xff",
    lambda data: _image_problem(data, "JPEG", b"\xff\xd9"),
    other_extensions=("jpeg",),
)
KINDS = (PDF, PNG, JPEG)
KINDS_BY_EXTENSION = {kind.extension: kind for kind in KINDS}


@dataclass(frozen=True)
class StoredFile:
    stored_name: str  # relative to STORAGE_ROOT, e.g. "uploads/ab/abcdef….pdf"
    filename: str  # the name the user gave (with the checked type's extension), for display
    size: int
    sha256: str


def storage_root() -> Path:
    return Path(current_app.config["STORAGE_ROOT"])


def kind_of(data: bytes) -> FileKind | None:
    """The kind that `data` starts as (a PDF must start with its header, as strict readers
    require: a header further in is how HTML/PDF polyglots are made)."""
    return next((kind for kind in KINDS if data.startswith(kind.signature)), None)


def kind_of_stored(stored_name: str) -> FileKind:
    """The checked kind of a stored file, which its stored name's extension records."""
    return KINDS_BY_EXTENSION[stored_name.rsplit(".", 1)[-1]]


def with_extension(name: str, kind: FileKind) -> str:
    """`name` ending in the extension of `kind`: "poly.html" → "poly.pdf", "方案" → "方案.pdf"."""
    stem, dot, extension = name.rpartition(".")
    if dot and stem and extension.isascii() and extension.isalnum() and len(extension) <= 5:
        if extension.lower() in (kind.extension, *kind.other_extensions):
            return name
        name = stem
    return f"{name}.{kind.extension}"


def safe_display_name(name: str, kind: FileKind = PDF) -> str:
    """The user's file name without any path, control characters or excessive length, ending
    in the checked kind's extension."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "document"
    return with_extension(name[-120:], kind)


def store_upload(
    upload: FileStorage, *, field: str, folder: str, kinds: tuple[FileKind, ...] = (PDF,)
) -> StoredFile:
    """Check that `upload` is one of `kinds` (by content, with the kind's parser) and within the
    size limit, and keep it under a random name ending in the checked kind's extension.

    Raises ValidationFailed, tied to `field`, for an empty file, one over MAX_UPLOAD_MB, one of
    another kind (whatever its name says), or one that its kind's check refuses.
    """
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    data = upload.stream.read(limit + 1)
    if not data:
        raise ValidationFailed({field: _("The file is empty.")})
    if len(data) > limit:
        raise ValidationFailed(
            {field: _("The file is larger than %(mb)s MB.", mb=current_app.config["MAX_UPLOAD_MB"])}
        )
    kind = kind_of(data)
    if kind not in kinds:
        if kinds == (PDF,):
            raise ValidationFailed(
                {field: _("Only PDF files are accepted; this file is not a PDF.")}
            )
        accepted = listing(k.label for k in kinds)
        raise ValidationFailed(
            {field: _("Only these kinds of file are accepted: %(kinds)s.", kinds=accepted)}
        )
    problem = kind.problem(data)
    if problem:
        raise ValidationFailed({field: problem})
    return store_bytes(data, safe_display_name(upload.filename or "", kind), folder, kind)


def store_pdf(upload: FileStorage, field: str = "file", folder: str = "uploads") -> StoredFile:
    """Keep an uploaded PDF; see `store_upload`."""
    return store_upload(upload, field=field, folder=folder, kinds=(PDF,))


def store_bytes(data: bytes, filename: str, folder: str, kind: FileKind = PDF) -> StoredFile:
    """Keep bytes the portal made itself (notices, demo files) or has checked, as `kind`."""
    token = secrets.token_hex(16)
    relative = Path(folder) / token[:2] / f"{token}.{kind.extension}"
    target = storage_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as out:
        out.write(data)
    return StoredFile(
        stored_name=relative.as_posix(),
        filename=filename,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def path_of(stored_name: str) -> Path:
    root = storage_root().resolve()
    path = (root / stored_name).resolve()
    if root not in path.parents:
        raise ValueError("stored name escapes the storage root")
    return path


def read_stored(stored_name: str) -> bytes:
    return path_of(stored_name).read_bytes()


def send_stored(stored_name: str, download_name: str) -> Response:
    """A stored file as a download, under `download_name` with its checked kind's extension."""
    kind = kind_of_stored(stored_name)
    response = send_file(
        path_of(stored_name), mimetype=kind.content_type, max_age=0, conditional=True
    )
    return _as_download(response, download_name, kind)


def send_data(data: bytes, download_name: str, kind: FileKind = PDF) -> Response:
    """A copy made for this request (e.g. a PDF without its metadata) as a download."""
    response = current_app.response_class(data, mimetype=kind.content_type)
    response.headers["Cache-Control"] = "no-store"
    return _as_download(response, download_name, kind)


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII file name for old clients and the exact (e.g. Chinese) name in
    RFC 5987 form for every current browser."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", ascii_name).strip(" _")
    stem, _dot, extension = ascii_name.rpartition(".")
    if not re.search(r"[A-Za-z0-9]", stem):
        ascii_name = f"download.{extension}" if extension else "download"
    header = f'attachment; filename="{ascii_name}"'
    if ascii_name != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def _as_download(response: Response, download_name: str, kind: FileKind) -> Response:
    response.headers["Content-Disposition"] = content_disposition(
        safe_display_name(download_name, kind)
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Should a browser display the file after all, it may run nothing and load nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
