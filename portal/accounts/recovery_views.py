"""Pages of the links sent by e-mail: confirming an address, a new password, a new address.

A link that cannot be used (forged, expired, already used) shows why, answers 404 and writes
nothing. Asking for a link answers the same whether or not the address has an account.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_user

from portal.access import login_required, public, writes
from portal.accounts import forms, recovery, tokens
from portal.accounts.views import bp
from portal.formtools import form_status
from portal.i18n import gettext as _
from portal.unit_of_work import form_page, submit_form, unit_of_work


def _unusable(exc: tokens.TokenUnusable, again_endpoint: str):
    return render_template(
        "accounts/link_unusable.html", message=str(exc), again=url_for(again_endpoint)
    ), 404


@bp.get("/confirm/<token>")
@public
@writes
def confirm_address(token: str):
    refused: list[tokens.TokenUnusable] = []
    done, user = unit_of_work(lambda: recovery.confirm_address(token), refused.append)
    if not done:
        return _unusable(refused[0], ".resend_confirmation")
    flash(_("Your e-mail address %(email)s is confirmed.", email=user.email), "success")
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    return redirect(url_for(".login"))


def _link_page(send: Callable[..., None], page: str, sent: Callable[[], str]):
    """A page (accounts/<page>.html) that asks for an address and e-mails it a link: once sent,
    it says `sent()`, the same whether or not the address has an account."""
    form = forms.EmailForm()
    return form_page(
        form,
        lambda: send(**form.to_input()),
        lambda: render_template(f"accounts/{page}.html", form=form),
        success=sent(),
        to=url_for(".login"),
    )


def _confirmation_link_sent() -> str:
    return _(
        "If an account with this address is waiting for confirmation, we have sent a "
        "new link to it."
    )


@bp.route("/confirm", methods=["GET", "POST"])
@public
def resend_confirmation():
    return _link_page(
        recovery.resend_address_confirmation, "resend_confirmation", _confirmation_link_sent
    )


def _reset_link_sent() -> str:
    return _(
        "If an account has this address, we have sent it a link to choose a new "
        "password. The link works once, for %(minutes)s minutes.",
        minutes=current_app.config["PASSWORD_RESET_MINUTES"],
    )


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    return _link_page(recovery.request_password_reset, "forgot_password", _reset_link_sent)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    try:
        recovery.password_reset_user(token)
    except tokens.TokenUnusable as exc:
        return _unusable(exc, ".forgot_password")
    form = forms.NewPasswordForm()
    return form_page(
        form,
        lambda: recovery.reset_password(token, **form.to_input()),
        lambda: render_template("accounts/reset_password.html", form=form),
        success=_("Your password has been changed. Log in with the new one."),
        to=url_for(".login"),
    )


@bp.post("/account/email")
@login_required
def change_address():
    form = forms.AddressChangeForm(prefix=forms.ADDRESS_PREFIX)
    return form_page(
        form,
        lambda: recovery.request_address_change(current_user, **form.to_input()),
        lambda: render_template(
            "accounts/account.html", form=forms.PasswordChangeForm(formdata=None), email_form=form
        ),
        success=lambda new_email: _(
            "We have sent a link to %(email)s. Your address changes when you open it.",
            email=new_email,
        ),
        to=url_for(".account"),
    )


@bp.route("/account/email/<token>", methods=["GET", "POST"])
@public
def confirm_address_change(token: str):
    try:
        user, new_email = recovery.address_change(token)
    except tokens.TokenUnusable as exc:
        return _unusable(exc, ".account")
    form = forms.ConfirmForm()
    signed_in = current_user.is_authenticated and current_user.id == user.id
    done, _user = submit_form(form, lambda: recovery.confirm_address_change(token))
    if done:
        flash(_("Your e-mail address is now %(email)s.", email=new_email), "success")
        if signed_in:
            login_user(user)  # this session carries the account's new version; others end
            return redirect(url_for(".account"))
        return redirect(url_for(".login"))
    return render_template(
        "accounts/confirm_address_change.html", form=form, user=user, new_email=new_email
    ), form_status(form)
