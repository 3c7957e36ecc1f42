"""Factories that build committed rows for a test's story; each returns the object it made."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from flask import Flask, has_app_context
from sqlmodel import select

from portal import clock
from portal.accounts import creditcode
from portal.accounts.models import Membership, Organisation, User
from portal.challenges.models import Chain, ChainLink, Challenge, Criterion, Indicator
from portal.db import db
from portal.proposals.models import (
    Commitment,
    ConsortiumMember,
    PlannedMilestone,
    Proposal,
    SubmittedVersion,
)
from portal.proposals.snapshot import SubmittedContent
from portal.vocabulary import (
    ChallengeStatus,
    Comparison,
    ConsentStatus,
    MemberRole,
    MembershipRole,
    MembershipStatus,
    OrgStatus,
    OrgType,
    ProposalStatus,
    Role,
    Stage,
)

PASSWORD = "correct horse battery"
_codes = itertools.count(1)
_numbers = itertools.count(900)
_password_hash: list[str] = []


def fresh_credit_code() -> str:
    return creditcode.complete(f"91440300MA{next(_codes):07d}")


def password_hash() -> str:
    """The hash of PASSWORD that the factories' accounts share. The portal's own hashing is slow
    on purpose, and so is checking a password against its hash: this one is made with few
    rounds, so that the many logins of the tests (throttling alone tries hundreds) stay quick.
    Accounts the portal creates itself (registration) keep the portal's method."""
    if not _password_hash:
        from werkzeug.security import generate_password_hash

        _password_hash.append(generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
    return _password_hash[0]


@contextmanager
def committing(app: Flask) -> Iterator[None]:
    """Work in the caller's application context, or in one of our own, and commit."""
    if has_app_context():
        yield
        db.session.commit()
    else:
        with app.app_context():
            yield
            db.session.commit()


@pytest.fixture
def make_org(app) -> Callable[..., Organisation]:
    def make(
        name: str = "Alpha Tech",
        type: str = "enterprise",
        region: str = "",
        code=None,
        status: str = "verified",
        **fields,
    ):
        """An organisation, verified by staff unless `status` says otherwise."""
        with committing(app):
            org = Organisation(
                name=name,
                type=OrgType(type),
                credit_code=code or fresh_credit_code(),
                region=region,
                created_at=clock.now(),
                status=OrgStatus(status),
                verified_at=clock.now() if status == "verified" else None,
                **fields,
            )
            db.session.add(org)
        return org

    return make


@pytest.fixture
def make_user(app, make_org) -> Callable[..., User]:
    def make(
        email: str,
        role: str = "applicant",
        org: str | Organisation | None = None,
        name: str | None = None,
        active: bool = True,
        org_role: str = "administrator",
        membership: str = "approved",
        **fields,
    ) -> User:
        """A user with a confirmed address. An applicant is a member of `org` (by default its
        approved administrator; `org_role="member"` or `membership="pending"` say otherwise)."""
        if role == "applicant" and org is None:
            org = email.split("@")[1].split(".")[0].replace("-", " ").title()
        if isinstance(org, str):
            org = make_org(org)
        approved = membership == "approved"
        with committing(app):
            user = User(
                email=email,
                name=name or email.split("@")[0].title(),
                role=Role(role),
                password_hash=password_hash(),
                active=active,
                organisation_id=org.id if org and (approved or role != "applicant") else None,
                created_at=clock.now(),
                email_verified_at=clock.now(),
                **fields,
            )
            db.session.add(user)
            if org is not None and role == "applicant":
                db.session.flush()
                db.session.add(
                    Membership(
                        user_id=user.id,
                        organisation_id=org.id,
                        status=MembershipStatus(membership),
                        role=MembershipRole(org_role),
                        created_at=clock.now(),
                        decided_at=None if membership == "pending" else clock.now(),
                    )
                )
        return user

    return make


@pytest.fixture
def login(client) -> Callable[..., object]:
    """Log the test client in; fails the test if the portal refuses."""

    def do(email: str, password: str = PASSWORD):
        client.post("/logout")
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    return do


@pytest.fixture
def make_chain(app) -> Callable[..., ChainLink]:
    """A chain with one link per stage; returns the named link (midstream by default)."""

    def make(name: str = "集成电路", stage: str = "midstream", link: str | None = None):
        with committing(app):
            chain = db.session.exec(select(Chain).where(Chain.name == name)).first()
            if chain is None:
                chain = Chain(name=name, leader_title=f"{name}产业链链长")
                db.session.add(chain)
                db.session.flush()
            link_name = (
                link
                or {
                    "upstream": "材料与设备",
                    "midstream": "设计与制造",
                    "downstream": "封装与应用",
                }[stage]
            )
            chain_link = db.session.exec(
                select(ChainLink).where(ChainLink.chain_id == chain.id, ChainLink.name == link_name)
            ).first()
            if chain_link is None:
                chain_link = ChainLink(chain_id=chain.id, stage=Stage(stage), name=link_name)
                db.session.add(chain_link)
        return chain_link

    return make


STORED_STATUS = {"closed": ChallengeStatus.published}
"""`closed` is never stored: a closed challenge is a published one whose deadline has passed."""


@pytest.fixture
def make_challenge(app, make_chain) -> Callable[..., Challenge]:
    """A challenge with indicators and a rubric, published unless status says otherwise.

    Built directly (not through the services) so that other modules' tests can start from any
    state; the challenges module's own tests go through its services and pages.
    """

    def make(
        title: str = "28nm ArF photoresist",
        status: str = "published",
        deadline: datetime | None = None,
        indicators: int = 2,
        criteria: tuple[int, ...] = (30, 30, 20, 20),
        chain: str = "集成电路",
        **fields,
    ) -> Challenge:
        link = make_chain(chain)
        now = clock.now()
        with committing(app):
            challenge = Challenge(
                number=f"JB-{now.year}-{next(_numbers):03d}",
                status=STORED_STATUS.get(status, ChallengeStatus(status)),
                version=0 if status == "draft" else 1,
                title=title,
                chain_link_id=link.id,
                statement="Domestic supply covers under 5% of demand.",
                background="Imported from two suppliers.",
                deliverable="Pilot line",
                funding_cap=Decimal("30000000.00"),
                cofunding=Decimal("5000000.00"),
                duration_months=36,
                deadline=deadline or now + timedelta(days=30),
                created_at=now,
                updated_at=now,
                published_at=None if status == "draft" else now,
                **fields,
            )
            challenge.indicators = [
                Indicator(
                    position=i,
                    name=f"Indicator {i + 1}",
                    comparison=Comparison.ge,
                    target=Decimal(100 * (i + 1)),
                    unit="nm" if i == 0 else "%",
                    test_method="Third-party test report",
                )
                for i in range(indicators)
            ]
            challenge.criteria = [
                Criterion(position=i, name=f"Criterion {i + 1}", weight=w)
                for i, w in enumerate(criteria)
            ]
            db.session.add(challenge)
        return challenge

    return make


@pytest.fixture
def make_proposal(app, make_challenge, make_org) -> Callable[..., Proposal]:
    """A complete proposal of a lead organisation (and members), submitted by default.

    Every member organisation has accepted (`consent` says otherwise). The team leader is named
    by address and, unless `leader` gives their account, has none and has not signed
    (tests.proposals.fixtures.sign_as_leader signs). A proposal handed in has its first version,
    frozen as submission freezes it; a withdrawn one is withdrawn now, a rejected one for a
    reason.
    """

    def make(
        lead: str | Organisation = "Alpha Tech",
        members: tuple[str | Organisation, ...] = (),
        challenge: Challenge | None = None,
        status: str = "submitted",
        requested: Decimal = Decimal("20000000.00"),
        title: str = "Domestic photoresist",
        leader_name: str = "Li Lei",
        leader: User | None = None,
        consent: str = "accepted",
    ) -> Proposal:
        challenge = challenge or make_challenge()
        orgs = [o if isinstance(o, Organisation) else make_org(o) for o in (lead, *members)]
        now = clock.now()
        with committing(app):
            challenge = db.session.get(Challenge, challenge.id)
            share = (requested / len(orgs)).quantize(Decimal("0.01"))
            proposal = Proposal(
                challenge_id=challenge.id,
                lead_org_id=orgs[0].id,
                status=ProposalStatus(status),
                title=title,
                leader_user_id=leader.id if leader else None,
                leader_name=leader.name if leader else leader_name,
                leader_title="Chief engineer",
                leader_phone="+86 755 0000 0000",
                leader_email=leader.email if leader else "leader@example.com",
                leader_org_id=orgs[0].id,
                approach="We will build a pilot line.",
                innovation="A new resin.",
                requested=requested,
                self_funds=Decimal("5000000.00"),
                created_at=now,
                updated_at=now,
                submitted_at=None if status == "draft" else now,
                withdrawn_at=now if status == "withdrawn" else None,
                rejection_reason="Incomplete documents." if status == "rejected" else "",
            )
            proposal.members = [
                ConsortiumMember(
                    organisation_id=org.id,
                    role=MemberRole.lead if i == 0 else MemberRole.member,
                    responsibility="Research and development",
                    budget_share=share if i else requested - share * (len(orgs) - 1),
                    position=i,
                    consent=ConsentStatus(consent if i else "accepted"),
                    invited_at=now,
                    consent_decided_at=None if i and consent == "invited" else now,
                    consent_reason="We cannot take part." if i and consent == "declined" else "",
                )
                for i, org in enumerate(orgs)
            ]
            proposal.commitments = [
                Commitment(indicator_id=ind.id, value=ind.target) for ind in challenge.indicators
            ]
            proposal.milestones = [
                PlannedMilestone(
                    position=i,
                    title=f"Milestone {i + 1}",
                    due_date=(now + timedelta(days=365 * (i + 1))).date(),
                    deliverable="Report",
                    verification="Site visit",
                    share_percent=Decimal(pct),
                )
                for i, pct in enumerate(("30", "30", "40"))
            ]
            db.session.add(proposal)
            if status != "draft":
                db.session.flush()
                db.session.add(
                    SubmittedVersion(
                        proposal_id=proposal.id,
                        number=1,
                        content=SubmittedContent.from_proposal(proposal, 1, now).to_json(),
                        submitted_at=now,
                        withdrawn_at=proposal.withdrawn_at,
                    )
                )
        return proposal

    return make
