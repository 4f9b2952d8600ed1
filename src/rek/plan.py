"""The resolved plan: money, phases and call rules computed once, for every output and every check.

``resolve(project, call, today=day)`` turns the validated model into immutable objects: each measure with its
action field, partners, phase, eligible cost under the call's category rule, rate, grant, third-party
funds and own share per partner and year; totals by phase, year, partner, partner × year, action
field and category; applicant, coordinator, annex status and the section texts with their lengths.
The site, the application (Markdown, DOCX, PDF), the XLSX, CSV and JSON downloads and the formal
checks read these objects. No other module adds up money (``tests/test_plan.py`` enforces this).

Amounts are ``Decimal`` in euro and cent. Wherever a total is split into parts (own share over
partners, grant over years), the parts are allocated by largest remainder so that they add up to the
total exactly, to the cent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from . import clock
from . import formatting as fmt
from .call import Block, Call, Criterion, Rate, RequiredAnnex, Section
from .model import (
    ActionField,
    Annex,
    Goal,
    Measure,
    Partner,
    Phase,
)
from .money import (  # the arithmetic primitives (money.py)
    CENT,
    ZERO,
    allocate,
    quantum_for,
    rate_of,
)
from .textlength import plain_text, visible_chars

if TYPE_CHECKING:
    from .project import Project


def measure_cost(m: Measure) -> Decimal:
    """The total cost of one measure (for lists of measures outside a plan, e.g. in a diff)."""
    return sum((c.amount for c in m.costs), ZERO)


def _spread(
    total: Decimal, keys: Sequence[Any], weights: Mapping[Any, Decimal], quantum: Decimal = CENT
) -> dict[Any, Decimal]:
    return dict(zip(keys, allocate(total, [weights.get(k, ZERO) for k in keys], quantum), strict=True))


# --- money rows -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Money:
    """Cost and its financing; ``own`` is what the partners pay themselves."""

    cost: Decimal = ZERO
    eligible: Decimal = ZERO
    grant: Decimal = ZERO
    third_party: Decimal = ZERO
    own: Decimal = ZERO

    def __add__(self, other: Money) -> Money:
        return Money(
            self.cost + other.cost,
            self.eligible + other.eligible,
            self.grant + other.grant,
            self.third_party + other.third_party,
            self.own + other.own,
        )

    @property
    def covered(self) -> Decimal:
        """What the grant and third-party funds pay."""
        return self.grant + self.third_party

    @property
    def financing(self) -> Decimal:
        return self.grant + self.third_party + self.own

    @property
    def ineligible(self) -> Decimal:
        return self.cost - self.eligible

    @property
    def grant_percent(self) -> Decimal:
        """The grant as a percentage of the eligible cost, to two decimals (65,68 %): the rate every
        document states beside these figures, never the call's nominal rate (0 without eligible cost)."""
        if not self.eligible:
            return ZERO
        return (self.grant * 100 / self.eligible).quantize(CENT, ROUND_HALF_UP)

    def ratio(self, part: Decimal) -> Decimal:
        """``part`` as a fraction of the cost (0 when there is no cost)."""
        return part / self.cost if self.cost else ZERO

    def share(self, part: Decimal) -> Decimal:
        """``part`` as a percentage of the cost (0 when there is no cost)."""
        return (part * 100 / self.cost).quantize(Decimal("0.1"), ROUND_HALF_UP) if self.cost else ZERO


def _sum(items: Iterable[Money]) -> Money:
    total = Money()
    for item in items:
        total = total + item
    return total


@dataclass(frozen=True)
class CostLine:
    year: int
    category: str
    amount: Decimal
    eligible: bool  # eligible under the call's category rule (and marked eligible in the YAML)
    marked_eligible: bool  # as written in the YAML
    note: str | None
    index: int  # position in the measure's costs list


@dataclass(frozen=True)
class SpendingRow:
    """Planned cost (Soll) and actual spending (Ist) of one year or one group; ``spent`` None: not reported."""

    key: Any  # a year, an action field id or 'total'
    planned: Decimal
    spent: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        """Spent minus planned (negative: less spent than planned)."""
        return None if self.spent is None else self.spent - self.planned

    @property
    def balance(self) -> Decimal:
        """Spent minus planned, a year or group without a report counting as nothing spent (a report's
        tables: the balances of the rows add up to the balance of their sum row)."""
        return (self.spent or ZERO) - self.planned

    @property
    def percent(self) -> Decimal | None:
        """Spent as a percentage of the plan (None without a plan or a figure)."""
        if self.spent is None or not self.planned:
            return None
        return (self.spent * 100 / self.planned).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class ActualItem:
    """One actual expense of a measure: a receipt (with its date) or a yearly spending entry."""

    measure: str
    year: int
    date: dt.date | None  # receipts only
    category: str | None  # a CostCategory value; None: not given (yearly entries)
    amount: Decimal
    eligible: bool  # marked eligible and of a category the call funds
    number: str | None
    note: str | None
    example: bool


@dataclass(frozen=True)
class PaymentLine:
    """Money received for a measure (financing actuals): grant paid out, own share paid, third-party funds."""

    measure: str
    date: dt.date
    kind: str  # a PaymentKind value
    partner: str | None
    source: str | None
    amount: Decimal
    note: str | None
    example: bool


@dataclass(frozen=True)
class ActualRow:
    """Plan against actuals of one group (a cost category, a year): cost and eligible cost, Soll and Ist."""

    key: Any  # a category value (None: without category), a year or 'total'
    planned: Decimal
    planned_eligible: Decimal
    spent: Decimal
    spent_eligible: Decimal

    @property
    def difference(self) -> Decimal:
        """Spent minus planned (negative: less spent than planned)."""
        return self.spent - self.planned

    @property
    def spent_ineligible(self) -> Decimal:
        return self.spent - self.spent_eligible

    @property
    def planned_ineligible(self) -> Decimal:
        return self.planned - self.planned_eligible


def _actual_row(key: Any, rows: Iterable[ActualRow]) -> ActualRow:
    items = list(rows)
    return ActualRow(
        key,
        sum((r.planned for r in items), ZERO),
        sum((r.planned_eligible for r in items), ZERO),
        sum((r.spent for r in items), ZERO),
        sum((r.spent_eligible for r in items), ZERO),
    )


@dataclass(frozen=True)
class FinancingRow:
    """One source of financing: planned for some years against what was received in them."""

    kind: str  # 'grant', 'third_party', 'own_share' or 'total'
    partner: str | None  # an own share's partner (None: all partners)
    planned: Decimal
    received: Decimal

    @property
    def difference(self) -> Decimal:
        return self.received - self.planned


@dataclass(frozen=True)
class Actuals:
    """The numerical proof of use (Verwendungsnachweis) of some years for a set of measures: cost by
    category, plan against actual, eligible and not; financing planned against received; the receipts.

    Every total is the sum of its rows (``by_category`` → ``total``, ``financing`` → ``financing_total``,
    ``own_by_partner`` → the own-share row, ``receipts`` → ``receipts_total``)."""

    years: tuple[int, ...]
    by_category: tuple[ActualRow, ...]
    total: ActualRow
    financing: tuple[FinancingRow, ...]  # grant, third-party funds, own share
    financing_total: FinancingRow
    own_by_partner: tuple[FinancingRow, ...]
    receipts: tuple[ActualItem, ...]  # in date order
    receipts_total: Decimal
    unreported: tuple[tuple[str, int, Decimal], ...]  # (measure, year, planned cost) with no actuals

    @property
    def balance(self) -> Decimal:
        """Money received minus money spent (negative: spending not yet covered by payments)."""
        return self.financing_total.received - self.total.spent

    @property
    def unreported_total(self) -> Decimal:
        return sum((amount for _, _, amount in self.unreported), ZERO)


def _spending_row(key: Any, rows: Iterable[SpendingRow]) -> SpendingRow:
    """The total of several rows; spending counts only where it was reported."""
    items = list(rows)
    reported = [r.spent for r in items if r.spent is not None]
    return SpendingRow(
        key,
        sum((r.planned for r in items), ZERO),
        sum(reported, ZERO) if reported else None,
    )


# --- one measure ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class MeasurePlan:
    m: Measure
    field: ActionField
    further_fields: tuple[ActionField, ...]
    lead: Partner
    partners: tuple[Partner, ...]  # lead first
    goals: tuple[Goal, ...]
    phase: Phase | None
    call_phase: str | None  # given in the strategy's phase, else derived from the phases' dates
    included: bool  # part of the application of the selected call
    exclusion: str | None  # why not, in German
    costs: tuple[CostLine, ...]
    money: Money
    expected_grant: Decimal | None  # rate × eligible cost, when a call is selected
    grant_given: bool  # 'funding.grant' is written in the measure (else the grant is expected_grant)
    third_parties: tuple[tuple[str, Decimal], ...]
    own_shares: tuple[tuple[str, Decimal, Decimal], ...]  # (partner id, percent, euro)
    years: tuple[int, ...]
    by_year: Mapping[int, Money]
    own_by_partner_year: Mapping[tuple[str, int], Decimal]
    spent_by_year: Mapping[int, Decimal]  # actual spending as reported, per year
    actuals: tuple[ActualItem, ...] = ()  # per year: its receipts, else its yearly spending entries
    payments: tuple[PaymentLine, ...] = ()

    @property
    def id(self) -> str:
        return self.m.id

    @property
    def title(self) -> str:
        return self.m.title

    @cached_property
    def spending(self) -> tuple[SpendingRow, ...]:
        """Plan and actual spending per year (every year of the plan or with spending)."""
        years = sorted(set(self.years) | set(self.spent_by_year))
        return tuple(
            SpendingRow(y, self.by_year[y].cost if y in self.by_year else ZERO, self.spent_by_year.get(y))
            for y in years
        )

    @property
    def spent(self) -> Decimal | None:
        """All spending reported so far (None: none reported)."""
        return _spending_row("total", self.spending).spent

    @property
    def spending_total(self) -> SpendingRow:
        """Planned cost of the years with reported spending against that spending."""
        return _spending_row("total", (r for r in self.spending if r.spent is not None))

    def own_of(self, partner: str) -> Decimal:
        return next((euro for pid, _, euro in self.own_shares if pid == partner), ZERO)

    def share_adjustment(self, partner: str) -> Decimal:
        """Cents the allocation adds to ROUND(own share × percent, 2) for this partner (spreadsheets)."""
        for pid, percent, euro in self.own_shares:
            if pid == partner:
                return euro - (self.money.own * Decimal(str(percent)) / 100).quantize(CENT, ROUND_HALF_UP)
        return ZERO


def strategy_phase(project: Project, m: Measure) -> Phase | None:
    """The measure's phase of the strategy: the one it names, else the one its start falls into."""
    if m.phase is not None:
        return next((p for p in project.strategy.phases if p.id == m.phase), None)
    return next((p for p in project.strategy.phases if p.start <= m.start <= p.end), None)


def call_phases(project: Project, call: Call | None) -> dict[str, tuple[str | None, str | None]]:
    """Each phase of the strategy -> (its phase of the call, why its measures are not in the application).

    A phase that names a 'call_phase' the call knows keeps it. Otherwise (none given, or one of another
    call) the strategy's phases that begin in the call's period (from the programme's start, else after
    the deadline) take the call's phases in order, by date: the first such phase the call's first phase,
    the next the second …; the call's last phase takes every later one (a call with one phase takes them
    all). Switching calls is one line in strategy.yaml."""
    out: dict[str, tuple[str | None, str | None]] = {}
    if call is None:
        return out
    known = [cp.id for cp in call.phases]
    start = call.phase_start
    inside = sorted(
        (p for p in project.strategy.phases if start is None or p.start >= start), key=lambda p: p.start
    )
    for phase in project.strategy.phases:
        if phase.call_phase and (not known or phase.call_phase in known):
            out[phase.id] = (phase.call_phase, None)
        elif phase in inside:
            index = inside.index(phase)
            out[phase.id] = (known[min(index, len(known) - 1)] if known else None, None)
        else:
            assert start is not None
            why = f"Phase „{phase.title}“ beginnt vor dem Förderzeitraum des Aufrufs (ab {fmt.date(start)})"
            out[phase.id] = (None, why)
    return out


def foreign_call_phases(project: Project, call: Call | None) -> list[int]:
    """Indexes of the strategy's phases that name a 'call_phase' the call does not know (derived instead)."""
    if call is None or not call.phases:
        return []
    known = {cp.id for cp in call.phases}
    return [i for i, p in enumerate(project.strategy.phases) if p.call_phase and p.call_phase not in known]


def _exclusion(
    m: Measure, phase: Phase | None, call: Call | None, phases: Mapping[str, tuple[str | None, str | None]]
) -> str | None:
    if call is None:
        return "kein Förderaufruf gewählt"
    if not m.application:
        return m.application_note or "bewusst nicht im Antrag"
    if phase is None:
        return "keine Phase angegeben"
    return phases[phase.id][1]


def _measure(
    project: Project,
    m: Measure,
    call: Call | None,
    rate: Decimal | None,
    phases: Mapping[str, tuple[str | None, str | None]],
) -> MeasurePlan:
    fields = project.fields
    partners = project.partners
    phase = strategy_phase(project, m)
    exclusion = _exclusion(m, phase, call, phases)
    # the call's category rule applies to the measures it funds; others keep their own marking
    allowed = set(call.eligible_cost_categories.categories) if call and exclusion is None else None
    lines = tuple(
        CostLine(
            c.year,
            c.category.value,
            c.amount,
            c.eligible and (allowed is None or c.category in allowed),
            c.eligible,
            c.note,
            i,
        )
        for i, c in enumerate(m.costs)
    )
    cost = sum((c.amount for c in lines), ZERO)
    eligible = sum((c.amount for c in lines if c.eligible), ZERO)
    expected = rate_of(eligible, rate) if rate is not None and exclusion is None else None
    # a grant left out is the rate × the eligible cost (nothing without a call or outside the application)
    grant = m.funding.grant if m.funding.grant is not None else (expected if expected is not None else ZERO)
    third = sum((t.amount for t in m.funding.third_parties), ZERO)
    own = cost - grant - third

    actuals = _actual_items(m, allowed)
    years = tuple(sorted({c.year for c in lines}))
    cost_y = {y: sum((c.amount for c in lines if c.year == y), ZERO) for y in years}
    elig_y = {y: sum((c.amount for c in lines if c.year == y and c.eligible), ZERO) for y in years}
    # whole-euro inputs give whole-euro shares (allocated, never pro-rated to the cent)
    unit = quantum_for([grant, *(t.amount for t in m.funding.third_parties), *(c.amount for c in lines)])
    grant_y = _spread(grant, years, elig_y if eligible else cost_y, unit)
    third_y = _spread(third, years, cost_y, unit)
    own_y = {y: cost_y[y] - grant_y[y] - third_y[y] for y in years}
    by_year = {y: Money(cost_y[y], elig_y[y], grant_y[y], third_y[y], own_y[y]) for y in years}

    share_ids = [pid for pid in m.funding.own_shares if pid in partners]
    percents = [m.funding.own_shares[pid] for pid in share_ids]
    own_parts = allocate(own, percents, unit) if own >= 0 else [own * p / 100 for p in percents]
    own_shares = tuple(zip(share_ids, percents, own_parts, strict=True))
    # partner × year: every partner but the last spread over the years like the own share; the last
    # takes what is left of each year, so rows and columns both add up exactly
    own_py: dict[tuple[str, int], Decimal] = {}
    for index, (pid, _, euro) in enumerate(own_shares):
        if index < len(own_shares) - 1:
            parts = _spread(euro, years, own_y, unit) if own >= 0 else {y: ZERO for y in years}
        else:
            parts = {y: own_y[y] - sum((own_py[(q, y)] for q, *_ in own_shares[:-1]), ZERO) for y in years}
        for y in years:
            own_py[(pid, y)] = parts[y]

    return MeasurePlan(
        m=m,
        field=fields[m.action_field],
        further_fields=tuple(fields[f] for f in m.further_action_fields if f != m.action_field),
        lead=partners[m.lead],
        partners=tuple(partners[p] for p in m.all_partners),
        goals=tuple(project.goals[g] for g in m.goals),
        phase=phase,
        call_phase=phases[phase.id][0] if phase and phase.id in phases else None,
        included=exclusion is None,
        exclusion=exclusion,
        costs=lines,
        money=Money(cost, eligible, grant, third, own),
        expected_grant=expected,
        grant_given=m.funding.grant is not None,
        third_parties=tuple((t.name, t.amount) for t in m.funding.third_parties),
        own_shares=own_shares,
        years=years,
        by_year=by_year,
        own_by_partner_year=own_py,
        spent_by_year=_spent_by_year(actuals),
        actuals=actuals,
        payments=tuple(
            PaymentLine(m.id, p.date, p.kind.value, p.partner, p.source, p.amount, p.note, p.example)
            for p in sorted(m.payments, key=lambda p: p.date)
        ),
    )


def _actual_items(m: Measure, allowed: set[Any] | None) -> tuple[ActualItem, ...]:
    """A measure's actual expenses: the receipts of a year where it has any, else its spending entries.
    (``rek check`` refuses a year whose receipts and spending entries add up differently.)"""

    def eligible(marked: bool, category: Any) -> bool:
        return marked and (allowed is None or category is None or category in allowed)

    receipt_years = {r.date.year for r in m.receipts}
    items = [
        ActualItem(
            m.id,
            r.date.year,
            r.date,
            r.category.value,
            r.amount,
            eligible(r.eligible, r.category),
            r.number,
            r.note,
            r.example,
        )
        for r in m.receipts
    ]
    items += [
        ActualItem(
            m.id,
            x.year,
            None,
            x.category.value if x.category else None,
            x.amount,
            eligible(x.eligible, x.category),
            None,
            x.note,
            x.example,
        )
        for x in m.spending
        if x.year not in receipt_years
    ]
    return tuple(sorted(items, key=lambda i: (i.year, i.date or dt.date(i.year, 12, 31))))


def _spent_by_year(items: Iterable[ActualItem]) -> dict[int, Decimal]:
    spent: dict[int, Decimal] = {}
    for item in items:
        spent[item.year] = spent.get(item.year, ZERO) + item.amount
    return dict(sorted(spent.items()))


# --- totals of a set of measures ----------------------------------------------------------------
@dataclass(frozen=True)
class Budget:
    """Totals of a set of measures (all of the strategy, or those of the application)."""

    measures: tuple[MeasurePlan, ...]
    partner_ids: tuple[str, ...]
    field_ids: tuple[str, ...]

    @cached_property
    def total(self) -> Money:
        return _sum(mp.money for mp in self.measures)

    @cached_property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({y for mp in self.measures for y in mp.years}))

    @cached_property
    def categories(self) -> tuple[str, ...]:
        from .model import CostCategory

        used = {c.category for mp in self.measures for c in mp.costs}
        return tuple(c.value for c in CostCategory if c.value in used)

    @cached_property
    def by_year(self) -> dict[int, Money]:
        return {y: _sum(mp.by_year[y] for mp in self.measures if y in mp.by_year) for y in self.years}

    @cached_property
    def by_year_category(self) -> dict[tuple[int, str], Decimal]:
        result: dict[tuple[int, str], Decimal] = {}
        for mp in self.measures:
            for c in mp.costs:
                result[(c.year, c.category)] = result.get((c.year, c.category), ZERO) + c.amount
        return result

    @cached_property
    def by_category(self) -> dict[str, Money]:
        """Cost and eligible cost per category (grant and shares are not split by category)."""
        result: dict[str, Money] = {}
        for mp in self.measures:
            for c in mp.costs:
                result[c.category] = result.get(c.category, Money()) + Money(
                    c.amount, c.amount if c.eligible else ZERO
                )
        return {c: result[c] for c in self.categories}

    @cached_property
    def by_field(self) -> dict[str, Money]:
        """Money per main action field (every field of the strategy, zero when it has no measure)."""
        return {f: _sum(mp.money for mp in self.measures if mp.field.id == f) for f in self.field_ids}

    @cached_property
    def by_phase(self) -> dict[str, Money]:
        """Money per call phase (e.g. 'A', 'B'), in the order the phases first appear."""
        keys = list(dict.fromkeys(mp.call_phase for mp in self.measures if mp.call_phase))
        return {k: _sum(mp.money for mp in self.measures if mp.call_phase == k) for k in keys}

    @cached_property
    def own_by_partner(self) -> dict[str, Decimal]:
        return {pid: sum((mp.own_of(pid) for mp in self.measures), ZERO) for pid in self.partner_ids}

    @cached_property
    def own_by_partner_year(self) -> dict[tuple[str, int], Decimal]:
        result: dict[tuple[str, int], Decimal] = {(p, y): ZERO for p in self.partner_ids for y in self.years}
        for mp in self.measures:
            for key, value in mp.own_by_partner_year.items():
                result[key] = result.get(key, ZERO) + value
        return result

    @cached_property
    def own_by_partner_year_totals(self) -> dict[str, Decimal]:
        """Per partner, its row of the partner × year table added up (the row's sum column)."""
        return {
            pid: sum((self.own_by_partner_year.get((pid, y), ZERO) for y in self.years), ZERO)
            for pid in self.partner_ids
        }

    @cached_property
    def lead_cost_by_partner(self) -> dict[str, Decimal]:
        return {
            pid: sum((mp.money.cost for mp in self.measures if mp.lead.id == pid), ZERO)
            for pid in self.partner_ids
        }

    @property
    def examples(self) -> int:
        return sum(1 for mp in self.measures if mp.m.example)

    # --- spending against plan (Soll/Ist) ---
    @cached_property
    def spending_by_year(self) -> tuple[SpendingRow, ...]:
        """Per year: planned cost of all measures and the spending reported for that year."""
        years = sorted({r.key for mp in self.measures for r in mp.spending})
        rows = {y: [r for mp in self.measures for r in mp.spending if r.key == y] for y in years}
        return tuple(_spending_row(y, rows[y]) for y in years)

    @cached_property
    def spending_by_field(self) -> dict[str, SpendingRow]:
        """Per main action field: planned cost of the reported years against the reported spending."""
        return {
            f: _spending_row(f, (mp.spending_total for mp in self.measures if mp.field.id == f))
            for f in self.field_ids
        }

    @cached_property
    def spending_total(self) -> SpendingRow:
        """All measures: planned cost of the years with reported spending against that spending."""
        return _spending_row("total", (mp.spending_total for mp in self.measures))

    def spending_of_year(self, year: int) -> SpendingRow:
        return next((r for r in self.spending_by_year if r.key == year), SpendingRow(year, ZERO, None))

    def spending_until(self, year: int) -> tuple[SpendingRow, ...]:
        """The rows of ``spending_by_year`` up to ``year`` (a report looks back from its year)."""
        return tuple(r for r in self.spending_by_year if r.key <= year)

    def spending_total_until(self, year: int) -> SpendingRow:
        """All years up to ``year``: the plan of every measure against the spending reported (the sum row
        of ``spending_until``)."""
        return _spending_row("total", self.spending_until(year))

    def spending_by_field_until(self, year: int) -> dict[str, SpendingRow]:
        """Per main action field, the years up to ``year``: plan against reported spending (its rows add up
        to ``spending_total_until``)."""
        return {
            f: _spending_row(
                f,
                (r for mp in self.measures if mp.field.id == f for r in mp.spending if r.key <= year),
            )
            for f in self.field_ids
        }

    def spending_of_measures(self, year: int) -> tuple[tuple[str, SpendingRow], ...]:
        """Per measure with a plan or spending in ``year``: its row of that year (they add up to
        ``spending_of_year``)."""
        return tuple((mp.id, row) for mp in self.measures for row in mp.spending if row.key == year)

    # --- numerical proof of use (Verwendungsnachweis) ---
    def actuals(self, years: Iterable[int]) -> Actuals:
        """Plan against actuals of ``years``: by cost category, financing, receipts (see ``Actuals``)."""
        from .model import CostCategory

        chosen = tuple(sorted(set(years)))
        wanted = set(chosen)
        # a measure's year whose actuals are a yearly sum without a cost category cannot be compared
        # by category: its plan and its actuals both go to the row without category (key None)
        uncategorised = {
            (i.measure, i.year) for mp in self.measures for i in mp.actuals if i.category is None
        }
        lines = [
            (None if (mp.id, c.year) in uncategorised else c.category, c)
            for mp in self.measures
            for c in mp.costs
            if c.year in wanted
        ]
        items = [i for mp in self.measures for i in mp.actuals if i.year in wanted]
        keys: list[str | None] = [
            c.value
            for c in CostCategory
            if any(key == c.value for key, _ in lines) or any(x.category == c.value for x in items)
        ]
        if any(key is None for key, _ in lines) or any(i.category is None for i in items):
            keys.append(None)
        by_category = tuple(
            ActualRow(
                key,
                sum((c.amount for k, c in lines if k == key), ZERO),
                sum((c.amount for k, c in lines if k == key and c.eligible), ZERO),
                sum((i.amount for i in items if i.category == key), ZERO),
                sum((i.amount for i in items if i.category == key and i.eligible), ZERO),
            )
            for key in keys
        )
        payments = [p for mp in self.measures for p in mp.payments if p.date.year in wanted]

        def planned(part: str) -> Decimal:
            return sum(
                (getattr(mp.by_year[y], part) for mp in self.measures for y in chosen if y in mp.by_year),
                ZERO,
            )

        def received(kind: str, partner: str | None = None) -> Decimal:
            return sum(
                (p.amount for p in payments if p.kind == kind and (partner is None or p.partner == partner)),
                ZERO,
            )

        financing = (
            FinancingRow("grant", None, planned("grant"), received("grant")),
            FinancingRow("third_party", None, planned("third_party"), received("third_party")),
            FinancingRow("own_share", None, planned("own"), received("own_share")),
        )
        own_by_partner = tuple(
            row
            for row in (
                FinancingRow(
                    "own_share",
                    pid,
                    sum((self.own_by_partner_year.get((pid, y), ZERO) for y in chosen), ZERO),
                    received("own_share", pid),
                )
                for pid in self.partner_ids
            )
            if row.planned or row.received
        )
        receipts = tuple(sorted((i for i in items if i.date is not None), key=lambda i: (i.date, i.measure)))
        return Actuals(
            years=chosen,
            by_category=by_category,
            total=_actual_row("total", by_category),
            financing=financing,
            financing_total=FinancingRow(
                "total",
                None,
                sum((r.planned for r in financing), ZERO),
                sum((r.received for r in financing), ZERO),
            ),
            own_by_partner=own_by_partner,
            receipts=receipts,
            receipts_total=sum((i.amount for i in receipts), ZERO),
            unreported=tuple(
                (mp.id, y, mp.by_year[y].cost)
                for y in chosen
                for mp in self.measures
                if y in mp.by_year and mp.by_year[y].cost and y not in mp.spent_by_year
            ),
        )

    def actuals_by_year(self, until: int) -> tuple[ActualRow, ...]:
        """Per year up to ``until`` (every year with a plan or actuals): plan against actuals, eligible
        and not; the rows add up to ``actuals(those years).total``."""
        years = sorted(
            {y for y in self.years if y <= until}
            | {i.year for mp in self.measures for i in mp.actuals if i.year <= until}
        )
        return tuple(
            ActualRow(y, row.planned, row.planned_eligible, row.spent, row.spent_eligible)
            for y in years
            for row in (self.actuals([y]).total,)
        )

    def actual_years(self, until: int) -> tuple[int, ...]:
        """The years up to ``until`` with a plan or actuals (the rows of ``actuals_by_year``)."""
        return tuple(r.key for r in self.actuals_by_year(until))


# --- annexes and sections ---------------------------------------------------------------------------
@dataclass(frozen=True)
class AnnexStatus:
    required: RequiredAnnex
    partner: Partner | None  # for annexes required from every partner
    annex: Annex | None  # the strategy's entry, if any
    index: int | None  # its position in strategy.annexes

    @property
    def status(self) -> str:
        return self.annex.status if self.annex else "fehlt"

    @property
    def present(self) -> bool:
        return self.annex is not None and self.annex.status == "vorhanden"


@dataclass(frozen=True)
class SectionText:
    """A text the applicant wrote that a section of the application shows."""

    label: str  # e.g. "Kurzfassung" or "Ziel Z1: Beschreibung"
    kind: str  # 'strategy', 'measure' or 'action_field'
    ident: str  # file id ('' for the strategy)
    loc: tuple[Any, ...]  # position in that file
    text: str

    @property
    def chars(self) -> int:
        return visible_chars(self.text)


@dataclass(frozen=True)
class SectionPlan:
    section: Section
    index: int
    texts: tuple[SectionText, ...]
    filled: bool

    @cached_property
    def text(self) -> str:
        """The section as plain text for the funding portal's form field: one paragraph per line."""
        return "\n".join(p for p in (plain_text(t.text).replace("\n\n", "\n") for t in self.texts) if p)

    @property
    def chars(self) -> int:
        """Characters with spaces of the form text, as the portal counts them (line breaks count one)."""
        return len(self.text)

    def limit(self, chars_per_page: int) -> int | None:
        """The section's limit in characters: max_chars, or max_pages × characters per page (the lower)."""
        limits = [self.section.max_chars] if self.section.max_chars else []
        if self.section.max_pages:
            limits.append(self.section.max_pages * chars_per_page)
        return min(limits) if limits else None


_TEXT_FIELDS = {
    Block.summary: [("summary", "Kurzfassung")],
    Block.situation: [("situation", "Ausgangslage")],
    Block.vision: [("vision", "Leitbild")],
    Block.cooperation: [("cooperation", "Interkommunale Zusammenarbeit")],
    Block.participation: [("participation", "Beteiligung")],
    Block.knowledge_transfer: [("knowledge_transfer", "Wissenstransfer und Open Source")],
}


# blocks whose text sits one level down in strategy.yaml (the record may be missing)
_NESTED_TEXTS: dict[Block, list[tuple[tuple[str, ...], str]]] = {
    Block.continuation: [(("continuation", "text"), "Verstetigung")],
    Block.organisation: [(("organisation", "text"), "Personal und Organisation")],
    Block.data_protection: [(("data_protection",), "Datenschutz, IT-Sicherheit und Open Source")],
    Block.evaluation: [(("evaluation", "text"), "Evaluation")],
}


def _section_texts(project: Project, block: Block, measures: Sequence[MeasurePlan]) -> list[SectionText]:
    s = project.strategy
    out: list[SectionText] = []
    if block in _TEXT_FIELDS:
        for name, label in _TEXT_FIELDS[block]:
            out.append(SectionText(label, "strategy", "", (name,), getattr(s, name)))
        if block is Block.situation:
            out.append(SectionText("Region", "strategy", "", ("region", "description"), s.region.description))
    elif block is Block.goals:
        for i, g in enumerate(s.goals):
            out.append(SectionText(f"Ziel {g.id}", "strategy", "", ("goals", i, "title"), g.title))
            if g.description:
                out.append(
                    SectionText(f"Ziel {g.id}", "strategy", "", ("goals", i, "description"), g.description)
                )
    elif block is Block.partners:
        for i, p in enumerate(s.partners):
            out.append(SectionText(f"Partner {p.id}", "strategy", "", ("partners", i, "role"), p.role))
    elif block is Block.action_fields:
        for f in project.action_fields:
            out.append(SectionText(f"Handlungsfeld {f.id}", "action_field", f.id, ("summary",), f.summary))
            out.append(
                SectionText(f"Handlungsfeld {f.id}", "action_field", f.id, ("description",), f.description)
            )
    elif block is Block.measures:
        for mp in measures:
            out.append(SectionText(f"Maßnahme {mp.id}", "measure", mp.id, ("summary",), mp.m.summary))
            out.append(SectionText(f"Maßnahme {mp.id}", "measure", mp.id, ("description",), mp.m.description))
    elif block in _NESTED_TEXTS:
        for loc, label in _NESTED_TEXTS[block]:
            value: Any = s
            for name in loc:
                value = getattr(value, name) if value is not None else None
            if value:
                out.append(SectionText(label, "strategy", "", loc, value))
    elif block is Block.risks:
        for i, r in enumerate(s.risks):
            out.append(
                SectionText(f"Risiko {i + 1}", "strategy", "", ("risks", i, "mitigation"), r.mitigation)
            )
    return out


def _filled(project: Project, block: Block, call: Call, measures: Sequence[MeasurePlan]) -> bool:
    s = project.strategy
    if block in _TEXT_FIELDS:
        return any(getattr(s, name).strip() for name, _ in _TEXT_FIELDS[block])
    if block in _NESTED_TEXTS:
        return bool(_section_texts(project, block, measures))
    if block is Block.declarations:
        return bool(call.requirements) or bool(project.strategy.applicant)
    if block is Block.requirements:
        return bool(call.requirements)
    items: dict[Block, Sequence[Any]] = {
        Block.goals: s.goals,
        Block.partners: s.partners,
        Block.action_fields: project.action_fields,
        Block.risks: s.risks,
        Block.annexes: call.annexes,
    }
    return bool(items.get(block, measures))


@dataclass(frozen=True)
class CriterionPlan:
    """An evaluation criterion and where the application answers it."""

    criterion: Criterion
    index: int
    sections: tuple[Section, ...]
    measures: tuple[MeasurePlan, ...]

    @property
    def answered(self) -> bool:
        return bool(self.sections or self.measures)


# --- the plan -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    project: Project
    call: Call | None
    applicant: Partner | None
    coordinator: Partner | None
    rate: Rate | None
    measures: tuple[MeasurePlan, ...]
    strategy: Budget  # every measure of the strategy
    application: Budget  # the measures of the application (empty without a call)
    annexes: tuple[AnnexStatus, ...]
    sections: tuple[SectionPlan, ...]
    today: dt.date  # the reference day (Stichtag) every check, page, chart and document reads
    criteria: tuple[CriterionPlan, ...] = ()

    @property
    def rate_percent(self) -> Decimal | None:
        return Decimal(str(self.rate.percent)) if self.rate else None

    @property
    def rate_fraction(self) -> Decimal | None:
        """The rate as a fraction (65 % -> 0.65), as a spreadsheet's percent cell holds it."""
        return self.rate_percent / 100 if self.rate_percent is not None else None

    @cached_property
    def follow_on_per_year(self) -> Decimal:
        """The running cost a year after funding, over every follow-on cost of the strategy."""
        c = self.project.strategy.continuation
        return sum((f.amount_per_year for f in c.follow_on_costs), ZERO) if c else ZERO

    @cached_property
    def staff_fte(self) -> tuple[Decimal, Decimal]:
        """Full-time equivalents of the project's roles: (funded from the project, all)."""
        o = self.project.strategy.organisation
        roles = o.roles if o else []
        return sum((r.fte for r in roles if r.funded), ZERO), sum((r.fte for r in roles), ZERO)

    @cached_property
    def by_id(self) -> dict[str, MeasurePlan]:
        return {mp.id: mp for mp in self.measures}

    @property
    def excluded(self) -> tuple[MeasurePlan, ...]:
        return tuple(mp for mp in self.measures if not mp.included)

    @cached_property
    def outside_application(self) -> Budget:
        """The measures of the strategy that are not in the application (with ``application``, they make up
        ``strategy``: the site reconciles the two totals with it)."""
        return Budget(self.excluded, self.strategy.partner_ids, self.strategy.field_ids)

    def measures_in_field(self, field_id: str, *, primary_only: bool = False) -> list[MeasurePlan]:
        if primary_only:
            return [mp for mp in self.measures if mp.field.id == field_id]
        return [
            mp for mp in self.measures if mp.field.id == field_id or field_id in mp.m.further_action_fields
        ]


def resolve(
    project: Project,
    call: Call | None = None,
    *,
    today: dt.date | None = None,
    use_default_call: bool = True,
) -> Plan:
    """The plan of a project for ``call`` (default: the call selected in strategy.yaml) on the day ``today``.

    ``today`` is the reference day (Stichtag); without it, ``clock.reference_day()`` (REK_TODAY or the
    machine's date).
    """
    if call is None and use_default_call:
        call = project.call
    s = project.strategy
    applicant = project.partners.get(s.applicant) if s.applicant else None
    coordinator = project.partners.get(s.coordinator) if s.coordinator else None
    rate = (
        call.rate_for(
            bool(applicant and applicant.budget_emergency), applicant.efre_region if applicant else None
        )
        if call
        else None
    )
    percent = Decimal(str(rate.percent)) if rate else None
    phases = call_phases(project, call)
    measures = tuple(_measure(project, m, call, percent, phases) for m in project.measures)
    partner_ids = tuple(p.id for p in s.partners)
    field_ids = tuple(f.id for f in project.action_fields)
    included = tuple(mp for mp in measures if mp.included)
    annexes: list[AnnexStatus] = []
    sections: list[SectionPlan] = []
    if call is not None:
        for required in call.annexes:
            present = [(i, a) for i, a in enumerate(s.annexes) if a.id == required.id]
            if required.per_partner:
                for p in s.partners:
                    mine = [(i, a) for i, a in present if a.partner == p.id]
                    best = next((x for x in mine if x[1].status == "vorhanden"), mine[0] if mine else None)
                    annexes.append(
                        AnnexStatus(required, p, best[1] if best else None, best[0] if best else None)
                    )
            elif present:
                for i, a in present:
                    annexes.append(AnnexStatus(required, project.partners.get(a.partner or ""), a, i))
            else:
                annexes.append(AnnexStatus(required, None, None, None))
        for index, sec in enumerate(call.sections):
            texts = tuple(t for b in sec.blocks for t in _section_texts(project, b, included))
            filled = any(_filled(project, b, call, included) for b in sec.blocks)
            sections.append(SectionPlan(sec, index, texts, filled))
    criteria = (
        tuple(
            CriterionPlan(
                c,
                i,
                tuple(sec for sec in call.sections if c.id in sec.criteria),
                tuple(mp for mp in included if c.id in mp.m.criteria),
            )
            for i, c in enumerate(call.criteria)
        )
        if call
        else ()
    )
    return Plan(
        project=project,
        call=call,
        applicant=applicant,
        coordinator=coordinator,
        rate=rate,
        measures=measures,
        strategy=Budget(measures, partner_ids, field_ids),
        application=Budget(included, partner_ids, field_ids),
        annexes=tuple(annexes),
        sections=tuple(sections),
        today=today or clock.reference_day(),
        criteria=criteria,
    )
