"""Every list page is paginated the same way: a Select, a page number from the query string."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import current_app, render_template, request
from sqlmodel import func, select

from portal.db import db
from portal.parsing import parse_whole


@dataclass(frozen=True)
class Page:
    """Which slice of a list a page shows; `page` is 1-based and clamped to what exists (a
    `page=` that is not a number is the first page)."""

    number: int
    size: int
    total: int

    @classmethod
    def from_request(cls, total: int, size: int | None = None) -> Page:
        size = size or current_app.config["PAGE_SIZE"]
        number = parse_whole(request.args.get("page"), low=1) or 1
        pages = max(1, math.ceil(total / size))
        return cls(number=min(number, pages), size=size, total=total)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def url_for_page(number: int) -> str:
    args = request.args.to_dict()
    args["page"] = str(number)
    return request.path + "?" + urlencode(args)


def count(statement) -> int:
    """How many rows `statement` selects."""
    return db.session.exec(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ).one()


def paginate(statement, size: int | None = None) -> tuple[list[Any], Page]:
    """The rows of the requested page and the Page that describes it (two queries)."""
    page = Page.from_request(count(statement), size)
    rows = db.all(statement.limit(page.size).offset(page.offset))
    return list(rows), page


def list_page(
    template: str, statement, rows_as: str, size: int | None = None, **context: Any
) -> str:
    """A list page: `template` drawn with the requested page of `statement`'s rows (named
    `rows_as`) and the Page that describes it."""
    rows, page = paginate(statement, size)
    return render_template(template, page=page, **{rows_as: rows}, **context)
