"""Is this machine ready to print notices? A CJK font and HarfBuzz subsetting.

WeasyPrint subsets fonts with HarfBuzz when Debian's libharfbuzz-subset0 is installed and falls
back to fontTools otherwise, which makes a page in Chinese about 30 times slower. `flask doctor`
asks WeasyPrint itself; the start-up warning uses a cheaper look that needs no WeasyPrint import.
"""

from __future__ import annotations

import ctypes
import logging
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger("portal.notices")

CJK_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
HARFBUZZ_SUBSET_LIBRARIES = ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def cjk_font() -> Check:
    """Asks fontconfig (as WeasyPrint's Pango does) for the fonts the notices name."""
    name = "CJK font (fonts-noto-cjk)"
    fix = "apt-get install fonts-noto-cjk   (then: fc-cache -f)"
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        return Check(
            name, False, f"fontconfig's fc-list did not run ({exc})", "apt-get install fontconfig"
        )
    families = {f.strip() for line in listed.splitlines() for f in line.split(",")}
    found = [f for f in CJK_FAMILIES if f in families]
    if found:
        return Check(name, True, "found " + ", ".join(found))
    return Check(name, False, "fontconfig finds neither " + " nor ".join(CJK_FAMILIES), fix)


def harfbuzz_subsetting() -> Check:
    """The subsetter WeasyPrint will use, decided the way WeasyPrint decides it."""
    name = "HarfBuzz font subsetting (libharfbuzz-subset0)"
    used = subsetter()
    if used == "HarfBuzz":
        return Check(name, True, "WeasyPrint subsets fonts with HarfBuzz")
    return Check(
        name,
        False,
        "WeasyPrint falls back to fontTools: notices in Chinese render about 30x slower",
        "apt-get install libharfbuzz-subset0",
    )


def subsetter() -> str:
    """ "HarfBuzz" or "fontTools", as in weasyprint.pdf.fonts.Font.subset."""
    from weasyprint.pdf import fonts

    if fonts.harfbuzz_subset and fonts.harfbuzz.hb_version_atleast(4, 1, 0):
        return "HarfBuzz"
    return "fontTools"


def seal(path: Path) -> Check:
    name = "Authority's seal image (NOTICE_SEAL_PATH)"
    if path.is_file():
        return Check(name, True, str(path.name))
    return Check(
        name,
        False,
        f"{path} does not exist",
        "set NOTICE_SEAL_PATH to the seal's SVG or PNG (`flask --app portal demo` draws one)",
    )


def _harfbuzz_subset_loads() -> bool:
    for library in HARFBUZZ_SUBSET_LIBRARIES:
        try:
            ctypes.CDLL(library)
        except OSError:
            continue
        return True
    return False


@lru_cache(maxsize=1)
def startup_problems() -> tuple[str, ...]:
    problems = []
    font = cjk_font()
    if not font.ok:
        problems.append(f"{font.name}: {font.detail}; fix: {font.fix}")
    if not _harfbuzz_subset_loads():
        problems.append(
            "HarfBuzz subsetting is missing: award notices will render about 30x slower; "
            "fix: apt-get install libharfbuzz-subset0"
        )
    return tuple(problems)


def warn_if_unready() -> None:
    """Logs a warning when this machine cannot print notices well (checked once a process)."""
    for problem in startup_problems():
        log.warning("%s (run `flask --app portal doctor`)", problem)
