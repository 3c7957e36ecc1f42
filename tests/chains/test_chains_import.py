"""A quarter's assessments for a whole chain, imported from a workbook: all rows or none."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from portal.audit import AuditEvent
from portal.chains.importing import COLUMNS
from portal.chains.models import LinkAssessment
from portal.db import db

HEADINGS = [column.heading for column in COLUMNS]


def workbook(rows: list[list], *, sheet: str = "assessments", headings=HEADINGS) -> bytes:
    book = Workbook()
    page = book.active
    page.title = sheet
    page.append(headings)
    for row in rows:
        page.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, chain_id: int, content: bytes, period: str = "2026Q2"):
    return client.post(
        f"/chains/{chain_id}/import",
        data={"period": period, "file": (io.BytesIO(content), "assessments.xlsx")},
        content_type="multipart/form-data",
    )


def assessments(app) -> int:
    with app.app_context():
        return db.session.exec(select(func.count()).select_from(LinkAssessment)).one()


@pytest.fixture
def chain(chain_of):
    return chain_of(3, name="链", assessed=False)


def test_a_valid_workbook_records_every_row(app, client, login, officer, chain):
    """Given the template filled in, when an officer imports it for a quarter, then each link has
    its assessment for that quarter, recorded by the officer and audited."""
    login(officer.email)
    template = client.get(f"/chains/{chain.chain.id}/import/template.xlsx")
    assert template.status_code == 200
    names = list(chain.links)
    rows = [
        [names[0], 80, 10, 4, 5, "海关数据"],
        [names[1], 55.5, 20.25, 12, 3, "协会调研", "含两家新企业"],
        [names[2], 0.3, 0.6, 0, 0, "Survey"],
    ]
    response = upload(client, chain.chain.id, workbook(rows), period="2026Q1")
    assert response.status_code == 302
    with app.app_context():
        recorded = db.session.exec(
            select(LinkAssessment).where(LinkAssessment.period == "2026Q1")
        ).all()
        by_link = {row.link_id: row for row in recorded}
        audit = db.session.exec(
            select(AuditEvent.action)
            .where(AuditEvent.action.like("%import%"))
            .order_by(AuditEvent.id)
        ).all()
    assert len(recorded) == 3
    second = by_link[chain.links[names[1]].id]
    assert (second.external_dependence, second.local_supporting_rate) == (
        pytest.approx(55.5),
        pytest.approx(20.25),
    )
    assert (second.local_firms, second.chokepoint_level, second.note) == (12, 3, "含两家新企业")
    assert {r.recorded_by_id for r in recorded} == {officer.id}
    assert sorted(audit) == ["chain.assessments_imported", *["link_assessment.imported"] * 3]


def test_a_percentage_cell_counts_as_its_per_cent(app, client, login, officer, chain):
    book = Workbook()
    page = book.active
    page.title = "assessments"
    page.append(HEADINGS)
    page.append([next(iter(chain.links)), 0.8, 0.1, 2, 4, "Survey"])
    page["B2"].number_format = "0%"
    page["C2"].number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    login(officer.email)
    assert upload(client, chain.chain.id, out.getvalue()).status_code == 302
    with app.app_context():
        row = db.session.exec(select(LinkAssessment)).one()
    assert (row.external_dependence, row.local_supporting_rate) == (80, 10)


def test_a_workbook_with_bad_cells_names_each_and_writes_nothing(
    app, client, login, officer, chain
):
    """Given a workbook with a bad cell in several rows, when it is imported, then the page
    names each bad cell by row, column and heading, and no row at all is recorded (not even
    the good ones)."""
    names = list(chain.links)
    login(officer.email)
    existing = client.post(
        f"/chains/links/{chain.links[names[2]].id}/assessments/new",
        data={
            "period": "2026Q2",
            "external_dependence": "10",
            "local_supporting_rate": "10",
            "local_firms": "1",
            "chokepoint_level": "0",
            "source": "Survey",
        },
    )
    assert existing.status_code == 302
    rows = [
        [names[0], 120, 10, 4, 5, "Survey"],  # B2: over 100
        [names[1], 60, 50, 4, 3, "Survey"],  # C3: 60 + 50 > 100
        ["不存在的环节", 10, 10, "many", 9, ""],  # A4, D4 text, E4 level, F4 source
        [names[0], 10, 10, 1, 1, "Survey"],  # A5: the same link twice
        [names[2], 10, 10, 1, 1, "Survey"],  # A6: the quarter is recorded already
    ]
    response = upload(client, chain.chain.id, workbook(rows))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    cells = set(re_cells(html))
    assert cells == {"2B", "3C", "4A", "4D", "4E", "4F", "5A", "6A"}
    assert (
        "Row 4, column D (本地企业数 Local firms): Enter a number in this cell, not text." in html
    )
    assert "Nothing was imported" in html
    assert assessments(app) == 1  # only the one recorded through the form


def re_cells(html: str) -> list[str]:
    return [
        row + column for row, column in re.findall(r'data-row="(\d+)" data-column="([A-Z]+)"', html)
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (lambda links: workbook([[links[0], 1, 1, 1, 1, "S"]], sheet="Sheet1"), "no sheet named"),
        (
            lambda links: workbook([[links[0], 1, 1]], headings=HEADINGS[:3]),
            "The column “本地企业数 Local firms” is missing.",
        ),
        (lambda links: b"%PDF-1.7 not a workbook", "This file is not an XLSX workbook."),
        (lambda links: b"PK\x03\x04 broken zip", "This file is not an XLSX workbook."),
        (lambda links: workbook([]), "The sheet has no rows to import."),
    ],
    ids=["wrong sheet", "missing columns", "not a workbook", "broken zip", "no rows"],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_message(
    app, client, login, officer, chain, content, message
):
    login(officer.email)
    response = upload(client, chain.chain.id, content(list(chain.links)))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert assessments(app) == 0


def test_a_future_quarter_cannot_be_imported(app, client, login, officer, chain):
    login(officer.email)
    rows = [[next(iter(chain.links)), 1, 1, 1, 1, "S"]]
    response = upload(client, chain.chain.id, workbook(rows), period="2099Q1")
    assert response.status_code == 422
    assert "Choose a quarter that has begun." in response.get_data(as_text=True)
    assert assessments(app) == 0
