"""The portal's words: every state, role and kind that a person reads, as a LabelledEnum
(portal.labels) with its English label, and the names of the audit trail's actions.

They live in one place, grouped by domain, because they are one vocabulary: this file mirrors
the table of words in the design notes, and it is what translators read, so that a word is
named alike on every page, e-mail and export. The domains' models store these enums in their
columns and import them from here. A label is a message id: changing its English drops its
translation. A value is what the database stores: changing one needs a migration."""

from decimal import Decimal

from portal.i18n import lazy_gettext as _l
from portal.labels import LabelledEnum

# ---- accounts: people, their organisations and invitations ----------------------------------


class Role(LabelledEnum):
    admin = "admin", _l("Administrator")
    officer = "officer", _l("Programme officer")
    applicant = "applicant", _l("Applicant")
    expert = "expert", _l("Expert")
    # 第三方评估机构: reads chain KPIs and project figures, nothing more
    evaluator = "evaluator", _l("Third-party evaluator")


class OrgType(LabelledEnum):
    enterprise = "enterprise", _l("Enterprise")
    university = "university", _l("University")
    institute = "institute", _l("Research institute")
    other = "other", _l("Other")


class OrgStatus(LabelledEnum):
    """Platform staff verify an organisation against its business licence (营业执照); the
    transitions are in portal/accounts/states.py."""

    unverified = "unverified", _l("Waiting for verification")  # may draft, may not submit
    verified = "verified", _l("Verified")
    # with a reason; the administrator may upload a licence again
    rejected = "rejected", _l("Not verified")


class MembershipStatus(LabelledEnum):
    """The transitions are in portal/accounts/states.py."""

    # asked to join; waits for an administrator of the organisation
    pending = "pending", _l("Waiting for approval")
    approved = "approved", _l("Approved")
    refused = "refused", _l("Refused")  # perhaps with a reason
    removed = "removed", _l("Removed")  # was approved; removed by an administrator


class MembershipRole(LabelledEnum):
    member = "member", _l("Organisation member")
    # 单位管理员: approves members, submits, accepts invitations
    administrator = "administrator", _l("Organisation administrator")


class InvitationPurpose(LabelledEnum):
    # an administrator invites a colleague into the organisation
    colleague = "colleague", _l("Invitation to join the organisation")
    # a lead invites an organisation not yet registered
    consortium = "consortium", _l("Invitation to join a consortium")
    # a lead names a team leader who has no account yet
    leader = "leader", _l("Invitation to lead the team")


class InvitationStatus(LabelledEnum):
    """The transitions are in portal/accounts/states.py; an open invitation past its
    `expires_at` cannot be used either."""

    open = "open", _l("Not used yet")
    used = "used", _l("Used")
    revoked = "revoked", _l("Withdrawn")


# ---- challenges: chain links, challenges, their review settings and the catalogue ----------


class Stage(LabelledEnum):
    """Where a link sits on its industrial chain (环节)."""

    upstream = "upstream", _l("Upstream")
    midstream = "midstream", _l("Midstream")
    downstream = "downstream", _l("Downstream")


class ChallengeStatus(LabelledEnum):
    """The states of a challenge (portal/challenges/states.py holds the transitions). `closed`
    is never stored: a published challenge whose deadline has passed is closed when read (see
    Challenge.effective_status), so no scheduler is needed and the deadline stays the one truth."""

    draft = "draft", _l("Draft")
    published = "published", _l("Open for proposals")
    closed = "closed", _l("Closed")
    reviewing = "reviewing", _l("Under review")
    decided = "decided", _l("Decided")
    cancelled = "cancelled", _l("Cancelled")


class FundingMode(LabelledEnum):
    single = "single", _l("Single winner")
    # 赛马: several teams funded in parallel, then stage gates
    horse_race = "horse_race", _l("Horse race: several teams funded in parallel")


class Aggregation(LabelledEnum):
    """How the experts' totals of a proposal are combined into its score."""

    mean = "mean", _l("Mean")
    trimmed_mean = "trimmed_mean", _l("Trimmed mean (drop the highest and lowest)")
    median = "median", _l("Median")


class Feedback(LabelledEnum):
    """What the applicants of a challenge see of their review once the decision is made."""

    none = "none", _l("Nothing")
    scores = "scores", _l("Their scores and rank band")
    comments = "comments", _l("Their scores, rank band and the reviewers' comments to applicants")

    @property
    def shares_scores(self) -> bool:
        return self is not Feedback.none

    @property
    def shares_comments(self) -> bool:
        return self is Feedback.comments


class CheckItem(LabelledEnum):
    """The default items of the formal check (形式审查); a challenge may add its own."""

    documents = "documents", _l("Documents complete")
    org_type = "org_type", _l("Eligible type of organisation")
    region = "region", _l("Organisation in the region")
    budget = "budget", _l("Budget within the funding cap")
    members = "members", _l("All member organisations accepted")
    pledge = "pledge", _l("Pledge signed by the team leader")


class Comparison(LabelledEnum):
    """How an indicator's value is held against its target; shown as its symbol."""

    ge = "ge", _l("At least")
    le = "le", _l("At most")
    eq = "eq", _l("Exactly")

    @property
    def symbol(self) -> str:
        return {"ge": "≥", "le": "≤", "eq": "="}[self.value]

    def met_by(self, value: Decimal, target: Decimal) -> bool:
        if self is Comparison.ge:
            return value >= target
        if self is Comparison.le:
            return value <= target
        return value == target


class DeadlineChangeStatus(LabelledEnum):
    proposed = "proposed", _l("Waiting for a second approver")
    approved = "approved", _l("Approved")
    returned = "returned", _l("Returned")


class CatalogueOrder(LabelledEnum):
    """The orders the catalogue offers."""

    deadline = "deadline", _l("Deadline, soonest first")
    newest = "newest", _l("Newest first")
    funding = "funding", _l("Largest funding cap first")


# ---- proposals: proposals, consortia and pledges --------------------------------------------


class ProposalStatus(LabelledEnum):
    """Where a proposal stands; its moves are the table in `states.py`."""

    draft = "draft", _l("Draft")
    submitted = "submitted", _l("Submitted")
    withdrawn = "withdrawn", _l("Withdrawn")
    rejected = "rejected", _l("Rejected at the formal check")  # with a reason
    in_review = "in_review", _l("In review")  # passed the formal check
    awarded = "awarded", _l("Awarded")
    reserve = "reserve", _l("Reserve")
    not_funded = "not_funded", _l("Not funded")


class MemberRole(LabelledEnum):
    lead = "lead", _l("Lead organisation")  # 牵头单位
    member = "member", _l("Member")  # 成员单位


class ConsentStatus(LabelledEnum):
    """A member organisation's answer to the lead's invitation (联合体确认)."""

    # waiting for an administrator of the member organisation
    invited = "invited", _l("Invited, no answer yet")
    accepted = "accepted", _l("Accepted")
    declined = "declined", _l("Declined")  # with a reason
    # accepted, then withdrawn before the deadline
    withdrawn = "withdrawn", _l("Consent withdrawn")


class SignatureStatus(LabelledEnum):
    signed = "signed", _l("Signed")
    # what was signed has changed since (or the leader signed again)
    void = "void", _l("No longer valid")


class VoidCause(LabelledEnum):
    """Why a signature no longer holds."""

    commitments = "commitments", _l("the indicator commitments were changed")
    milestones = "milestones", _l("the milestone plan was changed")
    budget = "budget", _l("the budget was changed")
    consortium = "consortium", _l("the consortium was changed")
    leader = "leader", _l("another team leader was named")
    consent = "consent", _l("a member organisation declined or withdrew its consent")
    signed_again = "signed_again", _l("the team leader signed again")


# ---- reviews: assignments, reviews and the formal check -------------------------------------


class AssignmentStatus(LabelledEnum):
    assigned = "assigned", _l("Assigned")
    # 回避: the expert stepped aside (or a conflict came to light)
    recused = "recused", _l("Recused")
    submitted = "submitted", _l("Submitted")


class AvoidanceStatus(LabelledEnum):
    pending = "pending", _l("Pending")
    accepted = "accepted", _l("Accepted")
    refused = "refused", _l("Refused")


class Recommendation(LabelledEnum):
    fund = "fund", _l("Fund")
    fund_with_changes = "fund_with_changes", _l("Fund with changes")
    do_not_fund = "do_not_fund", _l("Do not fund")


class ReviewStatus(LabelledEnum):
    draft = "draft", _l("Draft")
    # locked; only an officer may reopen it, with a reason
    submitted = "submitted", _l("Submitted")


class CheckOutcome(LabelledEnum):
    passed = "passed", _l("Passed")
    rejected = "rejected", _l("Rejected")


class AppealStatus(LabelledEnum):
    lodged = "lodged", _l("Waiting for a decision")
    upheld = "upheld", _l("Upheld")
    dismissed = "dismissed", _l("Dismissed")


# ---- awards: projects, milestones, stage gates and the funding decision ---------------------


class AwardStatus(LabelledEnum):
    """in_publicity → confirmed → active → completed | terminated (portal/awards/states.py).

    Confirmed means decided (立项): amount, execution period, milestone plan and targets are
    fixed, and the award notice may be issued; the task book (任务书) is then due, and the
    project becomes active when an officer records it signed."""

    in_publicity = "in_publicity", _l("In publicity")  # 公示期
    # 立项: the notice may be issued, the task book is due
    confirmed = "confirmed", _l("Confirmed, task book due")
    revoked = "revoked", _l("Revoked")  # after an upheld objection, or 撤销立项 later
    active = "active", _l("Running")  # the task book is signed: the project is running
    completed = "completed", _l("Completed")  # final acceptance passed
    terminated = "terminated", _l("Terminated")
    eliminated = "eliminated", _l("Eliminated")  # left a horse race at a stage gate

    @property
    def is_project(self) -> bool:
        """Confirmed awards are projects (立项后), whatever became of them since."""
        return self not in (AwardStatus.in_publicity, AwardStatus.revoked)


class MilestoneStatus(LabelledEnum):
    """planned → reported → accepted | returned; returned → reported; open ones → cancelled."""

    planned = "planned", _l("Planned")
    reported = "reported", _l("Reported")
    accepted = "accepted", _l("Accepted")  # releases the tranche
    returned = "returned", _l("Returned")  # report again
    # after termination, revocation or elimination at a stage gate
    cancelled = "cancelled", _l("Cancelled")


class ObjectionStatus(LabelledEnum):
    open = "open", _l("Open")
    upheld = "upheld", _l("Upheld")  # the award is revoked
    dismissed = "dismissed", _l("Dismissed")


class ReportDecision(LabelledEnum):
    pending = "pending", _l("Awaiting decision")
    accepted = "accepted", _l("Accepted")
    # by an officer, or when the project ended before a decision
    returned = "returned", _l("Returned")


class GateOutcome(LabelledEnum):
    continued = "continued", _l("Continues")
    eliminated = "eliminated", _l("Eliminated")


class DecisionStatus(LabelledEnum):
    """proposed → effective | returned; effective → reopened (portal/awards/states.py)."""

    proposed = "proposed", _l("Awaiting approval")
    effective = "effective", _l("In effect")
    returned = "returned", _l("Returned")
    reopened = "reopened", _l("Reopened")


class DepartureKind(LabelledEnum):
    """The ways a decision departs from the experts' ranking; each needs its own reason."""

    below_pass_mark = "below_pass_mark", _l("A winner below the pass mark")
    passes_over = "passes_over", _l("A winner ranked below a passing proposal that is not funded")
    too_few_reviews = "too_few_reviews", _l("A winner with fewer reviews than required")
    reserve_order = "reserve_order", _l("A reserve order that differs from the ranking")


# ---- notices: award notices -----------------------------------------------------------------


class NoticeStatus(LabelledEnum):
    """valid → superseded | revoked; superseded → revoked (portal/notices/states.py)."""

    valid = "valid", _l("Valid")
    superseded = "superseded", _l("Superseded")  # a correction issued the next version
    revoked = "revoked", _l("Revoked")  # the award was revoked


class BatchStatus(LabelledEnum):
    running = "running", _l("In progress")
    finished = "finished", _l("Finished")


# ---- alerts: reminders ----------------------------------------------------------------------


class ReminderKind(LabelledEnum):
    """The reminders the portal sends by itself (the times are REMINDER_* settings)."""

    review_due = "review_due", _l("Review due soon")
    review_overdue = "review_overdue", _l("Review overdue")
    draft_deadline_week = "draft_deadline_week", _l("Draft: deadline within a week")
    draft_deadline_day = "draft_deadline_day", _l("Draft: deadline within a day")
    milestone_due = "milestone_due", _l("Milestone due soon")
    milestone_overdue = "milestone_overdue", _l("Milestone overdue")
    publicity_objections = "publicity_objections", _l("Publicity ended with open objections")
    decision_approval = "decision_approval", _l("Decision waiting for approval")


# ---- jobs: work outside the request ---------------------------------------------------------


class JobStatus(LabelledEnum):
    """queued → running → done | retrying | failed; retrying → running; failed → queued (an
    administrator's retry). portal/jobs/states.py moves them."""

    queued = "queued", _l("Queued")
    running = "running", _l("Running")
    retrying = "retrying", _l("Failed, will retry")
    failed = "failed", _l("Failed")
    done = "done", _l("Done")


# ---- the audit trail: what happened, for its readers ----------------------------------------
# The trail stores an event's action as its code ("proposal.submitted", "user.logged_in"); the
# audit page shows the label in the reader's language, and the code beside it for filtering.


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
