"""The chain's digital brain: the public summary of each chain; the chain page with its map,
KPIs and charts, the link pages and the evaluation report for officers and evaluators; and the
officers' forms for assessments, corrections, supply relations and the workbook import."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.access import public, roles_required, staff_required
from portal.chains import charts, importing, overview, records, report, services
from portal.chains.forms import (
    AssessmentForm,
    CorrectionForm,
    ImportForm,
    PeriodForm,
    RelationForm,
)
from portal.chains.models import LinkAssessment
from portal.chains.periods import Quarter
from portal.chains.permissions import (
    can_record,
    get_assessment_or_404,
    get_chain_or_404,
    get_link_or_404,
    get_relation_or_404,
    visible_chains,
)
from portal.challenges.models import ChainLink
from portal.formtools import first_display, form_status
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.pagecache import cached_public_page
from portal.paging import list_page, paginate
from portal.unit_of_work import form_page, perform, unit_of_work
from portal.vocabulary import Role

bp = Blueprint("chains", __name__, url_prefix="/chains")
BRAIN = (Role.officer, Role.evaluator)
SVG = "image/svg+xml"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _quarter() -> Quarter:
    """The quarter asked for (?period=2026Q1); the current one for anything else."""
    quarter = Quarter.parse(request.args.get("period"))
    return quarter if quarter is not None and not quarter.is_future() else Quarter.current()


def _period_form(quarter: Quarter) -> PeriodForm:
    form = PeriodForm(formdata=None)
    form.period.data = str(quarter)
    return form


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


# ---- everyone ---------------------------------------------------------------------------------


@bp.get("")
@public
def index():
    return list_page("chains/index.html", visible_chains(current_user), "chains")


@bp.get("/<int:chain_id>")
@public
@cached_public_page
def summary(chain_id: int):
    """The public summary: the map, the challenges, and funding awarded and disbursed."""
    chain = get_chain_or_404(chain_id, current_user)
    view = overview.build(chain, Quarter.current(), public=True)
    link_ids = [link.id for link in view.links]
    statement = records.challenges_on(link_ids, staff=False)
    return list_page("chains/summary.html", statement, "challenges", view=view)


@bp.get("/<int:chain_id>/funding.svg")
@public
def summary_funding(chain_id: int):
    chain = get_chain_or_404(chain_id, current_user)
    view = overview.build(chain, Quarter.current(), public=True)
    return Response(charts.svg(charts.funding(view)), mimetype=SVG)


# ---- officers, admins and evaluators --------------------------------------------------------


@bp.get("/<int:chain_id>/brain")
@roles_required(*BRAIN)
def brain(chain_id: int):
    """The chain page: the map, the KPIs against the previous quarter, the resilience index and
    its formula, the links' figures, and the charts with their tables."""
    chain = get_chain_or_404(chain_id, current_user, need="brain")
    quarter = _quarter()
    view = overview.build(chain, quarter)
    return render_template(
        "chains/brain.html",
        view=view,
        period_form=_period_form(quarter),
        charts=[charts.chart_data(view, name) for name in charts.NAMES],
        can_record=can_record(current_user),
    )


@bp.get("/<int:chain_id>/brain/<name>.svg")
@roles_required(*BRAIN)
def chart(chain_id: int, name: str):
    if name not in charts.NAMES:
        abort(404)
    chain = get_chain_or_404(chain_id, current_user, need="brain")
    view = overview.build(chain, _quarter())
    return Response(charts.svg(charts.chart_data(view, name)), mimetype=SVG)


def _report(chain_id: int, extension: str) -> Response:
    """The evaluation report of a quarter: the PDF, or the workbook with the same figures."""
    chain = get_chain_or_404(chain_id, current_user, need="brain")
    quarter = _quarter()
    view = overview.build(chain, quarter)
    content, mimetype = (
        (report.pdf(view), "application/pdf")
        if extension == "pdf"
        else (report.workbook(view), XLSX)
    )
    return _download(content, mimetype, report.filename(chain, quarter, extension))


@bp.get("/<int:chain_id>/brain/report.pdf")
@roles_required(*BRAIN)
def report_pdf(chain_id: int):
    return _report(chain_id, "pdf")


@bp.get("/<int:chain_id>/brain/report.xlsx")
@roles_required(*BRAIN)
def report_xlsx(chain_id: int):
    return _report(chain_id, "xlsx")


@bp.get("/links/<int:link_id>")
@roles_required(*BRAIN)
def link(link_id: int):
    """A link: its figures over the quarters, its assessments (corrections included), its
    challenges, its funded projects and the organisations active in it."""
    chain_link = get_link_or_404(link_id, current_user)
    quarter = _quarter()
    view = overview.build(chain_link.chain, quarter)
    challenges, page = paginate(records.challenges_on([chain_link.id], staff=current_user.is_staff))
    return render_template(
        "chains/link.html",
        view=view,
        chain_link=chain_link,
        history=[(period.quarter, period.links[chain_link.id]) for period in view.history],
        figures=view.now.links[chain_link.id],
        assessments=records.assessments_of(chain_link.id),
        challenges=challenges,
        page=page,
        projects=records.projects_on([chain_link.id]),
        organisations=records.organisations_in([chain_link.id]),
        period_form=_period_form(quarter),
        can_record=can_record(current_user),
    )


# ---- officers and admins ----------------------------------------------------------------------


def _with_period(form, period: str | None = None):
    """The form, its quarter filled on first display: `period`, else the current quarter."""
    if first_display(form):
        form.period.data = period or str(Quarter.current())
    return form


def _assessment_page(form, chain_link: ChainLink, correcting: LinkAssessment | None = None):
    """The form of a link's assessment: a new one, or a correction of `correcting`."""
    return render_template(
        "chains/assessment_form.html", form=form, chain_link=chain_link, correcting=correcting
    )


@bp.route("/links/<int:link_id>/assessments/new", methods=["GET", "POST"])
@staff_required
def new_assessment(link_id: int):
    chain_link = get_link_or_404(link_id, current_user, need="record")
    form = _with_period(AssessmentForm(), request.args.get("period"))
    return form_page(
        form,
        lambda: services.record_assessment(chain_link, form.to_input(), by=current_user),
        lambda: _assessment_page(form, chain_link),
        success=_("The assessment of %(quarter)s is recorded.", quarter=form.period.data),
        to=url_for(".link", link_id=chain_link.id, period=form.period.data),
    )


@bp.route("/assessments/<int:assessment_id>/correct", methods=["GET", "POST"])
@staff_required
def correct_assessment(assessment_id: int):
    assessment = get_assessment_or_404(assessment_id, current_user)
    form = CorrectionForm.for_editing(assessment)
    return form_page(
        form,
        lambda: services.correct_assessment(assessment, **form.to_input(), by=current_user),
        lambda: _assessment_page(form, assessment.link, correcting=assessment),
        success=_("The correction is recorded; the earlier figures are kept."),
        to=url_for(".link", link_id=assessment.link_id, period=assessment.period),
    )


@bp.route("/<int:chain_id>/relations", methods=["GET", "POST"])
@staff_required
def relations(chain_id: int):
    chain = get_chain_or_404(chain_id, current_user, need="record")
    links = records.links_in_order(chain)
    form = RelationForm()
    choices = [(link.id, f"{link.name}") for link in links]
    form.supplier_id.choices = form.customer_id.choices = choices
    return form_page(
        form,
        lambda: services.add_relation(chain, **form.to_input(), by=current_user),
        lambda: render_template(
            "chains/relations.html",
            chain=chain,
            form=form,
            relations=records.relations(chain.id),
            names={link.id: link.name for link in links},
        ),
        success=_("The supply relation is on the map."),
        to=url_for(".relations", chain_id=chain.id),
    )


@bp.post("/<int:chain_id>/relations/<int:relation_id>/remove")
@staff_required
def remove_relation(chain_id: int, relation_id: int):
    chain = get_chain_or_404(chain_id, current_user, need="record")
    relation = get_relation_or_404(chain, relation_id, current_user)
    perform(
        lambda: services.remove_relation(relation, by=current_user),
        _("The supply relation is no longer on the map."),
    )
    return redirect(url_for(".relations", chain_id=chain.id))


@bp.route("/<int:chain_id>/import", methods=["GET", "POST"])
@staff_required
def import_assessments(chain_id: int):
    chain = get_chain_or_404(chain_id, current_user, need="record")
    form = _with_period(ImportForm())

    def run():
        upload = form.file.data
        return importing.import_assessments(
            chain,
            quarter=form.period.data or "",
            data=upload.read(),
            by=current_user,
            filename=upload.filename or "",
        )

    # The unit of work itself, not submit_form: submit_form places a refusal with
    # formtools.place_errors, which would not list the workbook's cells (ImportForm.place_errors).
    done, recorded = False, None
    if form.validate_on_submit():
        done, recorded = unit_of_work(run, form.place_errors)
    if done:
        flash(
            ngettext(
                "%(num)s assessment of %(quarter)s imported.",
                "%(num)s assessments of %(quarter)s imported.",
                len(recorded),
                quarter=form.period.data,
            ),
            "success",
        )
        return redirect(url_for(".brain", chain_id=chain.id, period=form.period.data))
    return render_template(
        "chains/import.html", chain=chain, form=form, columns=importing.COLUMNS
    ), form_status(form)


@bp.get("/<int:chain_id>/import/template.xlsx")
@staff_required
def import_template(chain_id: int):
    chain = get_chain_or_404(chain_id, current_user, need="record")
    return _download(importing.template(chain), XLSX, f"assessments-{chain.id}.xlsx")
