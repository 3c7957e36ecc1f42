"""What each kind of notification says: its title and its body, one entry a message.

The texts are lazy: notify() fills in their %(name)s params under each recipient's locale, so
that each reads their own language. A param that is itself written the way of a language (a sum
of money, a moment) is passed lazy too (portal.presentation.lazy_money, lazy_local).

An entry is named by the notification's kind, or by `kind.case` where the kind's wording differs
from case to case (a title by outcome, a body with or without a reason); the notification keeps
the kind only. A body of several sentences, each its own message, is a tuple of them, joined by
a space.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel.speaklater import LazyString

from portal.i18n import Plural
from portal.i18n import lazy_gettext as _l
from portal.i18n import lazy_ngettext as _ln

Text = LazyString | Plural | str

# ---- texts that more than one entry says --------------------------------------------------

# The words of the person who acted (a reason, an answer, comments), shown as they wrote them.
AS_WRITTEN = "%(reason)s"
REASON = _l("Reason: %(reason)s")
NOT_APPROVED = _l("%(org)s did not approve your request to join")
AMENDED = _l("Challenge %(number)s was amended (version %(n)s)")
CHANGED = _l(
    "“%(title)s” has changed. Reason: %(reason)s. Check your proposal against the new version."
)
WITHDRAWN_CONSENT = _l(
    "%(org)s withdrew its consent to the consortium of “%(title)s” for %(challenge)s "
    "(%(who)s); the proposal is a draft again"
)
THEIR_REASON = _l("Their reason: %(reason)s")
ASKS_TO_SUBMIT = _l("%(who)s asks you to submit “%(title)s” for %(challenge)s")
DEADLINE_OF = _l("The deadline of %(number)s is %(deadline)s")
STILL_A_DRAFT = _l(
    "Your organisation's proposal “%(name)s” is still a draft. Submit it before the deadline: a "
    "draft is not considered."
)
REPORT_MILESTONE = _l(
    "It is due %(due)s. Report what was delivered on the project page; accepting it releases the "
    "tranche."
)
NOTICE_READY = _l("The award notice of your project is ready to download.")


@dataclass(frozen=True)
class Message:
    title: Text
    body: Text | tuple[Text, ...] = ""

    def render(self, params: dict) -> tuple[str, str]:
        """The title and the body, filled in with `params` under the locale in force."""
        sentences = self.body if isinstance(self.body, tuple) else (self.body,)
        return self.title % params, " ".join(text % params for text in sentences if text)


def kind_of(name: str) -> str:
    """The kind a notification of the entry `name` is kept as."""
    return name.partition(".")[0]


def message(name: str) -> Message:
    try:
        return MESSAGES[name]
    except KeyError:
        raise LookupError(f"No notification message is named {name!r}.") from None


MESSAGES: dict[str, Message] = {
    # ---- accounts and organisations ------------------------------------------------------------
    "account_activated": Message(_l("Your account has been activated.")),
    "expert_registered": Message(_l("Expert %(name)s is waiting for activation")),
    "membership_requested": Message(
        _l("%(name)s asks to join %(org)s"),
        _l(
            "%(name)s (%(email)s) registered with the credit code of %(org)s. Approve or refuse "
            "the request on your organisation's page."
        ),
    ),
    "membership_approved": Message(
        _l("You are now a member of %(org)s"),
        _l("You can now see and prepare your organisation's proposals."),
    ),
    "membership_refused": Message(NOT_APPROVED, REASON),
    "membership_refused.without_reason": Message(NOT_APPROVED),
    "membership_promoted": Message(_l("You are now an administrator of %(org)s")),
    "membership_removed": Message(
        _l("You are no longer a member of %(org)s"),
        _l("An administrator of %(org)s removed you from it."),
    ),
    "membership_named_administrator": Message(
        _l("Platform staff made you the administrator of %(org)s")
    ),
    "organisation_licence_uploaded": Message(
        _l("%(org)s uploaded its business licence for verification")
    ),
    "organisation_verified": Message(
        _l("%(org)s has been verified"),
        _l("Platform staff checked the business licence. Your proposals can be submitted."),
    ),
    "organisation_rejected": Message(
        _l("%(org)s was not verified"),
        _l(
            "Reason: %(reason)s\nCorrect this and upload the business licence again on your "
            "organisation's page."
        ),
    ),
    "organisation_edited": Message(_l("Platform staff changed the details of %(org)s"), REASON),
    # ---- challenges ------------------------------------------------------------------------------
    "clarification_answered": Message(_l("Your question on %(number)s has been answered")),
    "challenge_amended": Message(
        AMENDED,
        CHANGED,
    ),
    "challenge_amended.deadline_moved": Message(
        AMENDED,
        (
            CHANGED,
            _l("The deadline moves from %(before)s to %(after)s."),
        ),
    ),
    "challenge_cancelled": Message(_l("Challenge %(number)s was cancelled"), REASON),
    # ---- proposals -------------------------------------------------------------------------------
    "consortium_invited": Message(
        _l("%(lead)s invites %(org)s to join its consortium for “%(title)s” (%(challenge)s)"),
        _l(
            "%(who)s of %(lead)s asked. As an administrator of your organisation you accept "
            "or decline on the invitations page."
        ),
    ),
    "consortium_accepted": Message(
        _l(
            "%(org)s accepted to join the consortium of “%(title)s” for %(challenge)s "
            "(answered by %(who)s)"
        )
    ),
    "consortium_declined": Message(
        _l(
            "%(org)s declined to join the consortium of “%(title)s” for %(challenge)s "
            "(answered by %(who)s)"
        ),
        THEIR_REASON,
    ),
    "consortium_withdrawn": Message(
        WITHDRAWN_CONSENT,
        THEIR_REASON,
    ),
    "consortium_withdrawn.without_reason": Message(WITHDRAWN_CONSENT),
    "leader_named": Message(
        _l("%(who)s of %(lead)s named you team leader of “%(title)s” for %(challenge)s"),
        _l("Open the pledge to confirm that you lead the team and to sign it with your password."),
    ),
    "pledge_signed": Message(
        _l("%(who)s signed the pledge of “%(title)s” for %(challenge)s as its team leader")
    ),
    "proposal_submitted": Message(
        _l("Proposal “%(title)s” for %(challenge)s submitted by %(who)s (version %(n)s)")
    ),
    "proposal_withdrawn": Message(_l("%(who)s withdrew proposal “%(title)s” for %(challenge)s")),
    "submission_requested": Message(
        ASKS_TO_SUBMIT,
        _ln(
            "As an administrator of your organisation you submit its proposals. "
            "The checklist has %(num)s open point.",
            "As an administrator of your organisation you submit its proposals. "
            "The checklist has %(num)s open points.",
        ),
    ),
    "submission_requested.complete": Message(
        ASKS_TO_SUBMIT,
        _l(
            "As an administrator of your organisation you submit its proposals. "
            "The checklist is complete."
        ),
    ),
    # ---- alerts: what a person follows, and reminders --------------------------------------------
    "challenge_published": Message(
        _l("New challenge on %(where)s: %(number)s"),
        _l("“%(title)s” is open for proposals until %(deadline)s."),
    ),
    "clarification_published": Message(
        _l("A question on %(number)s was answered"),
        _l("Question: %(question)s\nAnswer: %(answer)s"),
    ),
    "reminder_review_overdue": Message(
        _l("Your review for %(number)s is overdue"),
        _l(
            "Your review of a proposal for “%(title)s” was due %(due)s. Please submit "
            "it, or tell the programme office if you cannot."
        ),
    ),
    "reminder_review_due": Message(
        _l("Your review for %(number)s is due %(due)s"),
        _l("A proposal for “%(title)s” is waiting for your scores."),
    ),
    "reminder_draft_deadline_week": Message(
        DEADLINE_OF,
        STILL_A_DRAFT,
    ),
    "reminder_draft_deadline_day": Message(
        DEADLINE_OF,
        STILL_A_DRAFT,
    ),
    "reminder_milestone_due": Message(
        _l("Milestone “%(title)s” of %(project)s is due %(due)s"),
        REPORT_MILESTONE,
    ),
    "reminder_milestone_overdue": Message(
        _l("Milestone “%(title)s” of %(project)s is overdue"),
        REPORT_MILESTONE,
    ),
    "reminder_publicity_objections": Message(
        _l("The publicity of %(project)s has ended with objections open"),
        _l("Resolve the open objections before the award on %(number)s can be confirmed."),
    ),
    "reminder_decision_approval": Message(
        _l("The decision on %(number)s is still waiting for approval"),
        _l(
            "Another staff member proposed it; approve it or return it with a reason. "
            "Applicants hear nothing until it takes effect."
        ),
    ),
    # ---- reviews ---------------------------------------------------------------------------------
    "proposal_eligible": Message(
        _l("Your proposal “%(title)s” passed the formal check"),
        _l("It now goes to expert review."),
    ),
    "proposal_rejected": Message(
        _l("Your proposal “%(title)s” did not pass the formal check"),
        _l("Reason: %(reason)s. You may appeal once, until %(until)s."),
    ),
    "appeal_lodged": Message(
        _l("Appeal against the formal check: %(number)s #%(id)s"),
        _l("A staff member other than the one who rejected it decides the appeal."),
    ),
    "appeal_decided.upheld": Message(_l("Your appeal for “%(title)s” was upheld"), REASON),
    "appeal_decided.dismissed": Message(_l("Your appeal for “%(title)s” was dismissed"), REASON),
    "review_assigned": Message(
        _l("A proposal of challenge %(number)s awaits your review"),
        _l("Open your reviews to read and score it."),
    ),
    "review_assigned.several": Message(
        _ln(
            "%(num)s proposal of challenge %(number)s awaits your review",
            "%(num)s proposals of challenge %(number)s await your review",
        ),
        _l("Open your reviews to read and score them."),
    ),
    "review_recused": Message(
        _l("An expert recused from a proposal of challenge %(number)s"), REASON
    ),
    "avoidance_decided.accepted": Message(_l("Your avoidance request was accepted")),
    "avoidance_decided.refused": Message(_l("Your avoidance request was refused")),
    "reviews_due": Message(_l("Reviews for challenge %(number)s are due on %(day)s")),
    "review_reopened": Message(_l("Your review for challenge %(number)s was reopened"), REASON),
    # ---- awards ----------------------------------------------------------------------------------
    "decision_proposed": Message(_l("A decision of %(number)s awaits your approval")),
    "decision_returned": Message(_l("Your decision of %(number)s was returned"), AS_WRITTEN),
    "proposal_decided.awarded": Message(_l("Your proposal “%(title)s” has been selected")),
    "proposal_decided.reserve": Message(_l("Your proposal “%(title)s” is on the reserve list")),
    "proposal_decided.not_funded": Message(
        _l("Your proposal “%(title)s” was not selected for funding")
    ),
    "decision_reopened": Message(
        _l("The decision on “%(title)s” has been reopened"),
        _l("The funding decision of %(number)s is being made again: %(reason)s"),
    ),
    "award_in_publicity": Message(
        _l("Your project %(title)s is in publicity"),
        _l("The publicity period ends %(end)s."),
    ),
    "objection_lodged": Message(_l("Objection lodged against %(title)s")),
    "objection_resolved.upheld": Message(_l("Your objection was upheld"), AS_WRITTEN),
    "objection_resolved.dismissed": Message(_l("Your objection was dismissed"), AS_WRITTEN),
    "award_revoked": Message(_l("The award of %(title)s has been revoked"), AS_WRITTEN),
    "award_confirmed": Message(
        _l("Your project %(title)s is confirmed"),
        _l(
            "Sign the task book with the programme office within %(days)s days of the "
            "award notice; the project starts when it is signed."
        ),
    ),
    "project_started": Message(
        _l("Project %(title)s has started"),
        _l("The task book is signed; report each milestone as it falls due."),
    ),
    "milestone_reported": Message(_l("Milestone reported: %(title)s")),
    "milestone_accepted": Message(
        _l("Milestone accepted: %(title)s"),
        _l("The tranche of %(amount)s is released."),
    ),
    "milestone_returned": Message(_l("Milestone report returned: %(title)s"), AS_WRITTEN),
    "stage_gate.continued": Message(_l("%(title)s continues after %(gate)s"), AS_WRITTEN),
    "stage_gate.eliminated": Message(_l("%(title)s was eliminated at %(gate)s"), AS_WRITTEN),
    "project_completed": Message(_l("Project %(title)s passed final acceptance")),
    "project_terminated": Message(_l("Project %(title)s has been terminated"), AS_WRITTEN),
    # ---- award notices ---------------------------------------------------------------------------
    "notice_issued": Message(
        _l("Award notice %(number)s issued"),
        NOTICE_READY,
    ),
    "notice_issued.corrected": Message(
        _l("Award notice %(number)s corrected (version %(v)s)"),
        NOTICE_READY,
    ),
}
