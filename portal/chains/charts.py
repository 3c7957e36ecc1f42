"""The chain's pictures, drawn as SVG on the server by pygal.

pygal (by Kozea, who also make WeasyPrint) writes plain SVG with its text as text: it needs no
JavaScript (none is linked, and the configuration script it writes is taken out), prints,
scales, and goes into the PDF report as it is; the labels are the page's language, in the
notices' fonts. It is pure Python, with no numpy and
no browser. Each chart is described once (`ChartData`): the SVG is drawn from it, and the page
and the report show the same numbers as a table beside the picture, for screen readers and for
anyone who would rather read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pygal
from pygal.etree import etree
from pygal.style import Style

from portal.chains import resilience
from portal.chains.figures import share
from portal.chains.overview import Overview
from portal.i18n import gettext as _

FONT = "Noto Sans CJK SC, Noto Sans, sans-serif"
STYLE = Style(
    font_family=FONT,
    background="white",
    plot_background="white",
    foreground="#1f2933",
    foreground_strong="#111827",
    foreground_subtle="#6b7280",
    colors=("#1d4ed8", "#b45309", "#047857", "#7c3aed", "#b42318"),
    title_font_size=15,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    value_font_size=11,
)
WAN = Decimal(10000)
NAMES = ("trend", "funding", "composition", "on_time")


Series = tuple[str, list[Decimal | int | None]]  # a name and a value per label


@dataclass(frozen=True)
class ChartData:
    name: str
    title: str
    unit: str
    labels: list[str]  # the x axis (or the slices)
    series: list[Series]

    @property
    def rows(self) -> list[Series]:
        """The table beside the chart: one row per label, one column per series."""
        return [
            (label, [values[i] for _name, values in self.series])
            for i, label in enumerate(self.labels)
        ]


def _wan(amount: Decimal) -> Decimal:
    return (Decimal(amount) / WAN).quantize(Decimal("0.01"))


def _by_quarter(overview: Overview, name: str, title: str, series: list[Series]) -> ChartData:
    """A chart in % over the quarters the chain page looks back on."""
    quarters = [period.quarter.label for period in overview.history]
    return ChartData(name, title, "%", quarters, series)


def trend(overview: Overview) -> ChartData:
    series = [
        (_("Resilience index"), overview.trend(resilience.index)),
        (_("Local supporting rate"), overview.trend(lambda f: _rounded(f.local_supporting_rate))),
        (_("External dependence"), overview.trend(lambda f: _rounded(f.external_dependence))),
    ]
    return _by_quarter(overview, "trend", _("Trend by quarter"), series)


def _rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.1"))


def funding(overview: Overview) -> ChartData:
    """A bar per link, stacked by status: disbursed, awarded and not yet disbursed, and capped
    on challenges not yet awarded."""
    lines = overview.lines
    return ChartData(
        "funding",
        _("Funding along the chain (in 10,000 yuan)"),
        "万元",
        [line.link.name for line in lines],
        [
            (_("Disbursed"), [_wan(line.figures.disbursed) for line in lines]),
            (
                _("Awarded, not yet disbursed"),
                [_wan(max(line.figures.awarded - line.figures.disbursed, 0)) for line in lines],
            ),
            (
                _("Capped, not yet awarded"),
                [_wan(max(line.figures.capped - line.figures.awarded, 0)) for line in lines],
            ),
        ],
    )


def composition(overview: Overview) -> ChartData:
    f = overview.now.chain
    other = f.members - f.enterprise - f.university - f.institute
    counts = [f.enterprise, f.university, f.institute, other]
    return ChartData(
        "composition",
        _("Members of funded consortia by type"),
        "%",
        [_("Enterprises"), _("Universities"), _("Research institutes"), _("Others")],
        [
            (_("Members"), counts),
            (_("Share"), [share(n, f.members) for n in counts]),
        ],
    )


def on_time(overview: Overview) -> ChartData:
    accepted = overview.trend(lambda f: share(f.milestones_on_time, f.milestones_due))
    series = [
        (_("On time"), accepted),
        (_("Milestones due"), overview.trend(lambda f: f.milestones_due)),
    ]
    return _by_quarter(overview, "on_time", _("Milestones accepted on time"), series)


BUILDERS = {"trend": trend, "funding": funding, "composition": composition, "on_time": on_time}


def chart_data(overview: Overview, name: str) -> ChartData:
    return BUILDERS[name](overview)


def _config(chart_class, title: str, **options):
    return chart_class(
        style=STYLE,
        js=[],
        disable_xml_declaration=True,
        width=720,
        height=360,
        explicit_size=False,
        title=title,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        print_values=False,
        show_minor_x_labels=True,
        truncate_legend=40,
        truncate_label=24,
        no_data_text=_("No data yet"),
        **options,
    )


def _plain(values) -> list[float | None]:
    return [None if v is None else float(v) for v in values]


def svg(data: ChartData) -> str:
    """The SVG of `data` (a string, without an XML declaration: it can be inlined or served)."""
    if data.name == "composition":
        chart = _config(pygal.Pie, data.title, inner_radius=0.45)
        counts = data.series[0][1]
        for label, count in zip(data.labels, counts, strict=True):
            chart.add(label, [count] if count else [])
    elif data.name == "funding":
        chart = _config(pygal.StackedBar, data.title, x_label_rotation=20)
        chart.x_labels = data.labels
        for name, values in data.series:
            chart.add(name, _plain(values))
    else:
        percent = data.name == "on_time"
        chart = _config(
            pygal.Bar if percent else pygal.Line, data.title, range=(0, 100), include_x_axis=True
        )
        chart.x_labels = data.labels
        for name, values in data.series[:1] if percent else data.series:
            chart.add(name, _plain(values))
    return _without_scripts(chart)


def _without_scripts(chart) -> str:
    """The chart's SVG without the configuration script pygal always writes for its optional
    tooltips: the picture needs none, and an SVG opened on its own then runs nothing."""
    root = chart.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.endswith("script"):
                parent.remove(child)
    return etree.tostring(root, encoding="unicode")
