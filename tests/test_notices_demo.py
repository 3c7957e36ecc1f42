"""The demo shows a notice in each state."""

from __future__ import annotations

from sqlmodel import select

from portal.db import db
from portal.demo import load_demo
from portal.notices.models import Notice, NoticeStatus
from tests.notices_fixtures import make_award, seal  # noqa: F401


def test_the_demo_has_a_valid_a_superseded_and_a_revoked_notice(app):
    with app.app_context():
        load_demo()
        db.session.commit()
        notices = db.session.exec(select(Notice).order_by(Notice.id)).all()

    statuses = [n.status for n in notices]
    assert {NoticeStatus.valid, NoticeStatus.superseded, NoticeStatus.revoked} <= set(statuses)
    superseded = next(n for n in notices if n.status is NoticeStatus.superseded)
    assert any(
        n.number == superseded.number and n.version == superseded.version + 1 for n in notices
    )


def test_the_demo_prints_the_earlier_loaders_complete_awards(app, make_award):
    existing = make_award(title="Earlier loader's award")
    with app.app_context():
        load_demo()
        db.session.commit()
        printed = db.session.exec(select(Notice).where(Notice.award_id == existing.id)).all()

    assert [n.status for n in printed] == [NoticeStatus.valid]
