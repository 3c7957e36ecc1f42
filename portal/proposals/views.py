"""Proposal pages: the applicant's dashboard, the proposal and its sections, submission,
withdrawal, attachments, submitted versions, the consortium invitations of an organisation, the
team leader's pledge, and the officer's list of submissions.

Each page loads what it shows through `permissions` (404 when it is not the user's to see) and
`queries`, and changes nothing itself: every POST calls one service through the unit of work
(`form_page` for a form, `perform` for one button), which commits once or rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import clock
from portal.access import login_required, roles_required, staff_required
from portal.accounts.membership import is_administrator
from portal.errors import DomainError, NotAllowed
from portal.formtools import first_display
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.paging import Page, list_page
from portal.presentation import plain_number
from portal.proposals import attachments as files
from portal.proposals import (
    checklist,
    consent,
    drafting,
    exports,
    forms,
    queries,
    signature,
    submission,
)
from portal.proposals.models import ConsortiumMember, Proposal
from portal.proposals.permissions import (
    EDITABLE,
    can_edit,
    can_submit,
    get_attachment_or_404,
    get_invitation_or_404,
    get_proposal_or_404,
    get_public_challenge_or_404,
    get_version_or_404,
    is_named_leader,
)
from portal.proposals.snapshot import SubmittedContent
from portal.storage import send_stored
from portal.unit_of_work import form_page, perform, submit_form
from portal.vocabulary import ConsentStatus, ProposalStatus, Role, SignatureStatus

bp = Blueprint("proposals", __name__)
APPLICANT_OR_STAFF = (Role.applicant, Role.officer, Role.admin)


bp.add_app_template_filter(plain_number, "plain_number")


@bp.app_template_filter("countdown")
def countdown(deadline: datetime | None) -> str:
    """What is left until `deadline`, in days and hours, from the portal's clock."""
    if deadline is None:
        return _("No deadline")
    left = deadline - clock.now()
    if left.total_seconds() <= 0:
        return _("Closed")
    days, hours = left.days, left.seconds // 3600
    if days:
        return _("%(d)s days %(h)s hours left", d=days, h=hours)
    return _("%(h)s hours %(m)s minutes left", h=hours, m=(left.seconds % 3600) // 60)


def _slice(items: list, size: int | None = None) -> tuple[list, Page]:
    page = Page.from_request(len(items), size)
    return items[page.offset : page.offset + page.size], page


def _submit(form, action: Callable[[], Any]) -> tuple[bool, Any, DomainError | None]:
    """`submit_form`, and the service's refusal when there was one: the pages answer a draft
    saved meanwhile with 409, a person who may not act with 403, and show an incomplete
    proposal's checklist."""
    refusals: list[DomainError] = []

    def attempt():
        try:
            return action()
        except DomainError as exc:
            refusals.append(exc)
            raise

    done, result = submit_form(form, attempt)
    return done, result, (refusals[0] if refusals else None)


def _locked(proposal: Proposal):
    """A proposal handed in is frozen: its edit and submit addresses lead to its read-only
    page with a word on why, instead of a form that could not be saved. None while it may be
    prepared."""
    if proposal.status in EDITABLE:
        return None
    if proposal.status is ProposalStatus.submitted:
        message = _(
            "This proposal has been submitted and is frozen; withdraw it first to change it."
        )
    else:
        message = _(
            "This proposal is %(status)s and can no longer be changed.",
            status=proposal.status.label,
        )
    flash(message, "info")
    return redirect(url_for(".show", proposal_id=proposal.id))


def _refusal_status(refusal: DomainError | None) -> int:
    if isinstance(refusal, drafting.StaleDraft):
        return 409
    if isinstance(refusal, NotAllowed):
        return 403
    return 422


# ---- the applicant's dashboard --------------------------------------------------------------


@bp.get("/proposals")
@roles_required(Role.applicant)
def dashboard():
    org = queries.organisation_of(current_user)
    open_challenges = queries.open_challenges_for(org, clock.now(), limit=6)
    return list_page(
        "proposals/dashboard.html",
        queries.my_proposals(current_user),
        "proposals",
        org=org,
        open_challenges=open_challenges[:5],
        more_open=len(open_challenges) > 5,
        waiting_invitations=queries.waiting_invitations(current_user),
    )


@bp.get("/proposals/open-challenges")
@roles_required(Role.applicant)
def open_challenges():
    org = queries.organisation_of(current_user)
    challenges, page = _slice(queries.open_challenges_for(org, clock.now()))
    return render_template(
        "proposals/open_challenges.html", challenges=challenges, page=page, org=org
    )


@bp.route("/challenges/<number>/propose", methods=["GET", "POST"])
@roles_required(Role.applicant)
def start(number: str):
    challenge = get_public_challenge_or_404(number)
    existing = queries.led_proposal(challenge, current_user.organisation_id)
    if request.method == "POST":
        done, proposal = perform(
            lambda: drafting.start_proposal(challenge, by=current_user),
            _("Your draft proposal has been created. Fill in each section."),
        )
        if done:
            return redirect(url_for(".show", proposal_id=proposal.id))
        if existing is not None:
            return redirect(url_for(".show", proposal_id=existing.id))
    problem = drafting.eligibility_problem(
        challenge, queries.organisation_of(current_user), clock.now()
    )
    return render_template(
        "proposals/start.html",
        challenge=challenge,
        form=forms.ConfirmForm(),
        problem=problem,
        existing=existing,
    ), (422 if request.method == "POST" else 200)


# ---- reading a proposal -----------------------------------------------------------------------


def timeline(proposal: Proposal) -> list[tuple[datetime, str]]:
    events = [(proposal.created_at, _("Draft started"))]
    for version in proposal.versions:
        events.append((version.submitted_at, _("Version %(n)s submitted", n=version.number)))
        if version.withdrawn_at:
            events.append((version.withdrawn_at, _("Version %(n)s withdrawn", n=version.number)))
    if proposal.status not in (
        ProposalStatus.draft,
        ProposalStatus.submitted,
        ProposalStatus.withdrawn,
    ):
        events.append((proposal.updated_at, proposal.status.label))
    return sorted(events, key=lambda e: e[0])


@bp.get("/proposals/<int:proposal_id>")
@roles_required(*APPLICANT_OR_STAFF)
def show(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, current_user)
    may_edit = can_edit(current_user, proposal)
    editable = may_edit and proposal.status in EDITABLE
    now = clock.now()
    may_submit = can_submit(current_user, proposal)
    return render_template(
        "proposals/show.html",
        proposal=proposal,
        editable=editable,
        may_act=may_edit,
        may_submit=may_submit,
        may_request=editable and not may_submit,
        open=proposal.challenge.accepts_proposals(now),
        problems=checklist.completeness_problems(proposal, now) if editable else [],
        commitments={c.indicator_id: c for c in proposal.commitments},
        attachments=queries.current_attachments(proposal),
        timeline=timeline(proposal),
        pledge=pledge_state(proposal),
        is_leader=is_named_leader(current_user, proposal),
        not_consenting=[
            m
            for m in proposal.members
            if m.consent in (ConsentStatus.declined, ConsentStatus.withdrawn)
        ],
        confirm=forms.ConfirmForm(),
    )


def pledge_state(proposal: Proposal) -> dict:
    """What the pages say of the pledge: the latest signature and whether it holds."""
    latest = signature.current_signature(proposal)
    holds = signature.holds(latest, proposal)
    return {
        # The text as the leader signed it (in their language), once a signature holds.
        "text": latest.content["pledge"] if holds else signature.PLEDGE_TEXT,
        "signature": latest,
        "holds": holds,
        "void": latest is not None and latest.status is SignatureStatus.void,
    }


@bp.get("/proposals/<int:proposal_id>/versions/<int:number>")
@roles_required(*APPLICANT_OR_STAFF)
def version(proposal_id: int, number: int):
    version = get_version_or_404(proposal_id, number, current_user)
    return render_template(
        "proposals/version.html",
        proposal=version.proposal,
        version=version,
        c=SubmittedContent.from_json(version.content),
    )


@bp.get("/proposals/<int:proposal_id>/attachments/<int:attachment_id>")
@roles_required(*APPLICANT_OR_STAFF)
def download(proposal_id: int, attachment_id: int):
    attachment = get_attachment_or_404(proposal_id, attachment_id, current_user)
    return send_stored(attachment.stored_name, attachment.filename)


# ---- editing the sections ---------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A section of the draft: its title, its form, and the drafting service that saves it
    (called with the form's `to_input()`)."""

    title: str
    form: type[forms.SectionForm]
    save: Callable[..., Proposal]


SECTIONS = {
    "general": Section(_l("Project and team leader"), forms.GeneralForm, drafting.save_general),
    "members": Section(_l("Consortium"), forms.MembersForm, drafting.save_members),
    "commitments": Section(
        _l("Indicator commitments"), forms.CommitmentsForm, drafting.save_commitments
    ),
    "milestones": Section(_l("Milestone plan"), forms.MilestonesForm, drafting.save_milestones),
    "budget": Section(_l("Budget"), forms.BudgetForm, drafting.save_budget),
}


def _render_section(name: str, part: Section, proposal: Proposal, form, status: int = 200):
    return render_template(
        f"proposals/edit_{name}.html",
        proposal=proposal,
        form=form,
        section=name,
        section_title=part.title,
    ), status


@bp.route("/proposals/<int:proposal_id>/edit/<section>", methods=["GET", "POST"])
@roles_required(Role.applicant)
def edit(proposal_id: int, section: str):
    part = SECTIONS.get(section)
    if part is None:
        abort(404)
    proposal = get_proposal_or_404(proposal_id, current_user, need="edit")
    if (locked := _locked(proposal)) is not None:
        return locked
    form = part.form.for_proposal(proposal)  # as sent, or as kept across a login
    if request.method == "GET":
        if first_display(form):
            form = part.form.from_model(proposal)
        if request.args.get("check"):
            for problem in checklist.completeness_problems(proposal):
                if problem.section == section:
                    form.place_errors({problem.field: problem.message})
        return _render_section(section, part, proposal, form)
    changed = form.with_rows_changed(request.form, proposal)
    if changed is not None:
        return _render_section(section, part, proposal, changed)
    done, _saved, refusal = _submit(
        form, lambda: part.save(proposal, by=current_user, **form.to_input())
    )
    if not done:
        return _render_section(section, part, proposal, form, _refusal_status(refusal))
    if any(p.section == section for p in checklist.completeness_problems(proposal)):
        flash(
            _("Saved. Some points of this section still need attention before you submit."),
            "warning",
        )
        return redirect(url_for(".edit", proposal_id=proposal.id, section=section, check=1))
    flash(_("Saved."), "success")
    return redirect(url_for(".show", proposal_id=proposal.id, _anchor=section))


# ---- attachments --------------------------------------------------------------------------------


@bp.route("/proposals/<int:proposal_id>/attachments", methods=["GET", "POST"])
@roles_required(Role.applicant)
def attachments(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, current_user, need="edit")
    form = forms.AttachmentForm()
    return form_page(
        form,
        lambda: files.add_attachment(proposal, by=current_user, **form.to_input()),
        lambda: render_template(
            "proposals/attachments.html",
            proposal=proposal,
            editable=proposal.status in EDITABLE,
            form=form,
            attachments=queries.current_attachments(proposal),
            confirm=forms.ConfirmForm(),
            section_title=_("Attachments"),
        ),
        success=_("The file has been attached."),
        to=url_for(".attachments", proposal_id=proposal.id),
    )


@bp.post("/proposals/<int:proposal_id>/attachments/<int:attachment_id>/remove")
@roles_required(Role.applicant)
def remove_attachment(proposal_id: int, attachment_id: int):
    attachment = get_attachment_or_404(proposal_id, attachment_id, current_user, need="edit")
    perform(
        lambda: files.remove_attachment(attachment, by=current_user),
        _("The attachment has been removed from the draft."),
    )
    return redirect(url_for(".attachments", proposal_id=proposal_id))


# ---- submitting and withdrawing -------------------------------------------------------------


@bp.route("/proposals/<int:proposal_id>/submit", methods=["GET", "POST"])
@roles_required(Role.applicant)
def submit(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, current_user, need="edit")
    if (locked := _locked(proposal)) is not None:
        return locked
    form = forms.ConfirmForm()
    problems = checklist.completeness_problems(proposal)
    done, version, refusal = _submit(
        form, lambda: submission.submit_proposal(proposal, by=current_user)
    )
    if done:
        flash(
            _("Your proposal has been submitted. It is frozen as version %(n)s.", n=version.number),
            "success",
        )
        return redirect(url_for(".show", proposal_id=proposal.id))
    if isinstance(refusal, checklist.IncompleteProposal):
        problems = refusal.checklist
    return render_template(
        "proposals/submit.html",
        proposal=proposal,
        form=form,
        problems=problems,
        may_submit=can_submit(current_user, proposal),
        pledge=pledge_state(proposal),
    ), (_refusal_status(refusal) if form.is_submitted() else 200)


@bp.post("/proposals/<int:proposal_id>/request-submission")
@roles_required(Role.applicant)
def request_submission(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, current_user, need="edit")
    perform(
        lambda: submission.request_submission(proposal, by=current_user),
        _("Your organisation's administrators have been asked to submit the proposal."),
    )
    return redirect(url_for(".show", proposal_id=proposal.id))


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@roles_required(Role.applicant)
def withdraw(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, current_user, need="edit")
    if request.method == "POST":
        perform(
            lambda: submission.withdraw_proposal(proposal, by=current_user),
            _(
                "Your proposal has been withdrawn. You may change it and submit it again "
                "before the deadline."
            ),
        )
        return redirect(url_for(".show", proposal_id=proposal.id))
    return render_template(
        "proposals/withdraw.html",
        proposal=proposal,
        form=forms.ConfirmForm(),
        may_submit=can_submit(current_user, proposal),
    )


# ---- the team leader's pledge ---------------------------------------------------------------


@bp.route("/proposals/<int:proposal_id>/pledge", methods=["GET", "POST"])
@login_required
def pledge(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, current_user, need="sign")
    form = forms.PledgeForm()
    return form_page(
        form,
        lambda: signature.sign_pledge(
            proposal,
            by=current_user,
            remote_addr=request.remote_addr or "",
            **form.to_input(),
        ),
        lambda: render_template(
            "proposals/pledge.html",
            proposal=proposal,
            form=form,
            covered=signature.covered_content(proposal),
            pledge=pledge_state(proposal),
            signable=proposal.status in EDITABLE
            and proposal.challenge.accepts_proposals(clock.now()),
        ),
        success=_(
            "You have signed the pledge. Any later change to the commitments, milestones, "
            "budget or consortium voids your signature, and you will be asked to sign again."
        ),
        to=url_for(".pledge", proposal_id=proposal.id),
    )


# ---- consortium invitations (联合体确认) ------------------------------------------------------


@bp.get("/proposals/invitations")
@roles_required(Role.applicant)
def invitations():
    return list_page(
        "proposals/invitations.html",
        queries.invitations_for(current_user),
        "invitations",
        may_answer=is_administrator(current_user, current_user.organisation_id),
        now=clock.now(),
        confirm=forms.ConfirmForm(),
    )


def _after_answer(member: ConsortiumMember) -> str:
    """Back to where the user came from: their invitations, or the lead's proposal."""
    if member.organisation_id == current_user.organisation_id:
        return url_for(".invitations")
    return url_for(".show", proposal_id=member.proposal_id, _anchor="members")


@bp.post("/proposals/invitations/<int:member_id>/accept")
@roles_required(Role.applicant)
def accept_invitation(member_id: int):
    member = get_invitation_or_404(member_id, current_user)
    perform(
        lambda: consent.accept(member, by=current_user),
        _("Your organisation has joined the consortium. You can now read the proposal."),
    )
    return redirect(_after_answer(member))


def _answer_page(template: str, member: ConsortiumMember, form, answer, success: str):
    """A page where the invited organisation answers with a reason: `answer(reason=…)`."""
    return form_page(
        form,
        lambda: answer(member, by=current_user, **form.to_input()),
        lambda: render_template(template, member=member, proposal=member.proposal, form=form),
        success=success,
        to=_after_answer(member),
    )


@bp.route("/proposals/invitations/<int:member_id>/decline", methods=["GET", "POST"])
@roles_required(Role.applicant)
def decline_invitation(member_id: int):
    return _answer_page(
        "proposals/decline.html",
        get_invitation_or_404(member_id, current_user),
        forms.DeclineForm(),
        consent.decline,
        _("You have declined the invitation; the lead organisation is told why."),
    )


@bp.route("/proposals/invitations/<int:member_id>/withdraw", methods=["GET", "POST"])
@roles_required(Role.applicant)
def withdraw_consent(member_id: int):
    return _answer_page(
        "proposals/withdraw_consent.html",
        get_invitation_or_404(member_id, current_user),
        forms.WithdrawConsentForm(),
        consent.withdraw_consent,
        _(
            "Your organisation has withdrawn its consent. The lead organisation is told, and the "
            "proposal cannot be submitted without you."
        ),
    )


# ---- the officer's list ---------------------------------------------------------------------


@bp.get("/officer/challenges/<number>/proposals")
@staff_required
def officer_list(number: str):
    challenge = get_public_challenge_or_404(number)
    counts = queries.status_counts(challenge)
    return list_page(
        "proposals/officer_list.html",
        queries.submissions_for(challenge, current_user),
        "proposals",
        challenge=challenge,
        counts=[(s, counts.get(s, 0)) for s in ProposalStatus],
        total=sum(counts.values()),
    )


@bp.get("/officer/challenges/<number>/proposals.csv")
@staff_required
def officer_csv(number: str):
    challenge = get_public_challenge_or_404(number)
    return Response(
        exports.submissions_csv(challenge, current_user),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{challenge.number}-proposals.csv"'},
    )
