"""German number, money and date formatting (shared by messages, site and application)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .money import half_up


def number(value: Decimal | int | float, decimals: int = 0) -> str:
    amount = half_up(Decimal(str(value)), decimals)
    text = f"{amount:,.{decimals}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def euro(value: Decimal | int | float, cents: bool = False) -> str:
    """1234567.5 -> '1.234.568 €' (or '1.234.567,50 €' with cents)."""
    return f"{number(value, 2 if cents else 0)}\u00a0€"


def plain(value: Decimal | int | float) -> str:
    """A number as short as possible: 12, 12,5, 1.200."""
    amount = Decimal(str(value))
    if amount == amount.to_integral_value():
        return number(amount, 0)
    decimals = min(max(-amount.normalize().as_tuple().exponent, 0), 4)  # type: ignore[operator]
    return number(amount, decimals)


def percent(value: Decimal | float) -> str:
    return f"{plain(value)}\u00a0%"


def indicator_row(indicator: Any, example_mark: str) -> list[str]:
    """Name, unit, baseline, target and target year of an indicator as text for a table row."""
    return [
        indicator.name + (example_mark if indicator.example else ""),
        indicator.unit,
        "–" if indicator.baseline is None else plain(indicator.baseline),
        plain(indicator.target),
        str(indicator.target_year),
    ]


def date(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "–"
