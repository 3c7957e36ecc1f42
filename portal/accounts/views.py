"""Logging in and out, registering, one's own account, and the admins' pages of accounts and
the audit trail (the organisation's pages are in organisation_views.py, staff's in
staff_views.py, the links sent by e-mail in recovery_views.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user

from portal.access import login_required, public, roles_required
from portal.accounts import forms, queries, registration, services, sessions
from portal.accounts.permissions import get_user_or_404
from portal.formtools import PortalForm, form_status
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.paging import list_page
from portal.parsing import safe_next
from portal.unit_of_work import form_page, perform, submit_form
from portal.vocabulary import Role

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """A refused login answers 401; the attempt it recorded is committed all the same
    (LoginRefused keeps its changes), so that throttling counts it."""
    form = forms.LoginForm()
    remote_addr = request.remote_addr or ""
    done, user = submit_form(
        form, lambda: services.authenticate(**form.to_input(), remote_addr=remote_addr)
    )
    if not done:
        return render_template("accounts/login.html", form=form), 401 if form.form_errors else 200
    lang = session.get("lang") or user.language
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    sessions.start()
    flash(_("Welcome, %(name)s.", name=user.name), "success")
    return redirect(safe_next(url_for("pages.home")))


@bp.post("/logout")
@login_required
def logout():
    done, _result = perform(lambda: services.log_out(current_user))
    if done:
        sessions.end()
        flash(_("You have logged out."), "success")
    return redirect(url_for("pages.home"))


@bp.get("/register")
@public
def register():
    return render_template("accounts/register_choice.html")


def _confirmation_sent(email: str) -> str:
    """The answer to a registration, the same whether or not the address has an account."""
    return _(
        "We have sent an e-mail to %(email)s. Open the link in it to confirm your address, "
        "then log in.",
        email=services.normalise_email(email),
    )


class _Registration(NamedTuple):
    """A kind of account that people register themselves (the page is
    accounts/register_<kind>.html)."""

    form: type[PortalForm]
    register: Callable[..., Any]  # the service: register(**form.to_input())
    then: str  # the endpoint the new person goes to
    also_said: tuple[str, ...] = ()  # flashed after the word that a confirmation link was sent


_REGISTRATIONS = {
    "applicant": _Registration(
        forms.ApplicantRegistrationForm, registration.register_applicant, then=".login"
    ),
    "expert": _Registration(
        forms.ExpertRegistrationForm,
        registration.register_expert,
        then="pages.home",
        also_said=(_l("Thank you. An administrator will activate your expert account."),),
    ),
}


@bp.route(f"/register/<any({','.join(_REGISTRATIONS)}):kind>", methods=["GET", "POST"])
@public
def register_as(kind: str):
    chosen = _REGISTRATIONS[kind]
    form = chosen.form()
    return form_page(
        form,
        lambda: chosen.register(**form.to_input()),
        lambda: render_template(f"accounts/register_{kind}.html", form=form),
        success=lambda _user: (_confirmation_sent(form.email.data), *chosen.also_said),
        to=url_for(chosen.then),
    )


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = forms.PasswordChangeForm()
    done, _changed = submit_form(
        form, lambda: services.change_password(current_user, **form.to_input())
    )
    if done:
        login_user(current_user)  # the session carries the account's new version
        flash(_("Your password has been changed."), "success")
        return redirect(url_for(".account"))
    return render_template(
        "accounts/account.html",
        form=form,
        email_form=forms.AddressChangeForm(prefix=forms.ADDRESS_PREFIX),
    ), form_status(form)


# ---- administration -----------------------------------------------------------------------------


@bp.get("/admin/users")
@roles_required(Role.admin)
def admin_users():
    search = forms.UserSearchForm(request.args)
    return list_page(
        "admin/users.html",
        queries.users_for(current_user, **search.filters()),
        "users",
        search=search,
        role_form=forms.RoleForm(),
        confirm=forms.ConfirmForm(),
    )


@bp.post("/admin/users/<int:user_id>/active")
@roles_required(Role.admin)
def admin_set_active(user_id: int):
    user = get_user_or_404(user_id, current_user)
    active = request.form.get("active") == "1"
    perform(
        lambda: services.set_active(user, active, by=current_user),
        _("%(email)s is now active.", email=user.email)
        if active
        else _("%(email)s has been deactivated.", email=user.email),
    )
    return redirect(url_for(".admin_users"))


@bp.post("/admin/users/<int:user_id>/role")
@roles_required(Role.admin)
def admin_set_role(user_id: int):
    user = get_user_or_404(user_id, current_user)
    form = forms.RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a valid role."), "error")
        return redirect(url_for(".admin_users"))
    role = form.to_input()["role"]
    perform(
        lambda: services.set_role(user, role, by=current_user),
        _("The role of %(email)s is now %(role)s.", email=user.email, role=role.label),
    )
    return redirect(url_for(".admin_users"))


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(Role.admin)
def admin_create_user():
    form = forms.CreateUserForm()
    return form_page(
        form,
        lambda: services.create_user(by=current_user, **form.to_input()),
        lambda: render_template("admin/user_new.html", form=form),
        success=lambda user: _("Account %(email)s created.", email=user.email),
        to=url_for(".admin_users"),
    )


@bp.get("/admin/audit")
@roles_required(Role.admin)
def admin_audit():
    filters = forms.AuditFilterForm(request.args)
    events = queries.audit_trail(current_user, **filters.filters())
    return list_page("admin/audit.html", events, "events", size=50, filters=filters)
