"""Uploaded files: PDF (or, for business licences, PNG and JPEG images) checked by content, a
size limit, random names outside the web root.

Files are written once and never changed; they are served only by views that check permission
first, through `send_stored`.
"""

import hashlib
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, send_file
from werkzeug.datastructures import FileStorage

from portal.errors import ValidationFailed
from portal.i18n import gettext as _

PDF_MAGIC = b"%PDF-"
# Image types accepted where a scan or a photo will do (business licences): magic bytes, the
# name Pillow gives the format, the stored file's suffix and the content type it is served with.
IMAGE_TYPES = {
    b"\x89PNG\r\n\x1a\n": ("PNG", ".png", "image/png"),
    b"\xff\xd8\xff": ("JPEG", ".jpg", "image/jpeg"),
}
MIME_BY_SUFFIX = {".pdf": "application/pdf"} | {
    suffix: mime for _format, suffix, mime in IMAGE_TYPES.values()
}


@dataclass(frozen=True)
class StoredFile:
    stored_name: str  # relative to STORAGE_ROOT, e.g. "uploads/ab/abcdef….pdf"
    filename: str  # the name the user gave, for display only
    size: int
    sha256: str


def storage_root() -> Path:
    return Path(current_app.config["STORAGE_ROOT"])


def safe_display_name(name: str) -> str:
    """The user's file name without any path, control characters or excessive length."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "document.pdf"
    return name[-120:]


def store_pdf(upload: FileStorage, field: str = "file", folder: str = "uploads") -> StoredFile:
    """Check that `upload` is a PDF within the size limit and keep it under a random name.

    Raises ValidationFailed (tied to `field`) for an empty file, a file that is not a PDF
    (whatever its name says) or one over MAX_UPLOAD_MB.
    """
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    data = upload.stream.read(limit + 1)
    if not data:
        raise ValidationFailed({field: _("The file is empty.")})
    if len(data) > limit:
        raise ValidationFailed(
            {field: _("The file is larger than %(mb)s MB.", mb=current_app.config["MAX_UPLOAD_MB"])}
        )
    if not data.lstrip()[:5] == PDF_MAGIC:
        raise ValidationFailed({field: _("Only PDF files are accepted; this file is not a PDF.")})
    return store_bytes(data, safe_display_name(upload.filename or ""), folder)


def image_type(data: bytes) -> tuple[str, str, str] | None:
    """(Pillow's format name, suffix, content type) when `data` starts like a PNG or a JPEG."""
    return next((kind for magic, kind in IMAGE_TYPES.items() if data.startswith(magic)), None)


def store_image(upload: FileStorage, field: str = "file", folder: str = "uploads") -> StoredFile:
    """Check that `upload` is a PNG or JPEG image that Pillow can read, within the size limit,
    and keep it under a random name with the suffix of its checked type.

    Raises ValidationFailed (tied to `field`) for an empty file, one over MAX_UPLOAD_MB, one
    that does not start like a PNG or JPEG, or one whose image data is broken.
    """
    from PIL import Image

    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    data = upload.stream.read(limit + 1)
    if not data:
        raise ValidationFailed({field: _("The file is empty.")})
    if len(data) > limit:
        raise ValidationFailed(
            {field: _("The file is larger than %(mb)s MB.", mb=current_app.config["MAX_UPLOAD_MB"])}
        )
    kind = image_type(data)
    broken = ValidationFailed({field: _("This image is damaged or not really a PNG or JPEG.")})
    if kind is None:
        raise broken
    expected_format, suffix, _mime = kind
    try:
        with Image.open(io.BytesIO(data)) as image:
            format_read = image.format
            image.verify()
    except Exception:  # a parser fed hostile bytes fails in many ways; each means "broken"
        raise broken from None
    if format_read != expected_format:
        raise broken
    return store_bytes(data, safe_display_name(upload.filename or ""), folder, suffix=suffix)


def store_bytes(data: bytes, filename: str, folder: str, suffix: str = ".pdf") -> StoredFile:
    token = secrets.token_hex(16)
    relative = Path(folder) / token[:2] / f"{token}{suffix}"
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


def content_type(stored_name: str) -> str:
    """The content type of a stored file, from the suffix of its checked type."""
    return MIME_BY_SUFFIX.get(Path(stored_name).suffix.lower(), "application/pdf")


def send_stored(stored_name: str, download_name: str, as_attachment: bool = True):
    return send_file(
        path_of(stored_name),
        mimetype=content_type(stored_name),
        as_attachment=as_attachment,
        download_name=download_name,
        max_age=0,
        conditional=True,
    )
