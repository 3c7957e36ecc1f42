"""Pages of an organisation's people: the page of someone who speaks for no organisation yet
(waiting for approval, refused, removed), the organisation's own page (its members, their
requests, invitations of colleagues, its details and business licence), and the page of an
invitation link."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.access import login_required, public, roles_required
from portal.accounts import forms, invitations, labels, membership, organisations, registration
from portal.accounts.models import (
    Invitation,
    Membership,
    MembershipStatus,
    Organisation,
    Role,
)
from portal.accounts.views import bp
from portal.db import db
from portal.errors import DomainError, ValidationFailed
from portal.formtools import form_status, place_errors
from portal.i18n import gettext as _
from portal.paging import paginate
from portal.parsing import safe_next
from portal.storage import send_stored
from portal.unit_of_work import perform, submit_form

bp.add_app_template_filter(labels.org_type_label, "org_type")
bp.add_app_template_filter(labels.org_status_label, "org_status")
bp.add_app_template_filter(labels.membership_status_label, "membership_status")
bp.add_app_template_filter(labels.membership_role_label, "membership_role")
bp.add_app_template_global(membership.mask_email, "mask_email")


# ---- someone who speaks for no organisation -----------------------------------------------------


def _membership_page(join_form=None, status: int = 200):
    live = membership.membership_of(current_user)
    waiting_for = membership.administrators(live.organisation_id) if live else []
    latest = None if live else membership.latest_membership(current_user)
    return render_template(
        "accounts/membership.html",
        live=live,
        waiting_for=waiting_for,
        latest=latest,
        join_form=join_form or forms.JoinOrganisationForm(formdata=None),
        confirm=forms.ConfirmForm(),
    ), status


def _only_without_organisation():
    """These pages are for applicants who speak for no organisation; others have theirs."""
    if current_user.role is not Role.applicant:
        abort(404)
    if current_user.organisation_id is not None:
        return redirect(url_for("proposals.dashboard"))
    return None


@bp.get("/membership")
@login_required
def my_membership():
    return _only_without_organisation() or _membership_page()


@bp.post("/membership/cancel")
@login_required
def cancel_membership_request():
    elsewhere = _only_without_organisation()
    if elsewhere:
        return elsewhere
    live = membership.membership_of(current_user)
    if live is None:
        abort(404)
    name = live.organisation.name
    perform(
        lambda: membership.cancel_request(live, by=current_user),
        _("Your request to join %(org)s has been cancelled.", org=name),
    )
    return redirect(url_for(".my_membership"))


@bp.post("/membership/join")
@login_required
def join_organisation():
    elsewhere = _only_without_organisation()
    if elsewhere:
        return elsewhere
    form = forms.JoinOrganisationForm()
    done, joined = submit_form(
        form,
        lambda: registration.join_by_code(
            current_user,
            credit_code=form.credit_code.data,
            org_name=form.org_name.data or "",
            org_type=form.org_type.data,
            org_region=form.org_region.data or "",
        ),
    )
    if not done:
        return _membership_page(join_form=form, status=422)
    if joined.status is MembershipStatus.approved:
        flash(_("You are the administrator of %(org)s.", org=joined.organisation.name), "success")
        return redirect(url_for(".organisation"))
    flash(
        _(
            "Your request to join %(org)s waits for its administrators.",
            org=joined.organisation.name,
        ),
        "success",
    )
    return redirect(url_for(".my_membership"))


# ---- the organisation's page --------------------------------------------------------------------


def _own_organisation() -> Organisation:
    return db.session.get(Organisation, current_user.organisation_id)


def _organisation_page(status: int = 200, **forms_shown):
    organisation = _own_organisation()
    is_admin = membership.is_administrator(current_user, organisation.id)
    members, page = paginate(membership.members_query(organisation.id))
    shown = {
        "invite_form": forms.InviteColleagueForm(formdata=None, prefix="invite"),
        "details_form": forms.OrganisationDetailsForm(
            formdata=None, obj=organisation, prefix="details"
        ),
        "licence_form": forms.LicenceForm(formdata=None, prefix="licence"),
        **forms_shown,
    }
    return render_template(
        "accounts/organisation.html",
        organisation=organisation,
        is_admin=is_admin,
        members=members,
        page=page,
        administrators=membership.approved_count(
            organisation.id, membership.MembershipRole.administrator
        ),
        invitations=(
            db.session.exec(invitations.open_colleague_invitations(organisation.id)).all()
            if is_admin
            else []
        ),
        confirm=forms.ConfirmForm(),
        **shown,
    ), status


@bp.get("/organisation")
@roles_required(Role.applicant)
def organisation():
    return _organisation_page()


def _membership_or_404(membership_id: int) -> Membership:
    """A membership of the user's own organisation; any other answers 404."""
    found = db.session.get(Membership, membership_id)
    if found is None or found.organisation_id != current_user.organisation_id:
        abort(404)
    return found


@bp.post("/organisation/members/<int:membership_id>/approve")
@roles_required(Role.applicant)
def approve_member(membership_id: int):
    found = _membership_or_404(membership_id)
    perform(
        lambda: membership.approve(found, by=current_user),
        _("%(name)s is now a member.", name=found.user.name),
    )
    return redirect(url_for(".organisation"))


@bp.route("/organisation/members/<int:membership_id>/refuse", methods=["GET", "POST"])
@roles_required(Role.applicant)
def refuse_member(membership_id: int):
    found = _membership_or_404(membership_id)
    form = forms.RefuseMemberForm()
    done, _refused = submit_form(
        form, lambda: membership.refuse(found, by=current_user, reason=form.reason.data or "")
    )
    if done:
        flash(_("The request of %(name)s has been refused.", name=found.user.name), "success")
        return redirect(url_for(".organisation"))
    return render_template("accounts/member_refuse.html", membership=found, form=form), form_status(
        form
    )


@bp.post("/organisation/members/<int:membership_id>/promote")
@roles_required(Role.applicant)
def promote_member(membership_id: int):
    found = _membership_or_404(membership_id)
    perform(
        lambda: membership.promote(found, by=current_user),
        _("%(name)s is now an administrator.", name=found.user.name),
    )
    return redirect(url_for(".organisation"))


@bp.post("/organisation/members/<int:membership_id>/demote")
@roles_required(Role.applicant)
def demote_member(membership_id: int):
    found = _membership_or_404(membership_id)
    perform(
        lambda: membership.demote(found, by=current_user),
        _("%(name)s is no longer an administrator.", name=found.user.name),
    )
    return redirect(url_for(".organisation"))


@bp.route("/organisation/members/<int:membership_id>/remove", methods=["GET", "POST"])
@roles_required(Role.applicant)
def remove_member(membership_id: int):
    found = _membership_or_404(membership_id)
    if request.method == "POST":
        done, _removed = perform(
            lambda: membership.remove(found, by=current_user),
            _("%(name)s has been removed from the organisation.", name=found.user.name),
        )
        if done and found.user_id == current_user.id:
            return redirect(url_for("pages.home"))
        return redirect(url_for(".organisation"))
    return render_template(
        "accounts/member_remove.html", membership=found, confirm=forms.ConfirmForm()
    )


@bp.post("/organisation/invitations")
@roles_required(Role.applicant)
def invite_colleague():
    form = forms.InviteColleagueForm(prefix="invite")
    done, invitation = submit_form(
        form,
        lambda: invitations.invite_colleague(_own_organisation(), form.email.data, by=current_user),
    )
    if done:
        flash(_("We have sent an invitation to %(email)s.", email=invitation.email), "success")
        return redirect(url_for(".organisation"))
    return _organisation_page(status=422, invite_form=form)


@bp.post("/organisation/invitations/<int:invitation_id>/revoke")
@roles_required(Role.applicant)
def revoke_invitation(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != current_user.organisation_id:
        abort(404)
    perform(
        lambda: invitations.revoke(invitation, by=current_user),
        _("The invitation to %(email)s has been withdrawn.", email=invitation.email),
    )
    return redirect(url_for(".organisation"))


@bp.post("/organisation/details")
@roles_required(Role.applicant)
def organisation_details():
    form = forms.OrganisationDetailsForm(prefix="details")
    done, _org = submit_form(
        form,
        lambda: organisations.update_details(
            _own_organisation(),
            by=current_user,
            short_name=form.short_name.data or "",
            english_name=form.english_name.data or "",
            region=form.region.data or "",
        ),
    )
    if done:
        flash(_("The organisation's details have been saved."), "success")
        return redirect(url_for(".organisation"))
    return _organisation_page(status=422, details_form=form)


@bp.post("/organisation/licence")
@roles_required(Role.applicant)
def upload_licence():
    form = forms.LicenceForm(prefix="licence")
    if form.validate_on_submit():
        upload = request.files.get(form.licence.name)
        try:
            if upload is None or not upload.filename:
                raise ValidationFailed({"licence": _("Choose the file of the business licence.")})
            organisations.upload_licence(_own_organisation(), upload, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            place_errors(form, exc)
        else:
            db.session.commit()
            flash(
                _("The business licence has been uploaded; platform staff will check it."),
                "success",
            )
            return redirect(url_for(".organisation"))
    return _organisation_page(status=422, licence_form=form)


@bp.get("/organisation/licence")
@roles_required(Role.applicant)
def organisation_licence():
    organisation = _own_organisation()
    if not organisations.can_see_licence(current_user, organisation):
        abort(404)
    return send_stored(organisation.licence_stored_name, organisation.licence_filename)


# ---- an invitation link -------------------------------------------------------------------------


def _after_joining() -> str:
    """Where to go once joined: a same-site `next` (a pledge to sign, say), or the dashboard."""
    return safe_next(url_for("proposals.dashboard"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def invitation(token: str):
    try:
        found = invitations.open_invitation(token)
    except invitations.InvitationUnusable as exc:
        return render_template("accounts/link_unusable.html", message=str(exc), again=None), 404
    organisation = db.session.get(Organisation, found.organisation_id)
    correctable = invitations.may_correct_organisation(found)
    defaults = {
        "org_name": organisation.name,
        "org_type": organisation.type.value,
        "org_region": organisation.region,
    }
    if current_user.is_authenticated:
        return _accept_logged_in(found, organisation, correctable, defaults)
    form_class = (
        forms.InvitedOrganisationRegistrationForm
        if correctable
        else forms.InvitationRegistrationForm
    )
    form = form_class(data=defaults if correctable else None)
    done, _user = submit_form(
        form,
        lambda: invitations.register_through(
            found,
            name=form.name.data,
            password=form.password.data,
            details=_details(form) if correctable else None,
        ),
    )
    if done:
        flash(_("Your account is ready. Log in with your new password to continue."), "success")
        return redirect(url_for(".login", next=_after_joining()))
    return render_template(
        "accounts/invitation.html",
        invitation=found,
        organisation=organisation,
        form=form,
        correctable=correctable,
        problem=None,
    ), form_status(form)


def _details(form) -> invitations.OrganisationDetails:
    return invitations.OrganisationDetails(
        name=form.org_name.data or "",
        type=form.org_type.data or "",
        region=form.org_region.data or "",
    )


def _accept_logged_in(found: Invitation, organisation: Organisation, correctable, defaults):
    """One click for a logged-in user with the invitation's address and no organisation; a
    clear message, and nothing written, for anyone else."""
    problem = invitations.acceptance_problem(found, current_user)
    form = forms.InvitedOrganisationFields(data=defaults) if correctable else forms.ConfirmForm()
    if problem:
        status = 409 if request.method == "POST" else 200
        form = None
    else:
        done, joined = submit_form(
            form,
            lambda: invitations.accept(
                found, current_user, details=_details(form) if correctable else None
            ),
        )
        if done:
            if joined.status is MembershipStatus.approved:
                flash(_("You have joined %(org)s.", org=organisation.name), "success")
            else:
                flash(
                    _(
                        "Your request to join %(org)s waits for its administrators.",
                        org=organisation.name,
                    ),
                    "success",
                )
            return redirect(_after_joining())
        status = form_status(form)
    return render_template(
        "accounts/invitation.html",
        invitation=found,
        organisation=organisation,
        form=form,
        correctable=correctable,
        problem=problem,
    ), status
