"""Charts drawn on the server as SVG: bars, weekly trend lines, a donut. No script, no CDN.

Every label is escaped here, because labels come from crawled data (platform names, seller
cities). Colours come from CSS classes in web/static/dashboard.css, never from inline style
attributes: the CSP forbids them. Each chart names itself in a <title> and <desc> and each
mark carries its own <title> ("label: value"), so a screen reader can read the figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from itertools import count

from markupsafe import Markup

WIDTH = 640
SERIES = 6  # dashboard.css defines .series-0 .. .series-5
_ids = count(1)


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _number(value: float) -> str:
    """Whole numbers with Indonesian thousands dots (12.345); fractions with one decimal."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:.1f}"


def _short(label: str, limit: int = 26) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _open(
    title: str, description: str, height: int, css: str, width: int = WIDTH
) -> tuple[str, list[str]]:
    chart_id = f"chart-{next(_ids)}"
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{_e(title)}</title>',
        f'<desc id="{chart_id}-desc">{_e(description)}</desc>',
    ]
    return chart_id, head


def _empty(title: str, empty_text: str) -> Markup:
    _, parts = _open(title, empty_text, 60, "chart-empty")
    parts.append(
        f'<text class="empty" x="{WIDTH // 2}" y="35" text-anchor="middle">'
        f"{_e(empty_text)}</text></svg>"
    )
    return Markup("".join(parts))


def bar_chart(
    title: str, rows: Sequence[tuple[str, float]], *, empty_text: str = "Belum ada data"
) -> Markup:
    """Horizontal bars, one per (label, value), largest scale = largest value."""
    rows = [(str(label), float(value)) for label, value in rows]
    if not rows:
        return _empty(title, empty_text)
    bar, gap, left, right = 18, 8, 190, 70
    height = len(rows) * (bar + gap) + gap
    top = max(value for _, value in rows) or 1.0
    span = WIDTH - left - right
    description = "; ".join(f"{label}: {_number(value)}" for label, value in rows)
    _, parts = _open(title, description, height, "chart-bar")
    parts.append(f'<line class="axis" x1="{left}" y1="0" x2="{left}" y2="{height}"/>')
    for n, (label, value) in enumerate(rows):
        y = gap + n * (bar + gap)
        width = round(span * max(value, 0) / top, 1)
        parts.append(
            f'<g class="mark"><title>{_e(label)}: {_number(value)}</title>'
            f'<text class="label" x="{left - 6}" y="{y + bar - 5}" text-anchor="end">'
            f"{_e(_short(label))}</text>"
            f'<rect class="series-0" x="{left}" y="{y}" width="{width}" height="{bar}"/>'
            f'<text class="value" x="{left + width + 4}" y="{y + bar - 5}">'
            f"{_number(value)}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    empty_text: str = "Belum ada data",
    width: int = 2 * WIDTH,
) -> Markup:
    """One line per (name, values) over the x labels (weeks), with a y axis from 0 and a
    legend; twice as wide as the other charts by default (it spans the page)."""
    if not x_labels or not series:
        return _empty(title, empty_text)
    height, left, right, top_pad, bottom = 260, 56, 16, 28, 46
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = _nice(max((max(values, default=0) for _, values in series), default=0))
    step = plot_w / max(len(x_labels) - 1, 1)

    def x(n: int) -> float:
        return round(left + n * step, 1) if len(x_labels) > 1 else left + plot_w / 2

    def y(value: float) -> float:
        return round(top_pad + plot_h - plot_h * value / top, 1)

    description = "; ".join(
        f"{name}: "
        + ", ".join(f"{label} {_number(v)}" for label, v in zip(x_labels, values, strict=False))
        for name, values in series
    )
    _, parts = _open(title, description, height, "chart-line", width)
    parts.append(_y_axis(left, top_pad, plot_w, plot_h, top))
    every = max(1, math.ceil(len(x_labels) / (width // 80)))  # a week label takes ~80 units
    ticks = _ticks(len(x_labels), every)
    for n in ticks:
        # The first and last labels hang inwards so the chart's edges do not cut them.
        anchor = "start" if n == 0 and len(ticks) > 1 else "end" if n == ticks[-1] else "middle"
        parts.append(
            f'<text class="tick" x="{x(n)}" y="{height - bottom + 16}" '
            f'text-anchor="{anchor}">{_e(x_labels[n])}</text>'
        )
    for s, (name, values) in enumerate(series[:SERIES]):
        points = " ".join(f"{x(n)},{y(v)}" for n, v in enumerate(values))
        parts.append(
            f'<g class="series series-{s}"><title>{_e(name)}</title>'
            f'<polyline class="line" fill="none" points="{points}"/>'
        )
        for n, value in enumerate(values):
            parts.append(
                f'<circle class="dot" cx="{x(n)}" cy="{y(value)}" r="3">'
                f"<title>{_e(name)}, {_e(x_labels[n])}: {_number(value)}</title>"
                "</circle>"
            )
        parts.append("</g>")
    parts.append(_legend([name for name, _ in series[:SERIES]], height - 12))
    parts.append("</svg>")
    return Markup("".join(parts))


def donut_chart(
    title: str, parts_in: Sequence[tuple[str, float]], *, empty_text: str = "Belum ada data"
) -> Markup:
    """Shares of a whole, e.g. link statuses; zero parts are left out of the ring."""
    shares = [(str(label), float(value)) for label, value in parts_in if value > 0]
    total = sum(value for _, value in shares)
    if not shares or total <= 0:
        return _empty(title, empty_text)
    height, cx, cy, radius, inner = 200, 110, 100, 80, 48
    description = "; ".join(f"{label}: {_number(value)}" for label, value in shares)
    _, parts = _open(title, description, height, "chart-donut")
    angle = -math.pi / 2
    for s, (label, value) in enumerate(shares[:SERIES]):
        sweep = 2 * math.pi * value / total
        parts.append(
            f'<path class="series-{s}" d="{_arc(cx, cy, radius, inner, angle, sweep)}">'
            f"<title>{_e(label)}: {_number(value)}</title></path>"
        )
        angle += sweep
    parts.append(
        f'<text class="total" x="{cx}" y="{cy + 6}" text-anchor="middle">{_number(total)}</text>'
    )
    for s, (label, value) in enumerate(shares[:SERIES]):
        y = 40 + s * 24
        parts.append(
            f'<rect class="series-{s}" x="230" y="{y - 11}" width="14" height="14"/>'
            f'<text class="label" x="252" y="{y}">{_e(_short(label, 40))}: '
            f"{_number(value)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _arc(cx: float, cy: float, r: float, inner: float, start: float, sweep: float) -> str:
    if sweep >= 2 * math.pi - 1e-9:  # a full ring cannot be one arc: draw two halves
        half = _arc(cx, cy, r, inner, start, math.pi)
        return half + " " + _arc(cx, cy, r, inner, start + math.pi, math.pi)
    end = start + sweep
    large = 1 if sweep > math.pi else 0

    def at(radius: float, angle: float) -> str:
        return f"{cx + radius * math.cos(angle):.2f} {cy + radius * math.sin(angle):.2f}"

    return (
        f"M {at(r, start)} A {r} {r} 0 {large} 1 {at(r, end)} "
        f"L {at(inner, end)} A {inner} {inner} 0 {large} 0 {at(inner, start)} Z"
    )


def _ticks(count: int, every: int) -> list[int]:
    """Every `every`-th label, and always the last one: it takes the place of the one before
    when the two would overlap."""
    ticks = list(range(0, count, every))
    last = count - 1
    if ticks[-1] != last:
        if last - ticks[-1] < every / 2 and len(ticks) > 1:
            ticks[-1] = last
        else:
            ticks.append(last)
    return ticks


def _nice(top: float) -> float:
    """A round axis maximum at or above `top` (1, 2, 5 × 10^n)."""
    if top <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(top))
    for factor in (1, 2, 5, 10):
        if top <= factor * power:
            return float(factor * power)
    return float(10 * power)


def _y_axis(left: float, top_pad: float, plot_w: float, plot_h: float, top: float) -> str:
    out = [
        f'<line class="axis" x1="{left}" y1="{top_pad}" x2="{left}" y2="{top_pad + plot_h}"/>',
        f'<line class="axis" x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" '
        f'y2="{top_pad + plot_h}"/>',
    ]
    for n in range(5):
        value = top * n / 4
        y = round(top_pad + plot_h - plot_h * n / 4, 1)
        out.append(
            f'<line class="grid" x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}"/>'
            f'<text class="tick" x="{left - 6}" y="{y + 4}" text-anchor="end">'
            f"{_number(value)}</text>"
        )
    return "".join(out)


def _legend(names: Sequence[str], y: float) -> str:
    out, x = [], 56.0
    for s, name in enumerate(names):
        out.append(
            f'<rect class="series-{s} key" x="{x}" y="{y - 10}" width="12" height="12"/>'
            f'<text class="label" x="{x + 16}" y="{y}">{_e(_short(name, 30))}</text>'
        )
        x += 30 + 7 * len(_short(name, 30))
    return "".join(out)
