"""What every page must have for WCAG 2.1 AA basics: a language, a title, a label for every
input, unique ids, and one h1."""

from __future__ import annotations

from html.parser import HTMLParser

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.title = ""
        self._in_title = False
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.inputs: list[dict[str, str]] = []
        self.h1 = 0
        self._label_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "title":
            self._in_title = True
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and attrs.get("type", "text") in UNLABELLED_TYPES:
                return
            attrs["_wrapped"] = "1" if self._label_depth else ""
            self.inputs.append(attrs)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "label":
            self._label_depth = max(0, self._label_depth - 1)

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def page_problems(html: str) -> list[str]:
    audit = PageAudit()
    audit.feed(html)
    problems = []
    if not audit.lang:
        problems.append("no lang on <html>")
    if not audit.title.strip():
        problems.append("no <title>")
    if audit.h1 != 1:
        problems.append(f"{audit.h1} <h1> elements")
    duplicates = {i for i in audit.ids if audit.ids.count(i) > 1}
    if duplicates:
        problems.append(f"duplicate ids: {sorted(duplicates)}")
    for field in audit.inputs:
        labelled = (
            field["_wrapped"]
            or field.get("id") in audit.label_for
            or field.get("aria-label")
            or field.get("aria-labelledby")
            or field.get("title")
        )
        if not labelled:
            problems.append(f"input without a label: {field.get('name') or field.get('id')}")
    return problems


class InlineCode(HTMLParser):
    """What a Content-Security-Policy without 'unsafe-inline' would block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("an inline <script>")
        if tag == "style":
            self.found.append("a <style> element")
        self.found += [f"{name}= on <{tag}>" for name in sorted(names) if name.startswith("on")]
        if "style" in names:
            self.found.append(f"style= on <{tag}>")


def inline_code(html: str) -> list[str]:
    """Inline scripts, event handlers and styles in a page."""
    audit = InlineCode()
    audit.feed(html)
    return audit.found
