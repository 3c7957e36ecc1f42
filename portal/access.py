"""Who may use a view. Every view declares it with one of these decorators; a test walks the URL
map and fails for any view without one."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal import formstash
from portal.vocabulary import Role

F = TypeVar("F", bound=Callable)
STAFF = (Role.officer, Role.admin)


def writes(view: F) -> F:
    """Marks a GET view that writes (such as the language switch): on SQLite its transaction
    begins IMMEDIATE, as a POST's does (see portal.db.sqlite_begin)."""
    view.writes_to_database = True
    return view


def public(view: F) -> F:
    """Anyone, logged in or not."""
    view.access_rule = "public"
    return view


def _to_login():
    if request.method == "POST":  # a form sent after the login ended: what was typed is kept
        return formstash.after_ended_session()
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def login_required(view: F) -> F:
    """Any logged-in user."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return _to_login()
        return view(*args, **kwargs)

    wrapper.access_rule = "login"
    return wrapper


def _without_organisation():
    """An applicant who speaks for no organisation (waiting for approval, refused, removed):
    a page about one object answers 404, as for anyone it is not shared with; a page of their
    own (a dashboard) sends them to the page that says whom they wait for or how to join."""
    if request.view_args:
        abort(404)
    return redirect(url_for("accounts.my_membership"))


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Logged-in users with one of `roles`; admins may do everything officers may. Applicants
    must be approved members of an organisation (see `_without_organisation`). Others are
    refused with 403, except evaluators: outsiders who read the chains' figures, they are
    answered 404 by every page not meant for them, so that nothing of the programme's
    proposals, reviews or projects is revealed to them, not even that such a page exists."""
    allowed = set(roles)
    if Role.officer in allowed:
        allowed.add(Role.admin)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return _to_login()
            if current_user.role not in allowed:
                abort(404 if current_user.role is Role.evaluator else 403)
            if current_user.role is Role.applicant and current_user.organisation_id is None:
                return _without_organisation()
            return view(*args, **kwargs)

        wrapper.access_rule = "roles:" + ",".join(sorted(r.value for r in allowed))
        return wrapper

    return decorate


staff_required = roles_required(*STAFF)
