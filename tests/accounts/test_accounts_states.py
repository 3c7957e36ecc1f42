"""The states of organisations, memberships and invitations (DESIGN §3): every move their tables
do not allow is refused and changes nothing, the moves they allow keep the columns that go with
each state, and a row written around the setters is refused by the database itself."""

from __future__ import annotations

from itertools import product

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from portal import clock
from portal.accounts import invitations, membership, organisations, states
from portal.accounts.models import Invitation, Membership, Organisation, User
from portal.audit import AuditEvent
from portal.db import db
from portal.errors import DomainError
from portal.statemachine import IllegalTransition
from portal.vocabulary import InvitationStatus, MembershipStatus, OrgStatus
from tests.accounts.fixtures import invitation_now


def illegal(table: dict) -> list[tuple]:
    return [(a, b) for a, b in product(table, repeat=2) if b not in table[a]]


def user(email: str) -> User:
    return db.session.exec(select(User).where(User.email == email)).one()


def audit_events() -> int:
    return db.session.exec(select(func.count()).select_from(AuditEvent)).one()


def test_every_move_the_tables_do_not_allow_is_refused_and_changes_nothing(ctx, people):
    officer = user("olga@gov.example")
    alice = user("alice@alpha.example")
    organisation = db.session.get(Organisation, people.alpha.id)
    row = db.session.get(Membership, people.memberships["Bob"])
    invitation = db.session.get(Invitation, people.invitation_id)
    cases = [
        (organisation, states.set_organisation_status, states.ORGANISATION_TRANSITIONS, {}),
        (
            row,
            states.set_membership_status,
            states.MEMBERSHIP_TRANSITIONS,
            {"action": "membership.test"},
        ),
        (invitation, states.set_invitation_status, states.INVITATION_TRANSITIONS, {}),
    ]
    refused = 0
    for obj, setter, table, extra in cases:
        for start, to in illegal(table):
            obj.status = start  # the test sets up each state directly; no flush follows
            before = {c: getattr(obj, c) for c in type(obj).model_fields}
            with pytest.raises(IllegalTransition):
                setter(obj, to, by=officer if obj is organisation else alice, **extra)
            assert {c: getattr(obj, c) for c in type(obj).model_fields} == before
            refused += 1
    assert refused == 3 * 3 - 3 + (4 * 4 - 7) + (3 * 3 - 2)
    db.session.rollback()
    assert audit_events() == 1  # the invitation's creation, nothing since


def test_an_organisation_goes_through_its_states_keeping_its_columns(ctx, make_org, make_user):
    officer = db.session.get(User, make_user("olga@gov.example", role="officer").id)
    organisation = db.session.get(Organisation, make_org("Gamma", status="unverified").id)

    with pytest.raises(DomainError, match="Give a reason."):
        states.set_organisation_status(organisation, OrgStatus.rejected, by=officer)
    states.set_organisation_status(organisation, OrgStatus.rejected, by=officer, reason="Blurred.")
    db.session.commit()
    assert organisation.rejection_reason == "Blurred." and organisation.verified_at is None
    states.set_organisation_status(organisation, OrgStatus.unverified, by=officer)
    db.session.commit()
    assert organisation.rejection_reason == ""
    states.set_organisation_status(organisation, OrgStatus.verified, by=officer)
    db.session.commit()
    assert organisation.verified_at is not None and organisation.verified_by_id == officer.id
    actions = db.session.exec(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "organisation")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["organisation.rejected", "organisation.unverified", "organisation.verified"]


def test_a_membership_goes_through_its_states_and_the_person_speaks_for_it_only_while_approved(
    ctx, people
):
    alice = user("alice@alpha.example")
    pat = user("pat@alpha.example")
    row = db.session.get(Membership, people.memberships["Pat"])
    path = [
        (MembershipStatus.refused, "Not one of us."),
        (MembershipStatus.pending, ""),
        (MembershipStatus.approved, ""),
        (MembershipStatus.removed, ""),
        (MembershipStatus.approved, ""),
        (MembershipStatus.removed, ""),
        (MembershipStatus.pending, ""),
        (MembershipStatus.refused, ""),
        (MembershipStatus.approved, ""),
    ]
    for to, reason in path:
        version = pat.session_version
        states.set_membership_status(row, to, by=alice, action=f"membership.{to}", reason=reason)
        db.session.commit()  # the database checks the row at every step
        assert row.reason == reason
        assert (row.decided_at is None) == (to is MembershipStatus.pending)
        assert row.decided_by_id == (None if to is MembershipStatus.pending else alice.id)
        assert pat.organisation_id == (people.alpha.id if to is MembershipStatus.approved else None)
        assert pat.session_version == version + (to is MembershipStatus.removed)


def test_a_second_click_on_a_decision_is_refused_with_a_message_and_changes_nothing(
    app, client, people, login
):
    login("alice@alpha.example")
    pat = people.memberships["Pat"]
    client.post(f"/organisation/members/{pat}/approve")
    with app.app_context():
        before = audit_events()
    again = client.post(f"/organisation/members/{pat}/approve")
    assert again.status_code == 302
    assert "This request has already been decided." in client.get(again.location).get_data(
        as_text=True
    )
    refused = client.post(f"/organisation/members/{pat}/refuse", data={"reason": "Late."})
    assert refused.status_code == 422
    assert "This request has already been decided." in refused.get_data(as_text=True)
    with app.app_context():
        assert audit_events() == before
        assert db.session.get(Membership, pat).status is MembershipStatus.approved


def test_services_refuse_what_the_state_does_not_allow(ctx, people):
    alice = user("alice@alpha.example")
    officer = user("olga@gov.example")
    pending = db.session.get(Membership, people.memberships["Pat"])
    with pytest.raises(DomainError, match="Only an approved member can be removed."):
        membership.remove(pending, by=alice)
    with pytest.raises(DomainError, match="Only an approved member can become an administrator."):
        membership.promote(pending, by=alice)
    verified = db.session.get(Organisation, people.alpha.id)
    with pytest.raises(DomainError, match="already been decided on"):
        organisations.reject(verified, by=officer, reason="Too late.")
    invitation = db.session.get(Invitation, people.invitation_id)
    invitations.revoke(invitation, by=alice)
    with pytest.raises(DomainError, match="Only an open invitation can be withdrawn."):
        invitations.revoke(invitation, by=alice)
    db.session.rollback()


def test_a_withdrawn_invitation_link_cannot_be_used(app, client, people, login):
    login("alice@alpha.example")
    assert client.post(f"/organisation/invitations/{people.invitation_id}/revoke").status_code == (
        302
    )
    revoked = invitation_now(app, people.invitation_id)
    assert revoked.status is InvitationStatus.revoked and revoked.used_by_id is None
    with app.test_request_context():
        newcomer = db.session.get(User, user("bea@beta.example").id)
        with pytest.raises(invitations.InvitationUnusable, match="already been used"):
            invitations.join_through(db.session.get(Invitation, people.invitation_id), newcomer)


# ---- the database holds the columns of each state, whoever writes the row -----------------------


def bad_rows(people) -> list[tuple[str, object]]:
    """Rows that break a state's columns, each written around the setters."""
    now = clock.now()
    membership_row = Membership.id == people.memberships["Bob"]
    return [
        (
            "a rejected organisation without a reason",
            sa.update(Organisation)
            .where(Organisation.id == people.alpha.id)
            .values(status=OrgStatus.rejected, verified_at=None, rejection_reason=""),
        ),
        (
            "a verified organisation that keeps a rejection reason",
            sa.update(Organisation)
            .where(Organisation.id == people.alpha.id)
            .values(rejection_reason="Blurred."),
        ),
        (
            "a verified organisation without its stamp",
            sa.update(Organisation)
            .where(Organisation.id == people.alpha.id)
            .values(verified_at=None),
        ),
        (
            "a pending membership stamped as decided",
            sa.update(Membership).where(membership_row).values(status=MembershipStatus.pending),
        ),
        (
            "an approved membership without its stamp",
            sa.update(Membership).where(membership_row).values(decided_at=None),
        ),
        (
            "an approved membership that keeps a refusal's reason",
            sa.update(Membership).where(membership_row).values(reason="Not one of us."),
        ),
        (
            "a used invitation without who used it",
            sa.update(Invitation)
            .where(Invitation.id == people.invitation_id)
            .values(status=InvitationStatus.used, used_at=now),
        ),
        (
            "an open invitation that names who used it",
            sa.update(Invitation)
            .where(Invitation.id == people.invitation_id)
            .values(used_by_id=db.session.exec(select(User.id)).first()),
        ),
    ]


def test_the_database_refuses_a_row_that_breaks_its_states_columns(ctx, people):
    accepted = []
    for story, statement in bad_rows(people):
        savepoint = db.session.begin_nested()
        try:
            db.session.execute(statement)
            db.session.flush()
        except IntegrityError:
            savepoint.rollback()
        else:
            savepoint.rollback()
            accepted.append(story)
    assert accepted == []
