"""A quarter's link assessments for a whole chain, from an XLSX workbook.

The workbook has a sheet named "assessments" whose first row names the columns (in English or
Chinese, as the template has them) and one row per link below. Every row is checked with the
same rules as the form (services.assessment_problems); a problem is reported with its row, its
column and the column's name, and nothing is written unless every row is right.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from sqlmodel import select

from portal import audit
from portal.accounts.models import User
from portal.chains import services
from portal.chains.models import LinkAssessment
from portal.chains.periods import Quarter
from portal.chains.permissions import can_record
from portal.challenges.models import Chain
from portal.db import db
from portal.errors import DomainError, require
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.i18n import ngettext
from portal.presentation import listing

SHEET = "assessments"
SHEET_NAMES = {SHEET, "环节评估"}
MAX_ROWS = 1000


@dataclass(frozen=True)
class Column:
    key: str
    english: str
    chinese: str
    required: bool = True

    @property
    def heading(self) -> str:
        return f"{self.chinese} {self.english}"

    def named(self, text: object) -> bool:
        name = " ".join(str(text or "").split()).casefold()
        return name in {self.key, self.english.casefold(), self.chinese, self.heading.casefold()}


COLUMNS = (
    Column("link", "Link", "环节"),
    Column("external_dependence", "External dependence (%)", "对外依存度（%）"),
    Column("local_supporting_rate", "Local supporting rate (%)", "本地配套率（%）"),
    Column("local_firms", "Local firms", "本地企业数"),
    Column("chokepoint_level", "Chokepoint level (0-5)", "卡脖子等级（0-5）"),
    Column("source", "Source", "数据来源"),
    Column("note", "Note", "说明", required=False),
)


@dataclass(frozen=True)
class CellProblem:
    row: int | None
    column: str | None  # its letter
    heading: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column is None:
            return _("Row %(row)s: %(message)s", row=self.row, message=self.message)
        return _(
            "Row %(row)s, column %(column)s (%(heading)s): %(message)s",
            row=self.row,
            column=self.column,
            heading=self.heading,
            message=self.message,
        )


class ImportRefused(DomainError):
    """The workbook cannot be imported; `problems` says where and why. Nothing was written."""

    def __init__(self, problems: list[CellProblem]):
        super().__init__(
            ngettext(
                "Nothing was imported: the file has %(num)s problem.",
                "Nothing was imported: the file has %(num)s problems.",
                len(problems),
            ),
            field="file",
        )
        self.problems = problems


NOT_A_NUMBER = _l("Enter a number in this cell, not text.")


def _number(cell) -> Decimal | int | str | None:
    """A cell's number (a percentage cell as its per cent value), None when empty, and the cell's
    text when it holds text instead."""
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    number = Decimal(str(value))
    if "%" in (cell.number_format or ""):
        number *= 100
    return number


def _whole(value):
    """A whole number for the count columns (3.0 is 3); anything else is left for the rules."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _open(data: bytes):
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportRefused(
            [CellProblem(None, None, None, _("This file is not an XLSX workbook."))]
        ) from exc


def _sheet(workbook):
    for name in workbook.sheetnames:
        if name.strip().casefold() in SHEET_NAMES:
            return workbook[name]
    raise ImportRefused(
        [
            CellProblem(
                None,
                None,
                None,
                _(
                    'The workbook has no sheet named "%(sheet)s" (its sheets: %(names)s). '
                    "Start from the template.",
                    sheet=SHEET,
                    names=listing(workbook.sheetnames),
                ),
            )
        ]
    )


def _positions(header) -> dict[str, int]:
    """Each column's position in the header row; missing required columns are refused."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        for column in COLUMNS:
            if column.key not in positions and column.named(cell.value):
                positions[column.key] = index
    missing = [c for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        raise ImportRefused(
            [
                CellProblem(
                    1,
                    None,
                    None,
                    _("The column “%(heading)s” is missing.", heading=column.heading),
                )
                for column in missing
            ]
        )
    return positions


def read_rows(chain: Chain, quarter: str, data: bytes) -> list[tuple[int, object, dict]]:
    """(row number, link, the row's input) for every filled row; ImportRefused with every
    problem found."""
    sheet = _sheet(_open(data))
    rows = sheet.iter_rows()
    header = next(rows, None)
    if header is None:
        raise ImportRefused([CellProblem(None, None, None, _("The sheet is empty."))])
    positions = _positions(header)
    links = {link.name.strip().casefold(): link for link in chain.links}
    taken = set(
        db.all(
            select(LinkAssessment.link_id).where(
                LinkAssessment.period == quarter,
                LinkAssessment.superseded_at.is_(None),
                LinkAssessment.link_id.in_([link.id for link in chain.links]),
            )
        )
    )
    problems: list[CellProblem] = []
    found: list[tuple[int, object, dict]] = []
    seen: dict[int, int] = {}
    flagged: set[tuple[int, str]] = set()

    def problem(row: int, key: str, message: str) -> None:
        if (row, key) in flagged:  # one message per cell: the first says what to fix
            return
        flagged.add((row, key))
        column = next(c for c in COLUMNS if c.key == key)
        letter = get_column_letter(positions[key] + 1) if key in positions else "—"
        problems.append(CellProblem(row, letter, column.heading, str(message)))

    for number, cells in enumerate(rows, start=2):
        values = {key: cells[i] if i < len(cells) else None for key, i in positions.items()}
        if all(cell is None or cell.value in (None, "") for cell in values.values()):
            continue
        if len(found) + len(problems) >= MAX_ROWS:
            problems.append(CellProblem(number, None, None, _("At most %(n)s rows.", n=MAX_ROWS)))
            break
        name = str(values["link"].value or "").strip() if values["link"] else ""
        link = links.get(name.casefold())
        if link is None:
            problem(number, "link", _("“%(name)s” is not a link of this chain.", name=name))
        elif link.id in seen:
            problem(number, "link", _("This link is on row %(row)s already.", row=seen[link.id]))
            link = None
        else:
            seen[link.id] = number
        row: dict = {"period": quarter, "source": "", "note": ""}
        for key in services.FIGURES:
            value = _number(values[key]) if values[key] is not None else None
            if isinstance(value, str):
                problem(number, key, NOT_A_NUMBER)
                value = None
            row[key] = _whole(value) if key in ("local_firms", "chokepoint_level") else value
        for key in ("source", "note"):
            cell = values.get(key)
            row[key] = str(cell.value).strip() if cell is not None and cell.value else ""
        checked = services.assessment_problems(
            services.AssessmentInput(**row), period_taken=link is not None and link.id in taken
        )
        for key, message in checked.items():
            problem(number, "link" if key == "period" else key, message)
        found.append((number, link, row))
    if problems:
        raise ImportRefused(problems)
    if not found:
        raise ImportRefused([CellProblem(None, None, None, _("The sheet has no rows to import."))])
    return found


def import_assessments(chain: Chain, *, quarter: str, data: bytes, by: User, filename: str = ""):
    """Record every row of the workbook as the link's assessment for `quarter`, or nothing."""
    require(can_record(by))
    parsed = Quarter.parse(quarter)
    if parsed is None or parsed.is_future():
        raise ImportRefused([CellProblem(None, None, None, _("Choose a quarter that has begun."))])
    recorded = [
        services.record_assessment(
            link, services.AssessmentInput(**row), by=by, action="link_assessment.imported"
        )
        for _number_, link, row in read_rows(chain, str(parsed), data)
    ]
    audit.record(
        by,
        "chain.assessments_imported",
        chain,
        after={"quarter": str(parsed), "rows": len(recorded), "filename": filename[:200]},
    )
    return recorded


def template(chain: Chain) -> bytes:
    """A workbook to fill in: the sheet, its headings, and one row per link of the chain."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append([column.heading for column in COLUMNS])
    for link in chain.links:
        sheet.append([link.name])
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.heading) + 4)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
