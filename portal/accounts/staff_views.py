"""Platform staff's organisations pages: search them, open one, check its business licence,
verify or reject it, correct its details with a reason, and name an administrator where it has
none."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.access import staff_required
from portal.accounts import forms, membership, organisations
from portal.accounts.models import Membership, MembershipRole, Organisation
from portal.accounts.views import bp
from portal.db import db
from portal.formtools import form_status
from portal.i18n import gettext as _
from portal.pagecache import cached_private_page
from portal.paging import paginate
from portal.storage import send_stored
from portal.unit_of_work import perform, submit_form


def _organisation_or_404(org_id: int) -> Organisation:
    return db.session.get(Organisation, org_id) or abort(404)


@bp.get("/officer/organisations")
@staff_required
@cached_private_page
def staff_organisations():
    search = forms.OrganisationSearchForm(request.args)
    statement = organisations.search()
    if search.validate():
        statement = organisations.search(
            text=search.q.data or "",
            type=search.type.data or "",
            region=search.region.data or "",
            status=search.status.data or "",
        )
    found, page = paginate(statement)
    return render_template(
        "accounts/staff_organisations.html", organisations=found, page=page, search=search
    )


def _candidates(organisation: Organisation) -> list[Membership]:
    """Who staff may name administrator: its members and those waiting to join."""
    rows = db.session.exec(membership.members_query(organisation.id)).all()
    return [m for m in rows if m.status in membership.LIVE]


def _show(organisation: Organisation, status: int = 200, reject_form=None, name_form=None):
    members, page = paginate(membership.members_query(organisation.id))
    has_administrator = membership.approved_count(organisation.id, MembershipRole.administrator)
    if name_form is None and not has_administrator:
        name_form = forms.NameAdministratorForm(formdata=None, prefix="name")
    if name_form is not None:
        name_form.membership.choices = [
            (str(m.id), f"{m.user.name} <{m.user.email}>") for m in _candidates(organisation)
        ]
    return render_template(
        "accounts/staff_organisation.html",
        organisation=organisation,
        members=members,
        page=page,
        reject_form=reject_form or forms.RejectOrganisationForm(formdata=None, prefix="reject"),
        name_form=name_form,
        confirm=forms.ConfirmForm(),
    ), status


@bp.get("/officer/organisations/<int:org_id>")
@staff_required
def staff_organisation(org_id: int):
    return _show(_organisation_or_404(org_id))


@bp.get("/officer/organisations/<int:org_id>/licence")
@staff_required
def staff_licence(org_id: int):
    organisation = _organisation_or_404(org_id)
    if not organisations.can_see_licence(current_user, organisation):
        abort(404)
    return send_stored(organisation.licence_stored_name, organisation.licence_filename)


@bp.post("/officer/organisations/<int:org_id>/verify")
@staff_required
def staff_verify(org_id: int):
    organisation = _organisation_or_404(org_id)
    perform(
        lambda: organisations.verify(organisation, by=current_user),
        _("%(org)s is verified.", org=organisation.name),
    )
    return redirect(url_for(".staff_organisation", org_id=organisation.id))


@bp.post("/officer/organisations/<int:org_id>/reject")
@staff_required
def staff_reject(org_id: int):
    organisation = _organisation_or_404(org_id)
    form = forms.RejectOrganisationForm(prefix="reject")
    done, _rejected = submit_form(
        form, lambda: organisations.reject(organisation, by=current_user, reason=form.reason.data)
    )
    if done:
        flash(
            _("%(org)s was not verified; its administrators are told why.", org=organisation.name),
            "success",
        )
        return redirect(url_for(".staff_organisation", org_id=organisation.id))
    return _show(organisation, status=422, reject_form=form)


@bp.route("/officer/organisations/<int:org_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_edit_organisation(org_id: int):
    organisation = _organisation_or_404(org_id)
    form = (
        forms.StaffOrganisationForm()
        if request.method == "POST"
        else forms.StaffOrganisationForm.from_model(organisation)
    )
    done, _edited = submit_form(
        form,
        lambda: organisations.edit(
            organisation,
            organisations.Details(
                name=form.name.data or "",
                short_name=form.short_name.data or "",
                english_name=form.english_name.data or "",
                type=form.type.data,
                credit_code=form.credit_code.data or "",
                region=form.region.data or "",
            ),
            by=current_user,
            reason=form.reason.data or "",
        ),
    )
    if done:
        flash(_("The details of %(org)s have been changed.", org=organisation.name), "success")
        return redirect(url_for(".staff_organisation", org_id=organisation.id))
    return render_template(
        "accounts/staff_organisation_edit.html", organisation=organisation, form=form
    ), form_status(form)


@bp.post("/officer/organisations/<int:org_id>/administrator")
@staff_required
def staff_name_administrator(org_id: int):
    organisation = _organisation_or_404(org_id)
    form = forms.NameAdministratorForm(prefix="name")
    form.membership.choices = [(str(m.id), "") for m in _candidates(organisation)]
    chosen = (
        db.session.get(Membership, int(form.membership.data)) if form.validate_on_submit() else None
    )
    if chosen is None:
        form.membership.errors = [
            _("Choose a member of this organisation, or someone waiting to join.")
        ]
        return _show(organisation, status=422, name_form=form)
    perform(
        lambda: membership.name_administrator(organisation, chosen, by=current_user),
        _(
            "%(name)s is now the administrator of %(org)s.",
            name=chosen.user.name,
            org=organisation.name,
        ),
    )
    return redirect(url_for(".staff_organisation", org_id=organisation.id))
