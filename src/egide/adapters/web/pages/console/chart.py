"""A line chart drawn on the server as SVG: acceptance rates (0-100 %) per period, one line per series.

No script, no inline style (the pages' CSP forbids both): presentation attributes and classes only.
Periods without any choice leave a gap in their line rather than a false zero.
"""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

from egide.services.consent_figures import Series

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
COLOURS = ("#1b6ac9", "#c23b22", "#2e8b57", "#8a4fbf", "#d98e04", "#117a8b", "#6b6b6b", "#b5367a")


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def _y(rate: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - rate)


def _segments(series: Series, count: int) -> list[list[tuple[float, float]]]:
    segments: list[list[tuple[float, float]]] = [[]]
    for i, point in enumerate(series.points):
        if point.rate is None:
            if segments[-1]:
                segments.append([])
            continue
        segments[-1].append((_x(i, count), _y(point.rate)))
    return [s for s in segments if s]


def acceptance_chart(series: list[Series], title: str) -> Markup:
    """The SVG element, escaped text only (series names come from the register)."""
    starts: list[date] = [p.start for p in series[0].points] if series else []
    count = len(starts)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        y = _y(tick)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{int(tick * 100)} %</text>')
    step = max(1, count // 8)
    for i in range(0, count, step):
        parts.append(f'<text x="{_x(i, count):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                     f'font-size="11">{starts[i].isoformat()}</text>')
    for n, one in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        for segment in _segments(one, count):
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
            parts.append(f'<polyline class="series" data-series="{escape(one.name)}" fill="none" stroke="{colour}" '
                         f'stroke-width="2" points="{points}"/>')
            parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in segment)
        parts.append(f'<text x="{LEFT + 8 + n * 170}" y="{HEIGHT - 6}" font-size="11" '
                     f'fill="{colour}">{escape(one.name[:28])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
