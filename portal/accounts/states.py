"""The states of the accounts module (DESIGN §3), each with its transition table, and the only
writers of their status columns.

- Organisation: unverified → verified | rejected, by platform staff against its business
  licence; rejected → unverified when its administrator uploads a licence again.
- Membership: pending → approved | refused; approved → removed. A person refused or removed may
  ask again (→ pending), or be let in at once (→ approved) by an administrator's invitation or
  as the first person to speak for the organisation. A pending request that is cancelled is
  deleted, not moved.
- Invitation: open → used | revoked (an open one past its `expires_at` cannot be used either).

Each setter checks the table (IllegalTransition), stamps and keeps the reason, and writes one
audit event (portal/statemachine.py). CHECK constraints in portal/accounts/models.py hold the
columns that go with each state, so a row written around these setters is refused too.
"""

from __future__ import annotations

from datetime import datetime

from portal import audit, clock
from portal.accounts import models
from portal.accounts.models import Membership, User
from portal.db import db
from portal.statemachine import StateMachine
from portal.vocabulary import InvitationStatus, MembershipStatus, OrgStatus

ORGANISATION_TRANSITIONS = {
    OrgStatus.unverified: {OrgStatus.verified, OrgStatus.rejected},
    OrgStatus.rejected: {OrgStatus.unverified},
    OrgStatus.verified: set(),
}
MEMBERSHIP_TRANSITIONS = {
    MembershipStatus.pending: {MembershipStatus.approved, MembershipStatus.refused},
    MembershipStatus.approved: {MembershipStatus.removed},
    MembershipStatus.refused: {MembershipStatus.pending, MembershipStatus.approved},
    MembershipStatus.removed: {MembershipStatus.pending, MembershipStatus.approved},
}
INVITATION_TRANSITIONS = {
    InvitationStatus.open: {InvitationStatus.used, InvitationStatus.revoked},
    InvitationStatus.used: set(),
    InvitationStatus.revoked: set(),
}
TRANSITIONS = {
    models.Organisation: ORGANISATION_TRANSITIONS,
    Membership: MEMBERSHIP_TRANSITIONS,
    models.Invitation: INVITATION_TRANSITIONS,
}

# Every state names the reason column, so that a move out of the state with a reason clears it
# (the CHECK constraints allow a reason only in that state).
ORGANISATION: StateMachine[models.Organisation, OrgStatus] = StateMachine(
    "organisation",
    ORGANISATION_TRANSITIONS,
    stamps={OrgStatus.verified: "verified_at"},
    reasons=dict.fromkeys(OrgStatus, "rejection_reason"),
    reason_required=frozenset({OrgStatus.rejected}),
    movers={OrgStatus.verified: "verified_by_id"},
)
MEMBERSHIP = StateMachine(
    "membership",
    MEMBERSHIP_TRANSITIONS,
    stamps={
        MembershipStatus.pending: "created_at",  # when the person asked (again)
        MembershipStatus.approved: "decided_at",
        MembershipStatus.refused: "decided_at",
        MembershipStatus.removed: "decided_at",
    },
    reasons=dict.fromkeys(MembershipStatus, "reason"),
)
INVITATION: StateMachine[models.Invitation, InvitationStatus] = StateMachine(
    "invitation",
    INVITATION_TRANSITIONS,
    stamps={InvitationStatus.used: "used_at"},
    movers={InvitationStatus.used: "used_by_id"},
)


def _columns_with(machine: StateMachine, obj, to, **columns) -> None:
    """Set the columns that go with the new state before the move writes the row (the database
    checks them together), and only when the table allows the move: a refused move changes
    nothing."""
    if machine.allowed(getattr(obj, machine.column), to):
        for name, value in columns.items():
            setattr(obj, name, value)


set_organisation_status = ORGANISATION.move
"""The only writer of Organisation.status; who verified it is kept beside the stamp."""


# ---- memberships: the person speaks for the organisation exactly while approved -----------------


def _speak_for(membership: Membership, user: User) -> None:
    """User.organisation_id names the organisation exactly while the membership is approved;
    a removed member's sessions end at once."""
    approved = membership.status is MembershipStatus.approved
    user.organisation_id = membership.organisation_id if approved else None
    if membership.status is MembershipStatus.removed:
        user.session_version += 1


def _decided_by(status: MembershipStatus, by: User | None, decided_by: User | None) -> int | None:
    if status is MembershipStatus.pending:
        return None
    return getattr(decided_by or by, "id", None)


def new_membership(
    user: User,
    organisation_id: int,
    status: MembershipStatus,
    *,
    by: User | None,
    action: str,
    role: models.MembershipRole = models.MembershipRole.member,
    decided_by: User | None = None,
    now: datetime | None = None,
) -> Membership:
    """A person's first membership of an organisation, asked for (pending) or approved at once.
    `by` is who acts (for the audit trail); `decided_by` who decided, when that was someone
    else in advance (an invitation's sender)."""
    if status not in (MembershipStatus.pending, MembershipStatus.approved):
        raise ValueError(f"A membership cannot begin {status.value}.")
    now = now or clock.now()
    membership = Membership(
        user=user,
        organisation_id=organisation_id,
        status=status,
        role=role,
        created_at=now,
        decided_at=None if status is MembershipStatus.pending else now,
        decided_by_id=_decided_by(status, by, decided_by),
    )
    db.session.add(membership)
    _speak_for(membership, user)
    audit.created(
        by, action, membership, "user_id", "organisation_id", "status", "role", "decided_by_id"
    )
    return membership


def set_membership_status(
    membership: Membership,
    to: MembershipStatus,
    *,
    by: User | None,
    action: str,
    role: models.MembershipRole | None = None,
    decided_by: User | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> Membership:
    """The only writer of Membership.status (and, through it, of User.organisation_id). `role`
    is the role the membership takes with the move (asked again, or let in as an
    administrator); the audit event's action names the act ("membership.approved", …)."""
    _columns_with(
        MEMBERSHIP,
        membership,
        to,
        decided_by_id=_decided_by(to, by, decided_by),
        **({"decided_at": None} if to is MembershipStatus.pending else {}),
        **({"role": role} if role is not None else {}),
    )
    MEMBERSHIP.move(membership, to, by=by, reason=reason, now=now, action=action)
    _speak_for(membership, membership.user)
    return membership


set_invitation_status = INVITATION.move
"""The only writer of Invitation.status; who used it is kept beside the stamp."""
