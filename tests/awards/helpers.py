"""Plain helpers of the awards stories (the fixtures are in tests/awards/fixtures.py)."""

from __future__ import annotations

import io
from contextlib import nullcontext
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from flask import has_app_context

from portal.awards import milestones, queries, services
from portal.awards import targets as award_targets
from portal.awards.models import Award
from portal.db import db
from tests.pdfs import pdf as pdf_bytes

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
PDF = pdf_bytes("Evidence")


def within(app):
    """The caller's application context if there is one (so that its session stays the one in
    use), else a new one."""
    return nullcontext() if has_app_context() else app.app_context()


def pdf(name: str = "evidence.pdf"):
    return (io.BytesIO(PDF), name)


def confirm_as_proposed(award_id: int, officer_id: int, amount: Decimal | None = None) -> Award:
    """Confirm an award with the proposal's plan and promises (inside an app context)."""
    from portal.accounts.models import User

    award = db.session.get(Award, award_id)
    officer = db.session.get(User, officer_id)
    amount = amount if amount is not None else award.amount
    return services.confirm_award(
        award,
        by=officer,
        amount=amount,
        starts_on=date(2026, 4, 1),
        ends_on=date(2029, 4, 1),
        plan=milestones.proposed_plan(award, amount),
        targets={row.indicator_id: row.committed for row in award_targets.proposed_targets(award)},
    )


def sign_task_book(award_id: int, officer_id: int) -> Award:
    """Record the task book of a confirmed award signed today: the project runs."""
    from portal.accounts.models import User

    award = db.session.get(Award, award_id)
    return services.start_project(
        award,
        by=db.session.get(User, officer_id),
        task_book_signed_on=queries.local_today(),
    )


def pending_report(app, award_id: int, applicant_id: int, position: int = 0) -> int:
    """Report a milestone as the lead organisation's user; returns the report id."""
    from portal.accounts.models import User

    with within(app):
        award = db.session.get(Award, award_id)
        report = milestones.report_milestone(
            award.milestones[position],
            by=db.session.get(User, applicant_id),
            progress="Pilot line built.",
            values={},
        )
        db.session.commit()
        return report.id


def shift(days: int) -> datetime:
    return START + timedelta(days=days)
