"""Server-rendered SVG charts: horizontal bars (with a target line or band), a line with a
target line, and 100 % stacked bars. Pure functions, no JavaScript.

Every chart is `<svg role="img">` named by its `<title>` and described by its `<desc>`
(which states the figures in words); the page shows the same figures in a data table.

Layout works at any width without scaling the text: horizontal positions are percentages
of the chart's width, vertical ones are in `em`, so the chart follows the text size (and the
elderly-friendly mode) while labels stay readable on a 360 px screen.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str  # the value as displayed, e.g. "97.5%"
    status: bool | None = None  # meets the target? None: no target or no data


@dataclass(frozen=True)
class Target:
    low: float
    high: float | None = None
    label: str = ""


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None
    text: str


@dataclass(frozen=True)
class Series:
    key: str
    label: str


@dataclass(frozen=True)
class Stack:
    label: str
    values: dict  # series key → count
    text: str = ""  # shown at the right of the label, e.g. the total


def _n(value: float) -> str:
    """A coordinate without float noise: 12.5, 3, 0.333."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def nice_ticks(low: float, high: float, *, most: int = 6, integer: bool = False) -> list[float]:
    """Round tick values from low to high: steps of 1, 2, 2.5 or 5 × 10^n, at most `most`
    ticks (whole-number steps only when `integer`)."""
    span = high - low
    if span <= 0:
        return [low]
    exponent = math.floor(math.log10(span)) - 1
    for e in (exponent, exponent + 1, exponent + 2):
        for m in (1, 2, 2.5, 5):
            step = m * 10**e
            if integer and (step < 1 or step != int(step)):
                continue
            if span / step <= most - 1 + 1e-9:
                first = math.ceil(low / step - 1e-9) * step
                ticks = []
                value = first
                while value <= high + 1e-9:
                    ticks.append(round(value, 10))
                    value += step
                return ticks
    return [low, high]


def _pct(value: float | None, low: float, high: float) -> float:
    if value is None or high <= low:
        return 0.0
    return max(0.0, min(100.0, 100 * (value - low) / (high - low)))


def _svg(chart_id: str, title: str, desc: str, height_em: float, body: SafeString, css: str):
    return format_html(
        '<svg class="chart {css}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'width="100%" height="{h}em" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        css=css,
        id=chart_id,
        h=_n(height_em),
        title=title,
        desc=desc,
        body=body,
    )


# --- horizontal bars ----------------------------------------------------------------------

BAR_ROW = 2.75  # em per bar: a line of text, then the bar
BAR_TOP = 1.9  # em reserved above the bars for the target label


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    *,
    scale: tuple[float, float],
    target: Target | None = None,
    ticks: Sequence[float] = (),
    tick_format: Callable[[float], str] = _n,
) -> SafeString:
    """One labelled horizontal bar per item on a shared scale (low, high).

    A target draws a dashed line at `low` (and a shaded band up to `high`); bars that meet
    it are green, the others amber — the value text and the table carry the same fact.
    """
    low, high = scale
    rows = len(bars)
    parts = []
    plot_h = rows * BAR_ROW
    x_low = x_high = None
    if target is not None:
        x_low = _pct(target.low, low, high)
        x_high = _pct(target.high, low, high) if target.high is not None else None
        anchor = "end" if x_low > 55 else "start"
        parts.append(
            format_html(
                '<text class="chart-target-label" x="{}%" dx="{}" y="1.2em" text-anchor="{}">{}</text>',
                _n(x_low),
                "-2" if anchor == "end" else "2",  # clear of the target line, inside the chart
                anchor,
                target.label,
            )
        )
    for i, bar in enumerate(bars):
        y = BAR_TOP + i * BAR_ROW
        state = "" if bar.status is None else (" is-met" if bar.status else " is-missed")
        parts.append(
            format_html(
                '<text class="chart-label" x="0" y="{ty}em">{label}</text>'
                '<text class="chart-value" x="100%" y="{ty}em" text-anchor="end">{text}</text>'
                '<rect class="chart-track" x="0" y="{by}em" width="100%" height="1em"/>',
                ty=_n(y + 0.95),
                label=bar.label,
                text=bar.text,
                by=_n(y + 1.3),
            )
        )
        if x_high is not None:
            parts.append(
                format_html(
                    '<rect class="chart-band" x="{}%" y="{}em" width="{}%" height="1em"/>',
                    _n(x_low),
                    _n(y + 1.3),
                    _n(max(x_high - x_low, 0.4)),
                )
            )
        parts.append(
            format_html(
                '<rect class="chart-bar{}" x="0" y="{}em" width="{}%" height="1em"/>',
                state,
                _n(y + 1.3),
                _n(_pct(bar.value, low, high)),
            )
        )
        if x_low is not None:
            # The target as a mark across each bar (a line through the labels would hide them).
            parts.append(
                format_html(
                    '<line class="chart-target" x1="{x}%" x2="{x}%" y1="{y1}em" y2="{y2}em"/>',
                    x=_n(x_low),
                    y1=_n(y + 1.1),
                    y2=_n(y + 2.5),
                )
            )
    axis_y = BAR_TOP + plot_h
    for k, tick in enumerate(ticks):
        anchor = "start" if k == 0 else "end" if k == len(ticks) - 1 else "middle"
        parts.append(
            format_html(
                '<text class="chart-tick" x="{}%" y="{}em" text-anchor="{}">{}</text>',
                _n(_pct(tick, low, high)),
                _n(axis_y + 1.1),
                anchor,
                tick_format(tick),
            )
        )
    height = axis_y + (1.6 if ticks else 0.4)
    return _svg(chart_id, title, desc, height, mark_safe("".join(parts)), "chart-bars")  # noqa: S308


# --- line with a target line --------------------------------------------------------------

LINE_TOP = 3.2  # em above the plot (the target key, point labels)
LINE_PLOT = 9.0  # em of plot height
LINE_LEFT = "3em"  # the y-axis labels' column
LINE_X0, LINE_X1 = 16.0, 96.0  # % of the width where the first and last slot centres sit


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    points: Sequence[Point],
    *,
    scale: tuple[float, float],
    target: Target | None = None,
    ticks: Sequence[float] = (),
    tick_format: Callable[[float], str] = _n,
) -> SafeString:
    """Values over ordered slots (quarters); gaps where a slot has no data."""
    low, high = scale
    n = max(len(points), 1)
    step = (LINE_X1 - LINE_X0) / n

    def x(i: int) -> float:
        return LINE_X0 + (i + 0.5) * step

    def y(value: float) -> float:
        return LINE_TOP + (1 - _pct(value, low, high) / 100) * LINE_PLOT

    parts = []
    for tick in ticks:
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{left}" x2="100%" y1="{y}em" y2="{y}em"/>'
                '<text class="chart-tick" x="0" y="{ty}em">{label}</text>',
                left=LINE_LEFT,
                y=_n(y(tick)),
                ty=_n(y(tick) + 0.35),
                label=tick_format(tick),
            )
        )
    if target is not None:
        ty = y(target.low)
        # The line across the plot, and its key above the plot: "- - - 目标 ≥ 98%".
        parts.append(
            format_html(
                '<line class="chart-target" x1="{left}" x2="100%" y1="{y}em" y2="{y}em"/>'
                '<line class="chart-target" x1="{left}" x2="5.5em" y1="0.8em" y2="0.8em"/>'
                '<text class="chart-target-label" x="6em" y="1.15em">{label}</text>',
                left=LINE_LEFT,
                y=_n(ty),
                label=target.label,
            )
        )
    previous = None
    for i, point in enumerate(points):
        if point.value is None:
            previous = None
            continue
        if previous is not None:
            j, value = previous
            parts.append(
                format_html(
                    '<line class="chart-line" x1="{}%" y1="{}em" x2="{}%" y2="{}em"/>',
                    _n(x(j)),
                    _n(y(value)),
                    _n(x(i)),
                    _n(y(point.value)),
                )
            )
        previous = (i, point.value)
    for i, point in enumerate(points):
        parts.append(
            format_html(
                '<text class="chart-tick" x="{}%" y="{}em" text-anchor="middle">{}</text>',
                _n(x(i)),
                _n(LINE_TOP + LINE_PLOT + 1.4),
                point.label,
            )
        )
        if point.value is None:
            continue
        state = ""
        if target is not None:
            state = " is-met" if point.value >= target.low else " is-missed"
        parts.append(
            format_html(
                '<circle class="chart-point{}" cx="{}%" cy="{}em" r="0.35em"/>'
                '<text class="chart-value" x="{}%" y="{}em" text-anchor="middle">{}</text>',
                state,
                _n(x(i)),
                _n(y(point.value)),
                _n(x(i)),
                _n(y(point.value) - 0.75),
                point.text,
            )
        )
    height = LINE_TOP + LINE_PLOT + 2.0
    return _svg(chart_id, title, desc, height, mark_safe("".join(parts)), "chart-line-chart")  # noqa: S308


# --- 100 % stacked bars --------------------------------------------------------------------


def stacked_bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    stacks: Sequence[Stack],
    series: Sequence[Series],
) -> SafeString:
    """Each item's composition as shares of one full-width bar, segments in series order.

    Segments carry the class `seg-<key>` (colours in the stylesheet) and are separated by a
    white gap; the legend is HTML next to the chart (see `legend`).
    """
    parts = []
    for i, stack in enumerate(stacks):
        y = 0.2 + i * BAR_ROW
        parts.append(
            format_html(
                '<text class="chart-label" x="0" y="{ty}em">{label}</text>'
                '<text class="chart-value" x="100%" y="{ty}em" text-anchor="end">{text}</text>',
                ty=_n(y + 0.95),
                label=stack.label,
                text=stack.text,
            )
        )
        total = sum(stack.values.get(s.key, 0) for s in series)
        if not total:
            parts.append(
                format_html(
                    '<rect class="chart-track" x="0" y="{}em" width="100%" height="1em"/>',
                    _n(y + 1.3),
                )
            )
            continue
        start = 0.0
        for s in series:
            count = stack.values.get(s.key, 0)
            if not count:
                continue
            width = 100 * count / total
            parts.append(
                format_html(
                    '<rect class="chart-seg seg-{}" x="{}%" y="{}em" width="{}%" height="1em"/>',
                    s.key,
                    _n(start),
                    _n(y + 1.3),
                    _n(width),
                )
            )
            start += width
    height = 0.2 + len(stacks) * BAR_ROW + 0.4
    return _svg(chart_id, title, desc, height, mark_safe("".join(parts)), "chart-stacked")  # noqa: S308


def legend(series: Sequence[Series]) -> SafeString:
    """The colour key of a stacked chart, as an HTML list (hidden from screen readers: the
    chart's description and the table say the same)."""
    items = format_html_join(
        "",
        '<li><span class="swatch seg-{}"></span>{}</li>',
        ((s.key, s.label) for s in series),
    )
    return format_html('<ul class="chart-legend" aria-hidden="true">{}</ul>', items)
