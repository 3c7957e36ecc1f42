"""Shared pieces of the accounts stories: two organisations and their people."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import select

from portal.accounts import invitations
from portal.accounts.models import Invitation, Membership, Organisation, User
from portal.db import db
from portal.vocabulary import InvitationPurpose
from tests.factories import committing


@dataclass(frozen=True)
class People:
    """Alpha Tech (Alice administers it, Bob is a member, Pat waits to join, Carl has an open
    invitation) and Beta Labs (Bea administers it); an officer and an admin."""

    alpha: Organisation
    beta: Organisation
    memberships: dict[str, int]  # by the person's first name
    invitation_id: int


def membership_id(app, email: str) -> int:
    """The id of the membership of the user with this address."""
    with app.app_context():
        return db.session.exec(
            select(Membership.id)
            .join(User, User.id == Membership.user_id)
            .where(User.email == email)
        ).one()


@pytest.fixture
def people(app, make_org, make_user) -> People:
    alpha = make_org("Alpha Tech")
    beta = make_org("Beta Labs")
    alice = make_user("alice@alpha.example", org=alpha, name="Alice")
    make_user("bob@alpha.example", org=alpha, org_role="member", name="Bob")
    make_user("pat@alpha.example", org=alpha, membership="pending", name="Pat")
    make_user("bea@beta.example", org=beta, name="Bea")
    make_user("olga@gov.example", role="officer", name="Olga")
    make_user("adam@gov.example", role="admin", name="Adam")
    with app.test_request_context(), committing(app):
        invitation, _token = invitations.create_invitation(
            email="carl@alpha.example",
            organisation=db.session.get(Organisation, alpha.id),
            purpose=InvitationPurpose.colleague,
            by=db.session.get(User, alice.id),
        )
    return People(
        alpha=alpha,
        beta=beta,
        memberships={
            name: membership_id(app, f"{name.lower()}@{org}.example")
            for name, org in (("Alice", "alpha"), ("Bob", "alpha"), ("Pat", "alpha"))
        }
        | {"Bea": membership_id(app, "bea@beta.example")},
        invitation_id=invitation.id,
    )


def invitation_now(app, invitation_id: int) -> Invitation:
    with app.app_context():
        return db.session.get(Invitation, invitation_id)
