"""The demo shows proposals in every state an applicant meets, from the demo organisations."""

from __future__ import annotations

import pytest
from sqlmodel import select

from portal.accounts.models import Invitation
from portal.proposals import checklist, signature
from portal.proposals.models import Proposal
from portal.vocabulary import ConsentStatus, InvitationPurpose, ProposalStatus, SignatureStatus

pytestmark = pytest.mark.slow


def test_the_demo_has_proposals_in_every_state_consented_and_signed(demo, app, ctx):
    """Draft, submitted, withdrawn and resubmitted; a consortium with a member that accepted
    and one still invited; a team leader who signed and one invited who has not."""
    base = demo.objects()
    ctx.commit()
    proposals = base["proposals"]
    assert proposals["draft"].status is ProposalStatus.draft
    assert checklist.completeness_problems(proposals["draft"])  # its checklist has open points
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

    draft = proposals["draft"]
    answers = {m.organisation.name: m.consent for m in draft.members if m.role.value == "member"}
    assert sorted(answers.values()) == [ConsentStatus.accepted, ConsentStatus.invited]
    assert draft.signatures == [] and draft.leader_user_id is None
    invited = ctx.exec(select(Invitation).where(Invitation.email == "chenjing@example.com")).one()
    assert invited.purpose is InvitationPurpose.leader

    # Everything handed in, by any module's demo, was consented and signed by an account.
    handed_in = ctx.exec(select(Proposal).where(Proposal.status != ProposalStatus.draft)).all()
    assert len(handed_in) > 10
    for proposal in handed_in:
        assert {m.consent for m in proposal.members} == {ConsentStatus.accepted}, proposal.title
        latest = signature.current_signature(proposal)
        assert latest.status is SignatureStatus.signed, proposal.title
        assert latest.signer_id is not None and latest.signer_id == proposal.leader_user_id
    submitted = proposals["submitted"]
    assert signature.holds(signature.current_signature(submitted), submitted)
    assert submitted.versions[-1].content["pledge"]["signed_by"] == "李明"

    client = app.test_client()
    response = client.post(
        "/login", data={"email": "liming@example.com", "password": "portal-demo"}
    )
    assert response.status_code == 302  # the team leader who signed has an account


def test_the_demo_accepts_challenges_from_the_challenges_demo(ctx, make_challenge):
    given = [
        make_challenge(title="Given one", max_members=3),
        make_challenge(title="Given two", max_members=3),
    ]
    from portal.demo import proposals as demo
    from portal.demo.load import load_accounts

    base = load_accounts()
    base["challenges"] = {"a": given[0], "b": given[1]}
    base = demo.load(base)
    assert {p.challenge.title for p in base["proposals"].values()} == {"Given one", "Given two"}
