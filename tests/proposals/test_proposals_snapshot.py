"""One typed snapshot of a submitted proposal: submission freezes it, and the version page, the
blind view, the export and the scale data all read it, older and partial versions included."""

from __future__ import annotations

import csv
import io
import random
from datetime import timedelta
from decimal import Decimal

from sqlmodel import select

from portal import clock
from portal.db import db
from portal.demo import scale
from portal.proposals.models import Attachment, ConsortiumMember, Proposal, SubmittedVersion
from portal.proposals.snapshot import Budget, Leader, SubmittedContent
from portal.reviews.blind import proposal_view
from portal.vocabulary import MemberRole
from tests.proposals.fixtures import attach, load, sign_as_leader


def test_what_submission_freezes_reads_back_exactly(app, client, login, consortium, make_proposal):
    c = consortium
    proposal = make_proposal(
        lead=c["alpha"], members=(c["beta"],), challenge=c["challenge"], status="draft"
    )
    attach(app, proposal.id, "plan.pdf")
    sign_as_leader(app, proposal.id)
    login("alice@alpha.example")
    assert client.post(f"/proposals/{proposal.id}/submit").status_code == 302

    stored = load(app, proposal.id).versions[0].content
    content = SubmittedContent.from_json(stored)
    assert content.to_json() == stored
    assert content.number == 1 and content.title == "Domestic photoresist"
    assert [(m.name, m.role) for m in content.members] == [
        ("Alpha Tech 阿尔法科技", MemberRole.lead),
        ("Beta University 贝塔大学", MemberRole.member),
    ]
    assert content.budget.requested == Decimal("20000000.00")
    assert stored["budget"]["requested"] == "20000000.00"  # money keeps its two places
    assert [m.share_percent for m in content.milestones] == [30, 30, 40]
    assert [a.filename for a in content.attachments] == ["plan.pdf"]
    assert content.pledge.signed_by == "Li Lei" and content.pledge.signed_at is not None


def test_an_older_or_partial_version_reads_with_every_part(app, client, login, consortium):
    old = SubmittedContent.from_json({"title": "Before the snapshot was typed", "requested": "1"})
    assert old.title == "Before the snapshot was typed"
    assert old.members == () and old.attachments == ()
    assert old.leader == Leader() and old.budget == Budget()
    assert SubmittedContent.from_json(None) == SubmittedContent()
    damaged = SubmittedContent.from_json(
        {
            "submitted_at": "yesterday",
            "members": "nobody",
            "budget": {"requested": "a lot", "self_funds": "12.5"},
            "milestones": [{"due_date": "2026-13-45", "share_percent": 30}, "not a row"],
            "pledge": {"signed_by": "Li Lei", "signed_at": ""},
        }
    )
    assert damaged.submitted_at is None and damaged.members == ()
    assert damaged.budget == Budget(self_funds=Decimal("12.5"))
    assert [(m.due_date, m.share_percent) for m in damaged.milestones] == [(None, Decimal(30))]
    assert damaged.pledge.signed_by == "Li Lei" and damaged.pledge.signed_at is None


def test_the_version_page_shows_a_partial_version(app, client, login, consortium, make_proposal):
    c = consortium
    proposal = make_proposal(lead=c["alpha"], challenge=c["challenge"])
    with app.app_context():
        version = db.session.exec(
            select(SubmittedVersion).where(SubmittedVersion.proposal_id == proposal.id)
        ).one()
        version.content = {"title": "Written before budgets were frozen"}
        db.session.commit()
    login("alice@alpha.example")
    response = client.get(f"/proposals/{proposal.id}/versions/1")
    assert response.status_code == 200
    assert "Written before budgets were frozen" in response.get_data(as_text=True)


def test_the_blind_view_shows_the_attachments_the_version_froze(
    app, consortium, make_proposal, make_challenge
):
    c = consortium
    challenge = make_challenge(
        title="In review", status="closed", deadline=clock.now() - timedelta(days=1)
    )
    proposal = make_proposal(lead=c["alpha"], challenge=challenge, status="in_review")
    frozen_id = attach(app, proposal.id, "submitted.pdf")
    with app.app_context():
        live = db.session.get(Proposal, proposal.id)
        version = live.versions[0]
        version.content = SubmittedContent.from_proposal(live, 1, version.submitted_at).to_json()
        db.session.commit()
    later_id = attach(app, proposal.id, "never-submitted.pdf")
    with app.app_context():
        # Written with a time before the submission: the frozen list decides, not the clock.
        db.session.get(Attachment, later_id).uploaded_at = version.submitted_at - timedelta(days=1)
        db.session.commit()
    with app.test_request_context():
        live = db.session.get(Proposal, proposal.id)
        shown = proposal_view(live, blind=True)
        assert [(a.number, a.attachment.id, a.name) for a in shown.attachments] == [
            (1, frozen_id, "Attachment 1.pdf")
        ]
        assert "Alpha Tech" not in str(shown.content)
        assert proposal_view(live, blind=False).attachments[0].name == "submitted.pdf"


def test_the_export_says_what_was_submitted_not_what_the_draft_says_since(
    app, client, login, consortium, make_proposal
):
    c = consortium
    proposal = make_proposal(
        lead=c["alpha"], challenge=c["challenge"], status="withdrawn", title="As submitted"
    )
    with app.app_context():
        db.session.get(Proposal, proposal.id).title = "Changed after withdrawing"
        db.session.commit()
    login("officer@gov.example")
    response = client.get(f"/officer/challenges/{c['challenge'].number}/proposals.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["As submitted"]
    assert rows[1][6] == "20000000.00"


def test_the_scale_data_freezes_versions_as_submission_does(ctx):
    s = scale.Scale(rng=random.Random(7), now=clock.now())
    scale.add_chains(s)
    scale.add_people(s, 30)
    scale.add_challenges(s, [20])
    scale.add_proposals(s, [20])
    proposal = ctx.exec(select(Proposal).order_by(Proposal.id)).first()
    content = SubmittedContent.from_json(proposal.versions[0].content)
    members = ctx.exec(
        select(ConsortiumMember)
        .where(ConsortiumMember.proposal_id == proposal.id)
        .order_by(ConsortiumMember.position)
    ).all()
    assert content.title == proposal.title
    assert [m.name for m in content.members] == [m.organisation.name for m in members]
    assert len(content.commitments) == len(proposal.challenge.indicators)
    assert all(x.meets_target for x in content.commitments)
    assert [m.share_percent for m in content.milestones] == [30, 30, 40]
    assert content.budget.requested == proposal.requested
    assert content.leader.name == proposal.leader_name
