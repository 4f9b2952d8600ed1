"""The application as Markdown: cover, the call's sections filled from the strategy, annex list."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import finance
from .. import formatting as fmt
from ..call import Block, Call, Section
from ..locate import PACKAGE_DIR
from ..mdtext import environment
from ..model import COST_CATEGORY_LABELS, PRIORITY_LABELS, STATUS_LABELS, CostCategory, Measure
from ..project import Project

TEMPLATES = PACKAGE_DIR / "templates" / "application"


@dataclass
class RenderedSection:
    section: Section
    markdown: str
    filled: bool = True

    @property
    def chars(self) -> int:
        return count_chars(self.markdown)


@dataclass
class Application:
    call: Call
    measures: list[Measure]
    fin: finance.Finances
    cover: str
    sections: list[RenderedSection]

    @property
    def markdown(self) -> str:
        return self.cover + "\n\n" + "\n\n".join(s.markdown for s in self.sections)


def count_chars(markdown: str) -> int:
    """Characters a reader sees (with spaces): Markdown markup, table rules and escapes left out."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$", "", text, flags=re.M)
    text = re.sub(r"\\(.)", r"\1", text)
    text = re.sub(r"^#{1,6}\s+", "", text, flags=re.M)
    text = re.sub(r"[*_|]", "", text)
    text = re.sub(r"\s+", " ", text)
    return len(text.strip())


def application_measures(project: Project, call: Call) -> list[Measure]:
    """Measures in a strategy phase that maps to one of the call's phases."""
    call_phases = {p.id for p in call.phases}
    phases = {
        p.id
        for p in project.strategy.phases
        if p.call_phase and (not call_phases or p.call_phase in call_phases)
    }
    return [m for m in project.measures if m.phase in phases]


def _plan(project: Project, measures: list[Measure], fin: finance.Finances) -> dict[str, Any]:
    years = fin.years
    cats = [c.value for c in CostCategory if c.value in fin.categories]
    cost_rows = []
    for cat in cats:
        values = [fin.by_year_category.get((y, cat), Decimal(0)) for y in years]
        cost_rows.append(
            [COST_CATEGORY_LABELS[CostCategory(cat)], *map(fmt.euro, values), fmt.euro(sum(values))]
        )
    cost_rows.append(
        ["Summe", *(fmt.euro(fin.by_year.get(y, Decimal(0))) for y in years), fmt.euro(fin.total.cost)]
    )
    funding_rows = [
        ["Zuwendung (beantragt)", fmt.euro(fin.total.grant)],
        ["Drittmittel", fmt.euro(fin.total.third_party)],
        ["Eigenanteile der Partner", fmt.euro(fin.total.own)],
        ["Summe", fmt.euro(fin.total.grant + fin.total.third_party + fin.total.own)],
    ]
    own_rows = []
    for p in project.strategy.partners:
        own = fin.by_partner_own.get(p.id, Decimal(0))
        committed = (
            "–" if p.own_funds is None else fmt.euro(p.own_funds) + (" (\\*)" if p.own_funds_example else "")
        )
        own_rows.append([p.name, fmt.euro(own), committed])
    measure_rows = [
        [
            f"{m.id} {m.title}" + (" (*)" if m.example else ""),
            fmt.euro(m.total_cost),
            fmt.euro(m.eligible_cost),
            fmt.euro(m.funding.grant),
            fmt.euro(m.third_party_total),
            fmt.euro(m.own_share_total),
        ]
        for m in measures
    ]
    measure_rows.append(
        [
            "Summe",
            fmt.euro(fin.total.cost),
            fmt.euro(fin.total.eligible),
            fmt.euro(fin.total.grant),
            fmt.euro(fin.total.third_party),
            fmt.euro(fin.total.own),
        ]
    )
    return {
        "cost_headers": ["Kostenart", *map(str, years), "Summe"],
        "cost_align": "l" + "r" * (len(years) + 1),
        "cost_rows": cost_rows,
        "funding_rows": funding_rows,
        "own_rows": own_rows,
        "measure_rows": measure_rows,
    }


def build_context(
    project: Project, call: Call, measures: list[Measure], timeline_image: str
) -> dict[str, Any]:
    s = project.strategy
    fin = finance.compute(measures)
    lead = next((p for p in s.partners if p.lead), s.partners[0])
    partner_names = {p.id: p.name for p in s.partners}
    phase_rows = []
    for phase in s.phases:
        if phase.call_phase:
            ids = [m.id for m in measures if m.phase == phase.id]
            phase_rows.append(
                [
                    f"{phase.title} (Phase {phase.call_phase})",
                    fmt.date(phase.start),
                    fmt.date(phase.end),
                    ", ".join(ids) or "–",
                ]
            )
    annex_rows = []
    for required in call.annexes:
        present = [a for a in s.annexes if a.id == required.id]
        if required.per_partner:
            for p in s.partners:
                mine = [a for a in present if a.partner == p.id]
                annex_rows.append([required.title, p.name, mine[0].status if mine else "fehlt"])
        elif present:
            for annex in present:
                who = partner_names.get(annex.partner, "–") if annex.partner else "–"
                annex_rows.append([annex.title, who, annex.status])
        else:
            annex_rows.append([required.title, "–", "fehlt"])
    return {
        "s": s,
        "call": call,
        "rate": call.rate_for(lead.budget_emergency),
        "lead": lead,
        "today": dt.date.today(),
        "fields": project.action_fields,
        "measures": measures,
        "fin": fin,
        "examples": sum(1 for m in measures if m.example),
        "partner_names": partner_names,
        "field_titles": {f.id: f.title for f in project.action_fields},
        "status_labels": STATUS_LABELS,
        "priority_labels": PRIORITY_LABELS,
        "measures_in_field": {
            f.id: [m for m in measures if f.id in m.action_fields] for f in project.action_fields
        },
        "partner_rows": [[p.name, p.kind.value, p.role] for p in s.partners],
        "indicator_rows": {m.id: [fmt.indicator_row(i, " (*)") for i in m.indicators] for m in measures},
        "cooperation_rows": [
            [f"{m.id} {m.title}", partner_names[m.lead], ", ".join(partner_names[p] for p in m.partners)]
            for m in measures
            if len(m.all_partners) > 1
        ],
        "phase_rows": phase_rows,
        "workplan_rows": [
            [
                f"{m.id} {m.title}",
                fmt.date(m.start),
                fmt.date(m.end),
                "; ".join(f"{fmt.date(ms.date)}: {ms.title}" for ms in m.milestones) or "–",
            ]
            for m in measures
        ],
        "risk_rows": [
            [r.title, PRIORITY_LABELS[r.likelihood], PRIORITY_LABELS[r.impact], r.mitigation] for r in s.risks
        ],
        "annex_rows": annex_rows,
        "plan": _plan(project, measures, fin),
        "timeline_image": timeline_image,
    }


def _filled(block: Block, ctx: dict[str, Any]) -> bool:
    """Whether the strategy has anything for this block (an empty section is a formal failure)."""
    s = ctx["s"]
    texts = {
        Block.summary: s.summary,
        Block.situation: s.situation + s.region.description,
        Block.vision: s.vision,
        Block.cooperation: s.cooperation,
        Block.participation: s.participation,
        Block.knowledge_transfer: s.knowledge_transfer,
    }
    if block in texts:
        return bool(texts[block].strip())
    items = {
        Block.goals: s.goals,
        Block.partners: s.partners,
        Block.action_fields: ctx["fields"],
        Block.risks: s.risks,
        Block.annexes: ctx["call"].annexes,
    }
    return bool(items.get(block, ctx["measures"]))


def render(project: Project, call: Call, *, timeline_image: str = "timeline.svg") -> Application:
    measures = application_measures(project, call)
    env = environment(project.root / "templates" / "application", TEMPLATES)
    context = build_context(project, call, measures, timeline_image)
    cover = env.get_template("cover.md.j2").render(context)
    section_template = env.get_template("section.md.j2")
    sections = [
        RenderedSection(
            sec, section_template.render(context, section=sec), any(_filled(b, context) for b in sec.blocks)
        )
        for sec in call.sections
    ]
    return Application(call=call, measures=measures, fin=context["fin"], cover=cover, sections=sections)


def write_markdown(app: Application, path: Path) -> None:
    path.write_text(app.markdown, encoding="utf-8")
