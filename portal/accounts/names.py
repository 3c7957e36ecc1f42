"""The names an organisation goes by, and how a name is found in text.

An organisation is written about as its registered name (深圳市深芯微电子有限公司), its short name
(深芯微电子), its English name (Shenxin Microelectronics Co., Ltd.), and any of these without the
legal form or the leading region (深芯微电子, Shenxin Microelectronics). Blind review withholds
every one of them (`identifying_names`, `name_pattern`), and conflict detection matches an
expert's self-typed affiliation against them: one list, so the two cannot disagree about what
names an organisation.

Conflict detection runs in SQL (portal/reviews/permissions.py), so the forms compared are
stored: an organisation's `match_keys` (organisation_name_key) and a user's affiliation's
`name_keys` (affiliation_key). An affiliation names an organisation when the two share a key.
portal/accounts/models.py writes both whenever a name or an affiliation is written, whichever
code writes it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol

# Legal forms and kinds of institution that end a name, longest first so that 股份有限公司 goes
# before 有限公司. What remains must still be distinctive (see `_distinctive`).
CJK_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "分公司",
    "公司",
    "集团",
    "研究院",
    "研究所",
    "大学",
    "学院",
)
LATIN_LEGAL_FORM = re.compile(
    r"[\s,]*\b(?:co|ltd|limited|inc|incorporated|corp|corporation|company|llc|l\.l\.c|plc|gmbh|"
    r"ag|s\.a|group|holdings?|university|college|institute)\b\.?[\s,.]*$",
    re.IGNORECASE,
)
# A leading administrative region, as in 深圳市… or 广东省深圳市….
CJK_REGION = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}?(?:省|市|自治区|特别行政区))+")
# A region or branch in brackets: 深芯微电子（深圳）有限公司.
BRACKETED = re.compile(r"\s*[(（][^)）]*[)）]\s*")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{3,}")
# Letters and digits of Latin script: a Latin name must not touch one of these in the text.
LATIN_LETTER = r"[0-9A-Za-z\u00c0-\u024f]"


class Named(Protocol):
    name: str
    short_name: str
    english_name: str


def normalised(name: str) -> str:
    """For comparing names: full-width forms folded (NFKC), case folded, white space collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def without_legal_form(name: str) -> str:
    """The name without bracketed parts and its trailing legal forms: 深芯微电子（深圳）有限公司 →
    深芯微电子, "Shenxin Microelectronics Co., Ltd." → "Shenxin Microelectronics"."""
    name = BRACKETED.sub("", unicodedata.normalize("NFKC", name or "")).strip()
    while True:
        shorter = LATIN_LEGAL_FORM.sub("", name).strip()
        for form in CJK_LEGAL_FORMS:
            if shorter.endswith(form):
                shorter = shorter[: -len(form)].strip()
                break
        if shorter == name:
            return name
        name = shorter


def _distinctive(name: str) -> bool:
    return len(CJK.findall(name)) >= 2 or LATIN_WORD.search(name) is not None


@lru_cache(maxsize=4096)
def variants(name: str) -> frozenset[str]:
    """`name` as written and its distinctive shorter forms: without the legal form, without the
    leading region, and without both."""
    name = (name or "").strip()
    if not name:
        return frozenset()
    core = without_legal_form(name)
    found = {name, core, CJK_REGION.sub("", name), CJK_REGION.sub("", core)}
    return frozenset(n for n in found if n and (n == name or _distinctive(n)))


def identifying_names(org: Named) -> set[str]:
    """Every name that identifies `org` in text, as written (for redaction)."""
    return set().union(*(variants(n) for n in (org.name, org.short_name, org.english_name)))


@lru_cache(maxsize=4096)
def name_keys(name: str) -> frozenset[str]:
    """The forms of a name (an organisation's or a typed affiliation) that are compared: its
    `variants`, case and width folded, white space collapsed."""
    return frozenset(normalised(n) for n in variants(name)) - {""}


def match_keys(org: Named) -> frozenset[str]:
    """The keys of all of `org`'s names: an affiliation names `org` when it shares one."""
    return name_keys(org.name) | name_keys(org.short_name) | name_keys(org.english_name)


def name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern that finds any of `names` in text, ignoring case and the width of white space.

    A name that begins or ends with a Latin letter or digit matches only at a word boundary there
    ("Al" is not found in "material"); Chinese has no spaces between words, so CJK is matched
    as a substring. Names shorter than two characters are not matched at all.
    """
    alternatives = []
    names = {n.strip() for n in names if n and len(n.strip()) >= 2}
    for name in sorted(names, key=len, reverse=True):
        body = r"\s+".join(re.escape(part) for part in name.split())
        before = f"(?<!{LATIN_LETTER})" if re.match(LATIN_LETTER, name[0]) else ""
        after = f"(?!{LATIN_LETTER})" if re.match(LATIN_LETTER, name[-1]) else ""
        alternatives.append(before + body + after)
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE)
