"""Consortium consent (联合体确认): a member organisation takes part only if it says so.

Adding an organisation to the consortium invites it. Its administrators are told and accept or
decline (with a reason) on their invitations page; an organisation that is not registered yet
is invited by the e-mail address the lead gives, and whoever registers through that link
becomes its administrator. A member may withdraw its consent before the deadline: a submitted
proposal then goes back to draft. Every answer voids the leader's signature if it changes the
consortium the leader signed for, and the lead's administrators are told.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, has_app_context
from flask_babel import force_locale
from sqlmodel import func, select

from portal import audit, clock
from portal.accounts import invitations
from portal.accounts.invitations import invitation_link
from portal.accounts.membership import administrators
from portal.accounts.models import Membership, Organisation, User
from portal.db import db
from portal.errors import DomainError, given_text, require
from portal.i18n import gettext as _
from portal.notifications.mail import queue
from portal.proposals import signature
from portal.proposals.common import Problem, check_open, lead_administrators, lock_proposal, tell
from portal.proposals.links import INVITATIONS_PATH
from portal.proposals.models import ConsortiumMember, Proposal
from portal.proposals.permissions import EDITABLE, can_answer_invitation
from portal.proposals.states import set_consent, set_status
from portal.vocabulary import (
    ConsentStatus,
    InvitationPurpose,
    MemberRole,
    MembershipRole,
    OrgStatus,
    ProposalStatus,
    VoidCause,
)

ANSWERABLE = (ProposalStatus.draft, ProposalStatus.withdrawn, ProposalStatus.submitted)


def invitable_by_email(organisation: Organisation) -> bool:
    """An organisation nobody has registered yet: unverified and without any member. Only such
    an organisation may be given an administrator by whoever follows the lead's e-mail."""
    if organisation.id is None:
        return True
    if organisation.status is not OrgStatus.unverified:
        return False
    members = db.session.exec(
        select(func.count())
        .select_from(Membership)
        .where(Membership.organisation_id == organisation.id)
    ).one()
    return members == 0


# ---- the lead invites -------------------------------------------------------------------------


def lead_member(organisation_id: int, *, by: User, now: datetime) -> ConsortiumMember:
    """The lead organisation's own row of the consortium: accepted by definition."""
    return ConsortiumMember(
        organisation_id=organisation_id,
        role=MemberRole.lead,
        position=0,
        consent=ConsentStatus.accepted,
        invited_at=now,
        consent_decided_at=now,
        consent_decided_by_id=by.id,
    )


def invite(
    member: ConsortiumMember,
    proposal: Proposal,
    *,
    organisation: Organisation,
    email: str,
    by: User,
    now: datetime,
) -> None:
    """Ask a newly added member organisation whether it joins (it sees only the invitation):
    its row starts invited."""
    member.invited_at = now
    db.session.flush()
    lead, title, number = proposal.lead_org.name, proposal.title, proposal.challenge.number
    recipients = administrators(organisation.id)
    if recipients:
        tell(
            recipients,
            "consortium_invited",
            proposal,
            by,
            link=INVITATIONS_PATH,
            lead=lead,
            org=organisation.name,
        )
    elif email and invitable_by_email(organisation):
        member.invited_email = email
        _invitation, token = invitations.create_invitation(
            email=email,
            organisation=organisation,
            purpose=InvitationPurpose.consortium,
            by=by,
            role=MembershipRole.administrator,
            approved_on_join=True,
            now=now,
        )
        default = current_app.config["BABEL_DEFAULT_LOCALE"] if has_app_context() else "en"
        with force_locale(default):
            subject = _(
                "%(lead)s invites %(org)s to a consortium on Jiebang Portal",
                lead=lead,
                org=organisation.name,
            )
            body = _(
                "%(who)s of %(lead)s invites %(org)s to join its consortium for the "
                "proposal “%(title)s” for challenge %(challenge)s. Register your organisation "
                "through this link: you become its administrator and can accept or decline the "
                "invitation. Platform staff verify the organisation against its business licence. "
                "The link works once.",
                who=by.name,
                lead=lead,
                org=organisation.name,
                title=title,
                challenge=number,
            )
        queue(db.session, email, subject, f"{body}\n\n{invitation_link(token, INVITATIONS_PATH)}")
    audit.created(
        by,
        "consortium.invited",
        member,
        "proposal_id",
        "organisation_id",
        "consent",
        "invited_email",
    )


# ---- the member organisation answers ----------------------------------------------------------


def _locked(member: ConsortiumMember, by: User) -> tuple[Proposal, ConsortiumMember]:
    """The proposal locked and the member row read again, once `by` may answer for it."""
    if member.role is not MemberRole.member:
        raise DomainError(_("The lead organisation takes part by definition; it has no answer."))
    require(
        can_answer_invitation(by, member),
        _(
            "Only an administrator of %(org)s can answer this invitation: it is that "
            "organisation's decision.",
            org=member.organisation.name,
        ),
    )
    member_id = member.id
    proposal = lock_proposal(member.proposal)
    fresh = next((m for m in proposal.members if m.id == member_id), None)
    if fresh is None:
        raise DomainError(
            _("The lead organisation has removed your organisation from this consortium.")
        )
    return proposal, fresh


def _answerable(proposal: Proposal, member: ConsortiumMember, now: datetime) -> None:
    if member.consent is not ConsentStatus.invited:
        raise DomainError(
            _(
                "%(org)s has already answered this invitation (%(answer)s).",
                org=member.organisation.name,
                answer=member.consent.label,
            )
        )
    if proposal.status not in EDITABLE:
        raise DomainError(
            _("This proposal is no longer a draft; the invitation cannot be answered.")
        )
    check_open(
        proposal,
        now,
        _(
            "The deadline of this challenge (%(deadline)s) has passed; the invitation can no "
            "longer be answered."
        ),
    )


def accept(member: ConsortiumMember, *, by: User, now: datetime | None = None) -> ConsortiumMember:
    """An administrator of the invited organisation accepts: it joins the consortium."""
    now = now or clock.now()
    proposal, member = _locked(member, by)
    _answerable(proposal, member, now)
    set_consent(member, ConsentStatus.accepted, by=by, now=now)
    _tell_lead(proposal, member, by, "consortium_accepted")
    return member


def decline(
    member: ConsortiumMember, *, by: User, reason: str, now: datetime | None = None
) -> ConsortiumMember:
    """An administrator of the invited organisation declines, saying why."""
    now = now or clock.now()
    reason = given_text(
        reason, "reason", _("Say why your organisation declines: the lead organisation reads it.")
    )
    proposal, member = _locked(member, by)
    _answerable(proposal, member, now)
    set_consent(member, ConsentStatus.declined, by=by, reason=reason, now=now)
    signature.void_current(proposal, cause=VoidCause.consent, by=by, now=now)
    _tell_lead(proposal, member, by, "consortium_declined", reason=reason)
    return member


def withdraw_consent(
    member: ConsortiumMember, *, by: User, reason: str = "", now: datetime | None = None
) -> ConsortiumMember:
    """A member organisation takes its consent back before the deadline. A submitted proposal
    goes back to draft (its version is marked withdrawn) and cannot be submitted again until
    every member has accepted."""
    now = now or clock.now()
    proposal, member = _locked(member, by)
    if member.consent is not ConsentStatus.accepted:
        raise DomainError(_("Only a consent that was given can be withdrawn."))
    if proposal.status not in ANSWERABLE:
        raise DomainError(
            _("This proposal is already being reviewed; the consortium can no longer change.")
        )
    check_open(
        proposal,
        now,
        _(
            "The deadline of this challenge (%(deadline)s) has passed; your organisation's "
            "consent can no longer be withdrawn."
        ),
    )
    reason = (reason or "").strip()
    set_consent(member, ConsentStatus.withdrawn, by=by, reason=reason, now=now)
    if proposal.status is ProposalStatus.submitted:
        set_status(
            proposal, ProposalStatus.draft, by=by, now=now, action="proposal.returned_to_draft"
        )
        proposal.revision += 1
        for version in proposal.versions:
            if version.withdrawn_at is None:
                version.withdrawn_at = now
    signature.void_current(proposal, cause=VoidCause.consent, by=by, now=now)
    _tell_lead(
        proposal,
        member,
        by,
        "consortium_withdrawn" if reason else "consortium_withdrawn.without_reason",
        reason=reason,
    )
    return member


def _tell_lead(
    proposal: Proposal,
    member: ConsortiumMember,
    by: User,
    kind: str,
    **params,
) -> None:
    """Tell the lead organisation's administrators how `member` answered (`kind`, as
    common.tell does); the message names the organisation (`org`) too."""
    tell(
        lead_administrators(proposal),
        kind,
        proposal,
        by,
        link=f"/proposals/{proposal.id}#members",
        org=member.organisation.name,
        **params,
    )


# ---- what the checklist says ------------------------------------------------------------------


def consent_problems(proposal: Proposal) -> list[Problem]:
    """Each member organisation that has not accepted, by name (members loaded): the others'
    doing, shown with the consortium rather than at a field of its form."""
    found = []
    for member in proposal.members:
        if member.role is MemberRole.lead or member.consent is ConsentStatus.accepted:
            continue
        org = member.organisation.name
        if member.consent is ConsentStatus.invited:
            message = _("%(org)s has not accepted the invitation to the consortium yet.", org=org)
        elif member.consent is ConsentStatus.declined:
            message = _(
                "%(org)s declined to join (“%(reason)s”): remove it from the consortium.",
                org=org,
                reason=member.consent_reason,
            )
        else:
            message = _(
                "%(org)s withdrew its consent: remove it from the consortium, or add it again "
                "to invite it again.",
                org=org,
            )
        found.append(Problem("consent", None, message))
    return found
