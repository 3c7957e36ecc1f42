"""Is this machine ready to print notices? The notice's CJK font and HarfBuzz subsetting.

A notice is printed in one face, NOTICE_FONT (Noto Serif CJK SC, from Debian's fonts-noto-cjk),
which WeasyPrint embeds as a subset of the glyphs used. It subsets with HarfBuzz's hb-subset when
Debian's libharfbuzz-subset0 is installed and falls back to fontTools otherwise, which makes a
page in Chinese about 30 times slower. `flask doctor` names the font file and face fontconfig
resolves (as WeasyPrint's Pango does) and asks WeasyPrint itself for its subsetter; the start-up
warning uses a cheaper look that needs no WeasyPrint import.
"""

from __future__ import annotations

import ctypes
import logging
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from portal.notices.rendering import NOTICE_FONT

log = logging.getLogger("portal.notices")

HARFBUZZ_LIBRARIES = ("libharfbuzz.so.0", "libharfbuzz.0.dylib")
HARFBUZZ_SUBSET_LIBRARIES = ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib")
FONT_FIX = "apt-get install fonts-noto-cjk   (then: fc-cache -f)"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class Face:
    """A face of a font file, as fontconfig resolves a family: `index` within a collection."""

    family: str
    style: str
    file: str
    index: int

    def __str__(self) -> str:
        return f"{self.family} {self.style}, face {self.index} of {self.file}"


def resolve_font(family: str = NOTICE_FONT) -> Face | None:
    """The face fontconfig gives for `family` in Chinese text (None when fc-match fails)."""
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{family[0]}|%{style[0]}|%{file}|%{index}", f"{family}:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.split("|")
    if len(parts) != 4 or not parts[2]:
        return None
    return Face(parts[0], parts[1], parts[2], int(parts[3] or 0))


def cjk_font() -> Check:
    """The face a notice will be printed in, or what fontconfig would print it in instead."""
    name = "CJK font (fonts-noto-cjk)"
    face = resolve_font()
    if face is None:
        return Check(
            name, False, f"fontconfig's fc-match found no font for {NOTICE_FONT}", FONT_FIX
        )
    if face.family != NOTICE_FONT:
        return Check(
            name, False, f"fontconfig has no {NOTICE_FONT}; notices would print in {face}", FONT_FIX
        )
    return Check(name, True, f"notices print in one face: {face}")


def harfbuzz_subsetting() -> Check:
    """The subsetter WeasyPrint will use, decided the way WeasyPrint decides it."""
    name = "HarfBuzz font subsetting (libharfbuzz-subset0)"
    used = subsetter()
    if used == "HarfBuzz":
        return Check(name, True, f"WeasyPrint subsets the font with {subsetter_name()}")
    return Check(
        name,
        False,
        f"WeasyPrint falls back to {subsetter_name()}: notices in Chinese render about 30x slower",
        "apt-get install libharfbuzz-subset0",
    )


def subsetter() -> str:
    """ "HarfBuzz" or "fontTools", as in weasyprint.pdf.fonts.Font.subset."""
    from weasyprint.pdf import fonts

    if fonts.harfbuzz_subset and fonts.harfbuzz.hb_version_atleast(4, 1, 0):
        return "HarfBuzz"
    return "fontTools"


def subsetter_name() -> str:
    """The subsetter with its version, as people install it: "HarfBuzz hb-subset 6.0.0"."""
    if subsetter() == "HarfBuzz":
        parts = ("HarfBuzz hb-subset", _harfbuzz_version(), "(libharfbuzz-subset0)")
        return " ".join(part for part in parts if part)
    import fontTools

    return f"fontTools {fontTools.version} (Python)"


def _harfbuzz_version() -> str:
    for library in HARFBUZZ_LIBRARIES:
        try:
            version = ctypes.CDLL(library).hb_version_string
        except (OSError, AttributeError):
            continue
        version.restype = ctypes.c_char_p
        return version().decode("ascii")
    return ""


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
