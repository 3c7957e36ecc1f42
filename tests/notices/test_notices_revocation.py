"""Notices are revoked with their award. The awards module does not know the notices: it says
that an award was revoked (awards.signals.award_revoked), inside its transaction, and the
notices module revokes the notices then, or not at all when that transaction rolls back."""

from __future__ import annotations

from sqlmodel import select

from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.awards import services
from portal.awards.models import Award
from portal.db import db
from portal.notices.models import Notice
from portal.vocabulary import AwardStatus, NoticeStatus
from tests.notices.fixtures import issue


def _revoke(award_id: int, officer_id: int) -> Award:
    return services.terminate_project(
        db.session.get(Award, award_id),
        by=db.session.get(User, officer_id),
        reason="逾期未签订任务书 The task book was never signed",
        revoke=True,
    )


def test_revoking_a_confirmed_award_revokes_its_notice(app, client, make_award, officer):
    notice = issue(app, make_award(status="confirmed"), officer)
    with app.test_request_context():
        _revoke(notice.award_id, officer.id)
        db.session.commit()
        assert db.session.get(Notice, notice.id).status is NoticeStatus.revoked
        events = db.session.exec(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "notice")
            .order_by(AuditEvent.id)
        ).all()
        assert "notice.revoked" in events
    page = client.get(f"/verify/{notice.code}").get_data(as_text=True)
    assert "This notice has been revoked" in page


def test_a_revocation_rolled_back_leaves_the_notice_valid(app, make_award, officer):
    notice = issue(app, make_award(status="active"), officer)
    with app.test_request_context():
        _revoke(notice.award_id, officer.id)
        assert (
            db.session.get(Notice, notice.id).status is NoticeStatus.revoked
        )  # in the transaction
        db.session.rollback()
        assert db.session.get(Notice, notice.id).status is NoticeStatus.valid
        assert db.session.get(Award, notice.award_id).status is AwardStatus.active
