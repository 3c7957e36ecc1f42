"""The states of a proposal, of a member's consent and of the leader's signature move only as
their tables say, and the database refuses a row whose columns do not fit its state."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from portal import clock
from portal.audit import AuditEvent
from portal.db import db
from portal.errors import DomainError
from portal.proposals import states
from portal.proposals.models import ConsortiumMember, PledgeSignature, Proposal
from portal.statemachine import IllegalTransition
from portal.vocabulary import ConsentStatus, MemberRole, ProposalStatus, SignatureStatus, VoidCause

ILLEGAL_MOVES = [
    (start, to)
    for start in ProposalStatus
    for to in ProposalStatus
    if to not in states.TRANSITIONS.get(start, set())
]


def test_the_table_allows_the_journey_of_design_and_nothing_else():
    allowed = {(s, t) for s, targets in states.TRANSITIONS.items() for t in targets}
    S = ProposalStatus
    assert allowed == {
        (S.draft, S.submitted),
        (S.submitted, S.withdrawn),
        (S.submitted, S.rejected),
        (S.submitted, S.in_review),
        (S.submitted, S.draft),
        (S.withdrawn, S.submitted),
        (S.rejected, S.in_review),  # an appeal against the formal check was upheld
        (S.in_review, S.awarded),
        (S.in_review, S.reserve),
        (S.in_review, S.not_funded),
        (S.awarded, S.not_funded),
        (S.reserve, S.awarded),
        # the funding decision reopened: in review again
        (S.awarded, S.in_review),
        (S.reserve, S.in_review),
        (S.not_funded, S.in_review),
    }


@pytest.mark.parametrize(("start", "to"), ILLEGAL_MOVES, ids=lambda s: s.value)
def test_each_illegal_transition_is_refused_and_changes_nothing(ctx, start, to):
    moment = clock.now()
    proposal = Proposal(
        status=start,
        submitted_at=None if start is ProposalStatus.draft else moment,
        withdrawn_at=moment if start is ProposalStatus.withdrawn else None,
        rejection_reason="Incomplete." if start is ProposalStatus.rejected else "",
    )
    before = (proposal.status, proposal.submitted_at, proposal.withdrawn_at)

    with pytest.raises(IllegalTransition):
        states.set_status(proposal, to, by=None, reason="Because.")

    assert (proposal.status, proposal.submitted_at, proposal.withdrawn_at) == before
    assert ctx.exec(select(AuditEvent).order_by(AuditEvent.id)).all() == []


def test_a_rejection_needs_a_reason(ctx):
    proposal = Proposal(status=ProposalStatus.submitted, submitted_at=clock.now())
    with pytest.raises(DomainError, match="Give a reason"):
        states.set_status(proposal, ProposalStatus.rejected, by=None, reason="  ")
    assert proposal.status is ProposalStatus.submitted


def test_each_move_stamps_its_columns_clears_the_stale_ones_and_is_audited(
    ctx, consortium, make_proposal
):
    c = consortium
    proposal = ctx.get(
        Proposal, make_proposal(lead=c["alpha"], challenge=c["challenge"], status="draft").id
    )
    officer = ctx.get(type(c["officer"]), c["officer"].id)
    start = clock.now()

    def at(minutes: int):
        return start + timedelta(minutes=minutes)

    states.set_status(proposal, ProposalStatus.submitted, by=officer, now=at(1))
    ctx.flush()
    assert (proposal.submitted_at, proposal.withdrawn_at) == (at(1), None)
    states.set_status(proposal, ProposalStatus.withdrawn, by=officer, now=at(2))
    ctx.flush()
    assert (proposal.submitted_at, proposal.withdrawn_at) == (at(1), at(2))
    states.set_status(proposal, ProposalStatus.submitted, by=officer, now=at(3))
    ctx.flush()
    assert (proposal.submitted_at, proposal.withdrawn_at) == (at(3), None)
    states.set_status(
        proposal, ProposalStatus.draft, by=officer, now=at(4), action="proposal.returned_to_draft"
    )
    ctx.flush()
    assert (proposal.submitted_at, proposal.withdrawn_at) == (None, None)
    assert proposal.updated_at == at(4)
    states.set_status(proposal, ProposalStatus.submitted, by=officer, now=at(5))
    states.set_status(proposal, ProposalStatus.rejected, by=officer, reason=" Late papers. ")
    ctx.commit()
    assert proposal.rejection_reason == "Late papers."

    events = ctx.exec(
        select(AuditEvent)
        .where(AuditEvent.object_type == "proposal", AuditEvent.object_id == proposal.id)
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == [
        "proposal.submitted",
        "proposal.withdrawn",
        "proposal.submitted",
        "proposal.returned_to_draft",
        "proposal.submitted",
        "proposal.rejected",
    ]
    assert events[-1].before["status"] == "submitted"
    assert events[-1].after == {"status": "rejected", "rejection_reason": "Late papers."}
    assert {e.actor_id for e in events} == {officer.id}


# ---- consent and signature ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (start, to)
        for start in ConsentStatus
        for to in ConsentStatus
        if to not in states.CONSENT_TRANSITIONS.get(start, set())
    ],
    ids=lambda s: s.value,
)
def test_each_illegal_answer_to_an_invitation_is_refused(ctx, start, to):
    member = ConsortiumMember(role=MemberRole.member, consent=start)
    with pytest.raises(IllegalTransition):
        states.set_consent(member, to, by=None, reason="Because.")
    assert member.consent is start


def test_a_void_signature_stays_void(ctx):
    signature = PledgeSignature(status=SignatureStatus.void, void_cause=VoidCause.budget)
    with pytest.raises(IllegalTransition):
        states.void_signature(signature, cause=VoidCause.leader, by=None, now=clock.now())
    assert signature.void_cause is VoidCause.budget


# ---- the database holds the same rules ----------------------------------------------------------

BAD_ROWS = {
    "rejected without a reason": {"status": "rejected", "rejection_reason": ""},
    "a reason without a rejection": {"rejection_reason": "Incomplete."},
    "handed in without a time": {"submitted_at": None},
    "a draft with a submission time": {"status": "draft"},
    "withdrawn without a time": {"status": "withdrawn"},
    "a withdrawal time while submitted": {"withdrawn_at": clock.now()},
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_a_row_written_around_the_services_is_refused_by_the_database(
    app, consortium, make_proposal, case
):
    c = consortium
    proposal = make_proposal(lead=c["alpha"], challenge=c["challenge"])  # submitted
    table = Proposal.__table__
    with app.app_context():
        with pytest.raises(IntegrityError, match="ck_proposal_"):
            db.session.execute(
                sa.update(table).where(table.c.id == proposal.id).values(**BAD_ROWS[case])
            )
        db.session.rollback()
        assert db.session.get(Proposal, proposal.id).status is ProposalStatus.submitted


def test_the_database_refuses_consent_and_signatures_that_do_not_fit_their_state(
    app, consortium, make_proposal
):
    c = consortium
    proposal = make_proposal(lead=c["alpha"], members=(c["beta"],), challenge=c["challenge"])
    members, signatures = ConsortiumMember.__table__, PledgeSignature.__table__
    with app.app_context():
        with pytest.raises(IntegrityError, match="ck_consortium_member_"):
            db.session.execute(
                sa.update(members)
                .where(members.c.proposal_id == proposal.id)
                .values(consent="declined", consent_reason="")
            )
        db.session.rollback()
        with pytest.raises(IntegrityError, match="ck_pledge_signature_"):
            db.session.execute(
                sa.insert(signatures).values(
                    proposal_id=proposal.id,
                    signer_name="Li Lei",
                    signer_email="",
                    signed_at=clock.now(),
                    remote_addr="",
                    content={},
                    content_sha256="",
                    status="void",
                    migrated=True,
                )
            )
        db.session.rollback()
