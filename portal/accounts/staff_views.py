"""Platform staff's organisations pages: search them, open one, check its business licence,
verify or reject it, correct its details with a reason, and name an administrator where it has
none."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from portal.access import staff_required
from portal.accounts import forms, membership, organisations, queries
from portal.accounts.models import Organisation
from portal.accounts.permissions import get_organisation_or_404
from portal.accounts.views import bp
from portal.i18n import gettext as _
from portal.paging import list_page
from portal.storage import send_stored
from portal.unit_of_work import form_page, perform
from portal.vocabulary import MembershipRole


@bp.get("/officer/organisations")
@staff_required
def staff_organisations():
    search = forms.OrganisationSearchForm(request.args)
    found = queries.organisations_for(current_user, **search.filters())
    return list_page("accounts/staff_organisations.html", found, "organisations", search=search)


def _name_form(organisation: Organisation, form=None):
    """The form to name an administrator, offered while the organisation has none: its members
    and those waiting to join to choose from."""
    if form is None:
        if queries.approved_count(organisation.id, MembershipRole.administrator):
            return None
        form = forms.NameAdministratorForm(formdata=None, prefix="name")
    form.membership.choices = [
        (m.id, f"{m.user.name} <{m.user.email}>")
        for m in queries.administrator_candidates(organisation.id)
    ]
    return form


def _show(organisation: Organisation, reject_form=None, name_form=None) -> str:
    return list_page(
        "accounts/staff_organisation.html",
        queries.members(organisation.id),
        "members",
        organisation=organisation,
        reject_form=reject_form or forms.RejectOrganisationForm(formdata=None, prefix="reject"),
        name_form=_name_form(organisation, name_form),
        confirm=forms.ConfirmForm(),
    )


@bp.get("/officer/organisations/<int:org_id>")
@staff_required
def staff_organisation(org_id: int):
    return _show(get_organisation_or_404(org_id, current_user))


@bp.get("/officer/organisations/<int:org_id>/licence")
@staff_required
def staff_licence(org_id: int):
    organisation = get_organisation_or_404(org_id, current_user, need="see_licence")
    return send_stored(organisation.licence_stored_name, organisation.licence_filename)


@bp.post("/officer/organisations/<int:org_id>/verify")
@staff_required
def staff_verify(org_id: int):
    organisation = get_organisation_or_404(org_id, current_user)
    perform(
        lambda: organisations.verify(organisation, by=current_user),
        _("%(org)s is verified.", org=organisation.name),
    )
    return redirect(url_for(".staff_organisation", org_id=organisation.id))


@bp.post("/officer/organisations/<int:org_id>/reject")
@staff_required
def staff_reject(org_id: int):
    organisation = get_organisation_or_404(org_id, current_user)
    form = forms.RejectOrganisationForm(prefix="reject")
    return form_page(
        form,
        lambda: organisations.reject(organisation, by=current_user, **form.to_input()),
        lambda: _show(organisation, reject_form=form),
        success=_(
            "%(org)s was not verified; its administrators are told why.", org=organisation.name
        ),
        to=url_for(".staff_organisation", org_id=organisation.id),
    )


@bp.route("/officer/organisations/<int:org_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_edit_organisation(org_id: int):
    organisation = get_organisation_or_404(org_id, current_user)
    form = forms.StaffOrganisationForm.for_editing(organisation)
    return form_page(
        form,
        lambda: organisations.edit(organisation, by=current_user, **form.to_input()),
        lambda: render_template(
            "accounts/staff_organisation_edit.html", organisation=organisation, form=form
        ),
        success=lambda edited: _("The details of %(org)s have been changed.", org=edited.name),
        to=url_for(".staff_organisation", org_id=organisation.id),
    )


@bp.post("/officer/organisations/<int:org_id>/administrator")
@staff_required
def staff_name_administrator(org_id: int):
    organisation = get_organisation_or_404(org_id, current_user)
    form = _name_form(organisation, forms.NameAdministratorForm(prefix="name"))
    return form_page(
        form,
        lambda: membership.name_administrator(organisation, **form.to_input(), by=current_user),
        lambda: _show(organisation, name_form=form),
        success=lambda named: _(
            "%(name)s is now the administrator of %(org)s.",
            name=named.user.name,
            org=organisation.name,
        ),
        to=url_for(".staff_organisation", org_id=organisation.id),
    )
