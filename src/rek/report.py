"""`rek report --year J`: the annual implementation report ("Umsetzungsbericht") as Markdown, DOCX and PDF.

Same data and pipeline as the application: the resolved plan (money from ``plan.py``), the monitoring
judgements (``monitoring.py``), a sandboxed Jinja template (``templates/report/``, a project may
override it), then ``application.export``: Pandoc -> DOCX and Pandoc's Typst writer -> typst -> PDF.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import charts, monitoring
from . import formatting as fmt
from .application.export import metadata_args, rasterise_svgs, to_docx, to_pdf
from .locate import PACKAGE_DIR
from .mdtext import environment
from .model import (
    COST_CATEGORY_LABELS,
    PAYMENT_KIND_LABELS,
    STATUS_LABELS,
    CostCategory,
    Indicator,
    PaymentKind,
)
from .plan import ActualRow, Actuals, Plan, SpendingRow

TEMPLATES = PACKAGE_DIR / "templates" / "report"


@dataclass
class ReportFiles:
    markdown: Path
    docx: Path | None
    pdf: Path | None
    warnings: list[str] = field(default_factory=list)


def _money(row: SpendingRow | None) -> list[str]:
    if row is None:
        return ["–", "–", "–", "–"]
    return [
        fmt.euro(row.planned, True),
        NOT_REPORTED if row.spent is None else fmt.euro(row.spent, True),
        fmt.euro(row.balance, True),
        "–" if row.percent is None else fmt.percent(row.percent),
    ]


NOT_REPORTED = "keine Meldung"


def reference_day(year: int, today: dt.date) -> dt.date:
    """The day the report looks from: the end of its year, or today while the year is running."""
    return min(dt.date(year, 12, 31), today)


def _category(key: str | None) -> str:
    return "Jahressummen ohne Kostenart" if key is None else COST_CATEGORY_LABELS[CostCategory(key)]


def _actual_cells(row: ActualRow) -> list[str]:
    return [
        fmt.euro(row.planned, True),
        fmt.euro(row.spent, True),
        fmt.euro(row.difference, True),
        fmt.euro(row.spent_eligible, True),
        fmt.euro(row.spent_ineligible, True),
    ]


def _financing_rows(actuals: Actuals, partners: dict[str, str]) -> list[list[str]]:
    """Grant, third-party funds and own share (each partner's part below it as 'davon'), then the sum."""
    rows = []
    for row in actuals.financing:
        rows.append(
            [
                FINANCING_LABELS[row.kind],
                fmt.euro(row.planned, True),
                fmt.euro(row.received, True),
                fmt.euro(row.difference, True),
            ]
        )
        if row.kind == "own_share":
            rows += [
                [
                    f"– davon {partners[part.partner or '']}",
                    fmt.euro(part.planned, True),
                    fmt.euro(part.received, True),
                    fmt.euro(part.difference, True),
                ]
                for part in actuals.own_by_partner
            ]
    total = actuals.financing_total
    rows.append(
        [
            "Summe",
            fmt.euro(total.planned, True),
            fmt.euro(total.received, True),
            fmt.euro(total.difference, True),
        ]
    )
    return rows


FINANCING_LABELS = {
    "grant": PAYMENT_KIND_LABELS[PaymentKind.grant],
    "third_party": PAYMENT_KIND_LABELS[PaymentKind.third_party],
    "own_share": "Eigenanteile der Partner",
}


def _proof(plan: Plan, year: int) -> dict[str, Any]:
    """The numerical proof of use (Verwendungsnachweis): the application's measures when a call is
    selected (the funded project), else every measure of the strategy."""
    project = plan.project
    budget = plan.application if plan.call is not None and plan.application.measures else plan.strategy
    partners = {p.id: p.short_name or p.name for p in project.strategy.partners}
    of_year = budget.actuals([year])
    years = budget.actual_years(year)
    to_date = budget.actuals(years)

    def category_rows(actuals: Actuals) -> list[list[str]]:
        rows = [[_category(r.key), *_actual_cells(r)] for r in actuals.by_category]
        return [*rows, ["Summe", *_actual_cells(actuals.total)]]

    year_rows = [[str(r.key), *_actual_cells(r)] for r in budget.actuals_by_year(year)]
    year_rows.append([f"Summe bis {year}", *_actual_cells(to_date.total)])
    receipts = [
        [
            fmt.date(r.date),
            r.number or "–",
            r.measure,
            _category(r.category),
            "ja" if r.eligible else "nein",
            fmt.euro(r.amount, True),
            (r.note or "–") + (" (Beispiel)" if r.example else ""),
        ]
        for r in of_year.receipts
    ]
    if receipts:
        receipts.append(["Summe", "", "", "", "", fmt.euro(of_year.receipts_total, True), ""])
    excluded = [f"{mp.id} ({mp.exclusion})" for mp in plan.excluded] if budget is plan.application else []

    def summary(actuals: Actuals) -> dict[str, str]:
        total, fin = actuals.total, actuals.financing_total
        received = {r.kind: fmt.euro(r.received, True) for r in actuals.financing}
        return {
            "planned": fmt.euro(total.planned, True),
            "spent": fmt.euro(total.spent, True),
            "eligible": fmt.euro(total.spent_eligible, True),
            "ineligible": fmt.euro(total.spent_ineligible, True),
            "received": fmt.euro(fin.received, True),
            "grant": received["grant"],
            "own": received["own_share"],
            "third": received["third_party"],
            "balance": fmt.euro(actuals.balance, True),
            "unreported": fmt.euro(actuals.unreported_total, True),
        }

    return {
        "scope_call": plan.call.name if plan.call is not None and budget is plan.application else None,
        "scope_count": len(budget.measures),
        "excluded": excluded,
        "year_summary": summary(of_year),
        "to_date_summary": summary(to_date),
        "first_year": years[0] if years else year,
        "category_rows": category_rows(of_year),
        "category_to_date_rows": category_rows(to_date),
        "actual_year_rows": year_rows,
        "financing_rows": _financing_rows(of_year, partners),
        "financing_to_date_rows": _financing_rows(to_date, partners),
        "receipt_rows": receipts,
        "receipts_total": fmt.euro(of_year.receipts_total, True),
        "receipt_measures": sorted({r.measure for r in of_year.receipts}),
        "payment_measures": sorted(
            {mp.id for mp in budget.measures if any(p.date.year <= year for p in mp.payments)}
        ),
        "unreported_rows": [[mid, str(y), fmt.euro(amount, True)] for mid, y, amount in of_year.unreported],
        "payment_examples": any(p.example for mp in budget.measures for p in mp.payments)
        or any(i.example for mp in budget.measures for i in mp.actuals),
    }


def _last_value(ind: Indicator, year: int) -> str:
    """The newest measured value up to the report's year, with its year when it is from an earlier one."""
    until = [x for x in ind.series if x.year <= year]
    if not until:
        return "–"
    last = until[-1]
    text = fmt.plain(last.value) + (" (vorläufig)" if last.provisional else "")
    return text if last.year == year else f"{text} ({last.year})"


def context(plan: Plan, year: int) -> dict[str, Any]:
    project = plan.project
    on = reference_day(year, plan.today)
    fields = project.fields
    status_rows = []
    for mp in plan.measures:
        m = mp.m
        status_rows.append(
            [
                f"{m.id} {m.title}",
                fields[m.action_field].title,
                STATUS_LABELS[monitoring.status_on(m, on)],
                f"{fmt.date(m.start)} bis {fmt.date(m.end)}",
                "; ".join(monitoring.delay_reasons(m, on)) or "–",
            ]
        )
    updates = [
        (mp, [u for u in sorted(mp.m.updates, key=lambda u: u.date) if u.date.year == year])
        for mp in plan.measures
    ]
    milestone_rows = sorted(
        (
            [
                fmt.date(ms.date),
                ms.title,
                mp.id,
                "erreicht"
                if ms.done
                else ("überfällig" if i in monitoring.overdue_milestones(mp.m, on) else "offen"),
                ms.date,
            ]
            for mp in plan.measures
            for i, ms in enumerate(mp.m.milestones)
            if ms.date.year == year
        ),
        key=lambda r: (r[4], r[2]),
    )
    indicator_rows = []
    for ref in monitoring.indicators(plan):
        ind = ref.indicator
        indicator_rows.append(
            [
                ind.name + (" (*)" if ind.example or any(x.example for x in ind.series) else ""),
                fields[ref.owner].title if ref.kind == "action_field" else ref.owner,
                "–" if ind.baseline is None else fmt.plain(ind.baseline),
                _last_value(ind, year),
                f"{fmt.plain(ind.target)} ({ind.target_year})",
                monitoring.state(ind, on),
            ]
        )
    strategy = plan.strategy
    until = strategy.spending_total_until(year)
    of_year = strategy.spending_of_year(year)
    spending_rows = [[mid, *_money(row)] for mid, row in strategy.spending_of_measures(year)]
    if spending_rows:
        spending_rows.append(["Summe", *_money(of_year)])
    field_rows = [
        [fields[key].title, *_money(row)] for key, row in strategy.spending_by_field_until(year).items()
    ]
    field_rows.append(["Summe", *_money(until)])
    year_rows = [[str(r.key), *_money(r)] for r in strategy.spending_until(year)]
    year_rows.append([f"Summe bis {year}", *_money(until)])
    overview = monitoring.plan_overview(plan, on).rows(money=False)
    overview += [
        [f"Geplante Kosten bis {year} (Soll)", _money(until)[0]],
        [f"Ausgaben bis {year} (Ist)", _money(until)[1]],
    ]
    return {
        "s": project.strategy,
        "year": year,
        "on": on,
        "overview": overview,
        "status_rows": status_rows,
        "updates": [(mp, items) for mp, items in updates if items],
        "status_labels": STATUS_LABELS,
        "milestone_rows": [r[:4] for r in milestone_rows],
        "indicator_rows": indicator_rows,
        "indicator_charts": [
            (ref, f"indikator-{ref.key}.svg")
            for ref in monitoring.indicators(plan)
            if ref.kind == "action_field" and ref.indicator.measurements
        ],
        "spending_year": _money(of_year),
        "spending_until": _money(until),
        "spending_rows": spending_rows,
        "year_rows": year_rows,
        "field_rows": field_rows,
        "proof": _proof(plan, year),
        "examples": any(u.example for m in project.measures for u in m.updates)
        or any(x.example for ref in monitoring.indicators(plan) for x in ref.indicator.measurements),
    }


def render(plan: Plan, year: int) -> tuple[str, dict[str, str]]:
    """The report's Markdown and its chart files (name -> SVG)."""
    project = plan.project
    overrides, folder = project.templates_for("report")
    env = environment(TEMPLATES, overrides=overrides, folder=folder)
    ctx = context(plan, year)
    images = {}
    for ref, name in ctx["indicator_charts"]:
        images[name] = charts.indicator_chart(
            f"bericht-{ref.key}", ref.indicator.name, ref.indicator, until=year
        )
    return env.render_checked("umsetzungsbericht.md.j2", ctx), images


def write_report(plan: Plan, year: int, folder: Path, *, documents: bool = True) -> ReportFiles:
    """Write the report; the folder gets only the documents (charts and Typst source are set in a staging
    folder inside it, removed afterwards)."""
    from .application.build import staging, without_figures

    project = plan.project
    folder.mkdir(parents=True, exist_ok=True)
    markdown_text, images = render(plan, year)
    stem = f"umsetzungsbericht-{year}"
    markdown = folder / f"{stem}.md"
    markdown.write_text(without_figures(markdown_text), encoding="utf-8")
    docx = pdf = None
    warnings: list[str] = []
    if documents:
        meta = metadata_args(f"Umsetzungsbericht {year}", project.strategy.title, fmt.date(plan.today))
        templates = project.root / "templates"
        with staging(folder) as work:
            for name, svg in images.items():
                (work / name).write_text(svg, encoding="utf-8")
            source = work / f"{stem}.md"
            source.write_text(markdown_text, encoding="utf-8")
            # Word gets the charts as PNG (Word before 2016 and some viewers show no SVG); the PDF keeps SVG
            rasterise_svgs([work / name for name in images])
            word = work / f"{stem}-word.md"
            text = markdown_text
            for name in images:
                text = text.replace(f"]({name})", f"]({name[:-4]}.png)")
            word.write_text(text, encoding="utf-8")
            to_docx(word, work / f"{stem}.docx", meta, templates, images=[f"{n[:-4]}.png" for n in images])
            warning = to_pdf(source, work / f"{stem}.pdf", meta, templates)
            if warning:
                warnings.append(warning)
            docx, pdf = folder / f"{stem}.docx", folder / f"{stem}.pdf"
            os.replace(work / docx.name, docx)
            os.replace(work / pdf.name, pdf)
    return ReportFiles(markdown, docx, pdf, warnings)
