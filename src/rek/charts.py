"""Static, accessible SVG charts made at build time (site and application use the same generator).

Each chart carries a <title> and <desc> (its text alternative); pages show the data table beside it.
All text is XML-escaped. Colours meet 3:1 contrast against white for graphical objects (WCAG 1.4.11).

Every chart comes in two layouts: ``wide`` (680 units, shown at about its own size from a tablet
upwards, text 13 px) and ``narrow`` (320 units, labels above the bars, for phones: the site stretches
it to the screen width, so its 14-unit text stays at 14 px or more on a 390 px screen). The site's
indicator line charts use the narrow layout alone, as one file each (see ``site.pages.indicator_svg``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

from . import formatting as fmt
from . import monitoring
from .model import Indicator
from .money import EURO, ZERO, fraction, total_of

COLORS = ["#1f4e79", "#b35900", "#2e7d32", "#6a1b9a", "#c62828", "#00695c", "#4e342e", "#37474f"]
COLOR_NAMES = ["dunkelblau", "orange", "grün", "violett", "rot", "petrol", "braun", "schiefergrau"]
FONT = "font-family=\"'DejaVu Sans', Arial, sans-serif\""
WIDE = 680
NARROW = 320
CHAR = 0.62  # average advance of a DejaVu Sans character, in font sizes (for layout estimates)


def _svg(width: int, height: int, title: str, desc: str, body: list[str], ident: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{ident}-title {ident}-desc">\n'
        f'<title id="{ident}-title">{escape(title)}</title>\n'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>\n'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>\n'
        f'<g {FONT} fill="#111">\n' + "\n".join(body) + "\n</g>\n</svg>\n"
    )


def _text(x: float, y: float, size: int, text: str, anchor: str = "start") -> str:
    anchor_attr = f' text-anchor="{anchor}"' if anchor != "start" else ""
    # font and colour come from the group around the chart's body (see _svg)
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}"{anchor_attr}>{escape(text)}</text>'


def _fit(text: str, size: int, room: float) -> str:
    """Shorten text with an ellipsis so that it fits into room units at the given font size."""
    most = max(int(room / (size * CHAR)), 4)
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _width(text: str, size: int) -> float:
    return len(text) * size * CHAR


@dataclass
class Key:
    """One legend entry: a coloured square (colour index) or a milestone diamond (color None)."""

    label: str
    color: int | None


def _wrap(text: str, size: int, room: float) -> list[str]:
    """Break text at spaces into lines that fit room; nothing is cut (a word longer than a line is split)."""
    most = max(int(room / (size * CHAR)), 4)
    lines: list[str] = []
    for word in text.split():
        while len(word) > most:  # a word wider than the line: split it, never shorten it
            lines.append(word[:most])
            word = word[most:]
        if lines and len(lines[-1]) + 1 + len(word) <= most:
            lines[-1] += " " + word
        elif word:
            lines.append(word)
    return lines or [""]


def _legend(
    keys: list[Key], width: int, size: int, top: float, one_per_line: bool
) -> tuple[list[str], float]:
    """Legend entries placed left to right, wrapping at width; return the elements and the height used.

    one_per_line (the narrow layout): one entry per line, a long label broken over several lines.
    """
    body: list[str] = []
    x, y, line = 0.0, top, size + 10
    for key in keys:
        need = size + 6 + _width(key.label, size) + 18
        if x > 0 and (one_per_line or x + need > width):
            x, y = 0.0, y + line
        if key.color is None:
            cx, cy = x + size / 2, y + size / 2
            h = size / 2
            body.append(
                f'<path d="M{cx:.1f} {cy - h:.1f} l{h:.1f} {h:.1f} l{-h:.1f} {h:.1f} l{-h:.1f} {-h:.1f} z" '
                'fill="#ffffff" stroke="#111" stroke-width="1.5"/>'
            )
        else:
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{size}" height="{size}" fill="{COLORS[key.color % len(COLORS)]}"/>'
            )
        room = width - x - size - 6
        parts = _wrap(key.label, size, room) if one_per_line else [_fit(key.label, size, room)]
        for i, part in enumerate(parts):
            body.append(_text(x + size + 6, y + size - 1 + i * (size + 4), size, part))
        y += (len(parts) - 1) * (size + 4)
        x += need
    return body, (y - top + line) if keys else 0.0


@dataclass
class Bar:
    """One bar: its label and values; ``shown``, when given, the figures a table beside the chart prints
    for the bar's total and its values (e.g. whole euros that add up to the table's sum row), so that the
    chart's labels and text alternative say what the table says."""

    label: str
    values: list[Decimal]
    shown: tuple[Decimal, list[Decimal]] | None = None

    @property
    def shown_total(self) -> Decimal:
        return self.shown[0] if self.shown else total_of(self.values)

    @property
    def shown_values(self) -> list[Decimal]:
        return self.shown[1] if self.shown else self.values


def bar_chart(ident: str, title: str, bars: list[Bar], series: list[str], *, narrow: bool = False) -> str:
    """Horizontal stacked bars, one per label; values in euro."""
    size = 14 if narrow else 13
    width = NARROW if narrow else WIDE
    value_room = 12 * size * CHAR  # "12.345.678 €"
    body: list[str] = []
    top = 8.0
    if len(series) > 1:
        legend, used = _legend([Key(n, i) for i, n in enumerate(series)], width, size, top, narrow)
        body += legend
        top += used + 4
    label_room = 0 if narrow else 250
    plot = width - label_room - value_room - (0 if narrow else 10)
    row = size + 30 if narrow else 30
    biggest = max((total_of(b.values) for b in bars), default=ZERO) or EURO
    for index, bar in enumerate(bars):
        y = top + index * row
        if narrow:
            body.append(_text(0, y + size, size, _fit(bar.label, size, width)))
            bar_y = y + size + 5
        else:
            body.append(_text(label_room - 8, y + 18, size, _fit(bar.label, size, label_room - 8), "end"))
            bar_y = y + 4
        x = float(label_room)
        for i, value in enumerate(bar.values):
            w = float(fraction(value, biggest)) * plot
            if w > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{bar_y:.1f}" width="{w:.1f}" height="20" fill="{COLORS[i % len(COLORS)]}"/>'
                )
            x += w
        body.append(_text(x + 6, bar_y + 15, size, fmt.euro(bar.shown_total)))
    height = int(top + row * max(len(bars), 1) + 6)
    desc = "; ".join(
        f"{b.label}: {fmt.euro(b.shown_total)}"
        + (
            " (" + ", ".join(f"{s} {fmt.euro(v)}" for s, v in zip(series, b.shown_values, strict=False)) + ")"
            if len(series) > 1
            else ""
        )
        for b in bars
    )
    return _svg(width, height, title, desc or "Keine Daten", body, ident)


@dataclass
class Band:
    """A period shaded behind a timeline's bars, named at its top (e.g. a funding phase)."""

    label: str
    start: dt.date
    end: dt.date


BAND_FILLS = ["#e8eef5", "#f5eee4"]  # light tints behind the bars; the bars keep their 3:1 contrast on them


@dataclass
class Span:
    label: str
    start: dt.date
    end: dt.date
    milestones: list[dt.date]
    color: int = 0


def cost_by_year(
    ident: str, budget: Any, *, narrow: bool = False, shown: list[list[Decimal]] | None = None
) -> str:
    """Cost per year split into grant, third-party money and own share (a plan.Budget); ``shown``: per
    year the figures the table beside it prints (cost, grant, third-party money, own share)."""
    bars = [
        Bar(
            str(year),
            [money.grant, money.third_party, money.own],
            (shown[i][0], shown[i][1:]) if shown else None,
        )
        for i, (year, money) in enumerate(budget.by_year.items())
    ]
    return bar_chart(
        ident, "Kosten nach Jahr", bars, ["Zuwendung", "Drittmittel", "Eigenanteil"], narrow=narrow
    )


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


def timeline(
    ident: str,
    title: str,
    spans: list[Span],
    *,
    legend: list[Key] | None = None,
    today: dt.date,
    narrow: bool = False,
    labels_above: bool | None = None,
    bands: list[Band] | None = None,
    today_line: bool = False,
) -> str:
    """A Gantt chart: one bar per span from start to end, milestones as diamonds, a tick per year;
    with ``today_line`` a dashed line labelled 'heute' at the reference day (the website's roadmap).

    legend: what the colours mean (e.g. one key per action field); a milestone key is added when any
    span has milestones. labels_above (default: narrow): each label above its bar, broken over as many
    lines as it needs, so long titles are never cut (the layout of the printed application); beside
    the bars (the wide site layout) a label is shortened to its room. bands: periods shaded behind the
    bars and named above the year axis (the funding phases of an application).
    """
    above = narrow if labels_above is None else labels_above
    size = 14 if narrow else 13
    width = NARROW if narrow else WIDE
    keys = list(legend or [])
    if any(s.milestones for s in spans):
        keys.append(Key("Meilenstein", None))
    body, used = _legend(keys, width, size, 8, narrow)
    band_list = list(bands or [])
    band_row = size + 10 if band_list else 0
    axis = 8 + used + (8 if keys else 0) + band_row
    label_room = 8 if above else 250  # labels above the bars: room for a milestone at the start
    plot = width - label_room - 10
    line = size + 4
    labels = [_wrap(s.label, size, width) if above else [_fit(s.label, size, label_room - 8)] for s in spans]
    rows = [(len(lines) - 1) * line + size + 26 if above else 24 for lines in labels]
    first_row = axis + size + 10
    height = int(first_row + (sum(rows) if spans else 24) + 8)
    if today_line:
        height += size + 8  # room for the label 'heute' below the bars
    if spans:
        first = min(s.start for s in spans)
        last = max(s.end for s in spans)
    else:
        first = last = today  # no measures: the year of the reference day
    start = dt.date(first.year, 1, 1)
    end = dt.date(last.year + 1, 1, 1)
    days = max((end - start).days, 1)

    def x(day: dt.date) -> float:
        return label_room + (day - start).days / days * plot

    for number, band in enumerate(band_list):
        left = x(max(band.start, start))
        right = x(min(band.end + dt.timedelta(days=1), end))
        if right <= left:
            continue
        fill = BAND_FILLS[number % len(BAND_FILLS)]
        body.append(
            f'<rect x="{left:.1f}" y="{axis - band_row:.1f}" width="{right - left:.1f}" '
            f'height="{height - 4 - axis + band_row:.1f}" fill="{fill}"/>'
        )
        body.append(_text((left + right) / 2, axis - 6, size, _fit(band.label, size, right - left), "middle"))
    years = list(range(start.year, end.year))
    year_room = plot / max(len(years), 1)
    step = 1
    while year_room * step < _width("0000", size) + 8:
        step += 1
    for year in range(start.year, end.year + 1):
        xx = x(dt.date(year, 1, 1))
        body.append(
            f'<line x1="{xx:.1f}" y1="{axis:.1f}" x2="{xx:.1f}" y2="{height - 4}" stroke="#767676" stroke-width="1"/>'
        )
        if year < end.year and (year - start.year) % step == 0:
            body.append(_text(x(dt.date(year, 7, 1)), axis + size, size, str(year), "middle"))
    y = first_row
    for span, lines, row in zip(spans, labels, rows, strict=True):
        if above:
            for number, text in enumerate(lines):
                body.append(_text(0, y + size + number * line, size, text))
            bar_y = y + (len(lines) - 1) * line + size + 6
        else:
            body.append(_text(label_room - 8, y + 14, size, lines[0], "end"))
            bar_y = y + 3
        x1, x2 = x(span.start), x(span.end)
        color = COLORS[span.color % len(COLORS)]
        body.append(
            f'<rect x="{x1:.1f}" y="{bar_y:.1f}" width="{max(x2 - x1, 2):.1f}" height="14" fill="{color}"/>'
        )
        for ms in span.milestones:
            mx = x(ms)
            body.append(
                f'<path d="M{mx:.1f} {bar_y - 3:.1f} l6 10 l-6 10 l-6 -10 z" fill="#ffffff" stroke="#111" stroke-width="1.5"/>'
            )
        y += row
    if today_line and start <= today < end:
        tx = x(today)
        body.append(
            f'<line x1="{tx:.1f}" y1="{axis:.1f}" x2="{tx:.1f}" y2="{height - 4}" stroke="#b00020" '
            'stroke-width="2" stroke-dasharray="6 3"/>'
        )
        anchor = "end" if tx > width - 60 else "start"
        body.append(_text(tx + (-4 if anchor == "end" else 4), height - 6, size, "heute", anchor))
    desc = "; ".join(
        f"{s.label}: {fmt.date(s.start)} bis {fmt.date(s.end)}"
        + (f", Meilensteine {', '.join(fmt.date(m) for m in s.milestones)}" if s.milestones else "")
        for s in spans
    )
    if band_list:
        desc = (
            "; ".join(f"{b.label}: {fmt.date(b.start)} bis {fmt.date(b.end)}" for b in band_list)
            + ". "
            + desc
        )
    if legend:
        colours = [f"{COLOR_NAMES[k.color % len(COLORS)]}: {k.label}" for k in legend if k.color is not None]
        desc = f"Farben: {', '.join(colours)}. {desc}"
    if today_line and start <= today < end:
        desc = f"Gestrichelte Linie: heute ({fmt.date(today)}). {desc}"
    return _svg(width, height, title, desc or "Keine Daten", body, ident)


@dataclass
class Point:
    """One measured value on a year axis (``at``: the year, fractions for days within it)."""

    at: float
    value: Decimal
    label: str  # e.g. '2024' or '01.05.2024'
    provisional: bool = False


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values from low to high (1, 2, 2.5 or 5 times a power of ten apart)."""
    span = max(high - low, 1e-9)
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(s * power for s in (1, 2, 2.5, 5, 10) if s * power >= raw * 0.999)
    first = (low // step) * step
    ticks: list[float] = []
    value = first
    while not ticks or ticks[-1] < high - step * 0.001:
        ticks.append(round(value, 6))
        value += step
    return ticks


def indicator_chart(
    ident: str, title: str, ind: Indicator, *, narrow: bool = False, until: int | None = None
) -> str:
    """An indicator's line chart (site and report): its measurements (up to the year ``until``), baseline
    and target. A baseline without a year stands a year before the first measurement."""
    points = [
        Point(monitoring.position(x), x.value, monitoring.when(x), x.provisional)
        for x in ind.series
        if until is None or x.year <= until
    ]
    baseline = None
    if ind.baseline is not None:
        baseline = (float(ind.baseline_year or ind.series[0].year - 1), ind.baseline)
    target = (ind.target_year, ind.target)
    return line_chart(ident, title, points, unit=ind.unit, baseline=baseline, target=target, narrow=narrow)


def line_chart(
    ident: str,
    title: str,
    points: list[Point],
    *,
    unit: str,
    baseline: tuple[float, Decimal] | None,
    target: tuple[int, Decimal],
    narrow: bool = False,
) -> str:
    """Measured values of an indicator over time as a line, the baseline and the target as marks.

    Measured points are filled circles (provisional ones hollow); the baseline is a grey square, the
    target a diamond in the target year with a dashed line from the newest value (or the baseline) to it.
    """
    size = 14 if narrow else 13
    width = NARROW if narrow else WIDE
    keys = [Key("Messwert", 0), Key("Ziel", None)]
    body, used = _legend(keys, width, size, 8, narrow)
    notes = ["Quadrat: Ausgangswert"] if baseline is not None else []
    if any(p.provisional for p in points):
        notes.append("hohler Kreis: vorläufig")
    for line in notes if narrow else ([" · ".join(notes)] if notes else []):
        body.append(_text(0, 8 + used + size, size, _fit(line, size, width)))
        used += size + 8
    top = 8 + used + 10
    plot_h = 150 if narrow else 180
    left = 8 + _width("0.000.000", size) if narrow else 90
    right = width - _width("0000", size) / 2 - 4
    values = [float(p.value) for p in points] + [float(target[1])]
    years = [p.at for p in points] + [float(target[0])]
    if baseline is not None:
        values.append(float(baseline[1]))
        years.append(baseline[0])
    low, high = min(values + [0.0]), max(values)
    if high == low:
        high = low + 1
    ticks = _ticks(low, high)
    low, high = min(ticks[0], low), max(ticks[-1], high)
    first_year, last_year = math.floor(min(years)), math.ceil(max(years))
    if last_year == first_year:
        last_year += 1
    span = max(last_year - first_year, 1)

    def x(at: float) -> float:
        return left + (at - first_year) / span * (right - left)

    def y(value: float) -> float:
        return top + plot_h - (value - low) / (high - low) * plot_h

    for tick in ticks:
        ty = y(tick)
        body.append(
            f'<line x1="{left:.1f}" y1="{ty:.1f}" x2="{right:.1f}" y2="{ty:.1f}" stroke="#d0d0d0" stroke-width="1"/>'
        )
        body.append(_text(left - 6, ty + size / 3, size, fmt.plain(Decimal(str(tick))), "end"))
    axis_y = top + plot_h
    body.append(
        f'<line x1="{left:.1f}" y1="{axis_y:.1f}" x2="{right:.1f}" y2="{axis_y:.1f}" stroke="#767676" stroke-width="1"/>'
    )
    step = 1
    while (right - left) / span * step < _width("0000", size) + 8:
        step += 1
    # counted back from the last year (the target's, as a rule), so the target year always has its label
    for year in range(last_year, first_year - 1, -step):
        body.append(_text(x(year), axis_y + size + 6, size, str(year), "middle"))
    # the way to the target: dashed, from the newest value (else the baseline) to the target
    origin = (points[-1].at, float(points[-1].value)) if points else None
    if origin is None and baseline is not None:
        origin = (baseline[0], float(baseline[1]))
    tx, ty = x(target[0]), y(float(target[1]))
    if origin is not None:
        body.append(
            f'<line x1="{x(origin[0]):.1f}" y1="{y(origin[1]):.1f}" x2="{tx:.1f}" y2="{ty:.1f}" '
            f'stroke="{COLORS[1]}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
    if points:
        path = " ".join(f"{x(p.at):.1f},{y(float(p.value)):.1f}" for p in points)
        if baseline is not None:
            path = f"{x(baseline[0]):.1f},{y(float(baseline[1])):.1f} " + path
        body.append(f'<polyline points="{path}" fill="none" stroke="{COLORS[0]}" stroke-width="2.5"/>')
    if baseline is not None:
        bx, by = x(baseline[0]), y(float(baseline[1]))
        body.append(f'<rect x="{bx - 5:.1f}" y="{by - 5:.1f}" width="10" height="10" fill="#595959"/>')
    for p in points:
        fill = "#ffffff" if p.provisional else COLORS[0]
        body.append(
            f'<circle cx="{x(p.at):.1f}" cy="{y(float(p.value)):.1f}" r="5" fill="{fill}" '
            f'stroke="{COLORS[0]}" stroke-width="2"/>'
        )
    body.append(
        f'<path d="M{tx:.1f} {ty - 8:.1f} l8 8 l-8 8 l-8 -8 z" fill="#ffffff" stroke="#111" stroke-width="2"/>'
    )
    height = int(axis_y + size + 14)
    described = "; ".join(
        f"{p.label}: {fmt.plain(p.value)}{' (vorläufig)' if p.provisional else ''}" for p in points
    )
    desc = f"Einheit: {unit}. "
    if baseline is not None:
        desc += f"Ausgangswert {fmt.plain(baseline[1])} ({int(baseline[0])}). "
    desc += f"Messwerte: {described or 'keine'}. Ziel: {fmt.plain(target[1])} bis {target[0]}."
    return _svg(width, height, title, desc, body, ident)
