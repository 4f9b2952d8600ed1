"""The application as Markdown: cover, the call's sections filled from the resolved plan, annex list."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import formatting as fmt
from ..call import Call, Section, document_date, submission
from ..locate import PACKAGE_DIR
from ..mdtext import Environment, Md, cell, environment
from ..model import COST_CATEGORY_LABELS, PRIORITY_LABELS, SDG_LABELS, CostCategory, Indicator
from ..money import ZERO
from ..plan import Budget, MeasurePlan, Money, Plan, call_phases
from ..requirements import judge, place_of_signature

if TYPE_CHECKING:
    from ..project import Project

TEMPLATES = PACKAGE_DIR / "templates" / "application"


@dataclass
class RenderedSection:
    section: Section
    markdown: str


@dataclass
class Application:
    plan: Plan
    cover: str
    sections: list[RenderedSection]

    @property
    def call(self) -> Call:
        assert self.plan.call is not None
        return self.plan.call

    @property
    def budget(self) -> Budget:
        return self.plan.application

    @property
    def measures(self) -> tuple[MeasurePlan, ...]:
        return self.plan.application.measures

    @property
    def markdown(self) -> str:
        return self.cover + "\n\n" + "\n\n".join(s.markdown for s in self.sections)


def _money_row(label: Any, money: Money) -> list[Any]:
    return [
        label,
        fmt.euro(money.cost, True),
        fmt.euro(money.eligible, True),
        fmt.euro(money.grant, True),
        fmt.euro(money.third_party, True),
        fmt.euro(money.own, True),
    ]


def _finance_tables(plan: Plan) -> dict[str, Any]:
    """Every finance table of the application, with cents: all figures come from the plan."""
    budget = plan.application
    project = plan.project
    years = budget.years
    cats = budget.categories
    cost_rows = []
    for cat in cats:
        values = [budget.by_year_category.get((y, cat), ZERO) for y in years]
        cost_rows.append(
            [
                COST_CATEGORY_LABELS[CostCategory(cat)],
                *(fmt.euro(v, True) for v in values),
                fmt.euro(budget.by_category[cat].cost, True),
            ]
        )
    cost_rows.append(
        ["Summe", *(fmt.euro(budget.by_year[y].cost, True) for y in years), fmt.euro(budget.total.cost, True)]
    )
    total = budget.total
    funding_rows = [
        ["Zuwendung (beantragt)", fmt.euro(total.grant, True), fmt.percent(total.share(total.grant))],
        ["Drittmittel", fmt.euro(total.third_party, True), fmt.percent(total.share(total.third_party))],
        ["Eigenanteile der Partner", fmt.euro(total.own, True), fmt.percent(total.share(total.own))],
        ["Summe", fmt.euro(total.financing, True), fmt.percent(total.share(total.financing))],
    ]
    own_rows = []
    for p in project.strategy.partners:
        own = budget.own_by_partner.get(p.id, ZERO)
        committed = (
            "–"
            if p.own_funds is None
            else fmt.euro(p.own_funds, True) + (" (\\*)" if p.own_funds_example else "")
        )
        own_rows.append([p.name, fmt.euro(own, True), Md(committed)])
    own_rows.append(["Summe", fmt.euro(total.own, True), ""])
    partner_year_rows = []
    for p in project.strategy.partners:
        values = [budget.own_by_partner_year.get((p.id, y), ZERO) for y in years]
        if any(values):
            partner_year_rows.append(
                [
                    p.name,
                    *(fmt.euro(v, True) for v in values),
                    fmt.euro(budget.own_by_partner_year_totals[p.id], True),
                ]
            )
    partner_year_rows.append(
        ["Summe", *(fmt.euro(budget.by_year[y].own, True) for y in years), fmt.euro(total.own, True)]
    )
    year_rows = [_money_row(str(y), budget.by_year[y]) for y in years]
    year_rows.append(_money_row("Summe", total))
    phase_rows = [_money_row(f"Phase {k}", v) for k, v in budget.by_phase.items()]
    phase_rows.append(_money_row("Summe", total))
    measure_rows = [
        _money_row(Md(cell(f"{mp.id} {mp.title}") + (" (\\*)" if mp.m.example else "")), mp.money)
        for mp in budget.measures
    ]
    measure_rows.append(_money_row("Summe", total))
    return {
        "years": [str(y) for y in years],
        "cost_headers": ["Kostenart", *map(str, years), "Summe"],
        "cost_align": "l" + "r" * (len(years) + 1),
        "cost_rows": cost_rows,
        "funding_rows": funding_rows,
        "own_rows": own_rows,
        "partner_year_headers": ["Partner", *map(str, years), "Summe"],
        "partner_year_rows": partner_year_rows,
        "money_headers": ["", "Kosten", "förderfähig", "Zuwendung", "Drittmittel", "Eigenanteil"],
        "year_rows": year_rows,
        "phase_rows": phase_rows,
        "measure_rows": measure_rows,
    }


def _contact_text(contact: Any) -> str:
    """A contact as one line: office, role and office address (no personal data needed)."""
    if contact is None:
        return "–"
    parts = [contact.name, *([contact.role] if contact.role else []), *contact.address]
    parts += [x for x in (contact.email, contact.phone) if x]
    return ", ".join(parts)


THIRD_PARTY_STATUS_LABELS = {
    "zugesagt": "zugesagt",
    "beantragt": "beantragt",
    "angenommen": "angenommen (Planungsannahme)",
}


def _third_party_rows(measures: list[MeasurePlan]) -> list[list[Any]]:
    """Every third-party fund of the application by name, with its status and what it rests on."""
    rows: list[list[Any]] = []
    for mp in measures:
        for t in mp.m.funding.third_parties:
            source = t.source.title + (f" ({t.source.note})" if t.source.note else "") if t.source else "–"
            rows.append(
                [mp.id, t.name, THIRD_PARTY_STATUS_LABELS[t.status.value], fmt.euro(t.amount, True), source]
            )
    return rows


def _measured_by(indicator: Indicator) -> str:
    """How an indicator is measured: its method, else the source of its newest value."""
    if indicator.method:
        return indicator.method
    sources = [m.source for m in indicator.series if m.source]
    return f"laut {sources[-1]}" if sources else "bitte ergänzen"


def _cooperation_rows(plan: Plan, measures: list[MeasurePlan]) -> list[list[str]]:
    """The division of labour per partner: the measures it leads and those it takes part in (by id; the
    titles stand in the profiles). Partners without a measure in the application are left out."""
    rows = []
    for partner in plan.project.strategy.partners:
        leads = [mp.id for mp in measures if mp.lead.id == partner.id]
        joins = [mp.id for mp in measures if mp.lead.id != partner.id and partner in mp.partners]
        if leads or joins:
            rows.append([partner.name, ", ".join(leads) or "–", ", ".join(joins) or "–"])
    return rows


def _requirement_rows(plan: Plan) -> list[list[Any]]:
    rows = []
    for st in judge(plan):
        req = st.requirement
        rows.append(
            [
                req.title,
                st.kind_label,
                st.where,
                "erfüllt" if st.met else f"offen: {st.problem}",
                req.source.title,  # the source itself; how far it bears the requirement is noted in the profile
            ]
        )
    return rows


def _requirements_context(plan: Plan, measures: list[MeasurePlan]) -> dict[str, Any]:
    """Context of the chapters the requirements ask for: continuation, organisation, evaluation, declarations."""
    s = plan.project.strategy
    call = plan.call
    assert call is not None
    names = {p.id: p.name for p in s.partners}
    follow_on = s.continuation.follow_on_costs if s.continuation else []
    follow_on_rows: list[list[Any]] = [
        [
            Md(cell(f.item) + " (\\*)") if f.example else f.item,
            names.get(f.partner, f.partner),
            fmt.euro(f.amount_per_year),
            str(f.from_year),
        ]
        for f in follow_on
    ]
    if follow_on_rows:
        follow_on_rows.append(["Summe je Jahr", "", fmt.euro(plan.follow_on_per_year), ""])
    roles = s.organisation.roles if s.organisation else []
    role_rows: list[list[Any]] = [
        [
            r.title,
            names.get(r.partner, r.partner),
            fmt.plain(r.fte),
            "ja" if r.funded else "nein",
            r.tasks or "–",
        ]
        for r in roles
    ]
    if role_rows:
        funded, every = plan.staff_fte
        role_rows.append(["Summe", "", fmt.plain(every), f"{fmt.plain(funded)} VZÄ", ""])
    # baseline, target and year of each indicator stand in its measure's profile: here, how they are measured
    by_method: dict[str, dict[str, int]] = {}
    for mp in measures:
        for i in mp.m.indicators:
            counts = by_method.setdefault(_measured_by(i), {})
            counts[mp.id] = counts.get(mp.id, 0) + 1
    evaluation_rows = [
        [method, "; ".join(f"{mid} ({n})" for mid, n in counts.items()), str(sum(counts.values()))]
        for method, counts in by_method.items()
    ]
    declaration_rows = [
        (r.text or r.title, r.source.title) for r in call.requirements if r.kind.value == "declaration"
    ]
    return {
        "follow_on_rows": follow_on_rows,
        "role_rows": role_rows,
        "evaluation_rows": evaluation_rows,
        "declaration_rows": declaration_rows,
        "signature_place": place_of_signature(plan),
        "requirement_rows": _requirement_rows(plan),
        "third_party_rows": _third_party_rows(measures),
    }


def build_context(plan: Plan, timeline_image: str) -> dict[str, Any]:
    project = plan.project
    s = project.strategy
    call = plan.call
    assert call is not None
    measures = list(plan.application.measures)
    partner_names = {p.id: p.name for p in s.partners}
    phase_rows = []
    derived = call_phases(project, call)  # given in strategy.yaml or from the phases' dates
    for phase in s.phases:
        key = derived.get(phase.id, (None, None))[0]
        if key:
            ids = [mp.id for mp in measures if mp.phase is phase]
            phase_rows.append(
                [
                    f"{phase.title} (Förderphase {key})",
                    fmt.date(phase.start),
                    fmt.date(phase.end),
                    ", ".join(ids) or "–",
                ]
            )
    annex_rows = [
        [st.annex.title if st.annex else st.required.title, st.partner.name if st.partner else "–", st.status]
        for st in plan.annexes
    ]
    excluded = {mp.id: mp.exclusion for mp in plan.excluded}
    details = plan.applicant.legal if plan.applicant is not None else None  # the applicant's own data
    sent = submission(s, call)
    phases_applied = [
        next((cp.title for cp in call.phases if cp.id == key), f"Phase {key}")
        for key in plan.application.by_phase
    ]
    # the cover: each phase applied for with its period (from the strategy's phases) and its sums (the plan's)
    phase_periods = []
    for key, money in plan.application.by_phase.items():
        own = [phase for phase in s.phases if derived.get(phase.id, (None, None))[0] == key]
        period = (
            f"{fmt.date(min(ph.start for ph in own))} bis {fmt.date(max(ph.end for ph in own))}; "
            if own
            else ""
        )
        phase_periods.append(
            [
                f"Phase {key}",
                f"{period}Kosten {fmt.euro(money.cost, True)}, Zuwendung {fmt.euro(money.grant, True)}",
            ]
        )
    criteria_rows = [
        [
            cp.criterion.title,
            "; ".join(sec.title for sec in cp.sections) or "–",
            ", ".join(mp.id for mp in cp.measures) or "–",
        ]
        for cp in plan.criteria
    ]
    charta: dict[str, list[str]] = {}
    sdgs: dict[int, list[str]] = {}
    for mp in measures:
        for line in mp.m.references.charta:
            charta.setdefault(line, []).append(mp.id)
        for number in mp.m.references.sdg:
            sdgs.setdefault(number, []).append(mp.id)
    return {
        "details": details,
        "phases_applied": phases_applied,
        "phase_periods": phase_periods,
        "criteria_rows": criteria_rows,
        "charta_rows": [[line, ", ".join(ids)] for line, ids in sorted(charta.items())],
        "sdg_rows": [[f"SDG {n}: {SDG_LABELS[n]}", ", ".join(ids)] for n, ids in sorted(sdgs.items())],
        "sdg_labels": SDG_LABELS,
        "goal_titles": {g.id: g.title for g in s.goals},
        "s": s,
        "call": call,
        "excluded": plan.excluded,
        "rate": plan.rate,
        "applicant": plan.applicant,
        "coordinator": plan.coordinator,
        "date": document_date(s, call, plan.today),
        "date_example": bool(sent and sent[1].example),
        "fields": project.action_fields,
        "measures": measures,
        "total": plan.application.total,
        "examples": plan.application.examples,
        "partner_names": partner_names,
        "field_titles": {f.id: f.title for f in project.action_fields},
        "priority_labels": PRIORITY_LABELS,
        "measures_in_field": {
            f.id: [mp for mp in measures if f.id in mp.m.action_fields] for f in project.action_fields
        },
        "partner_rows": [
            [
                p.name,
                p.kind.value,
                p.role
                + ("; Antragsteller" if plan.applicant is p else "")
                + ("; Verbundkoordination" if plan.coordinator is p else ""),
            ]
            for p in s.partners
        ],
        "indicator_rows": {mp.id: [fmt.indicator_row(i, " (*)") for i in mp.m.indicators] for mp in measures},
        "cooperation_rows": _cooperation_rows(plan, measures),
        "dependency_notes": {
            mp.id: [
                dep + (f" (nicht im Antrag: {excluded[dep]})" if dep in excluded else "")
                for dep in mp.m.dependencies
            ]
            for mp in measures
        },
        "excluded_rows": [[f"{mp.id} {mp.title}", mp.exclusion or ""] for mp in plan.excluded],
        "phase_rows": phase_rows,
        "workplan_rows": [  # by id: the titles stand in the profiles and the Gantt chart beside it
            [
                mp.id,
                fmt.date(mp.m.start),
                fmt.date(mp.m.end),
                "; ".join(f"{fmt.date(ms.date)}: {ms.title}" for ms in mp.m.milestones) or "–",
            ]
            for mp in measures
        ],
        "risk_rows": [
            [r.title, PRIORITY_LABELS[r.likelihood], PRIORITY_LABELS[r.impact], r.mitigation] for r in s.risks
        ],
        "annex_rows": annex_rows,
        "fin": _finance_tables(plan),
        "timeline_image": timeline_image,
        **_requirements_context(plan, measures),
    }


def template_environment(project: Project | None = None) -> Environment:
    """The environment of the application's templates: the project's overrides first, then rek's own."""
    overrides, folder = project.templates_for("application") if project else ({}, None)
    env = environment(TEMPLATES, overrides=overrides, folder=folder)
    env.helper("contact_text", _contact_text)
    return env


def render(plan: Plan, *, timeline_image: str = "timeline.svg") -> Application:
    """The application of ``plan.call`` as Markdown (cover and one part per section of the call)."""
    project = plan.project
    env = template_environment(project)
    context = build_context(plan, timeline_image)
    cover = env.render_checked("cover.md.j2", context)
    sections = [
        RenderedSection(sec, env.render_checked("section.md.j2", context, section=sec))
        for sec in plan.call.sections  # type: ignore[union-attr]
    ]
    return Application(plan=plan, cover=cover, sections=sections)


def write_markdown(app: Application, path: Path) -> None:
    path.write_text(app.markdown, encoding="utf-8")
