"""Money of a strategy added up: by year, cost category, action field and partner; grant vs own share.

Pure computations on the model, shared by the website, the application and the formal checks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .model import Measure

ZERO = Decimal(0)


@dataclass
class Totals:
    cost: Decimal = ZERO
    eligible: Decimal = ZERO
    grant: Decimal = ZERO
    third_party: Decimal = ZERO
    own: Decimal = ZERO

    def add_measure(self, m: Measure) -> None:
        self.cost += m.total_cost
        self.eligible += m.eligible_cost
        self.grant += m.funding.grant
        self.third_party += m.third_party_total
        self.own += m.own_share_total


@dataclass
class Finances:
    measures: list[Measure]
    total: Totals = field(default_factory=Totals)
    years: list[int] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    by_year_category: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    by_year: dict[int, Decimal] = field(default_factory=dict)
    by_category: dict[str, Decimal] = field(default_factory=dict)
    by_field: dict[str, Totals] = field(default_factory=dict)
    by_partner_own: dict[str, Decimal] = field(default_factory=dict)
    by_partner_lead_cost: dict[str, Decimal] = field(default_factory=dict)
    grant_by_year: dict[int, Decimal] = field(default_factory=dict)
    own_by_year: dict[int, Decimal] = field(default_factory=dict)


def compute(measures: Iterable[Measure]) -> Finances:
    items = list(measures)
    fin = Finances(measures=items)
    year_cat: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    by_field: dict[str, Totals] = defaultdict(Totals)
    own: dict[str, Decimal] = defaultdict(lambda: ZERO)
    lead_cost: dict[str, Decimal] = defaultdict(lambda: ZERO)
    grant_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    own_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for m in items:
        fin.total.add_measure(m)
        by_field[m.action_field].add_measure(m)
        lead_cost[m.lead] += m.total_cost
        for partner in m.funding.own_shares:
            own[partner] += m.own_share_of(partner)
        total = m.total_cost
        for cost in m.costs:
            year_cat[(cost.year, cost.category.value)] += cost.amount
            if total:
                # grant and own share spread over the years in proportion to that year's cost
                grant_year[cost.year] += m.funding.grant * cost.amount / total
                own_year[cost.year] += m.own_share_total * cost.amount / total
    fin.by_year_category = dict(year_cat)
    fin.years = sorted({y for y, _ in year_cat})
    fin.categories = sorted({c for _, c in year_cat})
    for (year, cat), amount in year_cat.items():
        fin.by_year[year] = fin.by_year.get(year, ZERO) + amount
        fin.by_category[cat] = fin.by_category.get(cat, ZERO) + amount
    fin.by_field = dict(by_field)
    fin.by_partner_own = dict(own)
    fin.by_partner_lead_cost = dict(lead_cost)
    fin.grant_by_year = {y: v.quantize(Decimal("0.01")) for y, v in grant_year.items()}
    fin.own_by_year = {y: v.quantize(Decimal("0.01")) for y, v in own_year.items()}
    return fin
