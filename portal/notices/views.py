"""The notices' pages: lists, a notice and its versions, corrections, issuing one by one or in
batches, and the public verification by code.

Each view loads through permissions.get_<thing>_or_404 (the award through the awards module's);
a POST changes state only through a service run by form_page (portal/unit_of_work.py).
"""

from __future__ import annotations

import hashlib
import io
import zipfile

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from portal.access import login_required, public, roles_required, staff_required
from portal.awards.permissions import get_award_or_404
from portal.challenges.models import Challenge
from portal.i18n import gettext as _
from portal.notices import content, forms, queries, services
from portal.notices.models import Notice
from portal.notices.permissions import (
    get_batch_or_404,
    get_challenge_or_404,
    get_notice_or_404,
    notice_to_verify,
)
from portal.paging import list_page
from portal.storage import path_of, send_stored
from portal.unit_of_work import form_page
from portal.vocabulary import BatchStatus, NoticeStatus, Role

bp = Blueprint("notices", __name__)


def _download_name(notice: Notice) -> str:
    return f"{notice.number}-v{notice.version}.pdf"


def _notice_url(notice: Notice) -> str:
    return url_for(".show", notice_id=notice.id)


@bp.get("/notices/")
@roles_required(Role.applicant, Role.officer)
def index():
    return list_page("notices/index.html", queries.notice_list(current_user), "notices")


@bp.get("/notices/<int:notice_id>")
@login_required
def show(notice_id: int):
    notice = get_notice_or_404(notice_id, current_user)
    form = forms.CorrectionForm.from_model(notice) if current_user.is_staff else None
    return _notice_page(notice, form)


def _notice_page(notice: Notice, form: forms.CorrectionForm | None) -> str:
    """A notice with its versions; staff see the form that corrects it."""
    versions = queries.versions_of(notice.number)
    return render_template("notices/show.html", notice=notice, versions=versions, form=form)


@bp.get("/notices/<int:notice_id>/download")
@login_required
def download(notice_id: int):
    notice = get_notice_or_404(notice_id, current_user)
    return send_stored(notice.stored_name, _download_name(notice))


@bp.post("/notices/<int:notice_id>/correct")
@staff_required
def correct(notice_id: int):
    notice = get_notice_or_404(notice_id, current_user, need="correct")
    form = forms.CorrectionForm()
    return form_page(
        form,
        lambda: services.correct_notice(notice, by=current_user, **form.to_input()),
        lambda: _notice_page(notice, form),
        success=lambda corrected: _(
            "Version %(v)s of notice %(number)s issued.",
            v=corrected.version,
            number=corrected.number,
        ),
        to=_notice_url,
    )


@bp.get("/notices/challenges")
@staff_required
def challenges():
    return list_page("notices/challenges.html", queries.challenges_with_awards(), "rows")


@bp.get("/notices/challenges/<int:challenge_id>")
@staff_required
def challenge(challenge_id: int):
    return _challenge_page(get_challenge_or_404(challenge_id, current_user), forms.IssueForm())


def _challenge_page(challenge: Challenge, form: forms.IssueForm) -> str:
    """A challenge's awards with their notices, its latest batches, and the form that issues
    notices."""
    rows = queries.challenge_awards(challenge.id)
    return render_template(
        "notices/challenge.html",
        challenge=challenge,
        rows=rows,
        pending=sum(1 for _award, notice in rows if notice is None),
        batches=queries.recent_batches(challenge.id),
        form=form,
    )


@bp.post("/notices/awards/<int:award_id>/issue")
@staff_required
def issue(award_id: int):
    award = get_award_or_404(award_id, current_user, need="manage", load=queries.award_loading())
    form = forms.IssueForm()
    return form_page(
        form,
        lambda: services.issue_notice(award, by=current_user, **form.to_input()),
        lambda: _challenge_page(get_challenge_or_404(award.challenge_id, current_user), form),
        success=lambda notice: _("Notice %(number)s issued.", number=notice.number),
        to=_notice_url,
    )


@bp.post("/notices/challenges/<int:challenge_id>/batch")
@staff_required
def start_batch(challenge_id: int):
    challenge = get_challenge_or_404(challenge_id, current_user)
    form = forms.IssueForm()
    return form_page(
        form,
        lambda: services.start_batch(challenge, by=current_user, **form.to_input()),
        lambda: _challenge_page(challenge, form),
        to=lambda batch: url_for(".batch", batch_id=batch.id),
    )


@bp.get("/notices/batches/<int:batch_id>")
@staff_required
def batch(batch_id: int):
    batch_ = get_batch_or_404(batch_id, current_user)
    statement = queries.batch_notices(batch_.id)
    return list_page("notices/batch.html", statement, "notices", batch=batch_)


@bp.get("/notices/batches/<int:batch_id>/progress")
@staff_required
def batch_progress(batch_id: int):
    """How far the workers are (the batch page's script asks every few seconds)."""
    batch_ = get_batch_or_404(batch_id, current_user)
    return {
        "done": batch_.done,
        "total": batch_.total,
        "failed": len(batch_.failures),
        "finished": batch_.status is BatchStatus.finished,
    }


@bp.get("/notices/batches/<int:batch_id>/zip")
@staff_required
def batch_zip(batch_id: int):
    batch_ = get_batch_or_404(batch_id, current_user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for notice in queries.every_notice_of(batch_.id):
            archive.write(path_of(notice.stored_name), _download_name(notice))
    buffer.seek(0)
    return send_file(
        buffer,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"notices-{batch_.challenge.number}-batch{batch_.id}.zip",
        max_age=0,
    )


# ---- public verification -------------------------------------------------------------------


@bp.get("/verify")
@public
def verify_form():
    form = forms.CodeForm(request.args)
    if request.args and form.validate():
        return redirect(url_for(".verify", code=content.normalise_code(form.code.data)))
    status = 422 if request.args else 200
    return render_template("notices/verify_form.html", form=form), status


@bp.route("/verify/<code>", methods=["GET", "POST"])
@public
def verify(code: str):
    normalised = content.normalise_code(code)
    notice = notice_to_verify(normalised) if normalised else None
    if notice is None:
        form = forms.CodeForm(code=code)
        return render_template("notices/verify_form.html", form=form, unknown=code), 404
    if normalised != code:
        return redirect(url_for(".verify", code=normalised))
    upload = forms.UploadForm()
    match = None
    status = 200
    if request.method == "POST":
        if upload.validate_on_submit():
            limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
            digest = hashlib.sha256(upload.file.data.stream.read(limit + 1)).hexdigest()
            match = digest == notice.sha256
        else:
            status = 422
    versions = queries.versions_of(notice.number)
    current = next((v for v in versions if v.status is NoticeStatus.valid), None)
    return render_template(
        "notices/verify.html",
        notice=notice,
        current=current,
        versions=versions,
        upload=upload,
        match=match,
    ), status
