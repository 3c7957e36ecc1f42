"""Translated names of the review module's states and recommendations, for pages and exports."""

from __future__ import annotations

from portal.i18n import lazy_gettext as _l

STATE_LABELS = {
    "assigned": _l("Assigned"),
    "recused": _l("Recused"),
    "submitted": _l("Submitted"),
    "draft": _l("Draft"),
    "in_review": _l("In review"),
    "rejected": _l("Rejected"),
    "awarded": _l("Awarded"),
    "reserve": _l("Reserve"),
    "not_funded": _l("Not funded"),
    "withdrawn": _l("Withdrawn"),
    "pending": _l("Pending"),
    "accepted": _l("Accepted"),
    "refused": _l("Refused"),
    "published": _l("Published"),
    "closed": _l("Closed"),
    "reviewing": _l("Reviewing"),
    "decided": _l("Decided"),
    "cancelled": _l("Cancelled"),
    "fund": _l("Fund"),
    "fund_with_changes": _l("Fund with changes"),
    "do_not_fund": _l("Do not fund"),
}


def review_label(value) -> str:
    """The translated name of a state or a recommendation (the value itself if unknown)."""
    key = getattr(value, "value", value)
    label = STATE_LABELS.get(key)
    return str(label) if label is not None else key
