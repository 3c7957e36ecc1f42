"""The request class of the portal: form and query values never carry NUL characters.

Nobody types a NUL, but hostile or broken clients send them, and PostgreSQL refuses any text
containing one — a query with such a value would fail deep in the database driver. They are
removed where the request is parsed, before any form or view sees them.
"""

from __future__ import annotations

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict


def _without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class NulFreeMultiDict(ImmutableMultiDict):
    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        items = (
            mapping.items(multi=True)
            if hasattr(mapping, "items") and hasattr(mapping, "getlist")
            else (mapping.items() if isinstance(mapping, dict) else mapping)
        )
        super().__init__([(_without_nul(k), _without_nul(v)) for k, v in items])


class PortalRequest(Request):
    parameter_storage_class = NulFreeMultiDict
