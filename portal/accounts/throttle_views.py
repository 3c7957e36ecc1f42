"""The administrators' page of throttled logins: who must wait, and a button to let them in."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from portal.access import roles_required
from portal.accounts import forms, throttling
from portal.i18n import gettext as _
from portal.paging import paginate
from portal.unit_of_work import perform
from portal.vocabulary import Role

bp = Blueprint("throttles", __name__)


@bp.get("/admin/throttles")
@roles_required(Role.admin)
def index():
    rows, page = paginate(throttling.throttled_pairs())
    return render_template(
        "admin/throttles.html",
        pairs=throttling.pair_throttles(rows),
        page=page,
        addresses=throttling.throttled_addresses(),
        form=forms.ClearThrottleForm(),
    )


@bp.post("/admin/throttles/clear")
@roles_required(Role.admin)
def clear():
    form = forms.ClearThrottleForm()
    if not form.validate_on_submit():
        abort(400)
    cleared = form.to_input()
    email, address = cleared["email"], cleared["remote_addr"]
    perform(
        lambda: throttling.clear(by=current_user, **cleared),
        _("%(email)s may log in from %(address)s again at once.", email=email, address=address)
        if email
        else _("Logins from %(address)s are no longer held back.", address=address),
    )
    return redirect(url_for(".index"))
