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

The status at a glance (``judge_measure``, ``judge_indicator``): one of five words with the reason in a
sentence and an icon, so that no reader depends on colour:

- ``abgeschlossen``: the measure is reported done, the indicator's target is reached;
- ``verzögert``: a milestone is overdue, the end date passed, the start passed without the measure
  starting; an indicator's target year passed without the target;
- ``gefährdet``: the measure is paused or one of its indicators is behind its line; an indicator behind;
- ``nicht begonnen``: the measure starts after the reference day; an indicator without measurements;
- ``im Plan``: none of these.
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


# --- the status at a glance --------------------------------------------------------------------
ON_PLAN, AT_RISK, LATE, DONE, NOT_STARTED = (
    "im Plan",
    "gefährdet",
    "verzögert",
    "abgeschlossen",
    "nicht begonnen",
)
PROGRESS = (ON_PLAN, AT_RISK, LATE, DONE, NOT_STARTED)
# an icon beside the word, never instead of it (screen readers skip it: aria-hidden in the page)
ICONS = {ON_PLAN: "➜", AT_RISK: "⚠", LATE: "◷", DONE: "✔", NOT_STARTED: "○"}
NOT_YET = (Status.idea, Status.planned)


@dataclass(frozen=True)
class Judgement:
    """A status at a glance: the word (one of ``PROGRESS``), the reason as a sentence, the icon."""

    state: str
    reason: str

    @property
    def icon(self) -> str:
        return ICONS[self.state]

    @property
    def slug(self) -> str:
        """'im-plan', 'nicht-begonnen': a CSS class name."""
        return self.state.lower().replace("ä", "ae").replace("ö", "oe").replace(" ", "-")


def _value(ind: Indicator, x: Measurement) -> str:
    return f"{fmt.plain(x.value)} {ind.unit} ({when(x)})"


def expected_at(ind: Indicator, x: Measurement) -> Decimal | None:
    """Where the straight line from the start to the target stands at a measurement's time."""
    start = _start(ind)
    if start is None:
        return None
    first_year, first_value = start
    span = ind.target_year - first_year
    if span <= 0:
        return ind.target
    share = Decimal(str(min(max((position(x) - first_year) / span, 0.0), 1.0)))
    return first_value + (ind.target - first_value) * share


def judge_indicator(ind: Indicator, on: dt.date) -> Judgement:
    """An indicator's status at a glance, with the reason in words (see the module docstring)."""
    found = state(ind, on)
    target = f"{fmt.plain(ind.target)} {ind.unit} bis {ind.target_year}"
    if found == NO_DATA:
        return Judgement(NOT_STARTED, f"Noch keine Messwerte; Ziel: {target}.")
    latest = ind.series[-1]
    if found == REACHED:
        return Judgement(DONE, f"Ziel {target} erreicht: {_value(ind, latest)}.")
    if found == MISSED:
        return Judgement(
            LATE,
            f"Das Zieljahr {ind.target_year} ist vorbei; Ziel {target} nicht erreicht: {_value(ind, latest)}.",
        )
    expected = expected_at(ind, latest)
    line = (
        ""
        if expected is None
        # one decimal is enough for a reader (an indicator, not money: the plan's rounding rules do not apply)
        else f" (Plan zu diesem Zeitpunkt: {fmt.plain(Decimal(f'{float(expected):.1f}'))})"
    )
    if found == ON_TRACK:
        return Judgement(ON_PLAN, f"{_value(ind, latest)} liegt im Plan{line}; Ziel {target}.")
    return Judgement(AT_RISK, f"{_value(ind, latest)} liegt hinter dem Plan{line}; Ziel {target}.")


def judge_measure(m: Measure, on: dt.date) -> Judgement:
    """A measure's status at a glance on the reference day, with the reason in words."""
    if m.status is Status.done:
        done_on = [u.date for u in m.updates if u.status is Status.done and u.date <= on]
        return Judgement(
            DONE, "Als abgeschlossen gemeldet" + (f" am {fmt.date(min(done_on))}." if done_on else ".")
        )
    reasons = delay_reasons(m, on)
    if m.status in NOT_YET and m.start <= on:
        reasons.insert(
            0, f"Beginn war für den {fmt.date(m.start)} geplant, gemeldet ist „{STATUS_LABELS[m.status]}“"
        )
    if reasons:
        return Judgement(LATE, "; ".join(reasons) + ".")
    if m.status is Status.paused:
        return Judgement(AT_RISK, "Die Maßnahme ist pausiert.")
    if m.start > on:
        return Judgement(NOT_STARTED, f"Beginn laut Plan am {fmt.date(m.start)}.")
    behind = [ind for ind in m.indicators if state(ind, on) in (OFF_TRACK, MISSED)]
    if behind:
        if len(behind) > 1:
            others = "ein weiterer" if len(behind) == 2 else f"{len(behind) - 1} weitere"
            return Judgement(AT_RISK, f"Indikator „{behind[0].name}“ und {others} liegen hinter dem Plan.")
        return Judgement(AT_RISK, f"Indikator „{behind[0].name}“ liegt hinter dem Plan.")
    due = [ms for ms in m.milestones if ms.date < on]
    parts = [
        f"{len(due)} von {len(due)} fälligen Meilensteinen erreicht" if due else "kein Meilenstein überfällig"
    ]
    measured = [ind for ind in m.indicators if ind.measurements]
    if measured:
        parts.append("Indikatoren im Plan" if len(measured) > 1 else "Indikator im Plan")
    return Judgement(
        ON_PLAN, f"Laufzeit {fmt.date(m.start)} bis {fmt.date(m.end)}; " + ", ".join(parts) + "."
    )


def progress_counts(judgements: Sequence[Judgement]) -> list[tuple[str, int]]:
    """(state, count) in the order of ``PROGRESS``, zeros left out."""
    return [(s, n) for s in PROGRESS if (n := sum(1 for j in judgements if j.state == s))]


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
