"""The periodic evaluation report: a PDF in Chinese with the KPIs and charts, and a workbook
with the same numbers as the chain page."""

from __future__ import annotations

import io
import re
import subprocess
from decimal import Decimal

from openpyxl import load_workbook

WAN = Decimal(10000)


def page_values(html: str) -> dict[str, tuple[str, str]]:
    rows = re.findall(
        r'<tr data-kpi="(\w+)">.*?data-previous="([^"]*)".*?data-value="([^"]*)"', html, re.S
    )
    return {key: (previous, value) for key, previous, value in rows}


def test_the_pdf_report_renders_in_chinese_with_kpis_and_charts(
    client, login, officer, story_chain, tmp_path
):
    """Given the story chain, when the officer downloads the second quarter's report in Chinese,
    then the PDF's text names the KPIs with their values, the chokepoints attacked and not, the
    project behind schedule, and the charts' titles and labels (drawn as text, not pictures)."""
    login(officer.email)
    client.get("/language/zh?next=/")
    response = client.get(f"/chains/{story_chain.chain.id}/brain/report.pdf?period=2026Q2")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "chain-1-evaluation-2026Q2.pdf" in response.headers["Content-Disposition"]
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    squeezed = re.sub(r"\s+", " ", text)
    for words in (
        "Story chain产业链评估报告（2026年第2季度）",
        "立项资金",
        "2,700.00 万元",  # 800 + 900 + 700 + 300 万元 awarded by the end of the quarter
        "已拨付资金",
        "750.00 万元",
        "韧性指数",
        "已攻关卡脖子环节",
        "尚未攻关",
        "Modules",  # the chokepoint nobody attacks
        "进度滞后项目",
        story_chain.proposals["p5"].title,  # past due and not accepted
        "季度趋势",  # the charts' titles, drawn as text
        "沿链资金分布（万元）",
        "立项联合体成员类型构成",
        "里程碑按期通过率",
    ):
        assert words in squeezed, words
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", pages).group(1)) >= 3
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "Noto-Serif-CJK-SC" in fonts and "Noto-Sans-CJK-SC" in fonts  # as the notices


def test_the_workbook_holds_the_numbers_of_the_page(client, login, evaluator, story_chain):
    """Given the chain page of a quarter, the workbook of that quarter has the same KPIs, this
    quarter's and the one before, money in 万元."""
    login(evaluator.email)
    chain_id = story_chain.chain.id
    shown = page_values(
        client.get(f"/chains/{chain_id}/brain?period=2026Q2").get_data(as_text=True)
    )
    response = client.get(f"/chains/{chain_id}/brain/report.xlsx?period=2026Q2")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert {"KPIs", "Links", "Chokepoints", "Behind schedule"} <= set(book.sheetnames)
    sheet = book["KPIs"]
    header = [cell.value for cell in sheet[1]]
    assert header[3:5] == ["2026Q1", "2026Q2"]
    in_book = {
        row[0]: (row[2], row[3], row[4]) for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert set(in_book) == set(shown)

    def as_shown(unit, value) -> str:
        if value is None:
            return ""
        number = Decimal(str(value))
        return str(number * WAN) if unit == "万元" else str(number)

    for key, (previous, value) in shown.items():
        unit, book_previous, book_value = in_book[key]
        assert Decimal(as_shown(unit, book_value) or 0) == Decimal(value or 0), key
        assert Decimal(as_shown(unit, book_previous) or 0) == Decimal(previous or 0), key
        assert (book_value is None) == (value == ""), key
    links = {row[0]: row for row in book["Links"].iter_rows(min_row=2, values_only=True)}
    assert links["Wafers"][2] == 4 and links["Modules"][2] == 3
    behind = [row[0] for row in book["Behind schedule"].iter_rows(min_row=2, values_only=True)]
    assert behind == [story_chain.proposals["p5"].title]
