"""Shared pieces of the proposal stories: PDFs, a consortium's organisations, form data."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from portal import clock
from portal.accounts import creditcode
from portal.db import db
from portal.proposals.models import Proposal
from tests.pdfs import pdf

PDF = pdf("A plan")


def pdf_upload(name: str = "plan.pdf", data: bytes = PDF) -> tuple[io.BytesIO, str]:
    return io.BytesIO(data), name


def code(first17: str) -> str:
    return creditcode.complete(first17)


def current_revision(app, proposal_id: int) -> int:
    with app.app_context():
        return db.session.get(Proposal, proposal_id).revision


def load(app, proposal_id: int) -> Proposal:
    """The proposal with what a test checks loaded, outside any request."""
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        for relation in (
            "members",
            "commitments",
            "milestones",
            "attachments",
            "versions",
            "signatures",
        ):
            getattr(proposal, relation)
        for member in proposal.members:
            member.organisation  # noqa: B018
        proposal.challenge.indicators  # noqa: B018
        return proposal


def field_value(html: str, name: str) -> str | None:
    """The value of the input named `name` in a page (None when absent)."""
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    if not match:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


@pytest.fixture
def consortium(make_user, make_org, make_challenge):
    """A challenge open for a year, an enterprise lead (Alice), a university member (Bob), an
    institute that is not yet in the portal, and an unrelated applicant (Eve)."""
    challenge = make_challenge(
        title="28nm ArF photoresist", max_members=2, deadline=clock.now() + timedelta(days=60)
    )
    alpha = make_org("Alpha Tech 阿尔法科技", "enterprise", region="广东省深圳市")
    beta = make_org("Beta University 贝塔大学", "university", region="广东省广州市")
    alice = make_user("alice@alpha.example", org=alpha, name="Alice")
    alice2 = make_user("alice2@alpha.example", org=alpha, name="Alicia")
    bob = make_user("bob@beta.example", org=beta, name="Bob")
    eve = make_user("eve@omega.example", name="Eve")
    officer = make_user("officer@gov.example", role="officer")
    return {
        "challenge": challenge,
        "alpha": alpha,
        "beta": beta,
        "alice": alice,
        "alice2": alice2,
        "bob": bob,
        "eve": eve,
        "officer": officer,
        "gamma_code": code("12100000400099999"),
    }


def attach(app, proposal_id: int, name: str = "proposal.pdf") -> int:
    """Attach a small PDF to a proposal directly (the pages are tested elsewhere)."""
    from portal import storage
    from portal.proposals.models import Attachment

    with app.app_context():
        stored = storage.store_bytes(PDF, name, "proposals")
        attachment = Attachment(
            proposal_id=proposal_id,
            title=name,
            filename=stored.filename,
            stored_name=stored.stored_name,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_at=clock.now(),
        )
        db.session.add(attachment)
        db.session.commit()
        return attachment.id


def leader_account(app, email: str = "leader@example.com", name: str = "Li Lei") -> int:
    """The id of the account with `email` (made if missing: an applicant of no organisation yet,
    with the tests' password)."""
    from portal.accounts.models import Role, User
    from portal.accounts.services import find_user
    from tests.factories import password_hash

    with app.app_context():
        user = find_user(email)
        if user is None:
            user = User(
                email=email,
                name=name,
                role=Role.applicant,
                password_hash=password_hash(),
                created_at=clock.now(),
                email_verified_at=clock.now(),
            )
            db.session.add(user)
            db.session.commit()
        return user.id


def sign_as_leader(app, proposal_id: int, email: str = "leader@example.com") -> int:
    """The team leader (the account with `email`, made if missing) has signed the proposal as
    it is now, as if through the pledge page; the leader's user id. With make_proposal's
    members, who have accepted already, the proposal can then be submitted."""
    from portal.accounts.models import User
    from portal.proposals import signature
    from portal.proposals.common import lock_proposal

    user_id = leader_account(app, email)
    with app.test_request_context():
        proposal = lock_proposal(db.session.get(Proposal, proposal_id))
        signature.record_signature(proposal, db.session.get(User, user_id), clock.now())
        db.session.commit()
    return user_id


def everyone_accepts(app, proposal_id: int) -> None:
    """Every invited member organisation has accepted, as if its administrator had (the pages
    and rules of consent are told in test_proposals_consent)."""
    from portal.proposals.models import ConsentStatus, ConsortiumMember

    with app.app_context():
        for member in db.session.exec(
            select(ConsortiumMember).where(
                ConsortiumMember.proposal_id == proposal_id,
                ConsortiumMember.consent == ConsentStatus.invited,
            )
        ):
            member.consent = ConsentStatus.accepted
            member.consent_decided_at = clock.now()
        db.session.commit()


def start_proposal(app, client, challenge) -> int:
    """The logged-in applicant unveils `challenge`; the new proposal's id."""
    response = client.post(f"/challenges/{challenge.number}/propose")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        return db.session.exec(
            select(Proposal.id).where(Proposal.challenge_id == challenge.id)
        ).one()
