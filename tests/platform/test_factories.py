"""The shared factories build consistent data (other modules' tests rely on them)."""

from portal.db import db
from portal.proposals.models import Proposal


def test_a_proposal_factory_builds_a_complete_consortium(app, make_proposal):
    proposal = make_proposal(lead="Alpha Tech", members=("Beta University", "Gamma Institute"))
    with app.app_context():
        loaded = db.session.get(Proposal, proposal.id)
        assert [m.organisation.name for m in loaded.members] == [
            "Alpha Tech",
            "Beta University",
            "Gamma Institute",
        ]
        assert sum(m.budget_share for m in loaded.members) == loaded.requested
        assert len(loaded.commitments) == len(loaded.challenge.indicators) == 2
        assert sum(m.share_percent for m in loaded.milestones) == 100
        assert [v.number for v in loaded.versions] == [1]
