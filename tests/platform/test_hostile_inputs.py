"""Numbers, ids and days that Python reads too generously, on every route of the portal, walked
from the URL map on the demo data: digits other than 0-9 ("²", "１２", "٣"), ids beyond what the
database holds (2**31, 2**64, 10**30), days before year 1 or far after 9999, and control
characters. In a URL they answer 404; in a query string the page still answers (a filter that
cannot be read is ignored, with a message at the field); in a form body they are refused with a
message (4xx, or the form shown again with its errors) and nothing is written."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, datetime
from itertools import count

import pytest
from flask import Flask
from werkzeug.routing import Rule
from wtforms import DateTimeField, DecimalField, FieldList, FormField, IntegerField, SelectFieldBase

from portal.db import db
from portal.formtools import TypedTextField
from portal.parsing import HiddenNumberField, IdConverter, TextConverter
from tests.challenges.fixtures import publish_challenge
from tests.hostile import form_values
from tests.platform.test_hostile_forms import (
    NOT_IN_DEMO,
    REFUSAL_SHOWN,
    RESOLVERS,
    acting_role,
    argument_order,
    fill,
    follow,
    owner_of,
    page_fields,
    routes,
    row_counts,
    sign_in,
)

pytestmark = pytest.mark.slow

NON_ASCII_DIGITS = ["²", "１２", "٣"]
BEYOND_THE_DATABASE = [str(2**31), str(2**64), str(10**30)]
FAR_DAYS = ["0001-01-01", "9999-12-31", "0000-00-00", "２０２６-０３-０１", "-0001-01-01"]
CONTROL_IN_NEXT = ["/\n/evil.example", "/\t/evil.example", "/\r\nSet-Cookie: x=1"]
CLASSES = [NON_ASCII_DIGITS, BEYOND_THE_DATABASE, FAR_DAYS, CONTROL_IN_NEXT]
FILES = (".csv", ".xlsx", ".zip", "/download", "/healthz")
MARKER = 2147483646


def answer(client, failures: list[str], where: str, path: str, method: str = "GET", **kwargs):
    """The response, or None (with the failure noted) when it is a server error."""
    try:
        response = client.open(path, method=method, **kwargs)
    except Exception as exc:  # the testing app lets a server error through
        failures.append(f"{exc!r} on {where}")
        db.remove()
        return None
    if response.status_code >= 500:
        failures.append(f"{response.status_code} on {where}")
        return None
    return response


# ---- in a URL ----


CONTROL_IN_A_WORD = ["%00", "JB%0A2026", "%E2%80%AE"]  # percent-encoded, as sent


def hostile_segments(rule: Rule) -> dict[str, list[str]]:
    """For each id and word of the rule's URL, what to send instead: one value of each class
    for the first id, fewer for the others (the converter is the same)."""
    segments = {}
    for position, name in enumerate(argument_order(rule)):
        converter = rule._converters[name]
        if isinstance(converter, IdConverter):
            digits = NON_ASCII_DIGITS if position == 0 else NON_ASCII_DIGITS[:1]
            segments[name] = digits + BEYOND_THE_DATABASE
        elif isinstance(converter, TextConverter):
            segments[name] = CONTROL_IN_A_WORD
    return segments


def test_ids_and_words_in_urls_that_are_not_plain_are_404(demo, app, client):
    failures, checked = [], set()
    rules = [r for r in routes(app, "GET") + routes(app, "POST") if hostile_segments(r)]
    for rule in rules:
        role = acting_role(app, rule)
        with app.app_context():
            values = next(filter(None, (fill(rule, v) for v in range(6))), None)
            user = owner_of(values or {}, role) if role else None
        if values is None:
            continue
        sign_in(client, user)
        method = "GET" if "GET" in rule.methods else "POST"
        for name, hostile_values in hostile_segments(rule).items():
            marker = MARKER if isinstance(rule._converters[name], IdConverter) else "MARKER"
            path = rule.build(dict(values, **{name: marker}))[1]
            for hostile in hostile_values:
                where = f"{method} {rule.rule} with {name}={hostile!r}"
                sent = path.replace(str(marker), hostile)
                response = answer(client, failures, where, sent, method)
                if response is not None and response.status_code != 404:
                    failures.append(f"{response.status_code} on {where}")
        checked.add(rule.endpoint)
    assert failures == [], "\n".join(failures)
    assert {r.endpoint for r in rules} - NOT_IN_DEMO <= checked


# ---- in a query string ----


def hostile_query(names: list[str], round_: int) -> dict[str, str]:
    """Over len(CLASSES) rounds, every parameter gets one value of every class."""
    query = {}
    for i, name in enumerate(names):
        kind = CLASSES[(i + round_) % len(CLASSES)]
        query[name] = kind[(i + round_) // len(CLASSES) % len(kind)]
    return query


def test_hostile_numbers_and_days_in_query_strings_never_fail(demo, app, client):
    failures, read = [], 0
    for rule in routes(app, "GET"):
        if rule.rule.endswith(FILES) or rule.endpoint in ("static", "pages.set_language"):
            continue
        role = acting_role(app, rule)
        for who in [role] if role else [None, "applicant", "officer"]:
            with app.app_context():
                values = fill(rule, 0)
                user = owner_of(values or {}, who) if who else None
            if values is None:
                continue
            sign_in(client, user)
            path = rule.build(values)[1]
            page = client.get(path)
            if page.status_code != 200 or page.mimetype != "text/html":
                continue
            names = ["page", "next", *page_fields(page.get_data(as_text=True))]
            for round_ in range(len(CLASSES)):
                query = hostile_query(names, round_)
                answer(client, failures, f"{path} as {who} with {query}", path, query_string=query)
                read += 1
    assert failures == [], "\n".join(failures)
    assert read > 150


def test_a_catalogue_filter_that_cannot_be_read_is_ignored_with_a_message(
    app, client, make_user, make_chain, login
):
    officer = make_user("officer@example.com", role="officer")
    link = make_chain("集成电路", "upstream")
    for title, month in (("Early photoresist", 3), ("Late photoresist", 9)):
        publish_challenge(
            app, officer.id, link.id, datetime(2030, month, 1, 9, tzinfo=UTC), title=title
        )
    login("officer@example.com")
    for page in ("/challenges", "/officer/challenges"):
        for query, message in (
            ("deadline_from=0001-01-01", "Give a date between 1900-01-01 and 2999-12-31."),
            ("deadline_to=9999-12-31", "Give a date between 1900-01-01 and 2999-12-31."),
            ("deadline_from=%D9%A2%D9%A0%D9%A3%D9%A0-01-01", "Not a real date"),
            ("chain=%C2%B2", "Invalid Choice"),
            (f"link={2**64}", "Invalid Choice"),
            ("page=%C2%B2", ""),
        ):
            response = client.get(f"{page}?{query}")
            assert response.status_code == 200, (page, query)
            html = response.get_data(as_text=True)
            assert "Early photoresist" in html and "Late photoresist" in html, (page, query)
            assert message in html, (page, query)


# ---- in a form body ----


def every_field(form):
    for field in form:
        if isinstance(field, FieldList):
            if not field.entries:
                field.append_entry()
            for entry in field.entries:
                yield from every_field(entry.form) if isinstance(entry, FormField) else [entry]
        elif isinstance(field, FormField):
            yield from every_field(field.form)
        else:
            yield field


def kind_of(field) -> str | None:
    """What a field carries: "day", "id" (or whole number), "amount", or None for text."""
    if isinstance(field, DateTimeField):
        return "day"
    if isinstance(field, IntegerField | HiddenNumberField):
        return "id"
    if isinstance(field, SelectFieldBase) and getattr(field, "coerce", str) is not str:
        return "id"
    if isinstance(field, DecimalField | TypedTextField):  # numbers and money typed as text
        return "amount"
    return None


def form_kinds(app: Flask, rule: Rule) -> dict[str, str]:
    """The number, id and day fields of the forms the view builds (read from its source)."""
    view = inspect.unwrap(app.view_functions[rule.endpoint])
    module = inspect.getmodule(view)
    forms_module = getattr(module, "forms", module)
    kinds: dict[str, str] = {}
    with app.test_request_context():
        for class_name in sorted(
            set(re.findall(r"\b(\w+Form)(?:\.for_editing)?\(", inspect.getsource(view)))
        ):
            form_class = getattr(forms_module, class_name, None) or getattr(module, class_name)
            try:
                form = form_class(meta={"csrf": False})
            except TypeError:
                continue
            for field in every_field(form):
                if kind := kind_of(field):
                    kinds.setdefault(field.name, kind)
    return kinds


FIELD_TAG = re.compile(r"<(input|textarea)\b([^>]*)>|<select\b([^>]*)>(.*?)</select>", re.S)
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
TYPED = "Typed by the hostile-input walk."


def shown_fields(html: str) -> dict[str, tuple[str, str]]:
    """The page's fields: name → (what it carries or "", its tag or input type)."""
    fields: dict[str, tuple[str, str]] = {}
    for tag, attributes, select, options in FIELD_TAG.findall(html):
        a = dict(ATTRIBUTE.findall(attributes or select))
        kind, shape = "", a.get("type", "text") if tag == "input" else (tag or "select")
        if shape == "select":
            values = re.findall(r'<option\b[^>]*value="([^"]*)"', options)
            kind = "id" if any(re.fullmatch(r"[0-9]+", v) for v in values) else ""
        elif shape in ("date", "datetime-local"):
            kind = "day"
        elif re.fullmatch(r"[0-9]+", a.get("value", "")):
            kind = "id" if shape == "hidden" else "amount"
        if "name" in a:
            fields.setdefault(a["name"], (kind, shape))
    return fields


def as_shown(html: str, kinds: dict[str, str]) -> dict[str, object]:
    """What the page's form holding one of `kinds` sends, its empty text fields filled in, so
    that a hostile value gets past the other fields' checks; {} when no form holds one."""
    shown = shown_fields(html)
    for name, (kind, _) in shown.items():
        if kind:
            kinds.setdefault(name, kind)
    marker = next((name for name in shown if name in kinds), None)
    if marker is None:
        return {}
    body: dict[str, object] = {}
    for name, values in form_values(html, marker).items():
        empty = values in ([], [""]) and shown.get(name, ("", ""))[1] in ("text", "textarea")
        body[name] = TYPED if empty else values
    return body


def usable_fills(app: Flask, client, rule: Rule, role: str | None) -> list[tuple[dict, object]]:
    """URL values and user for the rule from the demo data: the first whose page opens (a draft
    to edit, an award with a report), once per section of a proposal."""
    found = None
    for variant in range(6):
        with app.app_context():
            values = fill(rule, variant)
            user = owner_of(values, role) if values is not None and role else None
        if values is None:
            continue
        found = found or (values, user)
        if "GET" not in rule.methods:
            break
        sign_in(client, user)
        if client.get(rule.build(values)[1]).status_code == 200:
            found = (values, user)
            break
    if found is None:
        return []
    values, user = found
    sections = RESOLVERS["section"](values) if "section" in rule.arguments else [None]
    return [(dict(values, section=s) if s else values, user) for s in sections]


def hostile_posts(app: Flask, client, rule: Rule, values: dict, user, picks) -> list[dict]:
    """Bodies that send one hostile value to one number or day field each, the other fields as
    the page shows them, so that the value gets as far as the view lets it."""
    kinds = form_kinds(app, rule)
    base: dict[str, object] = {}
    if "GET" in rule.methods:
        sign_in(client, user)
        page = client.get(rule.build(values)[1])
        if page.status_code == 200:
            base = as_shown(page.get_data(as_text=True), kinds)
    bodies = []
    for name, kind in kinds.items():
        for values_ in HOSTILE_BY_KIND[kind]:
            bodies.append(dict(base, **{name: values_[next(picks) % len(values_)]}))
    return bodies


# Amounts are not ids: 2**31 yuan is a fine amount (and larger ones are the older walk's).
HOSTILE_BY_KIND = {
    "day": [FAR_DAYS],
    "id": [NON_ASCII_DIGITS, BEYOND_THE_DATABASE],
    "amount": [NON_ASCII_DIGITS],
}
# Routes with number or day fields: the walk below must reach each of them.
TAKE_NUMBERS_OR_DAYS = {
    "awards.acceptance",
    "awards.change_target",
    "awards.confirm",
    "awards.report",
    "awards.review_report",
    "awards.stage_gate",
    "challenges.officer_amend",
    "challenges.officer_edit",
    "challenges.officer_new",
    "proposals.edit",
    "reviews.assign",
    "reviews.add_panel",
    "awards.decision",
    "reviews.declare_conflict",
    "reviews.score",
}


def test_hostile_numbers_and_days_in_form_bodies_are_refused_and_write_nothing(demo, app, client):
    failures: list[str] = []
    posted: set[str] = set()
    picks = count()
    for rule in routes(app, "POST"):
        role = acting_role(app, rule)
        for values, user in usable_fills(app, client, rule, role):
            path = rule.build(values)[1]
            bodies = hostile_posts(app, client, rule, values, user, picks)
            sign_in(client, user)
            before = row_counts(app)
            for body in bodies:
                hostile = {k: v for k, v in body.items() if v in sum(CLASSES, [])}
                where = f"POST {path} as {role} with {hostile}"
                posted.add(rule.endpoint)
                response = answer(client, failures, where, path, "POST", data=body)
                if response is None:
                    continue
                shown = follow(client, response)
                refused = response.status_code >= 400 or REFUSAL_SHOWN.search(shown) is not None
                after = row_counts(app)
                if not refused:
                    failures.append(f"accepted ({response.status_code}) {where}")
                elif after != before:
                    failures.append(f"half-written on {where}")
                before = after
    assert failures == [], "\n".join(failures)
    assert posted >= TAKE_NUMBERS_OR_DAYS, posted
