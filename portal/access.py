"""Who may use a view. Every view declares it with one of these decorators; a test walks the URL
map and fails for any view without one."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal import formstash
from portal.accounts.models import Role

F = TypeVar("F", bound=Callable)
STAFF = (Role.officer, Role.admin)


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


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Logged-in users with one of `roles`; admins may do everything officers may."""
    allowed = set(roles)
    if Role.officer in allowed:
        allowed.add(Role.admin)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return _to_login()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapper.access_rule = "roles:" + ",".join(sorted(r.value for r in allowed))
        return wrapper

    return decorate


staff_required = roles_required(*STAFF)
