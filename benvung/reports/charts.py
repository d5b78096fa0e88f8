"""Charts of an official document drawn as PNG pictures (matplotlib, Agg backend).

The figure is built with `matplotlib.figure.Figure` on an Agg canvas directly, never through
pyplot: no global backend switch, no display, safe in a background worker. The font is DejaVu Sans,
which ships inside matplotlib and has every Vietnamese letter, so a server without fonts still
draws "Tiêu thụ năng lượng" correctly.
"""

from __future__ import annotations

import io
import math
import textwrap
from typing import Any

from django.utils.translation import pgettext
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .content import Chart

# The picture is inserted 15 cm wide in the document; drawn at that size so the text in it has
# the size it is printed at (about 9 pt), at a resolution that prints sharply.
WIDTH_IN = 15 / 2.54
HEIGHT_IN = 7.5 / 2.54
DPI = 200
# Documents are often printed in black and white: dark, distinct colours, each series with its
# own marker (lines) or hatch (bars) as well.
COLOURS = ["#1f3b73", "#b8451f", "#2e7d32", "#6a1b9a", "#5d4037", "#00838f"]
MARKERS = ["o", "s", "^", "D", "v", "P"]
HATCHES = ["", "//", "..", "xx", "\\\\", "--"]
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.edgecolor": "#333333",
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": "#222222",
    "ytick.color": "#222222",
    "svg.fonttype": "none",
    "figure.dpi": DPI,
}


def vietnamese_number(value: float, _position: object = None) -> str:
    """1234.5 → "1.234,5": axis labels written the Vietnamese way, as the tables are."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _missing_as_nan(values: list[float | None]) -> list[float]:
    # A year without a value is a gap in the line, not a drop to zero.
    return [math.nan if v is None else float(v) for v in values]


def chart_png(chart: Chart) -> bytes:
    """The chart as a PNG picture, ready for `add_picture`."""
    with rc_context(STYLE):  # type: ignore[arg-type]  # keys typed as Literal in the stubs
        figure = draw(chart)
        buffer = io.BytesIO()
        # No metadata: the same chart gives the same bytes (no creation date, no version).
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def draw(chart: Chart) -> Figure:
    """The chart's figure (call it under `rc_context(STYLE)`, as `chart_png` does)."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(chart.labels)))
    if chart.band is not None:
        low, high = sorted(chart.band)
        axes.axhspan(
            low,
            high,
            color="#9ccc65",
            alpha=0.25,
            linewidth=0,
            label=pgettext("official document", "Target band"),
        )
    if chart.kind == "bar":
        _bars(axes, chart, positions)
        axes.set_ylim(*bar_limits(chart))
    else:
        for i, (name, values) in enumerate(chart.series):
            axes.plot(
                positions,
                _missing_as_nan(values),
                label=name,
                color=COLOURS[i % len(COLOURS)],
                marker=MARKERS[i % len(MARKERS)],
                markersize=3.5,
                linewidth=1.4,
            )
    # Long names (sectors) wrap on two or three lines under their bars rather than slant.
    width = max(8, int(90 / max(len(chart.labels), 1)))
    axes.set_xticks(positions, [textwrap.fill(x, width) for x in chart.labels])
    if len(chart.labels) > 12:
        for label in axes.get_xticklabels():
            label.set_rotation(45)
            label.set_horizontalalignment("right")
    axes.yaxis.set_major_formatter(FuncFormatter(vietnamese_number))
    axes.grid(axis="y", color="#dddddd", linewidth=0.5)
    axes.set_axisbelow(True)
    if chart.unit:
        axes.set_ylabel(chart.unit)
    if chart.series or chart.band is not None:
        axes.legend(frameon=False, loc="best", fontsize=8)
    figure.tight_layout()
    return figure


def bar_limits(chart: Chart) -> tuple[float, float]:
    """The value axis of a bar chart: from 0 (a bar's length is its value, so an axis starting
    higher makes small differences look large), down to the lowest negative value when there
    is one, up to the highest value or target band, with a little room above and below."""
    values = [float(v) for _name, series in chart.series for v in series if v is not None]
    if chart.band is not None:
        values += [float(b) for b in chart.band]
    low = min([0.0, *values])
    high = max([0.0, *values])
    if low == high:  # nothing but zeros: an axis of 0-1 rather than a collapsed one
        return (0.0, 1.0)
    pad = (high - low) * 0.08
    return (low - pad if low < 0 else 0.0, high + pad if high > 0 else 0.0)


def _bars(axes: Any, chart: Chart, positions: list[int]) -> None:
    """Grouped bars. A missing value is not a zero: its bar is left out and "không có số
    liệu" is written, upright from the axis, where it would stand."""
    count = max(len(chart.series), 1)
    width = 0.8 / count
    if any(v is not None and v < 0 for _name, values in chart.series for v in values):
        # Bars going down from the zero line: the line drawn, so below it reads as negative.
        axes.axhline(0, color="#333333", linewidth=0.6)
    missing = pgettext("official document", "no data")
    for i, (name, values) in enumerate(chart.series):
        offset = (i - (count - 1) / 2) * width
        present = [
            (p + offset, float(v)) for p, v in zip(positions, values, strict=False) if v is not None
        ]
        axes.bar(
            [x for x, _v in present],
            [v for _x, v in present],
            width=width * 0.92,
            label=name,
            color=COLOURS[i % len(COLOURS)],
            hatch=HATCHES[i % len(HATCHES)],
            edgecolor="white",
            linewidth=0.4,
        )
        for position, value in zip(positions, values, strict=False):
            if value is None:
                # x in data units, y in axes units: just above the axis whatever the scale.
                axes.text(
                    position + offset,
                    0.02,
                    missing,
                    transform=axes.get_xaxis_transform(),
                    rotation=90,
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    color="#555555",
                )
