"""Organisations: what their administrators keep up to date, and what platform staff verify.

An organisation is unverified until staff have checked it against its business licence
(营业执照); it may draft proposals but not submit them. Staff verify it, or reject it with a
reason; after a rejection its administrator uploads a licence again and it waits once more
(the transitions are in portal/accounts/states.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from werkzeug.datastructures import FileStorage

from portal import audit, clock, storage
from portal.accounts import creditcode, states
from portal.accounts.models import Organisation, User
from portal.accounts.permissions import can_administer, can_verify
from portal.accounts.queries import administrators, platform_admins
from portal.db import db
from portal.errors import DomainError, ValidationFailed, given_text, require
from portal.i18n import gettext as _
from portal.notifications.services import notify
from portal.vocabulary import OrgStatus, OrgType

LICENCE_FIELD = "licence"
ORGANISATION_PAGE = "/organisation"


def staff_page(organisation: Organisation) -> str:
    return f"/officer/organisations/{organisation.id}"


def _decided(organisation: Organisation, to: OrgStatus) -> None:
    """Staff decide once: a second decision (another tab, a colleague) is refused."""
    if not states.ORGANISATION.allowed(organisation.status, to):
        raise DomainError(
            _("This organisation has already been decided on; reload the page to see how.")
        )


# ---- the organisation's administrators ----------------------------------------------------------


def _require_administrator(by: User, organisation: Organisation) -> None:
    require(
        can_administer(by, organisation),
        _("Only an administrator of %(org)s can do this.", org=organisation.name),
    )


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
    organisation: Organisation,
    upload: FileStorage | None,
    *,
    by: User,
    now: datetime | None = None,
) -> Organisation:
    """The administrator uploads the business licence for staff to check; after a rejection,
    the organisation waits for staff again."""
    _require_administrator(by, organisation)
    organisation = db.lock(organisation)
    if upload is None or not upload.filename:
        raise ValidationFailed({LICENCE_FIELD: _("Choose the file of the business licence.")})
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
        states.set_organisation_status(organisation, OrgStatus.unverified, by=by, now=now)
    organisation.licence_stored_name = stored.stored_name
    organisation.licence_filename = stored.filename
    organisation.licence_uploaded_at = now
    audit.record(
        by,
        "organisation.licence_uploaded",
        organisation,
        after={"filename": stored.filename, "sha256": stored.sha256, "size": stored.size},
    )
    notify(
        platform_admins(),
        "organisation_licence_uploaded",
        link=staff_page(organisation),
        org=organisation.name,
    )
    return organisation


# ---- platform staff -----------------------------------------------------------------------------


def _tell_administrators(organisation: Organisation, kind: str, **params) -> None:
    """Notify the organisation's administrators of `kind`; its name is the message's `org`."""
    notify(
        administrators(organisation.id),
        kind,
        link=ORGANISATION_PAGE,
        org=organisation.name,
        **params,
    )


def verify(organisation: Organisation, *, by: User, now: datetime | None = None) -> Organisation:
    require(can_verify(by, organisation))
    organisation = db.lock(organisation)
    _decided(organisation, OrgStatus.verified)
    if not organisation.licence_stored_name:
        raise DomainError(_("There is no business licence to check yet."))
    states.set_organisation_status(organisation, OrgStatus.verified, by=by, now=now)
    _tell_administrators(organisation, "organisation_verified")
    return organisation


def reject(
    organisation: Organisation, *, by: User, reason: str, now: datetime | None = None
) -> Organisation:
    require(can_verify(by, organisation))
    organisation = db.lock(organisation)
    _decided(organisation, OrgStatus.rejected)
    reason = given_text(reason, "reason", _("Say why, so that the administrator can correct it."))
    states.set_organisation_status(organisation, OrgStatus.rejected, by=by, reason=reason, now=now)
    _tell_administrators(organisation, "organisation_rejected", reason=reason)
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
    require(can_verify(by, organisation))
    organisation = db.lock(organisation)
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
    _tell_administrators(organisation, "organisation_edited", reason=reason)
    return organisation
