"""Bulk data for benchmarks is consistent, and the portal keeps working on top of it."""

from sqlmodel import func, select

from portal.db import db
from portal.proposals.models import ConsortiumMember, Proposal


def test_demo_scale_adds_proposals_that_the_portal_can_extend(app, make_org):
    result = app.test_cli_runner().invoke(args=["demo", "--scale", "100"])
    assert result.exit_code == 0, result.output
    assert "100 proposals" in result.output
    with app.app_context():
        assert db.session.exec(select(func.count()).select_from(Proposal)).one() == 100
        shares = db.session.exec(
            select(ConsortiumMember.proposal_id, func.sum(ConsortiumMember.budget_share)).group_by(
                ConsortiumMember.proposal_id
            )
        ).all()
        requested = dict(db.session.exec(select(Proposal.id, Proposal.requested)).all())
        assert all(requested[pid] == total for pid, total in shares)
    make_org("Made after the bulk load")  # ids continue after the explicit ones
    again = app.test_cli_runner().invoke(args=["demo", "--scale", "40"])
    assert again.exit_code == 0, again.output
