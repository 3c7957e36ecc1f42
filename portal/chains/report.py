"""The periodic evaluation report of a chain: one PDF per chain and quarter, and a workbook with
the same figures.

The PDF is rendered by the notices' renderer (portal/notices/rendering.py: WeasyPrint with its
restricted URL fetcher, which lets a document load only the portal's static files and data:
URLs) from a Jinja template rendered here, in the reader's language. It uses the notices' CJK
fonts (Noto Serif/Sans CJK SC) and carries the charts as SVG data: URLs.
"""

from __future__ import annotations

import io
from decimal import Decimal

from flask import render_template
from openpyxl import Workbook
from openpyxl.styles import Font

from portal import clock
from portal.chains import charts, records
from portal.chains.overview import Overview
from portal.chains.periods import Quarter
from portal.challenges.models import Chain
from portal.i18n import gettext as _
from portal.notices.rendering import data_url, html_to_pdf
from portal.presentation import format_local

WAN = Decimal(10000)


def filename(chain: Chain, quarter: Quarter, extension: str) -> str:
    return f"chain-{chain.id}-evaluation-{quarter}.{extension}"


def behind_schedule(view: Overview) -> list[records.Project]:
    return records.projects_on([link.id for link in view.links], behind_at=view.quarter.as_at())


def pdf(view: Overview) -> bytes:
    figures = [charts.chart_data(view, name) for name in charts.NAMES]
    html = render_template(
        "chains/report.html",
        view=view,
        charts=[
            (data, data_url(charts.svg(data).encode("utf-8"), "image/svg+xml")) for data in figures
        ],
        behind=behind_schedule(view),
        generated=format_local(clock.now()),
    )
    return html_to_pdf(html)


def _number(value):
    """A cell's value: Decimal as a number the spreadsheet can add up, None as empty."""
    return float(value) if isinstance(value, Decimal) else value


def _in_wan(kind: str, value):
    if kind == "money" and value is not None:
        return (Decimal(value) / WAN).quantize(Decimal("0.01"))
    return value


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_number(value) for value in row])
    for index, _title in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = 18
    sheet.column_dimensions["A"].width = 44


def _met(project: records.Project) -> str:
    return f"{project.milestones_met}/{project.milestones_planned}"


def workbook(view: Overview) -> bytes:
    """The report's figures: KPIs against the previous quarter (money in 万元), the links, the
    chokepoints, the projects behind schedule and each chart's table."""
    book = Workbook()
    book.remove(book.active)
    previous = str(view.before.quarter) if view.before else ""
    _sheet(
        book,
        "KPIs",
        ["key", _("Indicator"), _("Unit"), previous, str(view.quarter), _("Change")],
        [
            [
                row.kpi.key,
                str(row.kpi.label),
                "万元" if row.kpi.kind == "money" else ("%" if row.kpi.kind == "percent" else ""),
                _in_wan(row.kpi.kind, row.previous),
                _in_wan(row.kpi.kind, row.value),
                _in_wan(row.kpi.kind, row.change),
            ]
            for row in view.kpis
        ],
    )
    _sheet(
        book,
        "Links",
        [
            _("Link"),
            _("Stage"),
            _("Chokepoint level"),
            _("External dependence (%)"),
            _("Local supporting rate (%)"),
            _("Local firms"),
            _("Open"),
            _("Running"),
            _("Completed"),
            _("Funding awarded (in 10,000 yuan)"),
            _("Funding disbursed (in 10,000 yuan)"),
            _("Resilience index"),
        ],
        [
            [
                line.link.name,
                line.link.stage.value,
                a.chokepoint_level if (a := line.figures.assessment) else None,
                a.external_dependence if a else None,
                a.local_supporting_rate if a else None,
                a.local_firms if a else None,
                line.figures.open,
                line.figures.running,
                line.figures.completed,
                _in_wan("money", line.figures.awarded),
                _in_wan("money", line.figures.disbursed),
                line.resilience,
            ]
            for line in view.lines
        ],
    )
    _sheet(
        book,
        "Chokepoints",
        [_("Link"), _("Chokepoint level"), _("Attacked")],
        [
            [line.link.name, line.figures.assessment.chokepoint_level, _("Yes") if hit else _("No")]
            for hit in (True, False)
            for line in view.chokepoints(attacked=hit)
        ],
    )
    _sheet(
        book,
        "Behind schedule",
        [_("Project"), _("Lead organisation"), _("Challenge"), _("Milestones met")],
        [
            [
                p.title,
                p.lead,
                p.award.challenge.number,
                f"{p.milestones_met}/{p.milestones_planned}",
            ]
            for p in behind_schedule(view)
        ],
    )
    for name in charts.NAMES:
        data = charts.chart_data(view, name)
        _sheet(
            book,
            f"Chart {name}",
            [data.title, *[series for series, _values in data.series]],
            [[label, *values] for label, values in data.rows],
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
