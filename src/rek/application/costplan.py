"""The cost and financing plan as a spreadsheet a finance office can keep working in.

Every derived cell is a formula (grant = rate × eligible cost, own share = cost − grant − third-party
funds, shares, totals) and carries its computed value from the resolved plan, so viewers that do not
recalculate still show every number (XlsxWriter writes formulas with results). Own shares per partner
are ``ROUND(own share × percent, 2)``; where that would not add up to the own share to the cent, the
cent left over is added in the formula (largest remainder), as the plan allocates it.

Every formula is written from one table, ``RULES``: which cell computes what from which cells. The
writer records each formula cell with the plan's figure it must give (``FormulaCell``); ``formula_cells``
returns that record, and the tests recompute every formula with a spreadsheet engine against it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from .. import clock
from ..model import COST_CATEGORY_LABELS, CostCategory
from ..money import ZERO, rate_digits
from ..plan import Plan
from ..spreadsheet import safe_cell

EURO_FORMAT = '#,##0.00 "€"'

# What each formula cell computes; the placeholders are cell references (or a range's first and last cell).
RULES: dict[str, str] = {
    # grant = eligible cost × rate, rounded as money.rate_of rounds (whole euros for whole-euro costs);
    # a grant the measure gives otherwise stands as a value (rek check names the difference)
    "grant": "=ROUND({eligible}*{rate},{digits})",
    "own": "={cost}-{grant}-{third_party}",  # own share = cost − grant − third-party funds
    # a partner's own share: its percentage of the measure's own share, plus the cent of the allocation
    "partner_own": "=ROUND({own}*{percent}/100,2){cents}",
    "sum": "=SUM({first}:{last})",  # a column's or a row's sum
    "copy": "={cell}",  # a sum of the sheet 'Maßnahmen' shown on another sheet
    "share_of_cost": "=IF({cost}=0,0,{part}/{cost})",  # a source's share of the cost (a fraction)
    "check": "={total}-{other}",  # a sum against the same sum on 'Maßnahmen': must be 0
}
FRACTION_RULES = frozenset({"share_of_cost"})  # rules whose result is a fraction, not euro


@dataclass(frozen=True)
class FormulaCell:
    """A formula the workbook holds and the plan's figure it must give (its cached result)."""

    sheet: str
    cell: str  # A1 reference, e.g. 'F12'
    rule: str  # a key of RULES
    formula: str
    value: Decimal


def _f(value: Decimal) -> float:
    return float(value)


def formula_cells(plan: Plan) -> list[FormulaCell]:
    """Every formula of the cost plan of ``plan``, with the figure it must give (written to memory)."""
    return _write(plan, io.BytesIO())


def write_costplan(plan: Plan, path: Path) -> list[FormulaCell]:
    """Write the cost plan workbook; return its formula cells."""
    return _write(plan, str(path))


def _write(plan: Plan, target: str | io.BytesIO) -> list[FormulaCell]:
    call = plan.call
    assert call is not None and plan.rate_percent is not None
    assert plan.rate_fraction is not None  # it is rate_percent / 100
    project = plan.project
    budget = plan.application
    partners = project.strategy.partners
    years = list(budget.years)
    options: dict[str, Any] = {"strings_to_formulas": False, "strings_to_urls": False}
    if isinstance(target, io.BytesIO):
        options["in_memory"] = True
    wb = xlsxwriter.Workbook(target, options)
    written: list[FormulaCell] = []

    def formula(
        ws: xlsxwriter.worksheet.Worksheet,
        row: int,
        col: int,
        rule: str,
        value: Decimal,
        style: Any,
        **cells: str,
    ) -> None:
        text = RULES[rule].format(**cells)
        ws.write_formula(row, col, text, style, _f(value))
        written.append(FormulaCell(ws.get_name(), xl_rowcol_to_cell(row, col), rule, text, value))

    def cell(row: int, col: int, sheet: str = "", *, absolute: bool = False) -> str:
        ref = xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)
        return f"{sheet}!{ref}" if sheet else ref

    stamp = clock.source_datetime()
    if stamp is not None:
        wb.set_properties({"created": stamp})
    bold = wb.add_format({"bold": True})
    title = wb.add_format({"bold": True, "font_size": 13})
    money = wb.add_format({"num_format": EURO_FORMAT})
    money_bold = wb.add_format({"num_format": EURO_FORMAT, "bold": True})
    percent = wb.add_format({"num_format": "0.00 %"})
    note = wb.add_format({"italic": True, "font_color": "#7a2e00"})
    example_note = (
        f"Beispielwerte: {budget.examples} Maßnahme(n) enthalten Kosten, die keine öffentliche Quelle belegt "
        "(Spalte „Beispielwerte“)."
        if budget.examples
        else ""
    )

    def head(ws: xlsxwriter.worksheet.Worksheet, heading: str) -> int:
        ws.write(0, 0, safe_cell(f"{heading}: {project.strategy.title}"), title)
        ws.write(1, 0, safe_cell(f"Förderaufruf: {call.name}"))
        if example_note:
            ws.write(2, 0, example_note, note)
        return 4

    # --- Maßnahmen: the formulas that derive grant and own share -----------------------------
    ms = wb.add_worksheet("Maßnahmen")
    row = head(ms, "Kosten- und Finanzierungsplan")
    ms.write(row, 0, "Fördersatz", bold)
    ms.write_number(row, 1, _f(plan.rate_fraction), percent)
    ms.write(row, 2, safe_cell(plan.rate.label if plan.rate else ""))
    rate_cell = cell(row, 1, absolute=True)
    row += 2
    headers = ["Kennung", "Maßnahme", "Phase", "Kosten", "förderfähig", "Zuwendung", "Drittmittel",
               "Eigenanteil", "Beispielwerte"]  # fmt: skip
    share_col0 = len(headers)
    headers += [f"Eigenanteil {p.short_name or p.name}" for p in partners]
    ms.write_row(row, 0, [safe_cell(h) for h in headers], bold)
    first = row + 1
    for mp in budget.measures:
        row += 1
        ms.write_string(row, 0, safe_cell(mp.id))
        ms.write_string(row, 1, safe_cell(mp.title))
        ms.write_string(row, 2, mp.call_phase or "")
        ms.write_number(row, 3, _f(mp.money.cost), money)
        ms.write_number(row, 4, _f(mp.money.eligible), money)
        if mp.money.grant == mp.expected_grant:
            digits = str(rate_digits(mp.money.eligible))
            formula(
                ms,
                row,
                5,
                "grant",
                mp.money.grant,
                money,
                eligible=cell(row, 4),
                rate=rate_cell,
                digits=digits,
            )
        else:
            ms.write_number(row, 5, _f(mp.money.grant), money)
        ms.write_number(row, 6, _f(mp.money.third_party), money)
        formula(
            ms,
            row,
            7,
            "own",
            mp.money.own,
            money,
            cost=cell(row, 3),
            grant=cell(row, 5),
            third_party=cell(row, 6),
        )
        ms.write_string(row, 8, "ja" if mp.m.example else "nein")
        shares = {pid: (pct, euro) for pid, pct, euro in mp.own_shares}
        for j, p in enumerate(partners):
            if p.id not in shares:
                continue
            pct, euro = shares[p.id]
            adjust = mp.share_adjustment(p.id)
            cents = f"{adjust:+.2f}" if adjust else ""
            formula(
                ms,
                row,
                share_col0 + j,
                "partner_own",
                euro,
                money,
                own=cell(row, 7),
                percent=str(pct),
                cents=cents,
            )
    last = row
    row += 1
    ms.write(row, 0, "Summe", bold)
    total = budget.total
    column_sums = [
        (3, total.cost),
        (4, total.eligible),
        (5, total.grant),
        (6, total.third_party),
        (7, total.own),
    ]
    column_sums += [(share_col0 + j, budget.own_by_partner.get(p.id, ZERO)) for j, p in enumerate(partners)]
    for col, value in column_sums:
        formula(ms, row, col, "sum", value, money_bold, first=cell(first, col), last=cell(last, col))
    measure_total_row = row
    ms.set_column(0, 0, 12)
    ms.set_column(1, 1, 48)
    ms.set_column(2, 2, 8)
    ms.set_column(3, share_col0 + len(partners), 16)
    ms.freeze_panes(first, 2)

    # --- Kostenplan: year × category -----------------------------------------------------------
    ks = wb.add_worksheet("Kostenplan")
    row = head(ks, "Kosten nach Jahr und Kostenart")
    ks.write_row(row, 0, ["Kostenart", *[str(y) for y in years], "Summe"], bold)
    first = row + 1
    for cat in budget.categories:
        row += 1
        ks.write_string(row, 0, COST_CATEGORY_LABELS[CostCategory(cat)])
        for i, y in enumerate(years):
            ks.write_number(row, 1 + i, _f(budget.by_year_category.get((y, cat), ZERO)), money)
        formula(
            ks, row, 1 + len(years), "sum", budget.by_category[cat].cost, money,
            first=cell(row, 1), last=cell(row, len(years)),
        )  # fmt: skip
    last = row
    row += 1
    ks.write(row, 0, "Summe", bold)
    for i, value in enumerate([*(budget.by_year[y].cost for y in years), total.cost]):
        formula(ks, row, 1 + i, "sum", value, money_bold, first=cell(first, 1 + i), last=cell(last, 1 + i))
    ks.write(row + 2, 0, "Abgleich mit Maßnahmen (muss 0 sein)")
    formula(
        ks, row + 2, 1, "check", ZERO, money,
        total=cell(row, 1 + len(years)), other=cell(measure_total_row, 3, "Maßnahmen"),
    )  # fmt: skip
    ks.set_column(0, 0, 30)
    ks.set_column(1, 1 + len(years), 16)

    # --- Finanzierung: sources and the own share per partner and budget year --------------------
    fs = wb.add_worksheet("Finanzierung")
    row = head(fs, "Finanzierung")
    fs.write_row(row, 0, ["Finanzierungsquelle", "Betrag", "Anteil an den Kosten"], bold)
    start = row + 1
    sources = [
        ("Zuwendung", 5, total.grant),
        ("Drittmittel", 6, total.third_party),
        ("Eigenanteile", 7, total.own),
    ]
    measure_cost = cell(measure_total_row, 3, "Maßnahmen")
    for label, col, value in sources:
        row += 1
        fs.write_string(row, 0, label)
        formula(fs, row, 1, "copy", value, money, cell=cell(measure_total_row, col, "Maßnahmen"))
        formula(
            fs, row, 2, "share_of_cost", total.ratio(value), percent, cost=measure_cost, part=cell(row, 1)
        )
    row += 1
    fs.write(row, 0, "Summe", bold)
    formula(fs, row, 1, "sum", total.financing, money_bold, first=cell(start, 1), last=cell(row - 1, 1))
    row += 2
    fs.write(row, 0, "Eigenanteile nach Partner und Haushaltsjahr", bold)
    row += 1
    fs.write_row(row, 0, ["Partner", *[str(y) for y in years], "Summe", "Zugesagte Eigenmittel"], bold)
    first = row + 1
    for p in partners:
        row += 1
        fs.write_string(row, 0, safe_cell(p.name))
        for i, y in enumerate(years):
            fs.write_number(row, 1 + i, _f(budget.own_by_partner_year.get((p.id, y), ZERO)), money)
        formula(
            fs, row, 1 + len(years), "sum", budget.own_by_partner.get(p.id, ZERO), money,
            first=cell(row, 1), last=cell(row, len(years)),
        )  # fmt: skip
        if p.own_funds is not None:
            fs.write_number(row, 2 + len(years), _f(p.own_funds), money)
            if p.own_funds_example:
                fs.write_string(row, 3 + len(years), "Beispielwert", note)
    last = row
    row += 1
    fs.write(row, 0, "Summe", bold)
    for i, value in enumerate([*(budget.by_year[y].own for y in years), total.own]):
        formula(fs, row, 1 + i, "sum", value, money_bold, first=cell(first, 1 + i), last=cell(last, 1 + i))
    fs.write(row + 2, 0, "Abgleich mit Maßnahmen (muss 0 sein)")
    formula(
        fs, row + 2, 1, "check", ZERO, money,
        total=cell(row, 1 + len(years)), other=cell(measure_total_row, 7, "Maßnahmen"),
    )  # fmt: skip
    fs.set_column(0, 0, 40)
    fs.set_column(1, 3 + len(years), 16)
    wb.close()
    return written
