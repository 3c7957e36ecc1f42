from __future__ import annotations

import hashlib
import io
import zipfile

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlmodel import select

from portal.access import login_required, public, roles_required, staff_required
from portal.accounts.models import Role
from portal.awards.models import Award
from portal.challenges.models import Challenge
from portal.db import db
from portal.errors import DomainError
from portal.formtools import place_errors
from portal.i18n import gettext as _
from portal.notices import content, forms, queries, services
from portal.notices.models import BatchStatus, Notice, NoticeBatch
from portal.pagecache import cached_private_page
from portal.paging import paginate
from portal.storage import path_of, send_stored
from portal.unit_of_work import submit_form

bp = Blueprint("notices", __name__)


def _notice_or_404(notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None or not queries.can_see(current_user, notice):
        abort(404)
    return notice


def _download_name(notice: Notice) -> str:
    return f"{notice.number}-v{notice.version}.pdf"


@bp.get("/notices/")
@roles_required(Role.applicant, Role.officer)
@cached_private_page
def index():
    notices, page = paginate(queries.notice_list(current_user))
    return render_template("notices/index.html", notices=notices, page=page)


@bp.get("/notices/<int:notice_id>")
@login_required
def show(notice_id: int, form: forms.CorrectionForm | None = None):
    notice = _notice_or_404(notice_id)
    versions = queries.versions_of(notice.number)
    if form is None and current_user.is_staff:
        form = forms.CorrectionForm(language=notice.language)
    return render_template("notices/show.html", notice=notice, versions=versions, form=form)


@bp.get("/notices/<int:notice_id>/download")
@login_required
def download(notice_id: int):
    notice = _notice_or_404(notice_id)
    return send_stored(notice.stored_name, _download_name(notice))


@bp.post("/notices/<int:notice_id>/correct")
@staff_required
def correct(notice_id: int):
    notice = _notice_or_404(notice_id)
    form = forms.CorrectionForm()
    done, corrected = submit_form(
        form,
        lambda: services.correct_notice(
            notice, by=current_user, reason=form.reason.data, language=form.language.data
        ),
    )
    if done:
        flash(
            _(
                "Version %(v)s of notice %(number)s issued.",
                v=corrected.version,
                number=corrected.number,
            ),
            "success",
        )
        return redirect(url_for(".show", notice_id=corrected.id))
    return show(notice_id, form=form), 422


@bp.get("/notices/challenges")
@staff_required
@cached_private_page
def challenges():
    rows, page = paginate(queries.challenges_with_awards())
    return render_template("notices/challenges.html", rows=rows, page=page)


def _challenge_or_404(challenge_id: int) -> Challenge:
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None:
        abort(404)
    return challenge


@bp.get("/notices/challenges/<int:challenge_id>")
@staff_required
def challenge(challenge_id: int, form: forms.IssueForm | None = None):
    challenge = _challenge_or_404(challenge_id)
    rows = queries.challenge_awards(challenge.id)
    pending = sum(1 for award, notice in rows if notice is None)
    batches = db.session.exec(
        select(NoticeBatch)
        .where(NoticeBatch.challenge_id == challenge.id)
        .order_by(NoticeBatch.id.desc())
        .limit(5)
    ).all()
    return render_template(
        "notices/challenge.html",
        challenge=challenge,
        rows=rows,
        pending=pending,
        batches=batches,
        form=form or forms.IssueForm(),
    )


@bp.post("/notices/awards/<int:award_id>/issue")
@staff_required
def issue(award_id: int):
    award = db.session.get(Award, award_id)
    if award is None:
        abort(404)
    form = forms.IssueForm()
    if form.validate_on_submit():
        (award,) = queries.awards_for_notices([award.id])
        try:
            notice = services.issue_notice(award, by=current_user, language=form.language.data)
        except DomainError as exc:
            db.session.rollback()
            place_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Notice %(number)s issued.", number=notice.number), "success")
            return redirect(url_for(".show", notice_id=notice.id))
    return challenge(award.challenge_id, form=form), 422


@bp.post("/notices/challenges/<int:challenge_id>/batch")
@staff_required
def start_batch(challenge_id: int):
    challenge_ = _challenge_or_404(challenge_id)
    form = forms.IssueForm()
    done, batch = submit_form(
        form, lambda: services.start_batch(challenge_, by=current_user, language=form.language.data)
    )
    if done:
        return redirect(url_for(".batch", batch_id=batch.id))
    return challenge(challenge_id, form=form), 422


def _batch_or_404(batch_id: int) -> NoticeBatch:
    batch = db.session.get(NoticeBatch, batch_id)
    if batch is None:
        abort(404)
    return batch


@bp.get("/notices/batches/<int:batch_id>")
@staff_required
def batch(batch_id: int):
    batch_ = _batch_or_404(batch_id)
    notices, page = paginate(queries.batch_notices(batch_.id))
    return render_template("notices/batch.html", batch=batch_, notices=notices, page=page)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.post("/notices/batches/<int:batch_id>/step")
@staff_required
def batch_step(batch_id: int):
    batch_ = _batch_or_404(batch_id)
    if not forms.StepForm().validate_on_submit():
        abort(400)
    try:
        services.run_batch_step(batch_, by=current_user)
    except DomainError as exc:
        db.session.rollback()
        if _wants_json():
            return {"error": exc.message}, 409
        flash(exc.message, "error")
    else:
        db.session.commit()
    if _wants_json():
        return {
            "done": batch_.done,
            "total": batch_.total,
            "failed": len(batch_.failures),
            "finished": batch_.status is BatchStatus.finished,
        }
    return redirect(url_for(".batch", batch_id=batch_.id))


@bp.get("/notices/batches/<int:batch_id>/zip")
@staff_required
def batch_zip(batch_id: int):
    batch_ = _batch_or_404(batch_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for notice in db.session.exec(queries.batch_notices(batch_.id)):
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
    notice = queries.notice_by_code(normalised) if normalised else None
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
    current = next((v for v in versions if v.status.value == "valid"), None)
    return render_template(
        "notices/verify.html",
        notice=notice,
        current=current,
        versions=versions,
        upload=upload,
        match=match,
    ), status
