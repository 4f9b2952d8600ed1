"""Static, accessible SVG charts made at build time (site and application use the same files).

Each chart carries a <title> and <desc> (its text alternative); pages show the data table beside it.
All text is XML-escaped. Colours meet 3:1 contrast against white for graphical objects (WCAG 1.4.11).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

from . import formatting as fmt

COLORS = ["#1f4e79", "#b35900", "#2e7d32", "#6a1b9a", "#c62828", "#00695c", "#4e342e", "#37474f"]
FONT = "font-family=\"'DejaVu Sans', Arial, sans-serif\""


def _svg(width: int, height: int, title: str, desc: str, body: list[str], ident: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{ident}-title {ident}-desc">\n'
        f'<title id="{ident}-title">{escape(title)}</title>\n'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>\n'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>\n' + "\n".join(body) + "\n</svg>\n"
    )


@dataclass
class Bar:
    label: str
    values: list[Decimal]


def bar_chart(ident: str, title: str, bars: list[Bar], series: list[str]) -> str:
    """Horizontal stacked bars, one per label; values in euro."""
    label_width = 340
    width = 840
    plot = width - label_width - 130
    row = 30
    legend = 28 if len(series) > 1 else 0
    height = 20 + legend + row * max(len(bars), 1) + 10
    top = max((sum(b.values, Decimal(0)) for b in bars), default=Decimal(0)) or Decimal(1)
    body = []
    if len(series) > 1:
        x = label_width
        for i, name in enumerate(series):
            body.append(f'<rect x="{x}" y="12" width="14" height="14" fill="{COLORS[i % len(COLORS)]}"/>')
            body.append(f'<text x="{x + 20}" y="24" font-size="13" {FONT} fill="#111">{escape(name)}</text>')
            x += 30 + 8 * len(name)
    for index, bar in enumerate(bars):
        y = 20 + legend + index * row
        label = bar.label if len(bar.label) <= 44 else bar.label[:42] + "…"
        body.append(
            f'<text x="{label_width - 8}" y="{y + 18}" font-size="13" text-anchor="end" {FONT} fill="#111">'
            f"{escape(label)}</text>"
        )
        x = float(label_width)
        for i, value in enumerate(bar.values):
            w = float(value / top) * plot
            if w > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="20" fill="{COLORS[i % len(COLORS)]}"/>'
                )
            x += w
        total = sum(bar.values, Decimal(0))
        body.append(
            f'<text x="{x + 6:.1f}" y="{y + 18}" font-size="13" {FONT} fill="#111">{escape(fmt.euro(total))}</text>'
        )
    desc = "; ".join(
        f"{b.label}: {fmt.euro(sum(b.values, Decimal(0)))}"
        + (
            " (" + ", ".join(f"{s} {fmt.euro(v)}" for s, v in zip(series, b.values, strict=False)) + ")"
            if len(series) > 1
            else ""
        )
        for b in bars
    )
    return _svg(width, height, title, desc or "Keine Daten", body, ident)


@dataclass
class Span:
    label: str
    start: dt.date
    end: dt.date
    milestones: list[dt.date]
    color: int = 0


def cost_by_year(ident: str, budget: Any) -> str:
    """Cost per year split into grant, third-party money and own share (a plan.Budget)."""
    bars = [
        Bar(str(year), [money.grant, money.third_party, money.own]) for year, money in budget.by_year.items()
    ]
    return bar_chart(ident, "Kosten nach Jahr", bars, ["Zuwendung", "Drittmittel", "Eigenanteil"])


def measure_spans(measures: Iterable[Any], action_fields: Iterable[Any]) -> list[Span]:
    """One span per measure, in order of start, coloured by its primary action field."""
    index = {f.id: i for i, f in enumerate(action_fields)}
    return [
        Span(
            f"{m.id} {m.title}",
            m.start,
            m.end,
            [ms.date for ms in m.milestones],
            index.get(m.action_field, 0),
        )
        for m in sorted(measures, key=lambda m: (m.start, m.id))
    ]


def timeline(ident: str, title: str, spans: list[Span]) -> str:
    """A Gantt chart: one bar per span from start to end, milestones as diamonds, a tick per year."""
    label_width = 300
    width = 900
    plot = width - label_width - 20
    row = 24
    height = 40 + row * max(len(spans), 1) + 10
    if spans:
        first = min(s.start for s in spans)
        last = max(s.end for s in spans)
    else:
        first = last = dt.date.today()
    start = dt.date(first.year, 1, 1)
    end = dt.date(last.year + 1, 1, 1)
    days = max((end - start).days, 1)

    def x(day: dt.date) -> float:
        return label_width + (day - start).days / days * plot

    body = []
    for year in range(start.year, end.year + 1):
        xx = x(dt.date(year, 1, 1))
        body.append(
            f'<line x1="{xx:.1f}" y1="30" x2="{xx:.1f}" y2="{height - 8}" stroke="#767676" stroke-width="1"/>'
        )
        if year < end.year:
            mid = x(dt.date(year, 7, 1))
            body.append(
                f'<text x="{mid:.1f}" y="22" font-size="13" text-anchor="middle" {FONT} fill="#111">{year}</text>'
            )
    for index, span in enumerate(spans):
        y = 36 + index * row
        label = span.label if len(span.label) <= 42 else span.label[:40] + "…"
        body.append(
            f'<text x="{label_width - 8}" y="{y + 14}" font-size="12" text-anchor="end" {FONT} fill="#111">'
            f"{escape(label)}</text>"
        )
        x1, x2 = x(span.start), x(span.end)
        color = COLORS[span.color % len(COLORS)]
        body.append(
            f'<rect x="{x1:.1f}" y="{y + 3}" width="{max(x2 - x1, 2):.1f}" height="14" fill="{color}"/>'
        )
        for ms in span.milestones:
            mx = x(ms)
            body.append(
                f'<path d="M{mx:.1f} {y} l6 10 l-6 10 l-6 -10 z" fill="#ffffff" stroke="#111" stroke-width="1.5"/>'
            )
    desc = "; ".join(
        f"{s.label}: {fmt.date(s.start)} bis {fmt.date(s.end)}"
        + (f", Meilensteine {', '.join(fmt.date(m) for m in s.milestones)}" if s.milestones else "")
        for s in spans
    )
    return _svg(width, height, title, desc or "Keine Daten", body, ident)
