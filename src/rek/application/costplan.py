"""The cost and financing plan as a spreadsheet applicants can keep working in (live SUM formulas)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..model import COST_CATEGORY_LABELS, CostCategory
from ..project import Project
from .document import Application

EURO = '#,##0.00 "€"'


def _safe(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_costplan(project: Project, app: Application, path: Path) -> None:
    fin = app.fin
    wb = Workbook()
    ws = wb.active
    ws.title = "Kostenplan"
    years = fin.years
    ws.append([f"Kosten- und Finanzierungsplan: {project.strategy.title}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"Förderaufruf: {app.call.name}"])
    ws.append([])
    header_row = ws.max_row + 1
    ws.append(["Kostenart", *[str(y) for y in years], "Summe"])
    cats = [c for c in CostCategory if c.value in fin.categories]
    first = header_row + 1
    for cat in cats:
        row = ws.max_row + 1
        values = [float(fin.by_year_category.get((y, cat.value), Decimal(0))) for y in years]
        last_col = get_column_letter(1 + len(years))
        ws.append([COST_CATEGORY_LABELS[cat], *values, f"=SUM(B{row}:{last_col}{row})"])
    last = ws.max_row
    total_row = last + 1
    ws.append(
        ["Summe"]
        + [
            f"=SUM({get_column_letter(c)}{first}:{get_column_letter(c)}{last})"
            for c in range(2, len(years) + 3)
        ]
    )
    for cell in ws[header_row] + ws[total_row]:
        cell.font = Font(bold=True)

    fs = wb.create_sheet("Finanzierung")
    fs.append(["Finanzierungsquelle", "Betrag"])
    fs.append(["Zuwendung", float(fin.total.grant)])
    fs.append(["Drittmittel", float(fin.total.third_party)])
    for partner in project.strategy.partners:
        fs.append(
            [_safe(f"Eigenanteil {partner.name}"), float(fin.by_partner_own.get(partner.id, Decimal(0)))]
        )
    fs.append(["Summe", f"=SUM(B2:B{fs.max_row})"])
    fs.append(["Gesamtkosten laut Kostenplan", f"=Kostenplan!{get_column_letter(len(years) + 2)}{total_row}"])
    fs[1][0].font = fs[1][1].font = Font(bold=True)

    ms = wb.create_sheet("Maßnahmen")
    ms.append(
        [
            "Kennung",
            "Maßnahme",
            "Kosten",
            "förderfähig",
            "Zuwendung",
            "Drittmittel",
            "Eigenanteil",
            "Beispielwerte",
        ]
    )
    for m in app.measures:
        ms.append(
            [
                m.id,
                _safe(m.title),
                float(m.total_cost),
                float(m.eligible_cost),
                float(m.funding.grant),
                float(m.third_party_total),
                float(m.own_share_total),
                "ja" if m.example else "nein",
            ]
        )
    n = ms.max_row
    ms.append(["Summe", ""] + [f"=SUM({c}2:{c}{n})" for c in "CDEFG"])

    for sheet in (ws, fs, ms):
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, float) or (
                    isinstance(cell.value, str) and cell.value.startswith("=")
                ):
                    cell.number_format = EURO
                    cell.alignment = Alignment(horizontal="right")
        sheet.column_dimensions["A"].width = 34
        sheet.column_dimensions["B"].width = 40 if sheet is ms else 16
        for col in range(3, 10):
            sheet.column_dimensions[get_column_letter(col)].width = 16
    wb.save(path)
