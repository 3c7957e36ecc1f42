"""A round red seal drawn as SVG: the authority's name along the upper arc and a star.

For the demo and for tests only; a deployment configures the authority's real seal image
(NOTICE_SEAL_PATH). The drawing is deterministic: the same name always gives the same file. Its
letters are in the notice's own face (the regular serif), so that printing the seal embeds no
second font.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

RED = "#d7000f"


def _star(cx: float, cy: float, outer: float) -> str:
    inner = outer * 0.382
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + i * 36)
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return f'<polygon points="{" ".join(points)}" fill="{RED}"/>'


def seal_svg(name: str, label: str = "") -> str:
    """An SVG seal of 200×200 units with `name` on the arc and `label` below the star."""
    size, centre, ring = 200, 100, 94
    chars = list(name) or ["印"]
    span = min(250.0, 22.0 * len(chars))  # degrees of arc the name covers
    step = span / max(len(chars) - 1, 1)
    start = -90 - span / 2
    letters = []
    for i, char in enumerate(chars):
        angle = start + i * step if len(chars) > 1 else -90
        rad = math.radians(angle)
        x = centre + 70 * math.cos(rad)
        y = centre + 70 * math.sin(rad)
        letters.append(
            f'<text x="{x:.2f}" y="{y:.2f}" transform="rotate({angle + 90:.2f} {x:.2f} {y:.2f})"'
            f' text-anchor="middle" dominant-baseline="central">{escape(char)}</text>'
        )
    bottom = (
        f'<text x="{centre}" y="150" text-anchor="middle" font-size="15">{escape(label)}</text>'
        if label
        else ""
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}">'
        f'<circle cx="{centre}" cy="{centre}" r="{ring}" fill="none" stroke="{RED}" '
        'stroke-width="6"/>'
        f'<g fill="{RED}" font-family="Noto Serif CJK SC, serif" font-size="22">'
        f"{''.join(letters)}{bottom}</g>"
        f"{_star(centre, centre, 30)}</svg>\n"
    )
