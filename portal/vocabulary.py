"""The portal's words: every state, role and kind that a person reads, as a LabelledEnum
(portal.labels) with its English label.

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
