"""The demo shows proposals in every state an applicant meets, from the demo organisations."""

from __future__ import annotations

from portal.demo import load_demo
from portal.proposals import services
from portal.proposals.models import ProposalStatus


def test_the_demo_has_draft_submitted_withdrawn_and_resubmitted_proposals(ctx):
    base = load_demo()
    ctx.commit()
    proposals = base["proposals"]
    assert proposals["draft"].status is ProposalStatus.draft
    assert services.completeness_problems(proposals["draft"])  # its checklist has open points
    assert proposals["submitted"].status is ProposalStatus.submitted
    assert len(proposals["submitted"].members) == 3
    assert proposals["withdrawn"].status is ProposalStatus.withdrawn
    assert len(proposals["withdrawn"].members) == 2
    resubmitted = proposals["resubmitted"]
    assert resubmitted.status is ProposalStatus.submitted
    assert [v.number for v in resubmitted.versions] == [1, 2]
    assert resubmitted.versions[0].withdrawn_at is not None
    leads = {p.lead_org.name for p in proposals.values()}
    assert leads == {
        o.name for k, o in base["orgs"].items() if k not in ("expert_org", "unverified")
    }


def test_the_demo_accepts_challenges_from_the_challenges_demo(ctx, make_challenge):
    given = [
        make_challenge(title="Given one", max_members=3),
        make_challenge(title="Given two", max_members=3),
    ]
    from portal.demo import load_accounts
    from portal.proposals import demo

    base = load_accounts()
    base["challenges"] = {"a": given[0], "b": given[1]}
    base = demo.load(base)
    assert {p.challenge.title for p in base["proposals"].values()} == {"Given one", "Given two"}
