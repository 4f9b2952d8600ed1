"""Open data downloads: measures and budgets as JSON, CSV and XLSX, plus the JSON Schemas."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from .. import clock, monitoring
from ..jsonschemas import SCHEMAS, schema_json
from ..model import COST_CATEGORY_LABELS, PRIORITY_LABELS, REGIONWIDE, STATUS_LABELS, reach
from ..plan import Plan
from ..progresssheet import PROGRESS_TEMPLATE, write_template
from ..spreadsheet import safe_cell

MEASURE_COLUMNS = [
    "id", "titel", "handlungsfeld", "weitere_handlungsfelder", "federfuehrung", "partner", "status",
    "prioritaet", "beginn", "ende", "kosten_eur", "foerderfaehig_eur", "zuwendung_eur", "drittmittel_eur",
    "eigenanteil_eur", "im_antrag", "foerderphase", "beispielwerte", "orte_ags", "stand",
]  # fmt: skip
PLACE_COLUMNS = ["id", "name", "art", "ags", "kreisschluessel", "massnahmen"]
COST_COLUMNS = ["massnahme", "jahr", "kostenart", "betrag_eur", "foerderfaehig"]
# tidy indicator series, one row per measurement (Open SDG style: year, units, series, disaggregation, value)
INDICATOR_COLUMNS = [
    "indikator", "ebene", "zugehoerig", "name", "einheit", "jahr", "datum", "aufschluesselung", "wert",
    "vorlaeufig", "quelle", "beispielwert",
]  # fmt: skip
UPDATE_COLUMNS = ["massnahme", "datum", "status", "text", "beispieleintrag"]
SPENDING_COLUMNS = ["massnahme", "jahr", "geplant_eur", "ausgegeben_eur", "differenz_eur"]


# a formula may start after spaces and control characters, which spreadsheet programs skip
def measure_rows(plan: Plan) -> list[list[Any]]:
    return [
        [
            m.id,
            m.title,
            m.action_field,
            " ".join(m.further_action_fields),
            m.lead,
            " ".join(m.partners),
            m.status.value,
            m.priority.value,
            m.start.isoformat(),
            m.end.isoformat(),
            mp.money.cost,
            mp.money.eligible,
            mp.money.grant,
            mp.money.third_party,
            mp.money.own,
            mp.included,
            mp.call_phase or "",
            m.example,
            place_keys(plan, m.places),
            monitoring.judge_measure(m, plan.today).state,
        ]  # fmt: skip
        for mp in plan.measures
        for m in (mp.m,)
    ]


def place_keys(plan: Plan, chosen: list[str]) -> str:
    """A measure's places as their official keys, space-separated; 'regionweit' for the whole region."""
    if REGIONWIDE in chosen:
        return REGIONWIDE
    by_id = {p.id: p for p in plan.project.strategy.places}
    return " ".join(by_id[x].ags for x in chosen if x in by_id)


def place_rows(plan: Plan) -> list[list[Any]]:
    """One row per place: its key and the measures that concern it (those of its Landkreis and the region)."""
    places = plan.project.strategy.places
    reached = {m.id: reach(places, m.places) for m in plan.project.measures}
    return [
        [
            pl.id,
            pl.name,
            pl.kind.value,
            pl.ags,
            pl.district_key,
            " ".join(m.id for m in plan.project.measures if pl.id in reached[m.id]),
        ]
        for pl in places
    ]


def cost_rows(plan: Plan) -> list[list[Any]]:
    return [[mp.id, c.year, c.category, c.amount, c.eligible] for mp in plan.measures for c in mp.costs]


def indicator_rows(plan: Plan) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for ref in monitoring.indicators(plan):
        ind = ref.indicator
        level = "handlungsfeld" if ref.kind == "action_field" else "massnahme"
        for x in ind.series:
            day = "" if isinstance(x.date, int) else x.date.isoformat()
            example = x.example or ind.example
            head = [ref.key, level, ref.owner, ind.name, ind.unit, x.year, day]
            tail = [x.provisional, x.source or "", example]
            rows.append([*head, "", x.value, *tail])
            for group, value in x.breakdown.items():
                rows.append([*head, group, value, *tail])
    return rows


def update_rows(plan: Plan) -> list[list[Any]]:
    return [
        [mp.id, u.date.isoformat(), u.status.value if u.status else "", u.text, u.example]
        for mp in plan.measures
        for u in sorted(mp.m.updates, key=lambda u: u.date)
    ]


def spending_rows(plan: Plan) -> list[list[Any]]:
    return [
        [
            mp.id,
            r.key,
            r.planned,
            "" if r.spent is None else r.spent,
            "" if r.difference is None else r.difference,
        ]
        for mp in plan.measures
        for r in mp.spending
    ]


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    # RFC 4180 line ends: with them the csv module also quotes cells holding a lone CR
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[safe_cell(v) for v in row] for row in rows])
    return buffer.getvalue()


def _money(money: Any) -> dict[str, str]:
    return {
        "kosten_eur": str(money.cost),
        "foerderfaehig_eur": str(money.eligible),
        "zuwendung_eur": str(money.grant),
        "drittmittel_eur": str(money.third_party),
        "eigenanteil_eur": str(money.own),
    }


def as_json(plan: Plan) -> str:
    project = plan.project
    s = project.strategy
    data = {
        "strategie": {"titel": s.title, "version": s.version, "status": s.status.value},
        **({"lizenz": s.legal.licence.model_dump(mode="json")} if s.legal else {}),
        "partner": [p.model_dump(mode="json") for p in s.partners],
        "orte": [p.model_dump(mode="json") for p in s.places],
        "handlungsfelder": [f.model_dump(mode="json") for f in project.action_fields],
        "massnahmen": [
            {**mp.m.model_dump(mode="json"), "finanzen": _money(mp.money), "im_antrag": mp.included}
            for mp in plan.measures
        ],
        "summen": _money(plan.strategy.total),
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))  # compact: the C encoder, fast


def write_workbook(plan: Plan, path: Path) -> None:
    """The open data as one XLSX (values only, no formulas), written row by row with XlsxWriter."""
    wb = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    stamp = clock.source_datetime()
    if stamp is not None:
        wb.set_properties({"created": stamp})

    def sheet(name: str, header: list[str], rows: Iterable[list[Any]]) -> None:
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, header)
        for index, row in enumerate(rows, 1):
            ws.write_row(index, 0, row)

    sheet("Maßnahmen", MEASURE_COLUMNS, ([safe_cell(_number(v)) for v in row] for row in measure_rows(plan)))
    sheet("Kosten", COST_COLUMNS, ([safe_cell(_number(v)) for v in row] for row in cost_rows(plan)))
    total = plan.strategy.total
    sheet(
        "Finanzierung",
        ["Posten", "Betrag (EUR)"],
        [
            [label, float(value)]
            for label, value in (
                ("Gesamtkosten", total.cost),
                ("förderfähig", total.eligible),
                ("Zuwendung", total.grant),
                ("Drittmittel", total.third_party),
                ("Eigenanteil", total.own),
            )
        ],
    )
    legend = [["status", key.value, label] for key, label in STATUS_LABELS.items()]
    legend += [["prioritaet", key.value, label] for key, label in PRIORITY_LABELS.items()]
    legend += [["kostenart", key.value, label] for key, label in COST_CATEGORY_LABELS.items()]
    sheet("Legende", ["Feld", "Wert", "Bedeutung"], legend)
    wb.close()


def _number(value: Any) -> Any:
    """Exact amounts (Decimal) become numbers in the spreadsheet; CSV writes them as written."""
    return float(value) if isinstance(value, Decimal) else value


def write_downloads(plan: Plan, folder: Path, application_files: list[dict[str, str]] | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "massnahmen.json").write_text(as_json(plan), encoding="utf-8")
    (folder / "massnahmen.csv").write_text(_csv(MEASURE_COLUMNS, measure_rows(plan)), encoding="utf-8")
    (folder / "kosten.csv").write_text(_csv(COST_COLUMNS, cost_rows(plan)), encoding="utf-8")
    (folder / "indikatoren.csv").write_text(_csv(INDICATOR_COLUMNS, indicator_rows(plan)), encoding="utf-8")
    (folder / "sachstand.csv").write_text(_csv(UPDATE_COLUMNS, update_rows(plan)), encoding="utf-8")
    (folder / "ausgaben.csv").write_text(_csv(SPENDING_COLUMNS, spending_rows(plan)), encoding="utf-8")
    (folder / "orte.csv").write_text(_csv(PLACE_COLUMNS, place_rows(plan)), encoding="utf-8")
    write_workbook(plan, folder / "strategie.xlsx")
    # the sheet offices fill for `rek import`, holding the values the measures have now
    write_template(plan.project, folder / PROGRESS_TEMPLATE)
    for kind in SCHEMAS:
        (folder / f"{kind}.schema.json").write_text(schema_json(kind), encoding="utf-8")
    from .datapackage import datapackage

    (folder / "datapackage.json").write_text(datapackage(plan, application_files or []), encoding="utf-8")
    from .dcat import DCAT_PATH, dcat_jsonld

    (folder / DCAT_PATH).write_text(dcat_jsonld(plan, application_files or []), encoding="utf-8")
