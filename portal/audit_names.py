"""The names of audit events for people: the trail stores an event's action as a code
("proposal.submitted", "user.logged_in"); the audit page shows its label in the reader's
language, and the code beside it for filtering."""

from __future__ import annotations

from portal.i18n import lazy_gettext as _l
from portal.labels import LabelledEnum


class AuditAction(LabelledEnum):
    """Every action the portal records, named "<object>__<act>" after its code."""

    appeal__dismissed = "appeal.dismissed", _l("Appeal: dismissed")
    appeal__lodged = "appeal.lodged", _l("Appeal: lodged")
    appeal__upheld = "appeal.upheld", _l("Appeal: upheld")
    assignment__assigned = "assignment.assigned", _l("Review assignment: assigned")
    assignment__automatic = "assignment.automatic", _l("Review assignment: automatic")
    assignment__created = "assignment.created", _l("Review assignment: created")
    assignment__recused = "assignment.recused", _l("Review assignment: recused")
    assignment__reopened = "assignment.reopened", _l("Review assignment: reopened")
    assignment__submitted = "assignment.submitted", _l("Review assignment: submitted")
    avoidance__accepted = "avoidance.accepted", _l("Avoidance request: accepted")
    avoidance__decided = "avoidance.decided", _l("Avoidance request: decided")
    avoidance__pending = "avoidance.pending", _l("Avoidance request: pending")
    avoidance__refused = "avoidance.refused", _l("Avoidance request: refused")
    avoidance__requested = "avoidance.requested", _l("Avoidance request: requested")
    award__active = "award.active", _l("Award: active")
    award__completed = "award.completed", _l("Award: completed")
    award__confirmed = "award.confirmed", _l("Award: confirmed")
    award__eliminated = "award.eliminated", _l("Award: eliminated")
    award__in_publicity = "award.in_publicity", _l("Award: in publicity")
    award__publicity_started = "award.publicity_started", _l("Award: publicity started")
    award__revoked = "award.revoked", _l("Award: revoked")
    award__started = "award.started", _l("Award: started")
    award__terminated = "award.terminated", _l("Award: terminated")
    award_indicator__changed = "award_indicator.changed", _l("Project indicator: changed")
    chain__assessments_imported = (
        "chain.assessments_imported",
        _l("Industrial chain: assessments imported"),
    )
    chain__created = "chain.created", _l("Industrial chain: created")
    chain__edited = "chain.edited", _l("Industrial chain: edited")
    chain_link__created = "chain_link.created", _l("Chain link: created")
    chain_link__deleted = "chain_link.deleted", _l("Chain link: deleted")
    chain_link__edited = "chain_link.edited", _l("Chain link: edited")
    challenge__amended = "challenge.amended", _l("Challenge: amended")
    challenge__cancelled = "challenge.cancelled", _l("Challenge: cancelled")
    challenge__created = "challenge.created", _l("Challenge: created")
    challenge__decided = "challenge.decided", _l("Challenge: decided")
    challenge__draft = "challenge.draft", _l("Challenge: draft")
    challenge__edited = "challenge.edited", _l("Challenge: edited")
    challenge__guide_added = "challenge.guide_added", _l("Challenge: guide added")
    challenge__guide_removed = "challenge.guide_removed", _l("Challenge: guide removed")
    challenge__published = "challenge.published", _l("Challenge: published")
    challenge__reviewing = "challenge.reviewing", _l("Challenge: reviewing")
    clarification__answered = "clarification.answered", _l("Clarification: answered")
    clarification__asked = "clarification.asked", _l("Clarification: asked")
    conflict__declared = "conflict.declared", _l("Conflict of interest: declared")
    consortium__accepted = "consortium.accepted", _l("Consortium: accepted")
    consortium__declined = "consortium.declined", _l("Consortium: declined")
    consortium__invited = "consortium.invited", _l("Consortium: invited")
    consortium__removed = "consortium.removed", _l("Consortium: removed")
    consortium__withdrawn = "consortium.withdrawn", _l("Consortium: withdrawn")
    deadline_change__approved = "deadline_change.approved", _l("Deadline change: approved")
    deadline_change__proposed = "deadline_change.proposed", _l("Deadline change: proposed")
    deadline_change__returned = "deadline_change.returned", _l("Deadline change: returned")
    decision__approved = "decision.approved", _l("Decision: approved")
    decision__effective = "decision.effective", _l("Decision: effective")
    decision__proposed = "decision.proposed", _l("Decision: proposed")
    decision__reopened = "decision.reopened", _l("Decision: reopened")
    decision__returned = "decision.returned", _l("Decision: returned")
    disbursement__recorded = "disbursement.recorded", _l("Disbursement: recorded")
    formal_check__passed = "formal_check.passed", _l("Formal check: passed")
    formal_check__rejected = "formal_check.rejected", _l("Formal check: rejected")
    invitation__created = "invitation.created", _l("Invitation: created")
    invitation__open = "invitation.open", _l("Invitation: open")
    invitation__revoked = "invitation.revoked", _l("Invitation: revoked")
    invitation__used = "invitation.used", _l("Invitation: used")
    job__retried = "job.retried", _l("Background job: retried")
    link_assessment__corrected = "link_assessment.corrected", _l("Link assessment: corrected")
    link_assessment__imported = "link_assessment.imported", _l("Link assessment: imported")
    link_assessment__recorded = "link_assessment.recorded", _l("Link assessment: recorded")
    link_relation__added = "link_relation.added", _l("Link relation: added")
    link_relation__removed = "link_relation.removed", _l("Link relation: removed")
    login__throttle_cleared = "login.throttle_cleared", _l("Login throttle cleared")
    membership__approved = "membership.approved", _l("Membership: approved")
    membership__cancelled = "membership.cancelled", _l("Membership: cancelled")
    membership__demoted = "membership.demoted", _l("Membership: no longer an administrator")
    membership__named_administrator = (
        "membership.named_administrator",
        _l("Membership: named administrator"),
    )
    membership__pending = "membership.pending", _l("Membership: pending")
    membership__promoted = "membership.promoted", _l("Membership: made an administrator")
    membership__refused = "membership.refused", _l("Membership: refused")
    membership__removed = "membership.removed", _l("Membership: removed")
    membership__requested = "membership.requested", _l("Membership: requested")
    milestone__accepted = "milestone.accepted", _l("Milestone: accepted")
    milestone__cancelled = "milestone.cancelled", _l("Milestone: cancelled")
    milestone__planned = "milestone.planned", _l("Milestone: planned")
    milestone__reported = "milestone.reported", _l("Milestone: reported")
    milestone__returned = "milestone.returned", _l("Milestone: returned")
    notice__batch_finished = "notice.batch_finished", _l("Award notice: batch finished")
    notice__batch_started = "notice.batch_started", _l("Award notice: batch started")
    notice__issued = "notice.issued", _l("Award notice: issued")
    notice__revoked = "notice.revoked", _l("Award notice: revoked")
    notice__superseded = "notice.superseded", _l("Award notice: superseded")
    notice__valid = "notice.valid", _l("Award notice: valid")
    notice_batch__finished = "notice_batch.finished", _l("Notice batch: finished")
    notice_batch__running = "notice_batch.running", _l("Notice batch: running")
    objection__dismissed = "objection.dismissed", _l("Objection: dismissed")
    objection__lodged = "objection.lodged", _l("Objection: lodged")
    objection__open = "objection.open", _l("Objection: open")
    objection__upheld = "objection.upheld", _l("Objection: upheld")
    organisation__corrected = "organisation.corrected", _l("Organisation: corrected")
    organisation__created = "organisation.created", _l("Organisation: created")
    organisation__details_changed = (
        "organisation.details_changed",
        _l("Organisation: details changed"),
    )
    organisation__edited = "organisation.edited", _l("Organisation: edited")
    organisation__licence_uploaded = (
        "organisation.licence_uploaded",
        _l("Organisation: licence uploaded"),
    )
    organisation__rejected = "organisation.rejected", _l("Organisation: rejected")
    organisation__unverified = "organisation.unverified", _l("Organisation: unverified")
    organisation__verified = "organisation.verified", _l("Organisation: verified")
    panel__added = "panel.added", _l("Review panel: added")
    panel__due_date_set = "panel.due_date_set", _l("Review panel: due date set")
    panel__removed = "panel.removed", _l("Review panel: removed")
    pledge__signed = "pledge.signed", _l("Pledge: signed")
    pledge__void = "pledge.void", _l("Pledge: void")
    pledge__voided = "pledge.voided", _l("Pledge: voided")
    proposal__appeal_upheld = "proposal.appeal_upheld", _l("Proposal: appeal upheld")
    proposal__attachment_added = "proposal.attachment_added", _l("Proposal: attachment added")
    proposal__attachment_deleted = "proposal.attachment_deleted", _l("Proposal: attachment deleted")
    proposal__attachment_removed = "proposal.attachment_removed", _l("Proposal: attachment removed")
    proposal__awarded = "proposal.awarded", _l("Proposal: awarded")
    proposal__decision_reopened = "proposal.decision_reopened", _l("Proposal: decision reopened")
    proposal__draft = "proposal.draft", _l("Proposal: draft")
    proposal__eligible = "proposal.eligible", _l("Proposal: passed the formal check")
    proposal__in_review = "proposal.in_review", _l("Proposal: in review")
    proposal__leader_named = "proposal.leader_named", _l("Proposal: leader named")
    proposal__not_funded = "proposal.not_funded", _l("Proposal: not funded")
    proposal__promoted = "proposal.promoted", _l("Proposal: promoted from the reserve list")
    proposal__rejected = "proposal.rejected", _l("Proposal: rejected")
    proposal__reserve = "proposal.reserve", _l("Proposal: reserve")
    proposal__returned_to_draft = "proposal.returned_to_draft", _l("Proposal: returned to draft")
    proposal__saved = "proposal.saved", _l("Proposal: saved")
    proposal__started = "proposal.started", _l("Proposal: started")
    proposal__submission_requested = (
        "proposal.submission_requested",
        _l("Proposal: submission requested"),
    )
    proposal__submitted = "proposal.submitted", _l("Proposal: submitted")
    proposal__withdrawn = "proposal.withdrawn", _l("Proposal: withdrawn")
    review__draft = "review.draft", _l("Review: draft")
    review__reopened = "review.reopened", _l("Review: reopened")
    review__saved = "review.saved", _l("Review: saved")
    review__submitted = "review.submitted", _l("Review: submitted")
    stage_gate__decided = "stage_gate.decided", _l("Stage gate: decided")
    user__activated = "user.activated", _l("Account: activated")
    user__address_change_requested = (
        "user.address_change_requested",
        _l("Account: address change requested"),
    )
    user__address_changed = "user.address_changed", _l("Account: address changed")
    user__address_confirmed = "user.address_confirmed", _l("Account: address confirmed")
    user__created = "user.created", _l("Account: created")
    user__deactivated = "user.deactivated", _l("Account: deactivated")
    user__logged_in = "user.logged_in", _l("Account: logged in")
    user__logged_out = "user.logged_out", _l("Account: logged out")
    user__password_changed = "user.password_changed", _l("Account: password changed")
    user__password_reset = "user.password_reset", _l("Account: password reset")
    user__password_reset_requested = (
        "user.password_reset_requested",
        _l("Account: password reset requested"),
    )
    user__registered = "user.registered", _l("Account: registered")
    user__role_changed = "user.role_changed", _l("Account: role changed")


def action_label(action: str) -> str:
    """The label of a recorded action; the code itself for one that has none."""
    found = AuditAction.find(action)
    return found.label if found is not None else action
