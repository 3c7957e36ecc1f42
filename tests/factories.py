"""Factories that build committed rows for a test's story; each returns the object it made."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask, has_app_context

from portal import clock
from portal.accounts import creditcode
from portal.accounts.models import Organisation, OrgType, Role, User
from portal.db import db

PASSWORD = "correct horse battery"
_codes = itertools.count(1)
_password_hash: list[str] = []


def fresh_credit_code() -> str:
    return creditcode.complete(f"91440300MA{next(_codes):07d}")


def password_hash() -> str:
    """Hashing is slow on purpose; tests share one hash of PASSWORD."""
    if not _password_hash:
        from portal.accounts.services import hash_password

        _password_hash.append(hash_password(PASSWORD))
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
    def make(name: str = "Alpha Tech", type: str = "enterprise", region: str = "", code=None):
        with committing(app):
            org = Organisation(
                name=name,
                type=OrgType(type),
                credit_code=code or fresh_credit_code(),
                region=region,
                created_at=clock.now(),
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
        **fields,
    ) -> User:
        if role == "applicant" and org is None:
            org = email.split("@")[1].split(".")[0].replace("-", " ").title()
        if isinstance(org, str):
            org = make_org(org)
        with committing(app):
            user = User(
                email=email,
                name=name or email.split("@")[0].title(),
                role=Role(role),
                password_hash=password_hash(),
                active=active,
                organisation_id=org.id if org else None,
                created_at=clock.now(),
                **fields,
            )
            db.session.add(user)
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
