"""The states of a proposal, of a member organisation's consent and of the leader's signature:
one transition table each, and the one function that writes each state column.

Nothing else assigns `Proposal.status`, `ConsortiumMember.consent` or `PledgeSignature.status`
(the review and award modules call `set_status` too). Each setter checks its table, stamps the
columns that go with the new state and writes one audit event; the CHECK constraints of the
models hold the same columns in the database.
"""

from __future__ import annotations

from datetime import datetime

from portal.accounts.models import User
from portal.proposals.models import ConsortiumMember, PledgeSignature
from portal.statemachine import StateMachine
from portal.vocabulary import ConsentStatus, ProposalStatus, SignatureStatus, VoidCause

TRANSITIONS: dict[ProposalStatus, set[ProposalStatus]] = {
    ProposalStatus.draft: {ProposalStatus.submitted},
    ProposalStatus.submitted: {
        ProposalStatus.withdrawn,  # by the lead organisation, before the deadline
        ProposalStatus.rejected,  # at the formal check
        ProposalStatus.in_review,  # passed the formal check
        ProposalStatus.draft,  # a member organisation withdrew its consent
    },
    ProposalStatus.withdrawn: {ProposalStatus.submitted},
    ProposalStatus.rejected: {ProposalStatus.in_review},  # an appeal was upheld
    ProposalStatus.in_review: {
        ProposalStatus.awarded,
        ProposalStatus.reserve,
        ProposalStatus.not_funded,
    },
    # not funded: its award revoked after an objection; in review: the decision was reopened
    ProposalStatus.awarded: {ProposalStatus.not_funded, ProposalStatus.in_review},
    # awarded: promoted in place of a revoked award
    ProposalStatus.reserve: {ProposalStatus.awarded, ProposalStatus.in_review},
    ProposalStatus.not_funded: {ProposalStatus.in_review},
}

MACHINE = StateMachine(
    "proposal",
    TRANSITIONS,
    stamps={ProposalStatus.submitted: "submitted_at", ProposalStatus.withdrawn: "withdrawn_at"},
    # In review names the rejection's column too, so that an upheld appeal empties it (the
    # CHECK constraints allow a reason only while rejected; the formal check's record keeps it).
    reasons={
        ProposalStatus.rejected: "rejection_reason",
        ProposalStatus.in_review: "rejection_reason",
    },
    reason_required=frozenset({ProposalStatus.rejected}),
    # A resubmitted proposal is no longer withdrawn, and one back in draft has no submission
    # that stands (its versions keep the history).
    clears={
        ProposalStatus.submitted: ("withdrawn_at",),
        ProposalStatus.draft: ("submitted_at", "withdrawn_at"),
    },
    updated="updated_at",
)


set_status = MACHINE.move
"""The only writer of Proposal.status: refused unless TRANSITIONS allows the move; stamps
submitted_at, withdrawn_at or the rejection reason (emptied by an upheld appeal) and updated_at;
one audit event ("proposal.<status>" unless `action` names it as the pages and tests know
it)."""


# ---- a member organisation's consent (联合体确认) -----------------------------------------------

CONSENT_TRANSITIONS: dict[ConsentStatus, set[ConsentStatus]] = {
    ConsentStatus.invited: {ConsentStatus.accepted, ConsentStatus.declined},
    ConsentStatus.accepted: {ConsentStatus.withdrawn},
}

CONSENT_MACHINE: StateMachine[ConsortiumMember, ConsentStatus] = StateMachine(
    "consortium",
    CONSENT_TRANSITIONS,
    column="consent",
    stamps={
        ConsentStatus.accepted: "consent_decided_at",
        ConsentStatus.declined: "consent_decided_at",
        ConsentStatus.withdrawn: "consent_decided_at",
    },
    reasons={ConsentStatus.declined: "consent_reason", ConsentStatus.withdrawn: "consent_reason"},
    reason_required=frozenset({ConsentStatus.declined}),
    movers=dict.fromkeys(
        (ConsentStatus.accepted, ConsentStatus.declined, ConsentStatus.withdrawn),
        "consent_decided_by_id",
    ),
    audit_fields=("proposal_id", "organisation_id"),
)


set_consent = CONSENT_MACHINE.move
"""The only writer of ConsortiumMember.consent once the row exists (a row starts invited, the
lead organisation's accepted): stamps the answer, keeps its reason and who gave it."""


# ---- the team leader's signature ------------------------------------------------------------

SIGNATURE_MACHINE = StateMachine(
    "pledge",
    {SignatureStatus.signed: {SignatureStatus.void}},
    stamps={SignatureStatus.void: "voided_at"},
    reasons={SignatureStatus.void: "void_cause"},
    reason_required=frozenset({SignatureStatus.void}),
    movers={SignatureStatus.void: "voided_by_id"},
    actions={SignatureStatus.void: "pledge.voided"},
    audit_fields=("proposal_id",),
)


def void_signature(
    signature: PledgeSignature, *, cause: VoidCause, by: User | None, now: datetime
) -> PledgeSignature:
    """The only writer of PledgeSignature.status: a signature becomes void, for `cause` (kept
    as the machine keeps a reason, then as the enum the column holds)."""
    SIGNATURE_MACHINE.move(signature, SignatureStatus.void, by=by, reason=cause.value, now=now)
    signature.void_cause = cause
    return signature
