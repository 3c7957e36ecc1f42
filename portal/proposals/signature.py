"""The team leader's pledge (军令状): who leads, what they sign, and when a signature holds.

The leader is named by e-mail in the general section. If an account has that address, its
owner is told; otherwise an invitation to register is mailed there. Only that person may sign,
on a page that shows the pledge and everything it covers, by entering their password again.
The signature keeps exactly what was signed as canonical JSON and its SHA-256; any later change
to the commitments, milestones, budget, consortium or leader voids it, and submission compares
the hash again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from flask import current_app, has_app_context
from flask_babel import force_locale

from portal import audit, clock
from portal.accounts import invitations, passwords
from portal.accounts.invitations import invitation_link
from portal.accounts.membership import is_administrator, membership_of
from portal.accounts.models import Organisation, User
from portal.accounts.services import find_user, normalise_email
from portal.db import db
from portal.errors import DomainError, ValidationFailed, require
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.notifications.mail import queue
from portal.presentation import plain_number
from portal.proposals.common import (
    Problem,
    check_open,
    indicator_commitments,
    lead_administrators,
    leader_organisation,
    lock_proposal,
    tell,
)
from portal.proposals.links import pledge_path
from portal.proposals.models import PledgeSignature, Proposal
from portal.proposals.permissions import EDITABLE, can_sign
from portal.proposals.states import void_signature
from portal.vocabulary import InvitationPurpose, Role, SignatureStatus, VoidCause

PLEDGE_TEXT = _l(
    "We, the lead organisation and every member of this consortium, pledge that everything in "
    "this proposal is true; that we will reach every indicator we have committed to, on the "
    "milestones we have planned, and use the funds only for this project; and that if we fail "
    "through our own fault, we accept the consequences set out in the challenge, including "
    "the return of funds and exclusion from future programmes."
)


# ---- who leads --------------------------------------------------------------------------------


def leader_account_problem(account: User, leader_org_id: int | None) -> str | None:
    """Why the owner of this address cannot lead this team (a message), or None."""
    if account.role is not Role.applicant:
        return _(
            "This address belongs to an account that cannot lead a team: the team leader needs "
            "an applicant's account."
        )
    membership = membership_of(account)
    if leader_org_id is not None and membership and membership.organisation_id != leader_org_id:
        return _(
            "This person belongs to another organisation (%(org)s), not to the organisation you "
            "chose for the team leader.",
            org=membership.organisation.name,
        )
    return None


def name_leader(
    proposal: Proposal,
    *,
    by: User,
    email: str,
    typed_name: str,
    leader_org_id: int | None,
    now: datetime,
) -> None:
    """Name the team leader by `email` and tell them, the first time they are named.

    The lead sees the same answer whoever owns the address, so that naming a leader never
    reveals whether an address has an account, whose it is or where they work: the name shown
    is the one the lead typed. An account that may lead this team is bound at once and told in
    the inbox and by e-mail; the owner of an account that may not (an expert's, or a member of
    another organisation) is told why by e-mail, and the pledge page tells them again; without
    an account, an invitation to register (and join the leader's organisation, approved at once
    only if `by` administers it) is mailed there.
    """
    address = normalise_email(email)
    account = find_user(address) if address else None
    problem = leader_account_problem(account, leader_org_id) if account is not None else None
    named_before = (normalise_email(proposal.leader_email), proposal.leader_org_id)
    proposal.leader_email = address
    proposal.leader_user_id = account.id if account is not None and not problem else None
    proposal.leader_name = (typed_name or "").strip()
    proposal.leader_org_id = leader_org_id
    if not address or leader_org_id is None or named_before == (address, leader_org_id):
        return
    audit.record(
        by,
        "proposal.leader_named",
        proposal,
        after=audit.snapshot(proposal, "leader_email", "leader_user_id", "leader_org_id"),
    )
    title, number, lead = proposal.title, proposal.challenge.number, proposal.lead_org.name
    if account is not None and problem:
        _mail_named(
            address,
            account.language or _default_locale(),
            by=by,
            lead=lead,
            title=title,
            body=lambda: _(
                "Your account cannot sign this team's pledge: %(problem)s Tell %(who)s, who can "
                "name the team leader again.",
                problem=leader_account_problem(account, leader_org_id),
                who=by.name,
            ),
        )
        return
    if account is not None:
        if account.id != by.id:
            tell([account], "leader_named", proposal, by, link=pledge_path(proposal), lead=lead)
        return
    organisation = db.session.get(Organisation, leader_org_id)
    _invitation, token = invitations.create_invitation(
        email=address,
        organisation=organisation,
        purpose=InvitationPurpose.leader,
        by=by,
        approved_on_join=is_administrator(by, leader_org_id),
        now=now,
    )
    _mail_named(
        address,
        _default_locale(),
        by=by,
        lead=lead,
        title=title,
        body=lambda: _(
            "%(who)s of %(lead)s names you the team leader of the proposal “%(title)s” for "
            "challenge %(challenge)s on Jiebang Portal. Register through this link to confirm "
            "that you lead the team and to sign the pledge yourself; the link works once.",
            who=by.name,
            lead=lead,
            title=title,
            challenge=number,
        ),
        link=invitation_link(token, pledge_path(proposal)),
    )


def _mail_named(
    address: str,
    language: str,
    *,
    by: User,
    lead: str,
    title: str,
    body: Callable[[], str],
    link: str = "",
) -> None:
    """E-mail the person named team leader who cannot be told in the inbox, in `language`: the
    subject says who named them; `body()` says what they can do, through `link` if given."""
    with force_locale(language):
        subject = _(
            "%(who)s of %(lead)s names you team leader of “%(title)s”",
            who=by.name,
            lead=lead,
            title=title,
        )
        text = body()
    queue(db.session, address, subject, f"{text}\n\n{link}" if link else text)


def _default_locale() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"] if has_app_context() else "en"


# ---- what is signed ---------------------------------------------------------------------------


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def covered_content(proposal: Proposal) -> dict:
    """What the pledge covers, as plain JSON: the leader, the consortium, the commitments, the
    milestones and the budget (relations loaded, as lock_proposal loads them)."""
    leader_org = leader_organisation(proposal)
    commitments = []
    for indicator, commitment in indicator_commitments(proposal):
        value = commitment.value if commitment else None
        commitments.append(
            {
                "indicator": indicator.name,
                "comparison": indicator.comparison.value,
                "target": plain_number(indicator.target),
                "unit": indicator.unit,
                "value": None if value is None else plain_number(value),
                "justification": commitment.justification if commitment else "",
            }
        )
    return {
        "proposal": proposal.id,
        "challenge": proposal.challenge.number,
        "leader": {
            "account": proposal.leader_user_id,
            "name": proposal.leader_name,
            "email": proposal.leader_email,
            "organisation": leader_org.name if leader_org else "",
        },
        "consortium": [
            {
                "organisation": m.organisation.name,
                "credit_code": m.organisation.credit_code,
                "role": m.role.value,
                "responsibility": m.responsibility,
                "budget_share": _money(m.budget_share),
            }
            for m in sorted(proposal.members, key=lambda m: m.position)
        ],
        "commitments": commitments,
        "milestones": [
            {
                "title": ms.title,
                "due_date": ms.due_date.isoformat() if ms.due_date else None,
                "deliverable": ms.deliverable,
                "verification": ms.verification,
                "share_percent": None
                if ms.share_percent is None
                else plain_number(ms.share_percent),
            }
            for ms in sorted(proposal.milestones, key=lambda ms: ms.position)
        ],
        "budget": {
            "requested": _money(proposal.requested),
            "self_funds": _money(proposal.self_funds),
        },
    }


def document(pledge_text: str, proposal: Proposal) -> dict:
    """The document the leader signs: the pledge as they read it, and what it covers."""
    return {"pledge": pledge_text, "covers": covered_content(proposal)}


def digest(signed: dict) -> str:
    """SHA-256 of the canonical JSON of `signed` (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(signed, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# ---- the state of the signature ---------------------------------------------------------------


def current_signature(proposal: Proposal) -> PledgeSignature | None:
    """The latest signature of the proposal, valid or void (signatures loaded)."""
    return proposal.signatures[-1] if proposal.signatures else None


def still_matches(signature: PledgeSignature, proposal: Proposal) -> bool:
    """Whether the proposal still says exactly what `signature` signed."""
    if signature.migrated or not signature.content_sha256:
        return False
    pledge = (signature.content or {}).get("pledge", "")
    return digest(document(pledge, proposal)) == signature.content_sha256


def holds(signature: PledgeSignature | None, proposal: Proposal) -> bool:
    """A signature that makes the proposal submittable: signed by today's leader, not void,
    and what it signed is what the proposal says now."""
    return (
        signature is not None
        and signature.status is SignatureStatus.signed
        and signature.signer_id is not None
        and signature.signer_id == proposal.leader_user_id
        and still_matches(signature, proposal)
    )


def signature_problems(proposal: Proposal) -> list[Problem]:
    """The checklist's word on the pledge: empty when the leader's signature holds."""
    signature = current_signature(proposal)
    if holds(signature, proposal):
        return []
    leader = proposal.leader_name or proposal.leader_email
    if not proposal.leader_email:
        message = _("Name the team leader: they sign the pledge themselves.")
    elif signature is not None and signature.status is SignatureStatus.void:
        message = _(
            "The team leader's signature is void because %(cause)s. %(leader)s must sign the "
            "pledge again.",
            cause=signature.void_cause.label,
            leader=leader,
        )
    elif signature is not None and signature.signer_id == proposal.leader_user_id:
        message = _(
            "What the team leader signed is no longer what the proposal says. %(leader)s must "
            "sign the pledge again.",
            leader=leader,
        )
    else:
        message = _(
            "The team leader, %(leader)s, has not signed the pledge yet: they sign it themselves "
            "on the pledge page that the message they received links to.",
            leader=leader,
        )
    return [Problem("pledge", None, message)]


def void_if_changed(
    proposal: Proposal, *, cause: VoidCause, by: User | None, now: datetime
) -> PledgeSignature | None:
    """Void the valid signature when what it covers no longer matches the proposal."""
    db.session.flush()
    signature = current_signature(proposal)
    if signature is None or signature.status is not SignatureStatus.signed:
        return None
    if signature.migrated or not still_matches(signature, proposal):
        return void_signature(signature, cause=cause, by=by, now=now)
    return None


def void_current(
    proposal: Proposal, *, cause: VoidCause, by: User | None, now: datetime
) -> PledgeSignature | None:
    """Void the valid signature whatever it covers (a member's consent changed)."""
    signature = current_signature(proposal)
    if signature is None or signature.status is not SignatureStatus.signed:
        return None
    return void_signature(signature, cause=cause, by=by, now=now)


# ---- signing ----------------------------------------------------------------------------------


def record_signature(
    proposal: Proposal, signer: User, now: datetime, remote_addr: str = ""
) -> PledgeSignature:
    """Bind `signer` as the team leader and keep their signature of the proposal as it is now
    (the caller has checked that they may sign)."""
    proposal.leader_user_id = signer.id
    proposal.leader_name = signer.name
    proposal.leader_email = signer.email
    signed = document(str(PLEDGE_TEXT), proposal)
    signature = PledgeSignature(
        proposal_id=proposal.id,
        signer_id=signer.id,
        signer_name=signer.name,
        signer_email=signer.email,
        signed_at=now,
        remote_addr=(remote_addr or "")[:64],
        content=signed,
        content_sha256=digest(signed),
    )
    proposal.signatures.append(signature)
    audit.created(
        signer,
        "pledge.signed",
        signature,
        "proposal_id",
        "signer_id",
        "signed_at",
        "remote_addr",
        "content_sha256",
    )
    return signature


def sign_pledge(
    proposal: Proposal,
    *,
    by: User,
    password: str,
    leads_the_team: bool,
    remote_addr: str = "",
    now: datetime | None = None,
) -> PledgeSignature:
    """The named leader confirms that they lead the team and signs with their password."""
    now = now or clock.now()
    require(
        can_sign(by, proposal), _("Only the team leader named in the proposal can sign its pledge.")
    )
    proposal = lock_proposal(proposal)
    if proposal.status not in EDITABLE:
        raise DomainError(
            _("The proposal has been submitted and is frozen; its pledge cannot be signed now.")
        )
    check_open(
        proposal,
        now,
        _(
            "The deadline of this challenge (%(deadline)s) has passed; the pledge can no longer "
            "be signed."
        ),
    )
    problems = {}
    if not leads_the_team:
        problems["leads_the_team"] = _("Confirm that you lead this team.")
    if not passwords.matches(by.password_hash, password):
        problems["password"] = _("The password is not right.")
    if problems:
        raise ValidationFailed(problems)
    problem = leader_account_problem(by, proposal.leader_org_id)
    if problem:
        raise DomainError(problem)
    previous = current_signature(proposal)
    if previous is not None and previous.status is SignatureStatus.signed:
        void_signature(previous, cause=VoidCause.signed_again, by=by, now=now)
    signature = record_signature(proposal, by, now, remote_addr)
    tell(lead_administrators(proposal), "pledge_signed", proposal, by)
    return signature
