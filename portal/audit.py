"""The audit trail: one table, written by services for every change of state."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlmodel import Field, SQLModel

from portal import clock
from portal.db import UTCDateTime, db
from portal.vocabulary import AuditAction


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    actor_email: str = Field(default="", max_length=254)
    action: str = Field(max_length=80, index=True)
    object_type: str = Field(max_length=40, index=True)
    object_id: int | None = Field(default=None, index=True)
    before: dict | None = Field(default=None, sa_type=sa.JSON)
    after: dict | None = Field(default=None, sa_type=sa.JSON)
    remote_addr: str = Field(default="", max_length=64)

    @property
    def label(self) -> str:
        """What happened, in the reader's language."""
        return action_label(self.action)


def action_label(action: str) -> str:
    """The label of a recorded action; the code itself for one that has none."""
    found = AuditAction.find(action)
    return found.label if found is not None else action


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: SQLModel, *fields: str) -> dict[str, Any]:
    """The columns of `obj` (or only `fields`) as JSON-ready values, for before/after."""
    names = fields or tuple(c.key for c in sa.inspect(type(obj)).columns)
    return {name: _plain(getattr(obj, name)) for name in names if name != "password_hash"}


def record(
    actor,
    action: str,
    obj: SQLModel | None = None,
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Add one audit event to the current transaction (flushes so that `obj` has its id)."""
    if obj is not None:
        db.session.flush()
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else obj.id
    event = AuditEvent(
        at=clock.now(),
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=object_type or "",
        object_id=object_id,
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        remote_addr=(request.remote_addr or "") if has_request_context() else "",
    )
    db.session.add(event)
    return event


def created(actor, action: str, obj: SQLModel, *fields: str) -> AuditEvent:
    """Add a new row to the transaction, with its audit event: its columns (or only `fields`)
    after, as they stand before the row is written, nothing before."""
    db.session.add(obj)
    return record(actor, action, obj, after=snapshot(obj, *fields))
