"""An attachment's file goes only once its removal is committed: a failed commit keeps the row
and its file together."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from portal import storage
from portal.accounts.models import User
from portal.db import db
from portal.proposals import attachments
from portal.proposals.models import Attachment, Proposal
from portal.unit_of_work import unit_of_work
from tests.proposals.fixtures import attach


@pytest.fixture
def draft_with_a_file(app, consortium, make_proposal):
    """Alice's draft with one attachment that no submitted version holds: (proposal, file)."""
    c = consortium
    proposal = make_proposal(lead=c["alpha"], challenge=c["challenge"], status="draft")
    attachment_id = attach(app, proposal.id, "draft-only.pdf")
    with app.app_context():
        path = storage.path_of(db.session.get(Attachment, attachment_id).stored_name)
    return proposal, attachment_id, path


def test_a_failed_commit_keeps_the_attachments_file(app, consortium, draft_with_a_file):
    proposal, attachment_id, path = draft_with_a_file
    with app.test_request_context(method="POST"):
        alice = db.session.get(User, consortium["alice"].id)

        def remove_then_write_a_row_the_database_refuses():
            attachment = db.session.get(Attachment, attachment_id)
            attachments.remove_attachment(attachment, by=alice)
            # The same transaction also changes a row the database will refuse at the commit
            # (a rejection reason on a draft): the commit fails after the removal was flushed.
            db.session.get(Proposal, proposal.id).rejection_reason = "Too late."

        with pytest.raises(IntegrityError):
            unit_of_work(remove_then_write_a_row_the_database_refuses, lambda exc: None)

    assert path.exists()
    with app.app_context():
        assert db.session.get(Attachment, attachment_id) is not None


def test_a_committed_removal_deletes_the_file(app, client, login, draft_with_a_file):
    proposal, attachment_id, path = draft_with_a_file
    login("alice@alpha.example")

    response = client.post(f"/proposals/{proposal.id}/attachments/{attachment_id}/remove")

    assert response.status_code == 302
    assert not path.exists()
    with app.app_context():
        assert db.session.get(Attachment, attachment_id) is None
