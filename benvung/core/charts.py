"""Small charts drawn on the server as SVG: no script, readable without styles, and always
followed on the page by a table of the same numbers (the accessible version)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # one per x label; None leaves a gap
    dashed: bool = False
    markers: bool = True  # a dot on each value (off for drawn lines such as a target path)


@dataclass(frozen=True)
class Band:
    """A shaded horizontal band (a target range such as 5-8 %); low == high draws a line."""

    low: float
    high: float
    label: str


WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 56
COLOURS = ("#1b6b3a", "#b45309", "#1d4ed8", "#6b7280")
BAND_FILL, BAND_EDGE = "#dbeafe", "#1d4ed8"


def _tick_label(tick: float, ticks: Sequence[float]) -> str:
    """Whole numbers when the steps are whole; else as many decimals as the step needs."""
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    decimals = 0 if step >= 1 else min(3, -math.floor(math.log10(step)))
    return number_format(round(tick, decimals), decimals, force_grouping=True)


def _svg_open(title: str, chart_id: str, height: int = HEIGHT) -> str:
    """The opening tag: named by its <title> through aria-labelledby when it has an id."""
    if chart_id:
        label = f'aria-labelledby="{escape(chart_id)}-title"'
        title_tag = f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
    else:
        label = f'aria-label="{escape(title)}"'
        title_tag = f"<title>{escape(title)}</title>"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'{label} class="chart">{title_tag}'
    )


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 × 10ⁿ) covering low..high."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw / 1.25)
    ticks = [math.floor(low / step) * step]
    while ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    band: Band | None = None,
    chart_id: str = "",
) -> SafeString:
    """A line chart of `series` over `x_labels`, with a title for screen readers.

    `band` shades a target range across the plot (drawn first, so the lines stay on top).
    """
    values = [v for s in series for v in s.values if v is not None]
    if not values or not x_labels:
        return mark_safe("")
    scale = values + ([band.low, band.high] if band else [])
    ticks = _ticks(min(0.0, min(scale)), max(scale) * 1.05 or 1.0)
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * i / max(1, len(x_labels) - 1) if len(x_labels) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / (high - low))

    parts = [_svg_open(title, chart_id)]
    for tick in ticks:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#d1d5db" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">'
            f"{escape(_tick_label(tick, ticks))}</text>"
        )
    legend: list[tuple[str, str]] = []  # (swatch svg at x=0, label)
    if band is not None:
        top, bottom = y(max(band.low, band.high)), y(min(band.low, band.high))
        parts.append(
            f'<rect x="{LEFT}" y="{top:.1f}" width="{plot_w}" height="{max(bottom - top, 2):.1f}" '
            f'fill="{BAND_FILL}" stroke="{BAND_EDGE}" stroke-width="1" stroke-dasharray="2 2"/>'
        )
        legend.append(
            (
                f'<rect x="0" y="-9" width="20" height="10" fill="{BAND_FILL}" '
                f'stroke="{BAND_EDGE}" stroke-width="1"/>',
                band.label,
            )
        )
    for i, label in enumerate(x_labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'font-size="11">{escape(label)}</text>'
        )
    for n, s in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        points = [(x(i), y(v)) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
            )
        if s.markers:
            for px, py in points:
                parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>')
        legend.append(
            (
                f'<line x1="0" x2="20" y1="-4" y2="-4" stroke="{colour}" stroke-width="2"{dash}/>',
                s.label,
            )
        )
    # The legend wraps onto more rows below the plot when it is wider than the chart.
    legend_x, legend_row = LEFT, 0
    for swatch, label in legend:
        width = 40 + 6 * len(label)
        if legend_x > LEFT and legend_x + width > WIDTH:
            legend_x, legend_row = LEFT, legend_row + 1
        parts.append(
            f'<g transform="translate({legend_x},{HEIGHT - 10 + 18 * legend_row})">{swatch}'
            f'<text x="26" y="0" font-size="11">{escape(label)}</text></g>'
        )
        legend_x += width
    if legend_row:
        parts[0] = _svg_open(title, chart_id, HEIGHT + 18 * legend_row)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


BAR_ROW, BAR_LABEL_W = 26, 220


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, float | None]],
    *,
    unit: str = "",
    decimals: int = 1,
    goal: float | None = None,
    goal_label: str = "",
    chart_id: str = "",
) -> SafeString:
    """Horizontal bars, one per (label, value), with the value written at the end of each bar.

    A missing value is written as "—" with no bar; `goal` draws a dashed vertical line.
    """
    known = [v for _label, v in rows if v is not None]
    if not rows or not known:
        return mark_safe("")
    top = max([*known, goal or 0.0, 0.0]) or 1.0
    low = min(0.0, *known)
    height = TOP + BAR_ROW * len(rows) + (36 if goal is not None else 12)
    plot_w = WIDTH - BAR_LABEL_W - RIGHT - 70

    def x(v: float) -> float:
        return BAR_LABEL_W + plot_w * (v - low) / (top - low)

    parts = [_svg_open(title, chart_id, height)]
    for i, (label, value) in enumerate(rows):
        row_y = TOP + i * BAR_ROW
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<text x="{BAR_LABEL_W - 8}" y="{row_y + 15}" text-anchor="end" font-size="11">'
            f"{escape(short)}</text>"
        )
        if value is None:
            parts.append(f'<text x="{BAR_LABEL_W + 4}" y="{row_y + 15}" font-size="11">—</text>')
            continue
        start, end = sorted((x(0.0), x(value)))
        text = number_format(round(value, decimals), decimals, force_grouping=True)
        parts.append(
            f'<rect x="{start:.1f}" y="{row_y + 4}" width="{max(end - start, 1):.1f}" '
            f'height="{BAR_ROW - 8}" fill="{COLOURS[0]}"/>'
            f'<text x="{end + 4:.1f}" y="{row_y + 15}" font-size="11">'
            f"{escape(text)}{escape(unit)}</text>"
        )
    if goal is not None:
        gx, bottom = x(goal), TOP + BAR_ROW * len(rows)
        parts.append(
            f'<line x1="{gx:.1f}" x2="{gx:.1f}" y1="{TOP}" y2="{bottom}" stroke="{BAND_EDGE}" '
            'stroke-width="2" stroke-dasharray="4 3"/>'
            f'<text x="{gx:.1f}" y="{bottom + 16}" text-anchor="middle" font-size="11">'
            f"{escape(goal_label)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
