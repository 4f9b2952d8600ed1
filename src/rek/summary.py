"""`rek kurzfassung`: a one- or two-page summary of the strategy for the council, as Markdown, DOCX and PDF.

Goals, measures, money by year and by partner — every figure from the resolved plan (``plan.py``), shown
with rek's formatting; the template (``templates/summary/kurzfassung.md.j2``, a project may override it)
gets a :class:`SummaryContext` and nothing else. An entry of the output registry (``outputs.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from . import formatting as fmt
from .application.export import SHORT, metadata_args, to_docx, to_pdf
from .call import Call
from .locate import PACKAGE_DIR
from .mdtext import Md, cell, environment
from .model import Goal, Strategy
from .money import whole_euro_column
from .plan import Money, Plan
from .site.pages import status_text

TEMPLATES = PACKAGE_DIR / "templates" / "summary"
STEM = "kurzfassung"


@dataclass(frozen=True)
class SummaryContext:
    """What ``templates/summary/kurzfassung.md.j2`` gets (``templates/README.md`` lists these names)."""

    s: Strategy  # the strategy (title, short_title, version, status, summary, …)
    lead: str  # the first paragraph of the strategy's summary (Markdown)
    status: str  # 'Version 1.0, beschlossen am 01.02.2027'
    today: dt.date  # the reference day (Stichtag) the summary is made for
    call: Call | None  # the selected funding call, or nothing
    goals: tuple[Goal, ...]  # the strategic goals
    measure_count: int  # how many measures the strategy has
    total: Money  # the strategy's totals (cost, eligible, grant, third_party, own)
    field_rows: tuple[tuple[str, ...], ...]  # action field, measures, cost (whole euros, with a sum row)
    measure_rows: tuple[tuple[str, ...], ...]  # id, title, lead partner, cost (with a sum row)
    year_rows: tuple[tuple[str, ...], ...]  # year, cost, grant, own share (with a sum row)
    partner_rows: tuple[tuple[str, ...], ...]  # partner, own share (with a sum row)
    examples: int  # measures whose figures no public source gives (Beispielwerte)
    rate: str = ""  # the call's rate ('65 %'), when a call is selected
    notes: tuple[str, ...] = field(default=())  # sentences under the money tables


@dataclass
class SummaryFiles:
    markdown: Path
    docx: Path | None
    pdf: Path | None
    warnings: list[str] = field(default_factory=list)


def _column(values: list[Any]) -> tuple[list[str], str]:
    parts, total = whole_euro_column(values)
    return [fmt.euro(v) for v in parts], fmt.euro(total)


def context(plan: Plan) -> SummaryContext:
    """Everything the summary shows, from the plan; money in whole euros whose parts add up to the sums."""
    project = plan.project
    s = project.strategy
    budget = plan.strategy
    titles = [f.title for f in project.action_fields]
    field_costs, field_sum = _column([budget.by_field[f.id].cost for f in project.action_fields])
    counts = [len(plan.measures_in_field(f.id, primary_only=True)) for f in project.action_fields]
    field_rows = [(t, str(n), c) for t, n, c in zip(titles, counts, field_costs, strict=True)]
    field_rows.append(("Summe", str(len(plan.measures)), field_sum))
    costs, cost_sum = _column([mp.money.cost for mp in plan.measures])
    measure_rows: list[tuple[str, str, str, str]] = [
        (
            Md(cell(mp.id) + ("\u00a0(\\*)" if mp.m.example else "")),  # the mark stays with the id
            mp.title,
            mp.lead.short_name or mp.lead.name,
            cost,
        )
        for mp, cost in zip(plan.measures, costs, strict=True)
    ]
    measure_rows.append(("", "Summe", "", cost_sum))
    years = list(budget.years)
    year_cost, year_cost_sum = _column([budget.by_year[y].cost for y in years])
    year_grant, year_grant_sum = _column([budget.by_year[y].grant for y in years])
    year_own, year_own_sum = _column([budget.by_year[y].own for y in years])
    year_rows = [(str(y), c, g, o) for y, c, g, o in zip(years, year_cost, year_grant, year_own, strict=True)]
    year_rows.append(("Summe", year_cost_sum, year_grant_sum, year_own_sum))
    own, own_sum = _column([budget.own_by_partner[p.id] for p in s.partners])
    partner_rows = [(p.name, o) for p, o in zip(s.partners, own, strict=True)]
    partner_rows.append(("Summe", own_sum))
    notes = []
    if plan.call is not None:
        notes.append(
            f"Zuwendungen berechnet nach dem Förderaufruf „{plan.call.name}“ für die Maßnahmen des Antrags; "
            "die übrigen Maßnahmen tragen die Partner selbst oder mit anderen Mitteln."
        )
    return SummaryContext(
        s=s,
        lead=s.summary.strip().split("\n\n", 1)[0],
        status=status_text(s),
        today=plan.today,
        call=plan.call,
        goals=tuple(s.goals),
        measure_count=len(plan.measures),
        total=budget.total,
        field_rows=tuple(field_rows),
        measure_rows=tuple(measure_rows),
        year_rows=tuple(year_rows),
        partner_rows=tuple(partner_rows),
        examples=budget.examples,
        # the rate these grants are of the eligible cost, computed (never the call's nominal rate)
        rate=fmt.percent(budget.total.grant_percent) if plan.rate_percent is not None else "",
        notes=tuple(notes),
    )


def as_mapping(ctx: SummaryContext) -> dict[str, Any]:
    """The context as the template sees it: one name per field, nothing else."""
    return {f.name: getattr(ctx, f.name) for f in fields(ctx)}


def render(plan: Plan) -> str:
    overrides, folder = plan.project.templates_for("summary")
    env = environment(TEMPLATES, overrides=overrides, folder=folder)
    return env.render_checked(f"{STEM}.md.j2", as_mapping(context(plan)))


def write_summary(plan: Plan, folder: Path, *, documents: bool = True) -> SummaryFiles:
    """Write kurzfassung.md and, with ``documents``, kurzfassung.docx and kurzfassung.pdf into folder."""
    project = plan.project
    folder.mkdir(parents=True, exist_ok=True)
    markdown = folder / f"{STEM}.md"
    markdown.write_text(render(plan), encoding="utf-8")
    docx = pdf = None
    warnings: list[str] = []
    if documents:
        meta = metadata_args(
            f"Kurzfassung: {project.strategy.short_title}", "Vorlage für den Rat", fmt.date(plan.today)
        )
        templates = project.root / "templates"
        docx = folder / f"{STEM}.docx"
        to_docx(markdown, docx, meta, templates, options=SHORT)
        pdf = folder / f"{STEM}.pdf"
        warning = to_pdf(markdown, pdf, meta, templates, options=SHORT)
        if warning:
            warnings.append(warning)
    return SummaryFiles(markdown, docx, pdf, warnings)
