"""Pages of an organisation's people: the page of someone who speaks for no organisation yet
(waiting for approval, refused, removed), the organisation's own page (its members, their
requests, invitations of colleagues, its details and business licence), and the page of an
invitation link."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NamedTuple

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.access import login_required, public, roles_required
from portal.accounts import (
    forms,
    invitations,
    membership,
    models,
    organisations,
    queries,
    registration,
)
from portal.accounts.permissions import (
    can_administer,
    get_invitation_or_404,
    get_membership_or_404,
    get_organisation_or_404,
)
from portal.accounts.views import bp
from portal.formtools import PortalForm
from portal.i18n import gettext as _
from portal.paging import list_page
from portal.parsing import safe_next
from portal.storage import send_stored
from portal.unit_of_work import form_page, perform
from portal.vocabulary import MembershipRole, MembershipStatus, Role

# ---- someone who speaks for no organisation -----------------------------------------------------


def _membership_page(join_form=None) -> str:
    live = queries.membership_of(current_user)
    waiting_for = queries.administrators(live.organisation_id) if live else []
    latest = None if live else queries.latest_membership(current_user)
    return render_template(
        "accounts/membership.html",
        live=live,
        waiting_for=waiting_for,
        latest=latest,
        join_form=join_form or forms.JoinOrganisationForm(formdata=None),
        confirm=forms.ConfirmForm(),
    )


def _only_without_organisation(view):
    """These pages are for applicants who speak for no organisation; others have theirs."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.role is not Role.applicant:
            abort(404)
        if current_user.organisation_id is not None:
            return redirect(url_for("proposals.dashboard"))
        return view(*args, **kwargs)

    return wrapper


@bp.get("/membership")
@login_required
@_only_without_organisation
def my_membership():
    return _membership_page()


@bp.post("/membership/cancel")
@login_required
@_only_without_organisation
def cancel_membership_request():
    live = queries.membership_of(current_user)
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
@_only_without_organisation
def join_organisation():
    form = forms.JoinOrganisationForm()
    return form_page(
        form,
        lambda: registration.join_by_code(current_user, **form.to_input()),
        lambda: _membership_page(join_form=form),
        success=lambda joined: _joined(
            joined, _("You are the administrator of %(org)s.", org=joined.organisation.name)
        ),
        to=lambda joined: url_for(
            ".organisation" if joined.status is MembershipStatus.approved else ".my_membership"
        ),
    )


def _joined(joined: models.Membership, welcome: str) -> str:
    """What is said once someone has joined an organisation: `welcome` when they are in, or
    that their request waits for its administrators."""
    if joined.status is MembershipStatus.approved:
        return welcome
    return _(
        "Your request to join %(org)s waits for its administrators.",
        org=joined.organisation.name,
    )


# ---- the organisation's page --------------------------------------------------------------------


def _own_organisation(need: str = "read") -> models.Organisation:
    """The user's own organisation; its forms are for its administrators (need="administer"):
    a plain member, who is not shown them, gets 404."""
    return get_organisation_or_404(current_user.organisation_id, current_user, need=need)


def _organisation_page(**forms_shown):
    organisation = _own_organisation()
    is_admin = can_administer(current_user, organisation)
    shown = {
        "invite_form": forms.InviteColleagueForm(formdata=None, prefix="invite"),
        "details_form": forms.OrganisationDetailsForm.from_model(
            organisation, formdata=None, prefix="details"
        ),
        "licence_form": forms.LicenceForm(formdata=None, prefix="licence"),
        **forms_shown,
    }
    return list_page(
        "accounts/organisation.html",
        queries.members(organisation.id),
        "members",
        organisation=organisation,
        is_admin=is_admin,
        administrators=queries.approved_count(organisation.id, MembershipRole.administrator),
        invitations=queries.open_colleague_invitations(organisation.id) if is_admin else [],
        confirm=forms.ConfirmForm(),
        **shown,
    )


@bp.get("/organisation")
@roles_required(Role.applicant)
def organisation():
    return _organisation_page()


def _act_on_member(
    membership_id: int, act: Callable[..., models.Membership], success: Callable[[str], str]
):
    """One button on a member's row of the organisation's page: the membership (of the user's
    own organisation, else 404), acted on by the user; `success(name)` is flashed once done,
    the service's refusal otherwise. Back to the organisation's page, or home for someone who
    has just removed themself from it."""
    found = get_membership_or_404(membership_id, current_user)
    done, _result = perform(lambda: act(found, by=current_user), success(found.user.name))
    if done and found.user_id == current_user.id and current_user.organisation_id is None:
        return redirect(url_for("pages.home"))
    return redirect(url_for(".organisation"))


# The buttons of a member's row that act at once: the service each calls, and what is said once
# it is done (of the member called `name`).
_MEMBER_BUTTONS: dict[str, tuple[Callable[..., models.Membership], Callable[[str], str]]] = {
    "approve": (membership.approve, lambda name: _("%(name)s is now a member.", name=name)),
    "promote": (membership.promote, lambda name: _("%(name)s is now an administrator.", name=name)),
    "demote": (
        membership.demote,
        lambda name: _("%(name)s is no longer an administrator.", name=name),
    ),
}


@bp.post(f"/organisation/members/<int:membership_id>/<any({','.join(_MEMBER_BUTTONS)}):button>")
@roles_required(Role.applicant)
def member_button(membership_id: int, button: str):
    act, success = _MEMBER_BUTTONS[button]
    return _act_on_member(membership_id, act, success)


@bp.route("/organisation/members/<int:membership_id>/refuse", methods=["GET", "POST"])
@roles_required(Role.applicant)
def refuse_member(membership_id: int):
    found = get_membership_or_404(membership_id, current_user)
    form = forms.RefuseMemberForm()
    return form_page(
        form,
        lambda: membership.refuse(found, by=current_user, **form.to_input()),
        lambda: render_template("accounts/member_refuse.html", form=form, membership=found),
        success=_("The request of %(name)s has been refused.", name=found.user.name),
        to=url_for(".organisation"),
    )


@bp.route("/organisation/members/<int:membership_id>/remove", methods=["GET", "POST"])
@roles_required(Role.applicant)
def remove_member(membership_id: int):
    if request.method == "POST":
        return _act_on_member(
            membership_id,
            membership.remove,
            lambda name: _("%(name)s has been removed from the organisation.", name=name),
        )
    return render_template(
        "accounts/member_remove.html",
        membership=get_membership_or_404(membership_id, current_user),
        confirm=forms.ConfirmForm(),
    )


class _OrganisationForm(NamedTuple):
    """A form of the organisation's page that its administrators send."""

    prefix: str  # of its fields; the page shows it as `<prefix>_form`
    form: type[PortalForm]
    act: Callable[..., Any]  # the service: act(organisation, **form.to_input(), by=…)
    success: Callable[[Any], str]  # what is flashed once done, from the service's result


# By the last part of the address each is sent to.
_ORGANISATION_FORMS = {
    "invitations": _OrganisationForm(
        "invite",
        forms.InviteColleagueForm,
        invitations.invite_colleague,
        lambda sent: _("We have sent an invitation to %(email)s.", email=sent.email),
    ),
    "details": _OrganisationForm(
        "details",
        forms.OrganisationDetailsForm,
        organisations.update_details,
        lambda _organisation: _("The organisation's details have been saved."),
    ),
    "licence": _OrganisationForm(
        "licence",
        forms.LicenceForm,
        organisations.upload_licence,
        lambda _organisation: _(
            "The business licence has been uploaded; platform staff will check it."
        ),
    ),
}


@bp.post(f"/organisation/<any({','.join(_ORGANISATION_FORMS)}):part>")
@roles_required(Role.applicant)
def organisation_form(part: str):
    """A form of the organisation's page, for its administrators only (anyone else: 404): once
    done, its success is flashed; otherwise the page again with the form, what was typed and the
    errors beside it."""
    sent = _ORGANISATION_FORMS[part]
    organisation = _own_organisation(need="administer")
    form = sent.form(prefix=sent.prefix)
    return form_page(
        form,
        lambda: sent.act(organisation, **form.to_input(), by=current_user),
        lambda: _organisation_page(**{f"{sent.prefix}_form": form}),
        success=sent.success,
        to=url_for(".organisation"),
    )


@bp.post("/organisation/invitations/<int:invitation_id>/revoke")
@roles_required(Role.applicant)
def revoke_invitation(invitation_id: int):
    invitation = get_invitation_or_404(invitation_id, current_user, need="revoke")
    perform(
        lambda: invitations.revoke(invitation, by=current_user),
        _("The invitation to %(email)s has been withdrawn.", email=invitation.email),
    )
    return redirect(url_for(".organisation"))


@bp.get("/organisation/licence")
@roles_required(Role.applicant)
def organisation_licence():
    organisation = _own_organisation(need="see_licence")
    return send_stored(organisation.licence_stored_name, organisation.licence_filename)


# ---- an invitation link -------------------------------------------------------------------------


def _after_joining() -> str:
    """Where to go once joined: a same-site `next` (a pledge to sign, say), or the dashboard."""
    return safe_next(url_for("proposals.dashboard"))


def _invitation_page(
    found: models.Invitation, form, correctable: bool, problem: str | None = None
) -> str:
    return render_template(
        "accounts/invitation.html",
        invitation=found,
        organisation=found.organisation,
        form=form,
        correctable=correctable,
        problem=problem,
    )


def _invitation_form(
    found: models.Invitation,
    correctable: bool,
    correcting: type[PortalForm],
    plain: type[FlaskForm],
) -> FlaskForm:
    """The invitation page's form: `correcting`, filled with the organisation's details, when
    the invitee may correct them; `plain` otherwise."""
    return correcting.from_model(found.organisation) if correctable else plain()


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def invitation(token: str):
    try:
        found = invitations.open_invitation(token)
    except invitations.InvitationUnusable as exc:
        return render_template("accounts/link_unusable.html", message=str(exc), again=None), 404
    correctable = invitations.may_correct_organisation(found)
    if current_user.is_authenticated:
        return _accept_logged_in(found, correctable)
    form = _invitation_form(
        found,
        correctable,
        forms.InvitedOrganisationRegistrationForm,
        forms.InvitationRegistrationForm,
    )
    return form_page(
        form,
        lambda: invitations.register_through(found, **form.to_input()),
        lambda: _invitation_page(found, form, correctable),
        success=_("Your account is ready. Log in with your new password to continue."),
        to=url_for(".login", next=_after_joining()),
    )


def _accept_logged_in(found: models.Invitation, correctable: bool):
    """One click for a logged-in user with the invitation's address and no organisation; a
    clear message, and nothing written, for anyone else."""
    problem = invitations.acceptance_problem(found, current_user)
    if problem:
        status = 409 if request.method == "POST" else 200
        return _invitation_page(found, None, correctable, problem), status
    form = _invitation_form(found, correctable, forms.InvitedOrganisationFields, forms.ConfirmForm)
    return form_page(
        form,
        lambda: invitations.accept(found, current_user, **(form.to_input() if correctable else {})),
        lambda: _invitation_page(found, form, correctable),
        success=lambda joined: _joined(
            joined, _("You have joined %(org)s.", org=found.organisation.name)
        ),
        to=_after_joining(),
    )
