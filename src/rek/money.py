"""Money arithmetic: the primitives the plan computes with (allocation to the cent, whole-euro columns,
sums of amounts that are no total of a plan, rounding as rek shows figures).

Together with ``plan.py`` the only place that adds up money (``tests/test_plan.py`` enforces it). This
module knows nothing of a strategy, so loading (validation against the money cap) and formatting can
use it without reaching up to the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

ZERO = Decimal(0)
CENT = Decimal("0.01")
EURO = Decimal(1)


# --- allocation -------------------------------------------------------------------------------
def allocate(total: Decimal, weights: Sequence[Decimal], quantum: Decimal = CENT) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights`` into multiples of ``quantum`` that add up exactly.

    Largest remainder (Hare): every part is rounded down, and the quanta left over go to the parts
    with the largest remainders (ties: the earlier part). Zero weights get nothing; all weights zero:
    the total is spread evenly.
    """
    count = len(weights)
    if count == 0:
        return []
    weight_sum = sum(weights, ZERO)
    if weight_sum <= 0:
        weights = [EURO] * count
        weight_sum = Decimal(count)
    units = (total / quantum).to_integral_value(rounding=ROUND_HALF_UP)
    exact = [units * w / weight_sum for w in weights]
    floors = [e.to_integral_value(rounding=ROUND_FLOOR) for e in exact]
    left = int(units - sum(floors, ZERO))
    order = sorted(range(count), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[: max(left, 0)]:
        floors[i] += 1
    return [(f * quantum).quantize(quantum) for f in floors]


def rate_of(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` % of ``amount`` (a grant from its rate and the eligible cost), rounded half up: to whole
    euros when the amount is in whole euros, else to the cent. A spreadsheet gives the same with
    ``ROUND(amount * rate, rate_digits(amount))``."""
    return (amount * percent / 100).quantize(
        EURO if amount == amount.to_integral_value() else CENT, ROUND_HALF_UP
    )


def rate_digits(amount: Decimal) -> int:
    """The decimal places ``rate_of`` rounds to for this amount (0: whole euros, 2: cents)."""
    return 0 if amount == amount.to_integral_value() else 2


def whole_euros(values: Sequence[Decimal]) -> list[Decimal]:
    """Values rounded to whole euros so that they add up to their rounded total (for tables with a sum)."""
    if not values:
        return []
    total = sum(values, ZERO).quantize(EURO, rounding=ROUND_HALF_UP)
    if any(v < 0 for v in values):
        return [v.quantize(EURO, rounding=ROUND_HALF_UP) for v in values]
    return allocate(total, list(values), EURO)


def costs_by_year_and_kind(costs: Iterable[Any], kind: Callable[[Any], str]) -> dict[int, dict[str, Decimal]]:
    """Cost lines added up per year and kind (``kind(line)`` names it), for the cost lines of one measure
    in two versions of a strategy (``rek diff``), which no plan resolves."""
    table: dict[int, dict[str, Decimal]] = {}
    for c in costs:
        row = table.setdefault(c.year, {})
        name = kind(c)
        row[name] = row.get(name, ZERO) + c.amount
    return table


def total_of(amounts: Iterable[Decimal]) -> Decimal:
    """The sum of some amounts that are no total of the plan (a bar of a chart, one year of a diff,
    the own-share percentages of a measure)."""
    return sum(amounts, ZERO)


def running_totals(amounts: Iterable[Decimal]) -> Iterator[Decimal]:
    """The sum so far after each amount (validation: where the sum of one kind first exceeds the cap)."""
    total = ZERO
    for amount in amounts:
        total += amount
        yield total


def change(old: Decimal, new: Decimal) -> Decimal:
    """What an amount changed by from one version to the next (negative: it fell)."""
    return new - old


def fraction(part: Decimal, whole: Decimal) -> Decimal:
    """``part`` as a fraction of ``whole`` (0 when whole is 0), e.g. a bar against the longest bar."""
    return part / whole if whole else ZERO


def half_up(value: Decimal, places: int) -> Decimal:
    """A number rounded half up to ``places`` decimals, as every figure rek shows is rounded."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def whole_euro_column(values: Sequence[Decimal]) -> tuple[list[Decimal], Decimal]:
    """A table column in whole euros and its sum row: the parts add up to the shown sum."""
    parts = whole_euros(values)
    return parts, sum(parts, ZERO)


def quantum_for(amounts: Iterable[Decimal]) -> Decimal:
    """The unit to allocate in: whole euros when every input is a whole euro amount, else cents.

    Shares of whole-euro inputs (a grant spread over years, own shares of partners) come out in whole
    euros and still add up exactly; only inputs with cents are split to the cent."""
    return EURO if all(a == a.to_integral_value() for a in amounts) else CENT
