"""The PDFs attached to a draft: adding one, and dropping one.

Files are never changed. A file that a submitted version holds is kept when the draft drops it
(its row is only marked removed); any other is deleted with its row, once the transaction has
committed (db.on_commit): a save that fails and rolls back keeps the row and its file together.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from flask import current_app
from werkzeug.datastructures import FileStorage

from portal import audit, clock, storage
from portal.accounts.models import User
from portal.db import db
from portal.errors import DomainError, ValidationFailed
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.proposals.common import lock_proposal
from portal.proposals.drafting import check_editable
from portal.proposals.models import Attachment, Proposal
from portal.proposals.queries import current_attachments
from portal.proposals.snapshot import SubmittedContent


def add_attachment(
    proposal: Proposal,
    *,
    by: User,
    upload: FileStorage | None,
    title: str = "",
    now: datetime | None = None,
) -> Attachment:
    """Keep an uploaded PDF (checked by content and size) with the draft, up to
    MAX_ATTACHMENTS current files (counted under the proposal's lock, so two uploads at once
    cannot both take the last place)."""
    now = now or clock.now()
    proposal = lock_proposal(proposal)
    check_editable(proposal, by, now)
    if upload is None or not upload.filename:
        raise ValidationFailed({"file": _("Choose a PDF file to upload.")})
    most = current_app.config["MAX_ATTACHMENTS"]
    if len(current_attachments(proposal)) >= most:
        raise ValidationFailed(
            {
                "file": ngettext(
                    "A proposal can have at most %(num)s attachment. Remove it before adding "
                    "another.",
                    "A proposal can have at most %(num)s attachments. Remove one before adding "
                    "another.",
                    most,
                )
            }
        )
    stored = storage.store_pdf(upload, field="file", folder="proposals")
    attachment = Attachment(
        **asdict(stored),
        proposal_id=proposal.id,
        title=(title or "").strip() or stored.filename,
        uploaded_at=now,
        uploaded_by_id=by.id,
    )
    audit.created(by, "proposal.attachment_added", attachment)
    return attachment


def in_submitted_version(attachment: Attachment, proposal: Proposal) -> bool:
    """Whether a submitted version of `proposal` (versions loaded) holds this file."""
    return any(
        frozen.stored_name == attachment.stored_name
        for version in proposal.versions
        for frozen in SubmittedContent.from_json(version.content).attachments
    )


def remove_attachment(
    attachment: Attachment, *, by: User, now: datetime | None = None
) -> Attachment:
    """Drop an attachment from the draft. A file that a submitted version holds is kept (only
    marked removed); any other is deleted with its row, after the commit."""
    now = now or clock.now()
    proposal = lock_proposal(attachment.proposal)
    check_editable(proposal, by, now)
    if attachment.removed_at is not None or attachment not in proposal.attachments:
        raise DomainError(_("This attachment has already been removed."))
    before = audit.snapshot(attachment)
    if in_submitted_version(attachment, proposal):
        attachment.removed_at = now
        audit.record(by, "proposal.attachment_removed", attachment, before=before)
        return attachment
    audit.record(by, "proposal.attachment_deleted", attachment, before=before)
    path = storage.path_of(attachment.stored_name)
    db.session.delete(attachment)
    db.session.flush()
    db.on_commit(lambda: path.unlink(missing_ok=True))
    return attachment
