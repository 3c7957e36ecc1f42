"""The administrators' jobs page: what is queued, running, waiting to retry (with the error),
failed and done, with a button that runs a failed job again; and the mail not sent yet."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user

from portal.access import roles_required
from portal.i18n import gettext as _
from portal.jobs import services as job_services
from portal.operations import queries
from portal.operations.permissions import get_job_or_404
from portal.paging import list_page
from portal.unit_of_work import perform
from portal.vocabulary import JobStatus, Role

bp = Blueprint("operations", __name__)


@bp.get("/admin/jobs")
@roles_required(Role.admin)
def jobs():
    status = JobStatus.__members__.get(request.args.get("status", ""))
    mail, mail_waiting = queries.mail_not_sent(current_user)
    return list_page(
        "admin/jobs.html",
        queries.jobs(current_user, status),
        "jobs",
        status=status,
        counts=queries.counts(),
        states=list(JobStatus),
        mail=mail,
        mail_waiting=mail_waiting,
    )


@bp.post("/admin/jobs/<int:job_id>/retry")
@roles_required(Role.admin)
def retry(job_id: int):
    job = get_job_or_404(job_id, current_user)
    perform(
        lambda: job_services.retry(job, by=current_user),
        _("Job %(id)s is queued again.", id=job_id),
    )
    return redirect(url_for(".jobs", status=request.args.get("status", "")))
