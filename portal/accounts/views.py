from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from sqlalchemy.orm import selectinload
from sqlmodel import or_, select

from portal.access import login_required, public, roles_required
from portal.accounts import forms, registration, services, sessions
from portal.accounts.models import Role, User
from portal.audit import AuditEvent
from portal.db import db
from portal.errors import DomainError
from portal.formtools import form_status
from portal.i18n import gettext as _
from portal.pagecache import cached_private_page
from portal.paging import paginate
from portal.parsing import safe_next
from portal.unit_of_work import perform, submit_form

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = forms.LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data, form.password.data, request.remote_addr or ""
            )
        except services.LoginRefused as exc:
            db.session.commit()  # the failed attempt counts
            form.form_errors.append(str(exc))
            return render_template("accounts/login.html", form=form), 401
        db.session.commit()
        lang = session.get("lang") or user.language
        session.clear()
        if lang:
            session["lang"] = lang
        login_user(user)
        sessions.start()
        flash(_("Welcome, %(name)s.", name=user.name), "success")
        return redirect(safe_next(url_for("pages.home")))
    return render_template("accounts/login.html", form=form)


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


def _confirmation_sent(email: str) -> None:
    """The answer to a registration, the same whether or not the address has an account."""
    flash(
        _(
            "We have sent an e-mail to %(email)s. Open the link in it to confirm your address, "
            "then log in.",
            email=services.normalise_email(email),
        ),
        "success",
    )


@bp.route("/register/applicant", methods=["GET", "POST"])
@public
def register_applicant():
    form = forms.ApplicantRegistrationForm()
    done, _user = submit_form(
        form,
        lambda: registration.register_applicant(
            name=form.name.data,
            email=form.email.data,
            password=form.password.data,
            credit_code=form.credit_code.data,
            org_name=form.org_name.data or "",
            org_type=form.org_type.data,
            org_region=form.org_region.data or "",
        ),
    )
    if done:
        _confirmation_sent(form.email.data)
        return redirect(url_for(".login"))
    return render_template("accounts/register_applicant.html", form=form), form_status(form)


@bp.route("/register/expert", methods=["GET", "POST"])
@public
def register_expert():
    form = forms.ExpertRegistrationForm()
    done, _user = submit_form(
        form,
        lambda: registration.register_expert(
            name=form.name.data,
            email=form.email.data,
            password=form.password.data,
            affiliation=form.affiliation.data,
            affiliation_code=form.affiliation_code.data or "",
            expertise=form.expertise.data,
        ),
    )
    if done:
        _confirmation_sent(form.email.data)
        flash(_("Thank you. An administrator will activate your expert account."), "success")
        return redirect(url_for("pages.home"))
    return render_template("accounts/register_expert.html", form=form), form_status(form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = forms.PasswordChangeForm()
    done, _changed = submit_form(
        form,
        lambda: services.change_password(
            current_user, current=form.current.data, new=form.password.data
        ),
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


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/admin/users")
@roles_required(Role.admin)
@cached_private_page
def admin_users():
    search = forms.UserSearchForm(request.args)
    statement = select(User).order_by(User.created_at.desc(), User.id.desc())
    if search.validate():
        if search.q.data:
            pattern = f"%{search.q.data.strip().lower()}%"
            statement = statement.where(or_(User.email.like(pattern), User.name.ilike(pattern)))
        if search.role.data:
            statement = statement.where(User.role == Role(search.role.data))
        if search.state.data:
            statement = statement.where(User.active.is_(search.state.data == "active"))
    users, page = paginate(statement.options(selectinload(User.organisation)))
    return render_template(
        "admin/users.html",
        users=users,
        page=page,
        search=search,
        role_form=forms.RoleForm(),
        confirm=forms.ConfirmForm(),
    )


@bp.post("/admin/users/<int:user_id>/active")
@roles_required(Role.admin)
def admin_set_active(user_id: int):
    user = _user_or_404(user_id)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.set_active(user, request.form.get("active") == "1", by=current_user)
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(
            _("%(email)s is now active.", email=user.email)
            if user.active
            else _("%(email)s has been deactivated.", email=user.email),
            "success",
        )
    return redirect(url_for(".admin_users"))


@bp.post("/admin/users/<int:user_id>/role")
@roles_required(Role.admin)
def admin_set_role(user_id: int):
    user = _user_or_404(user_id)
    form = forms.RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a valid role."), "error")
        return redirect(url_for(".admin_users"))
    try:
        services.set_role(user, Role(form.role.data), by=current_user)
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(
            _("The role of %(email)s is now %(role)s.", email=user.email, role=user.role.value),
            "success",
        )
    return redirect(url_for(".admin_users"))


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(Role.admin)
def admin_create_user():
    form = forms.CreateUserForm()
    done, user = submit_form(
        form,
        lambda: services.create_user(
            by=current_user,
            name=form.name.data,
            email=form.email.data,
            password=form.password.data,
            role=Role(form.role.data),
            affiliation=form.affiliation.data or "",
        ),
    )
    if done:
        flash(_("Account %(email)s created.", email=user.email), "success")
        return redirect(url_for(".admin_users"))
    return render_template("admin/user_new.html", form=form), form_status(form)


@bp.get("/admin/audit")
@roles_required(Role.admin)
@cached_private_page
def admin_audit():
    filters = forms.AuditFilterForm(request.args)
    statement = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if filters.validate():
        if filters.action.data:
            statement = statement.where(AuditEvent.action.like(f"{filters.action.data.strip()}%"))
        if filters.actor.data:
            statement = statement.where(
                AuditEvent.actor_email == services.normalise_email(filters.actor.data)
            )
        if filters.object_type.data:
            statement = statement.where(AuditEvent.object_type == filters.object_type.data.strip())
    events, page = paginate(statement, size=50)
    return render_template("admin/audit.html", events=events, page=page, filters=filters)
