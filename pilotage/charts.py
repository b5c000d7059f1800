"""Server-rendered SVG charts (no script, no inline style: the CSP stays strict).

Each chart is decorative over its data table, which is always printed right after it: the SVG
carries ``role="img"`` and a title saying so, the table is the text alternative (RGAA 1.1,
criterion on complex images). Masked counts (see :mod:`pilotage.privacy`) are not drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count as counter

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .privacy import Count

WIDTH = 640
BAR_COLOR = "#1d4f91"  # contrast 8.6:1 on white
MODE_COLORS = ("#0b6e4f", "#3f8f6b", "#7a9a2f", "#b36b00", "#a1262e")
HEAT_COLORS = ("#ffffff", "#dbe6f3", "#a9c2e2", "#5d88c2", "#1d4f91")
_ids = counter(1)


def _frame(title: str, height: int, body: SafeString) -> SafeString:
    ident = f"graph-{next(_ids)}"
    return format_html(
        '<svg class="pilotage-chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="{i}" focusable="false"><title id="{i}">{t}</title>{b}</svg>',
        w=WIDTH,
        h=height,
        i=ident,
        t=f"{title} (graphique ; les valeurs sont dans le tableau qui suit)",
        b=body,
    )


def bar_chart(title: str, points: Sequence[tuple[str, Count]]) -> SafeString:
    """Vertical bars, e.g. passages per day."""
    height, top, bottom = 220, 10, 30
    values = [c.shown or 0 for _label, c in points]
    peak = max(values, default=0) or 1
    n = max(len(points), 1)
    step = (WIDTH - 40) / n
    bars = []
    for i, (_label, c) in enumerate(points):
        shown = c.shown or 0
        h = (height - top - bottom) * shown / peak
        bars.append(
            (
                f"{20 + i * step + step * 0.1:.1f}",
                f"{height - bottom - h:.1f}",
                f"{max(step * 0.8, 1):.1f}",
                f"{h:.1f}",
                BAR_COLOR,
            )
        )
    body = format_html_join(
        "", '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>', bars
    )
    axis = format_html(
        '<line x1="20" y1="{y}" x2="{x}" y2="{y}" stroke="#333"></line>'
        '<text x="20" y="{ty}" font-size="12">{first}</text>'
        '<text x="{x}" y="{ty}" font-size="12" text-anchor="end">{last}</text>',
        y=height - bottom,
        x=WIDTH - 20,
        ty=height - 10,
        first=points[0][0] if points else "",
        last=points[-1][0] if points else "",
    )
    return _frame(title, height, mark_safe(body + axis))  # noqa: S308 - escaped above


def hbar_chart(title: str, points: Sequence[tuple[str, Count]]) -> SafeString:
    """Horizontal bars for categories (labels on the left)."""
    row, left = 24, 250
    height = max(row * len(points) + 10, 40)
    peak = max((c.shown or 0 for _l, c in points), default=0) or 1
    parts = []
    for i, (label, c) in enumerate(points):
        y = 5 + i * row
        w = (WIDTH - left - 60) * (c.shown or 0) / peak
        parts.append(
            format_html(
                '<text x="{lx}" y="{ty}" font-size="12" text-anchor="end">{label}</text>'
                '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{f}"></rect>'
                '<text x="{vx}" y="{ty}" font-size="12">{value}</text>',
                lx=left - 6,
                ty=y + 15,
                label=label if len(label) <= 34 else label[:33] + "…",
                x=left,
                y=y + 3,
                w=f"{w:.1f}",
                h=row - 8,
                f=BAR_COLOR,
                vx=f"{left + w + 4:.1f}",
                value=c.label,
            )
        )
    return _frame(title, height, mark_safe("".join(parts)))  # noqa: S308 - format_html parts


def heatmap(
    title: str, rows: Sequence[str], columns: Sequence[str], grid: Sequence[Sequence[Count]]
) -> SafeString:
    """Hour × weekday grid, darker for more arrivals."""
    cell_w, cell_h, left, top = 70, 18, 60, 20
    height = top + cell_h * len(rows) + 10
    peak = max((c.shown or 0 for line in grid for c in line), default=0) or 1
    parts = [
        format_html(
            '<text x="{x}" y="14" font-size="11" text-anchor="middle">{c}</text>',
            x=left + j * cell_w + cell_w // 2,
            c=col[:3],
        )
        for j, col in enumerate(columns)
    ]
    for i, label in enumerate(rows):
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" font-size="11" text-anchor="end">{l}</text>',
                x=left - 6,
                y=top + i * cell_h + 13,
                l=label,
            )
        )
        for j, c in enumerate(grid[i]):
            level = 0 if not c.shown else 1 + min(3, int(3 * c.shown / peak))
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{f}" '
                    'stroke="#ccc"></rect>',
                    x=left + j * cell_w,
                    y=top + i * cell_h,
                    w=cell_w,
                    h=cell_h,
                    f=HEAT_COLORS[level],
                )
            )
    return _frame(title, height, mark_safe("".join(parts)))  # noqa: S308 - format_html parts


def stacked_shares(
    title: str, labels: Sequence[str], series: Sequence[Sequence[Count]], names: Sequence[str]
) -> SafeString:
    """One 100 % bar per label (month), one segment per series (mode of help)."""
    row, left = 26, 90
    height = row * len(labels) + 40
    parts = []
    for i, label in enumerate(labels):
        y = 5 + i * row
        values = [(s[i].shown or 0) for s in series]
        total = sum(values) or 1
        x = float(left)
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" font-size="12" text-anchor="end">{l}</text>',
                x=left - 6,
                y=y + 15,
                l=label,
            )
        )
        for k, value in enumerate(values):
            w = (WIDTH - left - 20) * value / total
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{f}"></rect>',
                    x=f"{x:.1f}",
                    y=y + 2,
                    w=f"{w:.1f}",
                    h=row - 6,
                    f=MODE_COLORS[k % len(MODE_COLORS)],
                )
            )
            x += w
    legend_y = 5 + len(labels) * row + 12
    for k, name in enumerate(names):
        parts.append(
            format_html(
                '<rect x="{x}" y="{y}" width="10" height="10" fill="{f}"></rect>'
                '<text x="{tx}" y="{ty}" font-size="11">{n}</text>',
                x=left + k * 105,
                y=legend_y,
                f=MODE_COLORS[k % len(MODE_COLORS)],
                tx=left + k * 105 + 14,
                ty=legend_y + 9,
                n=name,
            )
        )
    return _frame(title, height, mark_safe("".join(parts)))  # noqa: S308 - format_html parts
