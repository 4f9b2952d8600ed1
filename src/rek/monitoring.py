"""Monitoring: the strategy as it is implemented — indicator states, delays and their warnings.

Reads the resolved plan (money: ``plan.py`` only) and a reference day ``today``; never YAML. The site, the
report, the feed and ``rek check`` use the same judgements, so a measure that the check calls overdue is
the one the catalogue filters as "im Verzug".

Indicator states, from the newest measurement and the straight line from the starting value (baseline,
else the first measurement) to the target in the target year:

- ``erreicht``: the target is reached (in the direction the target lies from the start);
- ``auf Kurs``: not yet, but at least where the straight line is by the time of the measurement;
- ``nicht auf Kurs``: behind the line, the target year not passed;
- ``verfehlt``: the target year has passed and the target was not reached;
- ``keine Messwerte``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from . import formatting as fmt
from .model import STATUS_LABELS, Indicator, Measure, Measurement, Status
from .plan import MeasurePlan, Plan, SpendingRow

REACHED, ON_TRACK, OFF_TRACK, MISSED, NO_DATA = (
    "erreicht",
    "auf Kurs",
    "nicht auf Kurs",
    "verfehlt",
    "keine Messwerte",
)
STATES = (REACHED, ON_TRACK, OFF_TRACK, MISSED, NO_DATA)
FINISHED = (Status.done, Status.paused)


def when(x: Measurement) -> str:
    """'2024' for a yearly value, '01.05.2024' for a day."""
    return str(x.date) if isinstance(x.date, int) else fmt.date(x.date)


# --- indicators ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class IndicatorRef:
    """An indicator with its owner: kind 'measure' or 'action_field', the owner's id and its position."""

    kind: str
    owner: str
    index: int
    indicator: Indicator

    @property
    def key(self) -> str:
        """A stable id for downloads and charts, e.g. 'M05-1' or 'verwaltung-2'."""
        return f"{self.owner}-{self.index + 1}"


def _start(ind: Indicator) -> tuple[float, Decimal] | None:
    """(year, value) where the indicator starts: the baseline, else the first measurement."""
    series = ind.series
    if ind.baseline is not None:
        year = ind.baseline_year or (series[0].year if series else ind.target_year)
        return float(year), ind.baseline
    if series:
        return position(series[0]), series[0].value
    return None


def position(x: Measurement) -> float:
    """A measurement's place on a year axis (a yearly value counts at the end of its year)."""
    if isinstance(x.date, int):
        return float(x.date)
    return x.date.year - 1 + (x.date.timetuple().tm_yday / 366)


def rising(ind: Indicator) -> bool:
    """Whether the target lies above the start (more is better); without a start: yes."""
    start = _start(ind)
    return start is None or ind.target >= start[1]


def reached(ind: Indicator, value: Decimal) -> bool:
    return value >= ind.target if rising(ind) else value <= ind.target


def state(ind: Indicator, on: dt.date) -> str:
    series = ind.series
    if not series:
        return NO_DATA
    latest = series[-1]
    if reached(ind, latest.value):
        return REACHED
    if ind.target_year < on.year:
        return MISSED
    start = _start(ind)
    assert start is not None
    first_year, first_value = start
    span = ind.target_year - first_year
    if span <= 0:
        return OFF_TRACK
    share = Decimal(str(min(max((position(latest) - first_year) / span, 0.0), 1.0)))
    expected = first_value + (ind.target - first_value) * share
    ahead = latest.value >= expected if rising(ind) else latest.value <= expected
    return ON_TRACK if ahead else OFF_TRACK


def indicators(plan: Plan, *, field: str | None = None) -> Iterator[IndicatorRef]:
    """Every indicator of the strategy (action fields first), or those of one action field and its measures."""
    project = plan.project
    for f in project.action_fields:
        if field is None or f.id == field:
            for i, ind in enumerate(f.indicators):
                yield IndicatorRef("action_field", f.id, i, ind)
    for m in project.measures:
        if field is None or m.action_field == field:
            for i, ind in enumerate(m.indicators):
                yield IndicatorRef("measure", m.id, i, ind)


# --- measures -----------------------------------------------------------------------------------
def stale(m: Measure, on: dt.date) -> bool:
    """The end date has passed, but the measure is neither done nor paused."""
    return m.end < on and m.status not in FINISHED


def overdue_milestones(m: Measure, on: dt.date) -> list[int]:
    if m.status is Status.paused:
        return []
    return [i for i, ms in enumerate(m.milestones) if ms.date < on and not ms.done]


def status_on(m: Measure, on: dt.date) -> Status:
    """The status on a day: from the newest update up to that day that names one, else the current one."""
    dated = [u for u in m.updates if u.status is not None and u.date <= on]
    if not dated or on >= max(u.date for u in m.updates):
        return m.status
    return max(dated, key=lambda u: u.date).status  # type: ignore[return-value]


def delay_reasons(m: Measure, on: dt.date) -> list[str]:
    """Why a measure is 'im Verzug' (empty: it is not)."""
    reasons = []
    if stale(m, on):
        reasons.append(f"Laufzeit endete am {fmt.date(m.end)}, Status „{STATUS_LABELS[m.status]}“")
    overdue = overdue_milestones(m, on)
    if overdue:
        first = m.milestones[overdue[0]]
        more = f" und {len(overdue) - 1} weitere" if len(overdue) > 1 else ""
        reasons.append(f"Meilenstein „{first.title}“ ({fmt.date(first.date)}){more} überfällig")
    return reasons


# --- overview -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Overview:
    """Progress of a set of measures and indicators, for the start page, action fields and the report."""

    measures: int
    by_status: tuple[tuple[str, int], ...]  # (label, count) in the order of the statuses, zeros left out
    milestones: int
    milestones_done: int
    milestones_overdue: int
    delayed: int
    indicator_states: tuple[tuple[str, int], ...]  # (state, count), zeros left out
    spending: SpendingRow
    as_of: dt.date | None  # newest update

    @property
    def indicators(self) -> int:
        return sum(n for _, n in self.indicator_states)

    def count(self, state_name: str) -> int:
        return dict(self.indicator_states).get(state_name, 0)

    def rows(self, *, money: bool = True) -> list[list[str]]:
        """The overview as table rows (label, value); ``money=False`` leaves out the spending rows (the
        report states its own, for the years up to its year)."""
        rows = [["Maßnahmen", fmt.number(self.measures)]]
        rows += [[f"– {label}", fmt.number(n)] for label, n in self.by_status]
        rows.append(["Im Verzug", fmt.number(self.delayed)])
        rows.append(
            [
                "Meilensteine erreicht",
                f"{fmt.number(self.milestones_done)} von {fmt.number(self.milestones)}"
                + (f" ({fmt.number(self.milestones_overdue)} überfällig)" if self.milestones_overdue else ""),
            ]
        )
        rows.append(
            [
                "Indikatoren mit Messwerten",
                f"{fmt.number(self.indicators - self.count(NO_DATA))} von {fmt.number(self.indicators)}",
            ]
        )
        for name in (REACHED, ON_TRACK, OFF_TRACK, MISSED):
            if self.count(name):
                rows.append([f"– {name}", fmt.number(self.count(name))])
        spending = self.spending
        if not money:
            pass
        elif spending.spent is None:
            rows.append(["Ausgaben (Ist)", "noch keine gemeldet"])
        else:
            rows.append(["Ausgaben (Ist), gemeldete Jahre", fmt.euro(spending.spent)])
            rows.append(["Geplant für diese Jahre (Soll)", fmt.euro(spending.planned)])
            if spending.percent is not None:
                rows.append(["Ist in Prozent des Solls", fmt.percent(spending.percent)])
        if self.as_of:
            rows.append(["Neuester Sachstand", fmt.date(self.as_of)])
        return rows


def overview(
    measures: Sequence[MeasurePlan], refs: Sequence[IndicatorRef], spending: SpendingRow, on: dt.date
) -> Overview:
    counts = {s: 0 for s in Status}
    milestones = done = overdue = delayed = 0
    for mp in measures:
        m = mp.m
        counts[m.status] += 1
        milestones += len(m.milestones)
        done += sum(1 for ms in m.milestones if ms.done)
        overdue += len(overdue_milestones(m, on))
        delayed += bool(delay_reasons(m, on))
    states = {s: 0 for s in STATES}
    for ref in refs:
        states[state(ref.indicator, on)] += 1
    return Overview(
        measures=len(measures),
        by_status=tuple((STATUS_LABELS[s], n) for s, n in counts.items() if n),
        milestones=milestones,
        milestones_done=done,
        milestones_overdue=overdue,
        delayed=delayed,
        indicator_states=tuple((s, n) for s, n in states.items() if n),
        spending=spending,
        as_of=max((u.date for mp in measures for u in mp.m.updates if u.date <= on), default=None),
    )


def plan_overview(plan: Plan, on: dt.date, field: str | None = None) -> Overview:
    """The overview of the whole strategy, or of one action field (its main measures)."""
    if field is None:
        return overview(plan.measures, list(indicators(plan)), plan.strategy.spending_total, on)
    measures = plan.measures_in_field(field, primary_only=True)
    return overview(measures, list(indicators(plan, field=field)), plan.strategy.spending_by_field[field], on)
