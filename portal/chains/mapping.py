"""Where the chain map draws its boxes and arrows: links as boxes in three stage columns, supply
relations as arrows from supplier to customer. The template (templates/chains/_map.html) draws
the SVG from these numbers with presentation attributes only, so that the page's content
security policy (no inline style) holds and the map prints as it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from portal.chains.figures import Figures
from portal.chains.models import LinkRelation
from portal.challenges.models import ChainLink
from portal.vocabulary import Stage

BOX_WIDTH, BOX_HEIGHT = 230, 92
COLUMN_GAP, ROW_GAP = 100, 26
MARGIN, TOP = 20, 44
LOOP = 56  # how far an arrow between links of one column swings out to the right


class Colours(NamedTuple):
    fill: str
    stroke: str  # the border


# A box's colours by chokepoint level (0 none … 5 severe); the level is written in the box too,
# so colour is never the only sign.
LEVEL_COLOURS = (
    Colours("#f1f8f2", "#5b8a63"),
    Colours("#f4f8e8", "#6d8a3a"),
    Colours("#fff8e1", "#9a7b14"),
    Colours("#ffedd5", "#b45309"),
    Colours("#fde2dc", "#b42318"),
    Colours("#f9d0d0", "#8f1010"),
)
UNASSESSED = Colours("#f4f5f7", "#6b7280")


@dataclass(frozen=True)
class Box:
    link: ChainLink
    figures: Figures
    x: int
    y: int

    @property
    def level(self) -> int | None:
        return self.figures.assessment.chokepoint_level if self.figures.assessment else None

    @property
    def colours(self) -> Colours:
        return UNASSESSED if self.level is None else LEVEL_COLOURS[self.level]

    @property
    def fill(self) -> str:
        return self.colours.fill

    @property
    def stroke(self) -> str:
        return self.colours.stroke

    @property
    def middle(self) -> int:
        return self.y + BOX_HEIGHT // 2


@dataclass(frozen=True)
class Arrow:
    relation: LinkRelation
    supplier: Box
    customer: Box

    @property
    def path(self) -> str:
        s, c = self.supplier, self.customer
        if s.x < c.x:
            x1, x2, bend1, bend2 = s.x + BOX_WIDTH, c.x, 40, -40
        elif s.x == c.x:
            x1 = x2 = s.x + BOX_WIDTH
            bend1 = bend2 = LOOP
        else:
            x1, x2, bend1, bend2 = s.x, c.x + BOX_WIDTH, -40, 40
        y1, y2 = s.middle, c.middle
        return f"M{x1},{y1} C{x1 + bend1},{y1} {x2 + bend2},{y2} {x2},{y2}"


@dataclass(frozen=True)
class ChainMap:
    boxes: list[Box]
    arrows: list[Arrow]
    width: int
    height: int
    columns: list[tuple[Stage, int]]  # each stage and the x of its column


def layout(
    links: list[ChainLink], figures: dict[int, Figures], relations: list[LinkRelation]
) -> ChainMap:
    """Boxes stacked in their stage's column in the order of `links`; arrows between them."""
    columns = [(stage, MARGIN + i * (BOX_WIDTH + COLUMN_GAP)) for i, stage in enumerate(Stage)]
    x_of = dict(columns)
    rows: dict[Stage, int] = dict.fromkeys(Stage, 0)
    boxes: dict[int, Box] = {}
    for link in links:
        y = TOP + rows[link.stage] * (BOX_HEIGHT + ROW_GAP)
        rows[link.stage] += 1
        boxes[link.id] = Box(link, figures[link.id], x_of[link.stage], y)
    arrows = [
        Arrow(relation, boxes[relation.supplier_id], boxes[relation.customer_id])
        for relation in relations
        if relation.supplier_id in boxes and relation.customer_id in boxes
    ]
    tallest = max(rows.values(), default=0) or 1
    return ChainMap(
        boxes=list(boxes.values()),
        arrows=arrows,
        width=columns[-1][1] + BOX_WIDTH + LOOP + MARGIN,
        height=TOP + tallest * (BOX_HEIGHT + ROW_GAP),
        columns=columns,
    )
