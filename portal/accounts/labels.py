"""Translated names of the accounts module's states and roles, for pages and messages."""

from __future__ import annotations

from portal.accounts.models import MembershipRole, MembershipStatus, OrgStatus, OrgType
from portal.i18n import lazy_gettext as _l

ORG_TYPE_LABELS = {
    OrgType.enterprise: _l("Enterprise"),
    OrgType.university: _l("University"),
    OrgType.institute: _l("Research institute"),
    OrgType.other: _l("Other"),
}
ORG_STATUS_LABELS = {
    OrgStatus.unverified: _l("Waiting for verification"),
    OrgStatus.verified: _l("Verified"),
    OrgStatus.rejected: _l("Not verified"),
}
MEMBERSHIP_STATUS_LABELS = {
    MembershipStatus.pending: _l("Waiting for approval"),
    MembershipStatus.approved: _l("Approved"),
    MembershipStatus.refused: _l("Refused"),
    MembershipStatus.removed: _l("Removed"),
}
MEMBERSHIP_ROLE_LABELS = {
    MembershipRole.member: _l("Organisation member"),
    MembershipRole.administrator: _l("Organisation administrator"),
}


def org_type_label(value) -> str:
    return str(ORG_TYPE_LABELS[OrgType(value)])


def org_status_label(status) -> str:
    return str(ORG_STATUS_LABELS[OrgStatus(status)])


def membership_status_label(status) -> str:
    return str(MEMBERSHIP_STATUS_LABELS[MembershipStatus(status)])


def membership_role_label(role) -> str:
    return str(MEMBERSHIP_ROLE_LABELS[MembershipRole(role)])
