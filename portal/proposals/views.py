"""Proposal pages: the applicant's dashboard, the proposal and its sections, submission,
withdrawal, attachments, submitted versions, the consortium invitations of an organisation, the
team leader's pledge, and the officer's list of submissions."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload
from sqlmodel import select

from portal import clock, formstash, storage
from portal.access import login_required, roles_required, staff_required
from portal.accounts.membership import is_administrator
from portal.accounts.models import Organisation, Role
from portal.challenges.models import Challenge
from portal.db import db
from portal.errors import DomainError, NotAllowed, ValidationFailed
from portal.formtools import form_status, show_hidden_errors
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.pagecache import cached_private_page
from portal.paging import Page, paginate
from portal.parsing import parse_whole
from portal.presentation import format_local
from portal.proposals import consent, forms, queries, services, signature
from portal.proposals.models import (
    Attachment,
    ConsentStatus,
    ConsortiumMember,
    PledgeSignature,
    Proposal,
    ProposalStatus,
    SignatureStatus,
    SubmittedVersion,
)
from portal.proposals.permissions import (
    can_edit,
    can_submit,
    get_invitation_or_404,
    get_proposal_or_404,
)
from portal.unit_of_work import perform, submit_form

bp = Blueprint("proposals", __name__)
APPLICANT_OR_STAFF = (Role.applicant, Role.officer, Role.admin)


STATUS_LABELS = {
    ProposalStatus.draft: _l("Draft"),
    ProposalStatus.submitted: _l("Submitted"),
    ProposalStatus.withdrawn: _l("Withdrawn"),
    ProposalStatus.rejected: _l("Rejected at the formal check"),
    ProposalStatus.in_review: _l("In review"),
    ProposalStatus.awarded: _l("Awarded"),
    ProposalStatus.reserve: _l("Reserve"),
    ProposalStatus.not_funded: _l("Not funded"),
}


def status_label(status: ProposalStatus) -> str:
    return str(STATUS_LABELS[ProposalStatus(status)])


@bp.app_template_filter("proposal_status")
def proposal_status_filter(status) -> str:
    return status_label(status)


@bp.app_template_filter("plain_number")
def plain_number(value) -> str:
    return services.plain_number(value)


@bp.app_template_filter("isotime")
def isotime(value: str) -> str:
    """A moment kept as ISO text in a frozen version, in the portal's time zone."""
    try:
        return format_local(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return value or "—"


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


# ---- the applicant's dashboard --------------------------------------------------------------


@bp.get("/proposals")
@roles_required(Role.applicant)
@cached_private_page
def dashboard():
    proposals, page = paginate(queries.my_proposals(current_user))
    org = (
        db.session.get(Organisation, current_user.organisation_id)
        if current_user.organisation_id
        else None
    )
    open_challenges = queries.open_challenges_for(org, clock.now(), limit=6)
    return render_template(
        "proposals/dashboard.html",
        proposals=proposals,
        page=page,
        org=org,
        open_challenges=open_challenges[:5],
        more_open=len(open_challenges) > 5,
        waiting_invitations=queries.waiting_invitations(current_user),
    )


@bp.get("/proposals/open-challenges")
@roles_required(Role.applicant)
@cached_private_page
def open_challenges():
    org = (
        db.session.get(Organisation, current_user.organisation_id)
        if current_user.organisation_id
        else None
    )
    challenges, page = _slice(queries.open_challenges_for(org, clock.now()))
    return render_template(
        "proposals/open_challenges.html", challenges=challenges, page=page, org=org
    )


@bp.route("/challenges/<number>/propose", methods=["GET", "POST"])
@roles_required(Role.applicant)
def start(number: str):
    challenge = queries.challenge_by_number_or_404(number)
    form = forms.ConfirmForm()
    existing = (
        services.existing_proposal(challenge, current_user.organisation_id)
        if current_user.organisation_id
        else None
    )
    if form.validate_on_submit():
        try:
            proposal = services.start_proposal(challenge, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            if existing is not None:
                return redirect(url_for(".show", proposal_id=existing.id))
            return render_template(
                "proposals/start.html", challenge=challenge, form=form, problem=str(exc)
            ), 422
        db.session.commit()
        flash(_("Your draft proposal has been created. Fill in each section."), "success")
        return redirect(url_for(".show", proposal_id=proposal.id))
    org = (
        db.session.get(Organisation, current_user.organisation_id)
        if current_user.organisation_id
        else None
    )
    problem = services.eligibility_problem(challenge, org, clock.now())
    return render_template(
        "proposals/start.html",
        challenge=challenge,
        form=form,
        problem=problem,
        existing=existing,
    )


# ---- reading a proposal -----------------------------------------------------------------------


def _load_full(proposal_id: int, editable: bool = False) -> Proposal:
    proposal = get_proposal_or_404(proposal_id, for_user=current_user, editable=editable)
    db.session.exec(
        select(Proposal)
        .where(Proposal.id == proposal.id)
        .options(
            selectinload(Proposal.challenge).selectinload(Challenge.indicators),
            selectinload(Proposal.members).selectinload(ConsortiumMember.organisation),
            selectinload(Proposal.commitments),
            selectinload(Proposal.milestones),
            selectinload(Proposal.attachments),
            selectinload(Proposal.versions),
            selectinload(Proposal.signatures),
        )
    ).first()
    return proposal


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
        events.append((proposal.updated_at, status_label(proposal.status)))
    return sorted(events, key=lambda e: e[0])


@bp.get("/proposals/<int:proposal_id>")
@roles_required(*APPLICANT_OR_STAFF)
@cached_private_page
def show(proposal_id: int):
    proposal = _load_full(proposal_id)
    may_edit = can_edit(current_user, proposal)
    editable = may_edit and proposal.status in services.EDITABLE
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
        problems=services.completeness_problems(proposal, now) if editable else [],
        commitments={c.indicator_id: c for c in proposal.commitments},
        attachments=services.current_attachments(proposal),
        timeline=timeline(proposal),
        pledge=pledge_state(proposal),
        is_leader=signature.is_named_leader(current_user, proposal),
        not_consenting=[
            m
            for m in proposal.members
            if m.consent in (ConsentStatus.declined, ConsentStatus.withdrawn)
        ],
        confirm=forms.ConfirmForm(),
    )


def pledge_state(proposal: Proposal) -> dict:
    """What the pages say of the pledge: the latest signature and whether it holds."""
    latest: PledgeSignature | None = signature.current_signature(proposal)
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
@cached_private_page
def version(proposal_id: int, number: int):
    proposal = get_proposal_or_404(proposal_id, for_user=current_user)
    version = db.session.exec(
        select(SubmittedVersion).where(
            SubmittedVersion.proposal_id == proposal.id, SubmittedVersion.number == number
        )
    ).first()
    if version is None:
        abort(404)
    return render_template(
        "proposals/version.html",
        proposal=proposal,
        version=version,
        c=services.readable(version.content),
    )


@bp.get("/proposals/<int:proposal_id>/attachments/<int:attachment_id>")
@roles_required(*APPLICANT_OR_STAFF)
def download(proposal_id: int, attachment_id: int):
    proposal = get_proposal_or_404(proposal_id, for_user=current_user)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.proposal_id != proposal.id:
        abort(404)
    return storage.send_stored(attachment.stored_name, attachment.filename)


# ---- editing the sections ---------------------------------------------------------------------

EDIT_SECTIONS = ("general", "members", "commitments", "milestones", "budget")


def section_title(section: str) -> str:
    return {
        "general": _("Project and team leader"),
        "members": _("Consortium"),
        "commitments": _("Indicator commitments"),
        "milestones": _("Milestone plan"),
        "budget": _("Budget"),
        "attachments": _("Attachments"),
    }[section]


def _revision(form) -> int | None:
    return form.revision.data if isinstance(form.revision.data, int) else None


def _form_for(section: str, proposal: Proposal, formdata: bool):
    """The section's form, from what was posted or (formdata=False) from the saved draft."""
    kwargs = {} if formdata else {"formdata": None}
    if section == "general":
        form = forms.GeneralForm(obj=None if formdata else proposal, **kwargs)
        form.leader_org_id.choices = [("", "—")] + [
            (m.organisation_id, m.organisation.name) for m in proposal.members
        ]
    elif section == "members":
        lead = next(
            (m for m in proposal.members if m.organisation_id == proposal.lead_org_id), None
        )
        data = {
            "lead_responsibility": lead.responsibility if lead else "",
            "members": [
                {
                    "credit_code": m.organisation.credit_code,
                    "name": m.organisation.name,
                    "type": m.organisation.type.value,
                    "region": m.organisation.region,
                    "email": m.invited_email,
                    "responsibility": m.responsibility,
                }
                for m in proposal.members
                if m.organisation_id != proposal.lead_org_id
            ],
        }
        form = forms.MembersForm(data=data, **kwargs)
    elif section == "commitments":
        by_indicator = {c.indicator_id: c for c in proposal.commitments}
        data = {
            "commitments": [
                {
                    "indicator_id": str(ind.id),
                    "value": by_indicator[ind.id].value if ind.id in by_indicator else None,
                    "justification": by_indicator[ind.id].justification
                    if ind.id in by_indicator
                    else "",
                }
                for ind in proposal.challenge.indicators
            ]
        }
        form = forms.CommitmentsForm(data=data, **kwargs)
    elif section == "milestones":
        data = {
            "milestones": [
                {
                    "title": ms.title,
                    "due_date": ms.due_date,
                    "deliverable": ms.deliverable,
                    "verification": ms.verification,
                    "share_percent": ms.share_percent,
                }
                for ms in proposal.milestones
            ]
        }
        form = forms.MilestonesForm(data=data, **kwargs)
        if not formdata and not proposal.milestones:
            for _i in range(3):
                form.milestones.append_entry()
    elif section == "budget":
        data = {
            "requested": proposal.requested,
            "self_funds": proposal.self_funds,
            "shares": [{"member_id": str(m.id), "share": m.budget_share} for m in proposal.members],
        }
        form = forms.BudgetForm(data=data, **kwargs)
        for entry, member in zip(form.shares, proposal.members, strict=False):
            entry.form.share.label.text = _("Share of %(org)s (yuan)", org=member.organisation.name)
    else:
        abort(404)
    if not formdata:
        form.revision.data = proposal.revision
    return form


def _save(section: str, proposal: Proposal, form) -> None:
    revision = _revision(form)
    if section == "general":
        services.save_general(
            proposal,
            by=current_user,
            revision=revision,
            title=form.title.data,
            leader_name=form.leader_name.data,
            leader_title=form.leader_title.data,
            leader_phone=form.leader_phone.data,
            leader_email=form.leader_email.data,
            leader_org_id=form.leader_org_id.data,
            approach=form.approach.data,
            innovation=form.innovation.data,
        )
    elif section == "members":
        services.save_members(
            proposal,
            by=current_user,
            revision=revision,
            lead_responsibility=form.lead_responsibility.data,
            rows=[services.MemberInput(**entry.data) for entry in form.members],
        )
    elif section == "commitments":
        services.save_commitments(
            proposal,
            by=current_user,
            revision=revision,
            rows=[
                services.CommitmentInput(
                    indicator_id=entry.form.indicator_id.data,
                    value=entry.form.value.data,
                    justification=entry.form.justification.data,
                )
                for entry in form.commitments
                if entry.form.indicator_id.data is not None
            ],
        )
    elif section == "milestones":
        services.save_milestones(
            proposal,
            by=current_user,
            revision=revision,
            rows=[services.MilestoneInput(**entry.data) for entry in form.milestones],
        )
    elif section == "budget":
        services.save_budget(
            proposal,
            by=current_user,
            revision=revision,
            requested=form.requested.data,
            self_funds=form.self_funds.data,
            shares={
                entry.form.member_id.data: entry.form.share.data
                for entry in form.shares
                if entry.form.member_id.data is not None
            },
        )


def _rows_changed(section: str, proposal: Proposal, form):
    """Handle the add/remove row buttons: the form again, with one row more or less."""
    rows_name = {"members": "members", "milestones": "milestones"}.get(section)
    if rows_name is None:
        return None
    rows = getattr(form, rows_name)
    if "add_row" in request.form:
        if len(rows) < forms.MAX_ROWS:
            rows.append_entry()
        return form
    if "remove_row" not in request.form:
        return None
    remove = parse_whole(request.form["remove_row"])
    if remove is None:  # no row of the form: shown again as it was typed
        return form
    data = form.data
    data.pop("csrf_token", None)
    data[rows_name] = [row for i, row in enumerate(data[rows_name]) if i != remove]
    return type(form)(formdata=None, data=data)


def _render_section(section, proposal, form, status=200):
    return render_template(
        f"proposals/edit_{section}.html",
        proposal=proposal,
        form=form,
        section=section,
        section_title=section_title(section),
    ), status


@bp.route("/proposals/<int:proposal_id>/edit/<section>", methods=["GET", "POST"])
@roles_required(Role.applicant)
def edit(proposal_id: int, section: str):
    if section not in EDIT_SECTIONS:
        abort(404)
    proposal = _load_full(proposal_id, editable=True)
    if request.method == "GET":  # the saved draft, or what was typed before a login ended
        form = _form_for(section, proposal, formdata=formstash.restoring())
        if request.args.get("check"):
            for problem in services.completeness_problems(proposal):
                if problem.section == section:
                    forms.put_errors(form, {problem.field: problem.message})
        return _render_section(section, proposal, form)
    form = _form_for(section, proposal, formdata=True)
    changed = _rows_changed(section, proposal, form)
    if changed is not None:
        return _render_section(section, proposal, changed)
    if not form.validate():
        show_hidden_errors(form)
        return _render_section(section, proposal, form, 422)
    try:
        _save(section, proposal, form)
    except services.StaleDraft as exc:
        db.session.rollback()
        forms.show_problems(form, exc)
        return _render_section(section, proposal, form, 409)
    except DomainError as exc:
        db.session.rollback()
        forms.show_problems(form, exc)
        return _render_section(section, proposal, form, 422)
    db.session.commit()
    open_points = [p for p in services.completeness_problems(proposal) if p.section == section]
    if open_points:
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
    proposal = _load_full(proposal_id, editable=True)
    form = forms.AttachmentForm()
    status = 200
    if form.validate_on_submit():
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise ValidationFailed({"file": _("Choose a PDF file to upload.")})
            services.add_attachment(proposal, by=current_user, upload=upload, title=form.title.data)
        except DomainError as exc:
            db.session.rollback()
            forms.show_problems(form, exc)
            status = 422
        else:
            db.session.commit()
            flash(_("The file has been attached."), "success")
            return redirect(url_for(".attachments", proposal_id=proposal.id))
    elif form.is_submitted():
        status = 422
    return render_template(
        "proposals/attachments.html",
        proposal=proposal,
        editable=proposal.status in services.EDITABLE,
        form=form,
        attachments=services.current_attachments(proposal),
        confirm=forms.ConfirmForm(),
        section_title=section_title("attachments"),
    ), status


@bp.post("/proposals/<int:proposal_id>/attachments/<int:attachment_id>/remove")
@roles_required(Role.applicant)
def remove_attachment(proposal_id: int, attachment_id: int):
    proposal = get_proposal_or_404(proposal_id, for_user=current_user, editable=True)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.proposal_id != proposal.id:
        abort(404)
    perform(
        lambda: services.remove_attachment(attachment, by=current_user),
        _("The attachment has been removed from the draft."),
    )
    return redirect(url_for(".attachments", proposal_id=proposal.id))


# ---- submitting and withdrawing -------------------------------------------------------------


@bp.route("/proposals/<int:proposal_id>/submit", methods=["GET", "POST"])
@roles_required(Role.applicant)
def submit(proposal_id: int):
    proposal = _load_full(proposal_id, editable=True)
    form = forms.ConfirmForm()
    status = 200
    problems = services.completeness_problems(proposal)
    if form.validate_on_submit():
        try:
            version = services.submit_proposal(proposal, by=current_user)
        except services.IncompleteProposal as exc:
            db.session.rollback()
            forms.show_problems(form, exc)
            problems = exc.checklist
            status = 422
        except NotAllowed as exc:
            db.session.rollback()
            forms.show_problems(form, exc)
            status = 403
        except DomainError as exc:
            db.session.rollback()
            forms.show_problems(form, exc)
            status = 422
        else:
            db.session.commit()
            flash(
                _(
                    "Your proposal has been submitted. It is frozen as version %(n)s.",
                    n=version.number,
                ),
                "success",
            )
            return redirect(url_for(".show", proposal_id=proposal.id))
    return render_template(
        "proposals/submit.html",
        proposal=proposal,
        form=form,
        problems=problems,
        may_submit=can_submit(current_user, proposal),
        pledge=pledge_state(proposal),
    ), status


@bp.post("/proposals/<int:proposal_id>/request-submission")
@roles_required(Role.applicant)
def request_submission(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, for_user=current_user, editable=True)
    perform(
        lambda: services.request_submission(proposal, by=current_user),
        _("Your organisation's administrators have been asked to submit the proposal."),
    )
    return redirect(url_for(".show", proposal_id=proposal.id))


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@roles_required(Role.applicant)
def withdraw(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, for_user=current_user, editable=True)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        try:
            services.withdraw_proposal(proposal, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for(".show", proposal_id=proposal.id))
        db.session.commit()
        flash(
            _(
                "Your proposal has been withdrawn. You may change it and submit it again "
                "before the deadline."
            ),
            "success",
        )
        return redirect(url_for(".show", proposal_id=proposal.id))
    return render_template(
        "proposals/withdraw.html",
        proposal=proposal,
        form=form,
        may_submit=can_submit(current_user, proposal),
    )


# ---- the team leader's pledge ---------------------------------------------------------------


def _pledge_or_404(proposal_id: int) -> Proposal:
    """The proposal whose named team leader is the current user (whatever their organisation:
    the leader may belong to a member organisation, or be waiting for approval); else 404."""
    proposal = db.session.exec(
        select(Proposal)
        .where(Proposal.id == proposal_id)
        .options(
            selectinload(Proposal.challenge).selectinload(Challenge.indicators),
            selectinload(Proposal.lead_org),
            selectinload(Proposal.members).selectinload(ConsortiumMember.organisation),
            selectinload(Proposal.commitments),
            selectinload(Proposal.milestones),
            selectinload(Proposal.signatures),
        )
    ).first()
    if proposal is None or not signature.is_named_leader(current_user, proposal):
        abort(404)
    return proposal


@bp.route("/proposals/<int:proposal_id>/pledge", methods=["GET", "POST"])
@login_required
def pledge(proposal_id: int):
    proposal = _pledge_or_404(proposal_id)
    form = forms.PledgeForm()
    done, _signed = submit_form(
        form,
        lambda: signature.sign_pledge(
            proposal,
            by=current_user,
            password=form.password.data or "",
            leads_the_team=bool(form.leads_the_team.data),
            remote_addr=request.remote_addr or "",
        ),
    )
    if done:
        flash(
            _(
                "You have signed the pledge. Any later change to the commitments, milestones, "
                "budget or consortium voids your signature, and you will be asked to sign again."
            ),
            "success",
        )
        return redirect(url_for(".pledge", proposal_id=proposal.id))
    return render_template(
        "proposals/pledge.html",
        proposal=proposal,
        form=form,
        covered=signature.covered_content(proposal),
        pledge=pledge_state(proposal),
        signable=proposal.status in services.EDITABLE
        and proposal.challenge.accepts_proposals(clock.now()),
    ), form_status(form)


# ---- consortium invitations (联合体确认) ------------------------------------------------------


@bp.get("/proposals/invitations")
@roles_required(Role.applicant)
def invitations():
    rows, page = paginate(queries.invitations_for(current_user))
    return render_template(
        "proposals/invitations.html",
        invitations=rows,
        page=page,
        may_answer=is_administrator(current_user, current_user.organisation_id),
        now=clock.now(),
        confirm=forms.ConfirmForm(),
    )


def _after_answer(member: ConsortiumMember):
    """Back to where the user came from: their invitations, or the lead's proposal."""
    if member.organisation_id == current_user.organisation_id:
        return redirect(url_for(".invitations"))
    return redirect(url_for(".show", proposal_id=member.proposal_id, _anchor="members"))


@bp.post("/proposals/invitations/<int:member_id>/accept")
@roles_required(Role.applicant)
def accept_invitation(member_id: int):
    member = get_invitation_or_404(member_id, current_user)
    perform(
        lambda: consent.accept(member, by=current_user),
        _("Your organisation has joined the consortium. You can now read the proposal."),
    )
    return _after_answer(member)


def _answer_page(template: str, member: ConsortiumMember, form, action, success: str):
    done, _answered = submit_form(form, action)
    if done:
        flash(success, "success")
        return _after_answer(member)
    return render_template(
        template, member=member, proposal=member.proposal, form=form
    ), form_status(form)


@bp.route("/proposals/invitations/<int:member_id>/decline", methods=["GET", "POST"])
@roles_required(Role.applicant)
def decline_invitation(member_id: int):
    member = get_invitation_or_404(member_id, current_user)
    form = forms.DeclineForm()

    return _answer_page(
        "proposals/decline.html",
        member,
        form,
        lambda: consent.decline(member, by=current_user, reason=form.reason.data or ""),
        _("You have declined the invitation; the lead organisation is told why."),
    )


@bp.route("/proposals/invitations/<int:member_id>/withdraw", methods=["GET", "POST"])
@roles_required(Role.applicant)
def withdraw_consent(member_id: int):
    member = get_invitation_or_404(member_id, current_user)
    form = forms.WithdrawConsentForm()

    return _answer_page(
        "proposals/withdraw_consent.html",
        member,
        form,
        lambda: consent.withdraw_consent(member, by=current_user, reason=form.reason.data or ""),
        _(
            "Your organisation has withdrawn its consent. The lead organisation is told, and the "
            "proposal cannot be submitted without you."
        ),
    )


# ---- the officer's list ---------------------------------------------------------------------


@bp.get("/officer/challenges/<number>/proposals")
@staff_required
@cached_private_page
def officer_list(number: str):
    challenge = queries.challenge_by_number_or_404(number)
    proposals, page = paginate(queries.submissions_for(challenge, current_user))
    counts = queries.status_counts(challenge)
    return render_template(
        "proposals/officer_list.html",
        challenge=challenge,
        proposals=proposals,
        page=page,
        counts=[(s, counts.get(s, 0)) for s in ProposalStatus],
        total=sum(counts.values()),
    )


def _cell(value) -> str:
    """A CSV cell that Excel shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/officer/challenges/<number>/proposals.csv")
@staff_required
def officer_csv(number: str):
    challenge = queries.challenge_by_number_or_404(number)
    rows = db.session.exec(queries.submissions_for(challenge, current_user)).all()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Proposal"),
            _("Title"),
            _("Lead organisation"),
            _("Credit code"),
            _("Members"),
            _("Team leader"),
            _("Funding requested (yuan)"),
            _("Self-raised funds (yuan)"),
            _("Status"),
            _("Submitted at"),
        ]
    )
    for p in rows:
        writer.writerow(
            _cell(value)
            for value in [
                p.id,
                p.title,
                p.lead_org.name,
                p.lead_org.credit_code,
                "; ".join(m.organisation.name for m in p.members if m.role.value == "member"),
                p.leader_name,
                "" if p.requested is None else f"{p.requested:.2f}",
                "" if p.self_funds is None else f"{p.self_funds:.2f}",
                status_label(p.status),
                format_local(p.submitted_at),
            ]
        )
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{challenge.number}-proposals.csv"'},
    )
