"""Login throttling that slows guessing down without locking anyone out.

Two counts, both read from LoginAttempt rows so that they hold across worker processes and
hosts:

- **One account from one address.** LOGIN_FREE_FAILURES wrong passwords in a row are free; after
  that the pair waits 1, 2, 4 … minutes after each failure (at most LOGIN_MAX_WAIT_MINUTES). The
  count starts again after a success from that address, after FAILURE_MEMORY, or when an
  administrator clears it. An attacker elsewhere slows only their own pair: the owner, from the
  address they use, logs in as usual.
- **One address, any account.** LOGIN_MAX_FAILURES_PER_ADDRESS failures within
  LOGIN_ADDRESS_WINDOW_MINUTES make the address wait until the window has room again. Accounts
  that have logged in from that address before (within KNOWN_ADDRESS_MEMORY) are not held back by
  it, so a shared office address does not keep out the people who work there. Behind a reverse
  proxy the address is the client's, as the proxy reports it (TRUSTED_PROXIES, portal/security.py).

An attempt made while waiting is turned away unchecked and recorded as refused: it never counts
as a failure, so hammering the form does not lengthen the wait.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import aliased
from sqlmodel import func, select

from portal import audit, clock
from portal.accounts.models import LoginAttempt, User
from portal.accounts.permissions import can_manage_accounts
from portal.db import db
from portal.errors import require

FAILURE_MEMORY = timedelta(hours=24)
KNOWN_ADDRESS_MEMORY = timedelta(days=90)


def _counted_failures():
    """The conditions of a failure that counts: wrong password, not refused, not cleared."""
    return (
        LoginAttempt.success.is_(False),
        LoginAttempt.refused.is_(False),
        LoginAttempt.cleared_at.is_(None),
    )


def _pair(email: str, remote_addr: str):
    return LoginAttempt.email == email, LoginAttempt.remote_addr == remote_addr


def backoff(failures: int) -> timedelta:
    """How long a pair waits after its `failures`-th failure in a row (zero while free)."""
    config = current_app.config
    beyond = failures - config["LOGIN_FREE_FAILURES"]
    if beyond < 0:
        return timedelta(0)
    return timedelta(minutes=min(2 ** min(beyond, 30), config["LOGIN_MAX_WAIT_MINUTES"]))


def _pair_free_at(email: str, remote_addr: str, now: datetime) -> datetime | None:
    since = now - FAILURE_MEMORY
    last_success = db.session.exec(
        select(func.max(LoginAttempt.at)).where(
            *_pair(email, remote_addr), LoginAttempt.success.is_(True)
        )
    ).one()
    if last_success is not None and last_success > since:
        since = last_success
    failures, last_failure = db.session.exec(
        select(func.count(), func.max(LoginAttempt.at)).where(
            *_pair(email, remote_addr), *_counted_failures(), LoginAttempt.at > since
        )
    ).one()
    if last_failure is None:
        return None
    return last_failure + backoff(failures)


def _known_pair(email: str, remote_addr: str, now: datetime) -> bool:
    return (
        db.session.exec(
            select(LoginAttempt.id).where(
                *_pair(email, remote_addr),
                LoginAttempt.success.is_(True),
                LoginAttempt.at > now - KNOWN_ADDRESS_MEMORY,
            )
        ).first()
        is not None
    )


def _address_window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_ADDRESS_WINDOW_MINUTES"])


def _address_free_at(remote_addr: str, now: datetime) -> datetime | None:
    """When the address's window has room again: the moment its LIMIT-th latest failure in the
    window leaves it (None while it has fewer)."""
    window = _address_window()
    limiting = db.session.exec(
        select(LoginAttempt.at)
        .where(
            LoginAttempt.remote_addr == remote_addr,
            *_counted_failures(),
            LoginAttempt.at > now - window,
        )
        .order_by(LoginAttempt.at.desc())
        .offset(current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] - 1)
        .limit(1)
    ).first()
    return limiting + window if limiting is not None else None


def wait(email: str, remote_addr: str, now: datetime | None = None) -> timedelta | None:
    """How long this account must wait before trying again from this address, or None."""
    now = now or clock.now()
    moments = [_pair_free_at(email, remote_addr, now)]
    if not _known_pair(email, remote_addr, now):
        moments.append(_address_free_at(remote_addr, now))
    latest = max((m for m in moments if m is not None), default=None)
    return latest - now if latest is not None and latest > now else None


def wait_minutes(waiting: timedelta) -> int:
    return max(1, math.ceil(waiting.total_seconds() / 60))


def record(email: str, remote_addr: str, *, success: bool = False, refused: bool = False) -> None:
    db.session.add(
        LoginAttempt(
            email=email,
            remote_addr=remote_addr[:64],
            success=success,
            refused=refused,
            at=clock.now(),
        )
    )


# ---- what administrators see and clear ----------------------------------------------------------


@dataclass(frozen=True)
class Throttle:
    """An account and address pair (email set) or an address (email empty) held back now or
    at its next failure."""

    email: str
    remote_addr: str
    failures: int
    last_failure_at: datetime
    free_at: datetime

    @property
    def waiting(self) -> bool:
        return self.free_at > clock.now()


def throttled_pairs():
    """A Select of (email, remote_addr, failures, last failure) for every pair past its free
    failures, latest first."""
    config = current_app.config
    success = aliased(LoginAttempt)
    later_success = (
        select(success.id)
        .where(
            success.email == LoginAttempt.email,
            success.remote_addr == LoginAttempt.remote_addr,
            success.success.is_(True),
            success.at > LoginAttempt.at,
        )
        .exists()
    )
    last = func.max(LoginAttempt.at)
    return (
        select(LoginAttempt.email, LoginAttempt.remote_addr, func.count(), last)
        .where(*_counted_failures(), LoginAttempt.at > clock.now() - FAILURE_MEMORY, ~later_success)
        .group_by(LoginAttempt.email, LoginAttempt.remote_addr)
        .having(func.count() >= config["LOGIN_FREE_FAILURES"])
        .order_by(last.desc(), LoginAttempt.email, LoginAttempt.remote_addr)
    )


def pair_throttles(rows) -> list[Throttle]:
    return [
        Throttle(email, address, failures, last, last + backoff(failures))
        for email, address, failures, last in rows
    ]


def throttled_addresses() -> list[Throttle]:
    """Every address at its limit within the window (two queries)."""
    now, window = clock.now(), _address_window()
    limit = current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    in_window = (*_counted_failures(), LoginAttempt.at > now - window)
    addresses = db.all(
        select(LoginAttempt.remote_addr)
        .where(*in_window)
        .group_by(LoginAttempt.remote_addr)
        .having(func.count() >= limit)
    )
    if not addresses:
        return []
    times: dict[str, list[datetime]] = {address: [] for address in addresses}
    for address, at in db.session.exec(
        select(LoginAttempt.remote_addr, LoginAttempt.at).where(
            *in_window, LoginAttempt.remote_addr.in_(addresses)
        )
    ):
        times[address].append(at)
    found = []
    for address, stamps in times.items():
        stamps.sort(reverse=True)
        found.append(Throttle("", address, len(stamps), stamps[0], stamps[limit - 1] + window))
    return sorted(found, key=lambda t: t.last_failure_at, reverse=True)


def clear(*, by: User, remote_addr: str, email: str = "") -> int:
    """An administrator lets a pair (or, without `email`, an address) try again at once: its
    counted failures are marked cleared, so they count no more. Returns how many."""
    require(can_manage_accounts(by))
    conditions = [LoginAttempt.remote_addr == remote_addr, *_counted_failures()]
    if email:
        conditions.append(LoginAttempt.email == email)
    cleared = db.session.execute(
        update(LoginAttempt).where(*conditions).values(cleared_at=clock.now())
    ).rowcount
    audit.record(
        by,
        "login.throttle_cleared",
        object_type="login_attempt",
        after={"email": email, "remote_addr": remote_addr, "failures": cleared},
    )
    return cleared
