"""Organisations: what their administrators keep up to date, and what platform staff verify.

An organisation is unverified until staff have checked it against its business licence
(营业执照); it may draft proposals but not submit them. Staff verify it, or reject it with a
reason; after a rejection its administrator uploads a licence again and it waits once more.
`_set_status` is the only writer of its status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import or_, select
from werkzeug.datastructures import FileStorage

from portal import audit, clock, storage
from portal.accounts import creditcode
from portal.accounts.membership import administrators, is_administrator
from portal.accounts.models import Organisation, OrgStatus, OrgType, Role, User
from portal.db import db
from portal.errors import DomainError, NotAllowed, ValidationFailed
from portal.i18n import gettext as _
from portal.notifications.services import notify

LICENCE_FIELD = "licence"
ORGANISATION_PAGE = "/organisation"

# Which status may follow which: staff decide on an unverified organisation; a new licence
# after a rejection puts it back in the queue.
TRANSITIONS = {
    OrgStatus.unverified: {OrgStatus.verified, OrgStatus.rejected},
    OrgStatus.rejected: {OrgStatus.unverified},
    OrgStatus.verified: set(),
}


def staff_page(organisation: Organisation) -> str:
    return f"/officer/organisations/{organisation.id}"


def _set_status(
    organisation: Organisation,
    status: OrgStatus,
    *,
    by: User,
    reason: str = "",
    now: datetime | None = None,
) -> None:
    """The only writer of Organisation.status: checks the table, stamps, audits."""
    if status not in TRANSITIONS[organisation.status]:
        raise DomainError(
            _("This organisation has already been decided on; reload the page to see how.")
        )
    now = now or clock.now()
    before = audit.snapshot(organisation, "status", "rejection_reason")
    organisation.status = status
    organisation.rejection_reason = reason if status is OrgStatus.rejected else ""
    verified = status is OrgStatus.verified
    organisation.verified_at = now if verified else None
    organisation.verified_by_id = by.id if verified else None
    audit.record(
        by,
        f"organisation.{status.value}",
        organisation,
        before=before,
        after=audit.snapshot(organisation, "status", "rejection_reason"),
    )


def can_see_licence(user: User, organisation: Organisation) -> bool:
    """Platform staff and the organisation's administrators may download its licence."""
    return bool(organisation.licence_stored_name) and (
        user.is_staff or is_administrator(user, organisation.id)
    )


# ---- the organisation's administrators ----------------------------------------------------------


def _require_administrator(by: User, organisation: Organisation) -> None:
    if not is_administrator(by, organisation.id):
        raise NotAllowed(_("Only an administrator of %(org)s can do this.", org=organisation.name))


def update_details(
    organisation: Organisation, *, by: User, short_name: str, english_name: str, region: str
) -> Organisation:
    """The names that also identify the organisation in text (withheld from experts in blind
    review, matched against experts' affiliations) and its region."""
    _require_administrator(by, organisation)
    before = audit.snapshot(organisation, "short_name", "english_name", "region")
    organisation.short_name = (short_name or "").strip()
    organisation.english_name = (english_name or "").strip()
    organisation.region = (region or "").strip()
    after = audit.snapshot(organisation, "short_name", "english_name", "region")
    if after != before:
        audit.record(by, "organisation.details_changed", organisation, before=before, after=after)
    return organisation


def store_licence(upload: FileStorage) -> storage.StoredFile:
    """A business licence as a PDF, PNG or JPEG, each checked by its content."""
    return storage.store_upload(
        upload,
        field=LICENCE_FIELD,
        folder="licences",
        kinds=(storage.PDF, storage.PNG, storage.JPEG),
    )


def upload_licence(
    organisation: Organisation, upload: FileStorage, *, by: User, now: datetime | None = None
) -> Organisation:
    """The administrator uploads the business licence for staff to check; after a rejection,
    the organisation waits for staff again."""
    _require_administrator(by, organisation)
    if organisation.status is OrgStatus.verified:
        raise DomainError(
            _(
                "%(org)s is verified; ask platform staff to change its licence.",
                org=organisation.name,
            ),
            field=LICENCE_FIELD,
        )
    now = now or clock.now()
    stored = store_licence(upload)
    if organisation.status is OrgStatus.rejected:
        _set_status(organisation, OrgStatus.unverified, by=by, now=now)
    organisation.licence_stored_name = stored.stored_name
    organisation.licence_filename = stored.filename
    organisation.licence_uploaded_at = now
    audit.record(
        by,
        "organisation.licence_uploaded",
        organisation,
        after={"filename": stored.filename, "sha256": stored.sha256, "size": stored.size},
    )
    name = organisation.name
    notify(
        db.session.exec(select(User).where(User.role == Role.admin, User.active)).all(),
        "organisation_licence_uploaded",
        lambda: _("%(org)s uploaded its business licence for verification", org=name),
        link=staff_page(organisation),
    )
    return organisation


# ---- platform staff -----------------------------------------------------------------------------


def _require_staff(by: User) -> None:
    if not by.is_staff:
        raise NotAllowed()


def _tell_administrators(organisation: Organisation, kind: str, title, body=lambda: "") -> None:
    notify(administrators(organisation.id), kind, title, body, link=ORGANISATION_PAGE)


def verify(organisation: Organisation, *, by: User, now: datetime | None = None) -> Organisation:
    _require_staff(by)
    if not organisation.licence_stored_name:
        raise DomainError(_("There is no business licence to check yet."))
    _set_status(organisation, OrgStatus.verified, by=by, now=now)
    name = organisation.name
    _tell_administrators(
        organisation,
        "organisation_verified",
        lambda: _("%(org)s has been verified", org=name),
        lambda: _("Platform staff checked the business licence. Your proposals can be submitted."),
    )
    return organisation


def reject(
    organisation: Organisation, *, by: User, reason: str, now: datetime | None = None
) -> Organisation:
    _require_staff(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Say why, so that the administrator can correct it.")})
    _set_status(organisation, OrgStatus.rejected, by=by, reason=reason, now=now)
    name = organisation.name
    _tell_administrators(
        organisation,
        "organisation_rejected",
        lambda: _("%(org)s was not verified", org=name),
        lambda: _(
            "Reason: %(reason)s\nCorrect this and upload the business licence again on your "
            "organisation's page.",
            reason=reason,
        ),
    )
    return organisation


@dataclass(frozen=True)
class Details:
    name: str
    short_name: str
    english_name: str
    type: str
    credit_code: str
    region: str


def edit(organisation: Organisation, details: Details, *, by: User, reason: str) -> Organisation:
    """Staff correct an organisation's details, with a reason kept in the audit trail beside
    the values before and after; its administrators are told."""
    _require_staff(by)
    reason = (reason or "").strip()
    problems: dict[str | None, str] = {}
    if not reason:
        problems["reason"] = _("Say why the details change; the reason is kept in the audit trail.")
    code = creditcode.normalise(details.credit_code)
    bad_code = creditcode.problem(code)
    if bad_code:
        problems["credit_code"] = str(bad_code)
    elif (
        code != organisation.credit_code
        and db.session.exec(select(Organisation.id).where(Organisation.credit_code == code)).first()
    ):
        problems["credit_code"] = _("Another organisation has this credit code.")
    if not details.name.strip():
        problems["name"] = _("Give the organisation's name.")
    if problems:
        raise ValidationFailed(problems)
    fields = ("name", "short_name", "english_name", "type", "credit_code", "region")
    before = audit.snapshot(organisation, *fields)
    organisation.name = details.name.strip()
    organisation.short_name = details.short_name.strip()
    organisation.english_name = details.english_name.strip()
    organisation.type = OrgType(details.type)
    organisation.credit_code = code
    organisation.region = details.region.strip()
    after = audit.snapshot(organisation, *fields)
    if after == before:
        raise DomainError(_("Nothing changed."))
    audit.record(
        by, "organisation.edited", organisation, before=before, after={**after, "reason": reason}
    )
    name = organisation.name
    _tell_administrators(
        organisation,
        "organisation_edited",
        lambda: _("Platform staff changed the details of %(org)s", org=name),
        lambda: _("Reason: %(reason)s", reason=reason),
    )
    return organisation


def search(*, text: str = "", type: str = "", region: str = "", status: str = ""):
    """Organisations for the staff's list: by name (any of its names) or credit code, type,
    region and status; those waiting for a decision first."""
    statement = select(Organisation)
    if text.strip():
        pattern = f"%{text.strip().lower()}%"
        statement = statement.where(
            or_(
                Organisation.name.ilike(pattern),
                Organisation.short_name.ilike(pattern),
                Organisation.english_name.ilike(pattern),
                Organisation.credit_code.ilike(pattern),
            )
        )
    if type:
        statement = statement.where(Organisation.type == OrgType(type))
    if region.strip():
        statement = statement.where(Organisation.region.ilike(f"%{region.strip()}%"))
    if status:
        statement = statement.where(Organisation.status == OrgStatus(status))
    waiting_first = Organisation.status != OrgStatus.unverified
    return statement.order_by(
        waiting_first, Organisation.licence_uploaded_at.desc().nulls_last(), Organisation.name
    )
