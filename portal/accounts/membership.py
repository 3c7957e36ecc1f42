"""Who speaks for an organisation: its approved members, and among them its administrators.

A person speaks for the organisation named by `User.organisation_id`, which is set only while
their Membership is approved. Administrators (单位管理员) approve members and do the
organisation's own acts: submitting and withdrawing its proposals, accepting consortium
invitations. These reads are what every other module asks.
"""

from __future__ import annotations

from sqlmodel import select

from portal.accounts.models import Membership, MembershipRole, MembershipStatus, User
from portal.db import db

LIVE = (MembershipStatus.pending, MembershipStatus.approved)


def membership_of(user: User) -> Membership | None:
    """The user's pending or approved membership, if any."""
    return db.session.exec(
        select(Membership)
        .where(Membership.user_id == user.id, Membership.status.in_(LIVE))
        .order_by(Membership.created_at.desc(), Membership.id.desc())
    ).first()


def administrators_query(organisation_id: int):
    """The active administrators of an organisation, as a Select of User."""
    return (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.organisation_id == organisation_id,
            Membership.status == MembershipStatus.approved,
            Membership.role == MembershipRole.administrator,
            User.organisation_id == organisation_id,
            User.active,
        )
        .order_by(Membership.created_at, User.id)
    )


def administrators(organisation_id: int) -> list[User]:
    return list(db.session.exec(administrators_query(organisation_id)).all())


def is_administrator(user: User, organisation_id: int | None) -> bool:
    """Whether `user` is an approved administrator of the organisation."""
    if organisation_id is None or getattr(user, "organisation_id", None) != organisation_id:
        return False
    return (
        db.session.exec(
            select(Membership.id).where(
                Membership.user_id == user.id,
                Membership.organisation_id == organisation_id,
                Membership.status == MembershipStatus.approved,
                Membership.role == MembershipRole.administrator,
            )
        ).first()
        is not None
    )
