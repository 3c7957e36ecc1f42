"""Ranking and scores as CSV (UTF-8 with a byte-order mark, for spreadsheet programs) and XLSX.

Officers get names; an expert's own export follows the challenge's blind review.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from flask import Response
from openpyxl import Workbook

from portal.challenges.models import Challenge
from portal.i18n import gettext as _
from portal.reviews.blind import names_of, redact_text
from portal.reviews.models import Review, Score
from portal.reviews.queries import all_scores
from portal.reviews.ranking import Ranking

Table = tuple[list[str], list[Sequence[object]]]


def _num(value: float | None) -> object:
    return round(value, 2) if value is not None else ""


def ranking_table(result: Ranking) -> Table:
    header = [
        _("Rank"),
        _("Proposal"),
        _("Title"),
        _("Lead organisation"),
        _("Status"),
        _("Reviews"),
        _("Mean"),
        _("Trimmed mean"),
        _("Median"),
        _("Standard deviation (sample)"),
        _("Mean z-score"),
        _("Spread"),
        _("Divergent"),
        _("Score"),
        _("Passes the pass mark"),
    ]
    rows = [
        [
            r.rank,
            r.proposal.id,
            r.proposal.title,
            r.proposal.lead_org_name,
            r.proposal.status.label,
            r.n,
            _num(r.mean),
            _num(r.trimmed_mean),
            _num(r.median),
            _num(r.sd),
            _num(r.z_mean),
            _num(r.spread),
            _("yes") if r.divergent else _("no"),
            _num(r.score),
            _("yes") if r.passes else _("no"),
        ]
        for r in result.rows
    ]
    return header, rows


def _score_header() -> list[str]:
    return [
        _("Criterion"),
        _("Weight"),
        _("Score"),
        _("Comment"),
        _("Review total"),
        _("Recommendation"),
        _("Overall comment"),
    ]


def _each_score(reviews) -> Iterator[tuple[Review, Score]]:
    """Every score of `reviews`, each review's in the order of the rubric."""
    for review in reviews:
        for score in sorted(review.scores, key=lambda s: s.criterion.position):
            yield review, score


def _score_cells(review: Review, score: Score, clean=lambda text: text) -> list[object]:
    """The columns of `_score_header` for one score; `clean` takes names out of what the expert
    wrote."""
    return [
        score.criterion.name,
        score.criterion.weight,
        float(score.value) if score.value is not None else "",
        clean(score.comment),
        float(review.total) if review.total is not None else "",
        review.recommendation.label if review.recommendation else "",
        clean(review.overall_comment),
    ]


def scores_table(challenge: Challenge) -> Table:
    """Every score of every submitted review, with the expert's name (officers only)."""
    header = [_("Proposal"), _("Title"), _("Lead organisation"), _("Expert"), *_score_header()]
    rows = [
        [
            review.assignment.proposal.id,
            review.assignment.proposal.title,
            review.assignment.proposal.lead_org.name,
            review.assignment.expert.name,
            *_score_cells(review, score),
        ]
        for review, score in _each_score(all_scores(challenge))
    ]
    return header, rows


def my_scores_table(challenge: Challenge, expert) -> Table:
    """An expert's own reviews; in blind review no name of the consortium appears."""
    header = [_("Proposal"), _("Title"), _("Status"), *_score_header()]
    rows = []
    for review in all_scores(challenge, expert=expert):
        proposal = review.assignment.proposal
        names = names_of(proposal) if challenge.blind_review else []

        def clean(text: str, names=names) -> str:
            return redact_text(text, names) if names else text

        rows += [
            [
                proposal.id,
                clean(proposal.title),
                review.status.label,
                *_score_cells(review, s, clean),
            ]
            for _review, s in _each_score([review])
        ]
    return header, rows


def _safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def csv_response(table: Table, filename: str) -> Response:
    header, rows = table
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[_safe_cell(v) for v in row] for row in rows])
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
    )


def xlsx_response(table: Table, filename: str, sheet: str) -> Response:
    header, rows = table
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append(header)
    for row in rows:
        ws.append([_safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return Response(
        out.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'},
    )
