"""The inbox: a person's notifications, read and marked read. Its pages belong to the account
(the notifications module below it only writes and sends them), under the blueprint name
"notifications".
"""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from portal.access import login_required
from portal.notifications import queries, services
from portal.notifications.permissions import get_notification_or_404
from portal.paging import list_page
from portal.parsing import same_site_path
from portal.unit_of_work import perform

bp = Blueprint("notifications", __name__, url_prefix="/inbox")


@bp.get("/")
@login_required
def inbox():
    return list_page("notifications/inbox.html", queries.inbox(current_user), "notes")


@bp.post("/<int:note_id>/open")
@login_required
def open_note(note_id: int):
    note = get_notification_or_404(note_id, current_user)
    perform(lambda: services.mark_read(note))
    return redirect(same_site_path(note.link) or url_for(".inbox"))


@bp.post("/read-all")
@login_required
def read_all():
    perform(lambda: services.mark_all_read(current_user))
    return redirect(url_for(".inbox"))
