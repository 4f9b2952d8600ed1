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
from .model import STATUS_LABELS
from .plan import Plan, SpendingRow

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
        fmt.euro(row.planned),
        "–" if row.spent is None else fmt.euro(row.spent),
        "–" if row.difference is None else fmt.euro(row.difference),
        "–" if row.percent is None else fmt.percent(row.percent),
    ]


def reference_day(year: int, today: dt.date) -> dt.date:
    """The day the report looks from: the end of its year, or today while the year is running."""
    return min(dt.date(year, 12, 31), today)


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
        in_year = [x for x in ind.series if x.year == year]
        last = in_year[-1] if in_year else None
        indicator_rows.append(
            [
                ind.name + (" (*)" if ind.example or any(x.example for x in ind.series) else ""),
                fields[ref.owner].title if ref.kind == "action_field" else ref.owner,
                "–" if ind.baseline is None else fmt.plain(ind.baseline),
                "–" if last is None else fmt.plain(last.value) + (" (vorläufig)" if last.provisional else ""),
                f"{fmt.plain(ind.target)} ({ind.target_year})",
                monitoring.state(ind, on),
            ]
        )
    spending_rows = []
    for mp in plan.measures:
        row = next((r for r in mp.spending if r.key == year), None)
        if row is not None:
            spending_rows.append([mp.id, *_money(row)])
    field_rows = [[fields[key].title, *_money(row)] for key, row in plan.strategy.spending_by_field.items()]
    return {
        "s": project.strategy,
        "year": year,
        "on": on,
        "overview": monitoring.plan_overview(plan, on).rows(),
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
        "spending_year": _money(plan.strategy.spending_of_year(year)),
        "spending_rows": spending_rows,
        "year_rows": [[str(r.key), *_money(r)] for r in plan.strategy.spending_by_year],
        "field_rows": field_rows,
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
