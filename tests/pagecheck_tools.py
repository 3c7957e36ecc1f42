"""The outside checkers of the page test: the W3C Nu HTML Checker (vnu.jar, run with Java) and
axe-core (run in Chromium), as `make test-setup` installs them under .tools/, and the check
that a Chinese page shows no English word of the message catalogue.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import sqlalchemy as sa
from babel.messages.pofile import read_po
from sqlmodel import SQLModel

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / ".tools" / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
CATALOGUE = ROOT / "portal" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
SETUP_HINT = "run `make test-setup`, which installs vnu-jar and axe-core under .tools/"


def missing_tools() -> list[str]:
    missing = [str(p) for p in (VNU_JAR, AXE_JS) if not p.exists()]
    if not shutil.which("java"):
        missing.append("java")
    return missing


# ---- the Nu HTML Checker ----------------------------------------------------------------------


def nu_errors(folder: Path) -> dict[str, list[str]]:
    """Every error the Nu checker finds in the .html files under `folder`, by file (relative),
    in one run of the checker."""
    run = subprocess.run(
        ["java", "-Xss1024k", "-jar", str(VNU_JAR), "--format", "json", "--stdout", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(run.stdout or '{"messages": []}')
    errors: dict[str, list[str]] = {}
    for message in report["messages"]:
        if message.get("type") != "error" and message.get("subType") != "fatal":
            continue
        name = message.get("url", "").split(str(folder), 1)[-1].lstrip("/")
        line = message.get("lastLine", "?")
        errors.setdefault(name, []).append(f"line {line}: {message['message']}")
    return errors


# ---- axe-core ---------------------------------------------------------------------------------

# `contrast` false leaves colour contrast out: the phone pass runs after the desktop one on the
# same page, and no colour of the stylesheet depends on the width (the phone's menu is closed).
AXE_RUN = """async (contrast) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    rules: {"color-contrast": {enabled: contrast}},
    resultTypes: ["violations"],
    iframes: false,
  });
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ` +
      v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""


def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


# ---- English words on a Chinese page ----------------------------------------------------------

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")
# Placeholders and markup inside messages are not words a reader sees.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|<[^>]+>|\{[^}]*\}")


def _words(text: str) -> set[str]:
    return {w.lower().strip("'’-") for w in WORD.findall(text)}


def _message_words(text: str) -> set[str]:
    return _words(PLACEHOLDER.sub(" ", text))


def catalogue_words() -> set[str]:
    """Words of the English messages that their Chinese translations do not keep themselves
    (such as PDF or CSV)."""
    with CATALOGUE.open("rb") as po:
        catalog = read_po(po)
    english: set[str] = set()
    kept: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strs = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for text in ids:
            english |= _message_words(text)
        for text in strs:
            kept |= _message_words(text or "")
    return english - kept


def _typed(column_type) -> bool:
    """A column of text (SQLModel's strings are a TypeDecorator over String), not of a state."""
    if isinstance(column_type, sa.Enum):
        return False
    if isinstance(column_type, sa.types.TypeDecorator):
        column_type = column_type.impl_instance
    return isinstance(column_type, sa.String | sa.Text | sa.JSON)


def user_words(rows: dict[str, list[dict]]) -> set[str]:
    """Words in what people typed (every text column of the data that is not a state or a
    code), as the demo's rows hold them: user content may be in any language."""
    words: set[str] = set()
    for table in SQLModel.metadata.sorted_tables:
        typed = [c.name for c in table.columns if _typed(c.type)]
        for row in rows.get(table.name, []):
            for name in typed:
                value = row.get(name)
                if value:
                    if not isinstance(value, str):
                        value = json.dumps(value, ensure_ascii=False)
                    words |= _words(value)
    return words


class _VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes (not scripts or styles), and the labels
    that only assistive technology reads; text marked as English (lang="en") is left out."""

    HIDDEN = {"script", "style", "template", "title"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._stack: list[tuple[str, bool]] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self._stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = tag in self.HIDDEN or (attrs.get("lang") or "").startswith("en")
        if not skip and not self._skipping():
            for name in ("aria-label", "title", "placeholder", "alt"):
                if attrs.get(name):
                    self.parts.append(attrs[name])
        if tag not in self.VOID:
            self._stack.append((tag, skip))

    def handle_endtag(self, tag):
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.parts.append(data)


def english_on_page(html: str, english: set[str], exempt: Iterable[str]) -> set[str]:
    """The catalogue's English words that a Chinese page shows outside user content."""
    parser = _VisibleText()
    parser.feed(html)
    seen = _words(" ".join(parser.parts))
    return (seen & english) - set(exempt)
