"""An invitation link works once, for a while, and only as it was sent."""

from datetime import timedelta

import pytest

from portal import clock
from portal.accounts import invitations
from portal.accounts.models import Organisation, User
from portal.db import db
from portal.vocabulary import InvitationPurpose, MembershipRole, MembershipStatus


@pytest.fixture
def sent(ctx, make_org, make_user):
    """An administrator of Alpha Tech has invited new@alpha.example; the token and a new user."""
    org = db.session.get(Organisation, make_org("Alpha Tech").id)
    admin = db.session.get(User, make_user("boss@alpha.example", org=org).id)
    invitation, token = invitations.create_invitation(
        email="New@Alpha.example ",
        organisation=org,
        purpose=InvitationPurpose.colleague,
        by=admin,
    )
    newcomer = db.session.get(User, make_user("new@alpha.example", role="expert").id)
    newcomer.role, newcomer.email_verified_at = newcomer.role.applicant, None
    return invitation, token, newcomer


def test_registering_through_a_link_joins_the_organisation_once(sent):
    invitation, token, newcomer = sent
    assert invitations.open_invitation(token) is invitation
    membership = invitations.join_through(invitation, newcomer)
    assert membership.status is MembershipStatus.approved
    assert membership.role is MembershipRole.member
    assert newcomer.organisation_id == invitation.organisation_id
    assert newcomer.email_verified_at is not None
    with pytest.raises(invitations.InvitationUnusable, match="already been used"):
        invitations.open_invitation(token)


def test_a_forged_or_expired_link_is_refused_with_a_reason(sent):
    _invitation, token, _newcomer = sent
    with pytest.raises(invitations.InvitationUnusable, match="not valid"):
        invitations.open_invitation(token[:-1])
    with pytest.raises(invitations.InvitationUnusable, match="expired"):
        invitations.open_invitation(token, now=clock.now() + timedelta(days=15))


def test_an_invitation_that_waits_for_approval_makes_a_pending_member(sent):
    invitation, _token, newcomer = sent
    invitation.approved_on_join = False
    membership = invitations.join_through(invitation, newcomer)
    assert membership.status is MembershipStatus.pending
    assert newcomer.organisation_id is None
