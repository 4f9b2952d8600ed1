"""The cost plan workbook recalculated by a spreadsheet engine (the `formulas` package), for the tests.

Every formula cell is computed from the cells it refers to, as a spreadsheet program does, and compared
with the cached result XlsxWriter wrote and with the plan's figure the writer recorded for it
(``costplan.formula_cells``), to the cent.

One function is given Excel's rule: ``formulas`` 1.3 rounds the binary double in ROUND (ROUND(1.005; 2)
gives 1.00, and about one grant in 400 at a half cent comes out a cent low), while Excel and LibreOffice
round the number at the 15 significant digits a cell shows (1.01), as the plan rounds the exact decimal.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

CENT = Decimal("0.01")


def _excel_round(value: float, digits: float) -> float:
    """ROUND as Excel and LibreOffice compute it: half away from zero, on 15 significant digits."""
    shown = Decimal(f"{value:.15g}")
    return float(shown.quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP))


@functools.cache
def _engine() -> Any:
    import formulas
    import formulas.functions

    formulas.functions.FUNCTIONS["ROUND"] = formulas.functions.wrap_ufunc(_excel_round)
    return formulas


def recalculate(path: Path) -> dict[tuple[str, str], Any]:
    """Every cell of the workbook computed by the engine: {(sheet, 'F12'): value}."""
    from openpyxl import load_workbook

    titles = {name.upper(): name for name in load_workbook(path, read_only=True).sheetnames}
    solution = _engine().ExcelModel().loads(str(path)).finish().calculate()
    values: dict[tuple[str, str], Any] = {}
    for key, result in solution.items():
        sheet, _, ref = key.rpartition("!")
        if ":" in ref or "]" not in sheet:
            continue  # a range, or a name
        title = titles[sheet.strip("'").split("]", 1)[1]]
        values[(title, ref.replace("$", ""))] = result.value[0, 0]
    return values


def cached(path: Path) -> dict[tuple[str, str], Any]:
    """The results the writer stored with its formulas (what a viewer that does not recalculate shows)."""
    from openpyxl import load_workbook

    book = load_workbook(path, data_only=True)
    return {
        (ws.title, c.coordinate): c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
    }


def formulas_in(path: Path) -> dict[tuple[str, str], str]:
    """Every formula the file holds."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    return {
        (ws.title, c.coordinate): c.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    }


def assert_cost_plan_recalculates(path: Path, plan: Any) -> dict[tuple[str, str], Any]:
    """The file holds exactly the formulas of ``costplan.formula_cells(plan)``; the engine's result of each
    equals the cached value and the plan's figure, to the cent (fractions to 1e-9). Returns the engine's
    values."""
    from rek.application.costplan import FRACTION_RULES, formula_cells

    expected = formula_cells(plan)
    assert formulas_in(path) == {(c.sheet, c.cell): c.formula for c in expected}
    computed = recalculate(path)
    stored = cached(path)
    for c in expected:
        key = (c.sheet, c.cell)
        engine, cache = computed[key], stored[key]
        if c.rule in FRACTION_RULES:
            assert abs(float(engine) - float(c.value)) < 1e-9 and abs(cache - float(c.value)) < 1e-9, (
                c,
                engine,
            )
        else:
            shown = [Decimal(repr(float(v))).quantize(CENT, ROUND_HALF_UP) for v in (engine, cache)]
            assert shown == [c.value, c.value], (c, engine, cache)
    return computed
