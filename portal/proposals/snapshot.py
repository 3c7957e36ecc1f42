"""The frozen proposal (`SubmittedContent`): what a submission keeps, what reviewers score, and
what the version page, the blind view, the exports and the scale data read.

It is stored as JSON in `SubmittedVersion.content` and read back typed. `from_json` reads every
layout ever written: a version frozen before a part existed (or written by hand, as old test
and scale data were) reads that part as empty, never as a missing key, and fields it does not
know are ignored. `SCHEMA` numbers the layout `to_json` writes; change it when the layout
changes, and keep `from_json` able to read the older ones.
"""

from __future__ import annotations

import enum
import types
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from portal.presentation import plain_number
from portal.proposals.common import indicator_commitments, leader_organisation
from portal.proposals.models import Proposal
from portal.proposals.queries import current_attachments
from portal.proposals.signature import current_signature
from portal.vocabulary import Comparison, MemberRole, OrgType

SCHEMA = 1

# Money keeps its two places in JSON ("20000000.00"); other numbers are written plainly ("30").
MONEY = {"money": True}


@dataclass(frozen=True)
class ChallengeRef:
    number: str = ""
    title: str = ""


@dataclass(frozen=True)
class Leader:
    name: str = ""
    title: str = ""
    phone: str = ""
    email: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class FrozenMember:
    name: str = ""
    credit_code: str = ""
    type: OrgType | None = None
    region: str = ""
    role: MemberRole = MemberRole.member
    responsibility: str = ""
    budget_share: Decimal | None = field(default=None, metadata=MONEY)


@dataclass(frozen=True)
class FrozenCommitment:
    indicator: str = ""
    comparison: Comparison = Comparison.ge
    target: Decimal | None = None
    unit: str = ""
    value: Decimal | None = None
    meets_target: bool = False
    justification: str = ""


@dataclass(frozen=True)
class FrozenMilestone:
    title: str = ""
    due_date: date | None = None
    deliverable: str = ""
    verification: str = ""
    share_percent: Decimal | None = None


@dataclass(frozen=True)
class Budget:
    requested: Decimal | None = field(default=None, metadata=MONEY)
    self_funds: Decimal | None = field(default=None, metadata=MONEY)
    funding_cap: Decimal | None = field(default=None, metadata=MONEY)


@dataclass(frozen=True)
class FrozenAttachment:
    id: int | None = None  # the Attachment row, whose file is kept while a version holds it
    title: str = ""
    filename: str = ""
    size: int = 0
    sha256: str = ""
    stored_name: str = ""


@dataclass(frozen=True)
class Pledge:
    """The team leader's signature as it held at submission (empty in blind review)."""

    text: str = ""
    signed_by: str = ""
    signed_at: datetime | None = None
    sha256: str = ""


@dataclass(frozen=True)
class SubmittedContent:
    number: int = 0
    submitted_at: datetime | None = None
    challenge: ChallengeRef = field(default_factory=ChallengeRef)
    title: str = ""
    leader: Leader = field(default_factory=Leader)
    approach: str = ""
    innovation: str = ""
    members: tuple[FrozenMember, ...] = ()
    commitments: tuple[FrozenCommitment, ...] = ()
    milestones: tuple[FrozenMilestone, ...] = ()
    budget: Budget = field(default_factory=Budget)
    attachments: tuple[FrozenAttachment, ...] = ()
    pledge: Pledge = field(default_factory=Pledge)
    schema: int = SCHEMA

    @classmethod
    def from_proposal(cls, proposal: Proposal, number: int, now: datetime) -> SubmittedContent:
        """The proposal as it is now (its relations loaded, as lock_proposal loads them)."""
        challenge = proposal.challenge
        leader_org = leader_organisation(proposal)
        commitments = []
        for indicator, commitment in indicator_commitments(proposal):
            value = commitment.value if commitment else None
            commitments.append(
                FrozenCommitment(
                    indicator=indicator.name,
                    comparison=indicator.comparison,
                    target=indicator.target,
                    unit=indicator.unit,
                    value=value,
                    meets_target=value is not None
                    and indicator.comparison.met_by(value, indicator.target),
                    justification=commitment.justification if commitment else "",
                )
            )
        signed = current_signature(proposal)
        return cls(
            number=number,
            submitted_at=now,
            challenge=ChallengeRef(number=challenge.number, title=challenge.title),
            title=proposal.title,
            leader=Leader(
                name=proposal.leader_name,
                title=proposal.leader_title,
                phone=proposal.leader_phone,
                email=proposal.leader_email,
                organisation=leader_org.name if leader_org else "",
            ),
            approach=proposal.approach,
            innovation=proposal.innovation,
            members=tuple(
                FrozenMember(
                    name=m.organisation.name,
                    credit_code=m.organisation.credit_code,
                    type=m.organisation.type,
                    region=m.organisation.region,
                    role=m.role,
                    responsibility=m.responsibility,
                    budget_share=m.budget_share,
                )
                for m in proposal.members
            ),
            commitments=tuple(commitments),
            milestones=tuple(_copy(FrozenMilestone, m) for m in proposal.milestones),
            budget=Budget(
                requested=proposal.requested,
                self_funds=proposal.self_funds,
                funding_cap=challenge.funding_cap,
            ),
            attachments=tuple(_copy(FrozenAttachment, a) for a in current_attachments(proposal)),
            pledge=Pledge()
            if signed is None
            else Pledge(
                text=(signed.content or {}).get("pledge", ""),
                signed_by=signed.signer_name,
                signed_at=signed.signed_at,
                sha256=signed.content_sha256,
            ),
        )

    @classmethod
    def from_json(cls, data: dict | None) -> SubmittedContent:
        """A stored version's content, of any layout (see the module's note)."""
        return _read(cls, data if isinstance(data, dict) else {})

    def to_json(self) -> dict[str, Any]:
        return _write(self)


def _copy(cls: type, row: Any) -> Any:
    """A frozen `cls` of the attributes of `row` that have its fields' names."""
    return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


# ---- JSON, by the fields' types -----------------------------------------------------------------


def _write(value: Any, money: bool = False) -> Any:
    if is_dataclass(value):
        return {
            f.name: _write(getattr(value, f.name), f.metadata.get("money", False))
            for f in fields(value)
        }
    if isinstance(value, tuple):
        return [_write(item) for item in value]
    if isinstance(value, Decimal):
        return f"{value:.2f}" if money else plain_number(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    return value


def _read(cls: type, data: dict) -> Any:
    hints = typing.get_type_hints(cls)
    values = {}
    for f in fields(cls):
        if f.name in data and data[f.name] is not None:
            read = _value(hints[f.name], data[f.name])
            if read is not None:
                values[f.name] = read
    return cls(**values)


def _value(kind: Any, raw: Any) -> Any:
    """`raw` read as `kind`, or None when it cannot be (the field then keeps its default)."""
    if isinstance(kind, types.UnionType):  # X | None
        kind = next(k for k in typing.get_args(kind) if k is not type(None))
    if typing.get_origin(kind) is tuple:
        item = typing.get_args(kind)[0]
        if not isinstance(raw, list):
            return None
        return tuple(v for v in (_value(item, r) for r in raw) if v is not None)
    if is_dataclass(kind):
        return _read(kind, raw) if isinstance(raw, dict) else None
    try:
        if kind is Decimal:
            return Decimal(str(raw))
        if kind is datetime:
            return datetime.fromisoformat(raw)
        if kind is date:
            return date.fromisoformat(raw)
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            return kind(raw)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return raw if isinstance(raw, kind) else None
