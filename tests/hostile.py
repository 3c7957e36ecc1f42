"""Hostile form input for property-based tests: what careless or malicious people type."""

from __future__ import annotations

import random
from html.parser import HTMLParser

from hypothesis import strategies as st

CONTROL = "".join(chr(c) for c in range(0, 32)) + "\x7f\u200b\u202e\ufeff"

hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=CONTROL, min_size=1, max_size=10),
    st.sampled_from(
        [
            "",
            " ",
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "'; DROP TABLE user; --",
            "揭榜挂帅 مرحبا Привет 🚀",
            "NaN",
            "-Infinity",
            "1e309",
            "-1",
            "0",
            "99999999999999999999999999",
            "2026-02-30",
            "0000-00-00T25:61",
            "%s%n%x",
            "../../etc/passwd",
            "\x00",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.builds(lambda n: "长" * n, st.integers(min_value=200, max_value=12000)),
)


def hostile_form(fields: list[str]):
    """A form body: each field hostile, missing, or repeated with different values."""
    value = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3))
    return st.fixed_dictionaries({}, optional=dict.fromkeys(fields, value))


SCRIPT = '<script>alert("hostile")</script>'

HOSTILE_VALUES = [
    "",
    " ",
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE user; --",
    "揭榜挂帅 مرحبا Привет 🚀",
    "NaN",
    "-Infinity",
    "1e309",
    "-1",
    "0",
    "99999999999999999999999999",
    "2026-02-30",
    "0000-00-00T25:61",
    "%s%n%x",
    "../../etc/passwd",
    "\x00",
    CONTROL,
    "长" * 12000,
]


def hostile_bodies(fields: list[str], count: int, seed: int) -> list[dict[str, object]]:
    """`count` seeded form bodies: first an empty one, then one with a script in every field,
    then random ones whose fields are hostile, missing or repeated."""
    rng = random.Random(seed)
    bodies: list[dict[str, object]] = [{}, dict.fromkeys(fields, SCRIPT)]
    while len(bodies) < count:
        body: dict[str, object] = {}
        for name in fields:
            pick = rng.random()
            if pick < 0.2:
                continue
            if pick < 0.35:
                body[name] = rng.sample(HOSTILE_VALUES, 2)
            else:
                body[name] = rng.choice(HOSTILE_VALUES)
        bodies.append(body)
    return bodies[:count]


class _FormReader(HTMLParser):
    """The values a browser would submit for the first form with a `marker` field, unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: tuple[str, str] | None = None
        self._selected = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append([])
        elif not self.forms or "name" not in a:
            if tag == "option" and self._select:
                self._option(a)
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self.forms[-1].append(
                    (a["name"], a.get("value", "on" if kind == "checkbox" else ""))
                )
        elif tag == "textarea":
            self._textarea = a["name"]
            self.forms[-1].append((a["name"], ""))
        elif tag == "select":
            self._select, self._first_option, self._selected = a["name"], None, False

    def _option(self, a: dict[str, str]) -> None:
        pair = (self._select, a.get("value", ""))
        if self._first_option is None:
            self._first_option = pair
        if "selected" in a and not self._selected:
            self.forms[-1].append(pair)
            self._selected = True

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            name, text = self.forms[-1][-1]
            self.forms[-1][-1] = (name, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._selected and self._first_option:
                self.forms[-1].append(self._first_option)
            self._select = None


def form_values(html: str, marker: str) -> dict[str, list[str]]:
    """What the form holding the field `marker` would post as shown on the page."""
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        if any(name == marker for name, _ in form):
            values: dict[str, list[str]] = {}
            for name, value in form:
                values.setdefault(name, []).append(value)
            return values
    raise AssertionError(f"no form with a field {marker!r} on the page")
