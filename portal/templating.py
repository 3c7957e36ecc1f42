"""Jinja filters and globals shared by every page: money, local time, safe Markdown, pages."""

from __future__ import annotations

from typing import Any

import nh3
from flask import Flask
from flask_babel import get_locale
from flask_login import current_user
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markupsafe import Markup, escape
from wtforms import Field, widgets
from wtforms.widgets.core import clean_key

from portal.i18n import catalogue
from portal.labels import EnumsByName
from portal.paging import url_for_page
from portal.presentation import (
    chinese_page,
    format_local,
    format_money,
    listing,
    machine_time,
    two_places,
)

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})


def _image_as_text(renderer, tokens, idx, options, env) -> str:
    """An image in users' Markdown is shown as its description, never loaded: an image from
    elsewhere would tell its owner who reads the page, and when (an expert in blind review)."""
    return escapeHtml(renderer.renderInlineAsText(tokens[idx].children or [], options, env))


_markdown.add_render_rule("image", _image_as_text)
# What the cleaner lets through: no images or image maps, even if some Markdown produced one.
_MARKDOWN_TAGS = nh3.ALLOWED_TAGS - {"img", "map", "area"}


def _demote_headings(tokens, under: int) -> None:
    """Shift the headings of a user's text so that its highest one sits one level below the
    page's heading it appears under (`under`), keeping their order: an applicant's "# Title"
    never outranks the page's own section headings, and no heading level is skipped."""
    levels = [int(t.tag[1]) for t in tokens if t.type in ("heading_open", "heading_close")]
    if not levels:
        return
    shift = under + 1 - min(levels)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"


def render_markdown(text: str | None, under: int = 2) -> Markup:
    """Markdown typed by users, rendered without raw HTML or images and cleaned once more; its
    headings start below the page's heading of level `under` (an h2 section by default)."""
    env: dict = {}
    tokens = _markdown.parse(text or "", env)
    _demote_headings(tokens, under)
    html = _markdown.renderer.render(tokens, _markdown.options, env)
    return Markup(nh3.clean(html, tags=_MARKDOWN_TAGS))


def chinese_term(text: str) -> Markup:
    """The Chinese term beside an English heading (e.g. 榜单); nothing when the page is
    already in Chinese, where it would only repeat the heading."""
    if chinese_page():
        return Markup("")
    return Markup(' <span lang="zh-Hans">{}</span>').format(text)


def field_attributes(f: Field, help: str | None = None) -> dict[str, str]:
    """The attributes that tie a field's input to its help, its amount in words, its warning and
    its error (for the `field` macro, which drew them with a dozen template statements)."""
    described = []
    money = f.type == "MoneyField"
    if help:
        described.append(f"{f.id}-help")
    if money:
        described.append(f"{f.id}-capitals")
        if getattr(f, "warning", None):
            described.append(f"{f.id}-warning")
    attributes = {}
    if f.errors:
        described.append(f"{f.id}-error")
        attributes["aria-invalid"] = "true"
    if described:
        attributes["aria-describedby"] = " ".join(described)
    return attributes


QUOTE = '"'  # in a Markup value, which escape() leaves as it is


def html_params(**attributes: Any) -> Markup:
    """WTForms' `html_params`, to the character: sorted, `class_` → class, `data_x` → data-x,
    True → the bare name, False → left out. WTForms writes each attribute with `Markup.format`,
    a formatter in pure Python: the catalogue's filter form spent about half a millisecond of
    its page there."""
    params = []
    for key, value in sorted(attributes.items()):
        name = escape(clean_key(key))
        if value is True:
            params.append(name)
        elif value is not False:
            params.append(f'{name}="{str(escape(value)).replace(QUOTE, "&quot;")}"')
    return Markup(" ".join(params))


def render_input(f: Field, attributes: dict[str, Any]) -> Markup:
    """The field's input, as `f(**attributes)` draws it. A plain select is drawn here in one
    pass: WTForms builds, sorts and escapes a dictionary of attributes for each option, which
    made a filter form with every chain link a fifth of the catalogue's time."""
    if type(f.widget) is not widgets.Select or f.widget.multiple or f.has_groups():
        return f(**attributes)
    given = {"id": f.id, **(f.render_kw or {}), **attributes}
    for flag in ("required", "disabled"):
        if getattr(f.flags, flag, False):
            given.setdefault(flag, True)
    html = [f"<select {html_params(name=f.name, **given)}>"]
    for choice in f.iter_choices():
        extra = f" {html_params(**choice.render_kw)}" if choice.render_kw else ""
        html.append(
            f'<option{" selected" if choice.selected else ""} value="{escape(choice.value)}"'
            f"{extra}>{escape(choice.label or choice.value)}</option>"
        )
    html.append("</select>")
    return Markup("".join(html))


def init_templating(app: Flask) -> None:
    widgets.Input.html_params = staticmethod(html_params)  # WTForms' hook for it: every <input>
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: catalogue().ugettext(string),
        ngettext=lambda singular, plural, n: catalogue().ungettext(singular, plural, n),
        newstyle=True,
    )
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["localtime"] = format_local
    app.jinja_env.filters["listing"] = listing
    app.jinja_env.filters["machine_time"] = machine_time
    app.jinja_env.filters["two_places"] = two_places
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals["url_for_page"] = url_for_page
    app.jinja_env.globals["field_attributes"] = field_attributes
    app.jinja_env.globals["render_input"] = render_input
    app.jinja_env.globals["zh_term"] = chinese_term
    app.jinja_env.globals["enums"] = EnumsByName()

    @app.context_processor
    def layout_values():
        from portal.notifications.queries import unread_count

        locale = str(get_locale() or "en")
        return {
            "languages": app.config["LANGUAGES"],
            "current_language": locale,
            "html_lang": "zh-Hans" if locale.startswith("zh") else "en",
            "unread_notifications": (
                unread_count(current_user) if current_user.is_authenticated else 0
            ),
        }
