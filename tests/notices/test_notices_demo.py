"""The demo shows a notice in each state."""

from __future__ import annotations

import pytest
from sqlmodel import select

from portal.db import db
from portal.notices.models import Notice
from portal.vocabulary import NoticeStatus

pytestmark = pytest.mark.slow


def test_the_demo_has_a_valid_a_superseded_and_a_revoked_notice(demo, app):
    with app.app_context():
        db.session.commit()
        notices = db.session.exec(select(Notice).order_by(Notice.id)).all()

    statuses = [n.status for n in notices]
    assert {NoticeStatus.valid, NoticeStatus.superseded, NoticeStatus.revoked} <= set(statuses)
    superseded = next(n for n in notices if n.status is NoticeStatus.superseded)
    assert any(
        n.number == superseded.number and n.version == superseded.version + 1 for n in notices
    )


def test_the_demo_prints_the_projects_of_the_awards_demo(demo, app):
    with app.app_context():
        base = demo.objects()
        db.session.commit()
        printed = {base["notices"]["issued"].award_id, base["notices"]["superseded"].award_id}
        project = base["awards"]["running"]
        assert project.id in printed or base["awards"]["completed"].id in printed
