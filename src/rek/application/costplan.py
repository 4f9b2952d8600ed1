"""The cost and financing plan as a spreadsheet a finance office can keep working in.

Every derived cell is a formula (grant = rate × eligible cost, own share = cost − grant − third-party
funds, shares, totals) and carries its computed value from the resolved plan, so viewers that do not
recalculate still show every number (XlsxWriter writes formulas with results). Own shares per partner
are ``ROUND(own share × percent, 2)``; where that would not add up to the own share to the cent, the
cent left over is added in the formula (largest remainder), as the plan allocates it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from .. import clock
from ..model import COST_CATEGORY_LABELS, CostCategory
from ..plan import ZERO, Plan
from ..spreadsheet import safe_cell

EURO_FORMAT = '#,##0.00 "€"'


def _f(value: Decimal) -> float:
    return float(value)


def write_costplan(plan: Plan, path: Path) -> None:
    call = plan.call
    assert call is not None and plan.rate_percent is not None
    project = plan.project
    budget = plan.application
    partners = project.strategy.partners
    years = list(budget.years)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
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
    rate_cell = "$B$" + str(row + 1)
    row += 2
    headers = ["Kennung", "Maßnahme", "Phase", "Kosten", "förderfähig", "Zuwendung", "Drittmittel",
               "Eigenanteil", "Beispielwerte"]  # fmt: skip
    share_col0 = len(headers)
    headers += [f"Eigenanteil {p.short_name or p.name}" for p in partners]
    ms.write_row(row, 0, [safe_cell(h) for h in headers], bold)
    first = row + 1
    for mp in budget.measures:
        row += 1
        r = row + 1  # 1-based row number in formulas
        ms.write_string(row, 0, safe_cell(mp.id))
        ms.write_string(row, 1, safe_cell(mp.title))
        ms.write_string(row, 2, mp.call_phase or "")
        ms.write_number(row, 3, _f(mp.money.cost), money)
        ms.write_number(row, 4, _f(mp.money.eligible), money)
        ms.write_formula(row, 5, f"=ROUND(E{r}*{rate_cell},2)", money, _f(mp.money.grant))
        ms.write_number(row, 6, _f(mp.money.third_party), money)
        ms.write_formula(row, 7, f"=D{r}-F{r}-G{r}", money, _f(mp.money.own))
        ms.write_string(row, 8, "ja" if mp.m.example else "nein")
        shares = {pid: (pct, euro) for pid, pct, euro in mp.own_shares}
        for j, p in enumerate(partners):
            if p.id not in shares:
                continue
            pct, euro = shares[p.id]
            adjust = mp.share_adjustment(p.id)
            formula = f"=ROUND(H{r}*{pct}/100,2)" + (f"{adjust:+.2f}" if adjust else "")
            ms.write_formula(row, share_col0 + j, formula, money, _f(euro))
    last = row
    row += 1
    ms.write(row, 0, "Summe", bold)
    total = budget.total
    for col, value in (
        (3, total.cost),
        (4, total.eligible),
        (5, total.grant),
        (6, total.third_party),
        (7, total.own),
    ):
        letter = xl_col_to_name(col)
        ms.write_formula(row, col, f"=SUM({letter}{first + 1}:{letter}{last + 1})", money_bold, _f(value))
    for j, p in enumerate(partners):
        letter = xl_col_to_name(share_col0 + j)
        ms.write_formula(
            row, share_col0 + j, f"=SUM({letter}{first + 1}:{letter}{last + 1})", money_bold,
            _f(budget.own_by_partner.get(p.id, ZERO)),
        )  # fmt: skip
    measure_total_row = row + 1
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
        end = xl_col_to_name(len(years))
        ks.write_formula(
            row, 1 + len(years), f"=SUM(B{row + 1}:{end}{row + 1})", money, _f(budget.by_category[cat].cost)
        )
    last = row
    row += 1
    ks.write(row, 0, "Summe", bold)
    for i, y in enumerate(years):
        letter = xl_col_to_name(1 + i)
        ks.write_formula(
            row,
            1 + i,
            f"=SUM({letter}{first + 1}:{letter}{last + 1})",
            money_bold,
            _f(budget.by_year[y].cost),
        )
    letter = xl_col_to_name(1 + len(years))
    ks.write_formula(
        row, 1 + len(years), f"=SUM({letter}{first + 1}:{letter}{last + 1})", money_bold, _f(total.cost)
    )
    ks.write(row + 2, 0, "Abgleich mit Maßnahmen (muss 0 sein)")
    ks.write_formula(row + 2, 1, f"={letter}{row + 1}-Maßnahmen!D{measure_total_row}", money, 0.0)
    ks.set_column(0, 0, 30)
    ks.set_column(1, 1 + len(years), 16)

    # --- Finanzierung: sources and the own share per partner and budget year --------------------
    fs = wb.add_worksheet("Finanzierung")
    row = head(fs, "Finanzierung")
    fs.write_row(row, 0, ["Finanzierungsquelle", "Betrag", "Anteil an den Kosten"], bold)
    start = row + 1
    sources = [
        ("Zuwendung", "F", total.grant),
        ("Drittmittel", "G", total.third_party),
        ("Eigenanteile", "H", total.own),
    ]
    for label, col, value in sources:
        row += 1
        fs.write_string(row, 0, label)
        fs.write_formula(row, 1, f"=Maßnahmen!{col}{measure_total_row}", money, _f(value))
        fs.write_formula(
            row, 2, f"=IF(Maßnahmen!D{measure_total_row}=0,0,B{row + 1}/Maßnahmen!D{measure_total_row})", percent,
            _f(total.ratio(value)),
        )  # fmt: skip
    row += 1
    fs.write(row, 0, "Summe", bold)
    fs.write_formula(row, 1, f"=SUM(B{start + 1}:B{row})", money_bold, _f(total.financing))
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
        end = xl_col_to_name(len(years))
        fs.write_formula(
            row,
            1 + len(years),
            f"=SUM(B{row + 1}:{end}{row + 1})",
            money,
            _f(budget.own_by_partner.get(p.id, ZERO)),
        )
        if p.own_funds is not None:
            fs.write_number(row, 2 + len(years), _f(p.own_funds), money)
            if p.own_funds_example:
                fs.write_string(row, 3 + len(years), "Beispielwert", note)
    last = row
    row += 1
    fs.write(row, 0, "Summe", bold)
    for i in range(len(years) + 1):
        letter = xl_col_to_name(1 + i)
        value = budget.by_year[years[i]].own if i < len(years) else total.own
        fs.write_formula(row, 1 + i, f"=SUM({letter}{first + 1}:{letter}{last + 1})", money_bold, _f(value))
    sum_cell = xl_rowcol_to_cell(row, 1 + len(years))
    fs.write(row + 2, 0, "Abgleich mit Maßnahmen (muss 0 sein)")
    fs.write_formula(row + 2, 1, f"={sum_cell}-Maßnahmen!H{measure_total_row}", money, 0.0)
    fs.set_column(0, 0, 40)
    fs.set_column(1, 3 + len(years), 16)
    wb.close()
