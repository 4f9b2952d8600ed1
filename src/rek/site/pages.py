"""The website's pages as Markdown, rendered from the model (never from YAML)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .. import charts, finance
from .. import formatting as fmt
from ..locate import PACKAGE_DIR
from ..mdtext import Md, environment, link
from ..model import COST_CATEGORY_LABELS, PRIORITY_LABELS, STATUS_LABELS, CostCategory, Measure
from ..project import Project

TEMPLATES = PACKAGE_DIR / "templates" / "site"
TIMELINE_DETAIL_LIMIT = 80  # more measures: the chart shows one bar per action field
MILESTONE_LIST_LIMIT = 500  # more milestones: the roadmap lists the first and last of each measure


@dataclass(frozen=True)
class NavEntry:
    title: str
    path: str | list[NavEntry]


def _link(m: Measure, prefix: str) -> Md:
    return link(f"{m.id} {m.title}", f"{prefix}{m.id}.md")


def _indicator_rows(indicators: list[Any]) -> list[list[str]]:
    return [fmt.indicator_row(i, " (Beispielwert)") for i in indicators]


class SitePages:
    """Renders every page; ``files()`` yields (relative path, text) pairs."""

    def __init__(self, project: Project, changes_markdown: str | None = None) -> None:
        self.p = project
        self.env = environment(project.root / "templates" / "site", TEMPLATES)
        self.fin = finance.compute(project.measures)
        self.changes = changes_markdown
        s = project.strategy
        self.base: dict[str, Any] = {
            "s": s,
            "fields": project.fields,
            "partners": project.partners,
            "goals": {g.id: g for g in s.goals},
            "measures": project.measures_by_id,
            "status_labels": STATUS_LABELS,
            "priority_labels": PRIORITY_LABELS,
        }
        self.phases = {ph.id: ph for ph in s.phases}

    def _render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(self.base, **context)

    # --- pages -------------------------------------------------------------------------------
    def index(self) -> str:
        p, fin = self.p, self.fin
        by_status: dict[str, int] = {}
        for m in p.measures:
            by_status[STATUS_LABELS[m.status]] = by_status.get(STATUS_LABELS[m.status], 0) + 1
        key_rows = [
            ["Maßnahmen", str(len(p.measures))],
            *[[f"davon {label}", str(count)] for label, count in by_status.items()],
            ["Handlungsfelder", str(len(p.action_fields))],
            ["Partner", str(len(p.strategy.partners))],
            ["Gesamtkosten", fmt.euro(fin.total.cost)],
            ["Zuwendung (Förderung)", fmt.euro(fin.total.grant)],
            ["Drittmittel", fmt.euro(fin.total.third_party)],
            ["Eigenanteil der Partner", fmt.euro(fin.total.own)],
        ]
        return self._render(
            "index.md.j2",
            key_rows=key_rows,
            fields=p.action_fields,
            measures=p.measures,
            counts={f.id: len(p.measures_in_field(f.id)) for f in p.action_fields},
            examples=sum(1 for m in p.measures if m.example),
        )

    def action_field(self, field_id: str) -> str:
        p = self.p
        f = p.fields[field_id]
        primary = p.measures_in_field(field_id, primary_only=True)
        further = [m for m in p.measures_in_field(field_id) if m.action_field != field_id]
        return self._render(
            "action_field.md.j2",
            f=f,
            goals=[self.base["goals"][g] for g in f.goals],
            indicator_rows=_indicator_rows(f.indicators),
            primary=primary,
            further=further,
            primary_rows=[
                [
                    _link(m, "../massnahme/"),
                    STATUS_LABELS[m.status],
                    p.partners[m.lead].short_name or p.partners[m.lead].name,
                    fmt.euro(m.total_cost),
                ]
                for m in primary
            ],
            further_rows=[
                [_link(m, "../massnahme/"), p.fields[m.action_field].title, STATUS_LABELS[m.status]]
                for m in further
            ],
        )

    def catalogue(self) -> str:
        p = self.p
        rows = []
        for m in p.measures:
            rows.append(
                [
                    m.id,
                    _link(m, "../massnahme/"),
                    ", ".join(p.fields[f].title for f in m.action_fields),
                    ", ".join(p.partners[x].short_name or p.partners[x].name for x in m.all_partners),
                    STATUS_LABELS[m.status],
                    PRIORITY_LABELS[m.priority],
                    f"{m.start.year}–{m.end.year}",
                    fmt.euro(m.total_cost) + (" (Beispiel)" if m.example else ""),
                ]
            )
        return self._render("catalogue.md.j2", rows=rows, measures=p.measures)

    def measure(self, m: Measure) -> str:
        p = self.p
        cost_rows = [
            [
                str(c.year),
                COST_CATEGORY_LABELS[c.category],
                fmt.euro(c.amount, True),
                "ja" if c.eligible else "nein",
            ]
            for c in sorted(m.costs, key=lambda c: (c.year, c.category.value))
        ]
        cost_rows.append(
            ["Summe", "", fmt.euro(m.total_cost, True), f"förderfähig: {fmt.euro(m.eligible_cost, True)}"]
        )
        funding_rows = [["Zuwendung", fmt.euro(m.funding.grant, True)]]
        funding_rows += [
            [f"Drittmittel: {t.name}", fmt.euro(t.amount, True)] for t in m.funding.third_parties
        ]
        for partner, share in m.funding.own_shares.items():
            funding_rows.append(
                [
                    f"Eigenanteil {p.partners[partner].name} ({fmt.percent(share)})",
                    fmt.euro(m.own_share_of(partner), True),
                ]
            )
        refs = []
        r = m.references
        if r.ozg:
            refs.append(("OZG-Leistungen", ", ".join(r.ozg)))
        if r.leika:
            refs.append(("LeiKa-Schlüssel", ", ".join(r.leika)))
        if r.charta:
            refs.append(("Smart City Charta", "; ".join(r.charta)))
        if r.sdg:
            refs.append(("Ziele für nachhaltige Entwicklung (SDG)", ", ".join(str(x) for x in r.sdg)))
        return self._render(
            "measure.md.j2",
            m=m,
            phase=self.phases.get(m.phase) if m.phase else None,
            cost_rows=cost_rows,
            funding_rows=funding_rows,
            indicator_rows=_indicator_rows(m.indicators),
            dependents=p.dependents.get(m.id, []),
            refs=refs,
        )

    def partner(self, partner_id: str) -> str:
        p = self.p
        partner = p.partners[partner_id]
        lead_rows = [
            [
                _link(m, "../massnahme/"),
                p.fields[m.action_field].title,
                STATUS_LABELS[m.status],
                fmt.euro(m.total_cost),
            ]
            for m in p.measures
            if m.lead == partner_id
        ]
        member_rows = [
            [_link(m, "../massnahme/"), p.partners[m.lead].name, STATUS_LABELS[m.status]]
            for m in p.measures
            if partner_id in m.partners and m.lead != partner_id
        ]
        own_rows = [
            [
                _link(m, "../massnahme/"),
                fmt.percent(m.funding.own_shares[partner_id]),
                fmt.euro(m.own_share_of(partner_id)),
            ]
            for m in p.measures
            if partner_id in m.funding.own_shares
        ]
        return self._render(
            "partner.md.j2",
            p=partner,
            lead_rows=lead_rows,
            member_rows=member_rows,
            own_rows=own_rows,
            own=self.fin.by_partner_own.get(partner_id, Decimal(0)),
        )

    def roadmap(self) -> str:
        p = self.p
        timeline_rows = [
            [_link(m, "massnahme/"), fmt.date(m.start), fmt.date(m.end), STATUS_LABELS[m.status]]
            for m in p.measures
        ]
        total = sum(len(m.milestones) for m in p.measures)
        summary = None
        if total <= MILESTONE_LIST_LIMIT:
            milestone_rows = [
                r[:3]
                for r in sorted(
                    (
                        [fmt.date(ms.date), ms.title, _link(m, "massnahme/"), ms.date]
                        for m in p.measures
                        for ms in m.milestones
                    ),
                    key=lambda r: r[3],
                )
            ]
        else:  # one row per measure: a list of every milestone would make a page nobody reads
            summary = (
                f"Die {fmt.number(total)} Meilensteine stehen auf den Seiten der Maßnahmen und in den "
                "offenen Daten; hier je Maßnahme der erste und der letzte."
            )
            milestone_rows = []
            for m in p.measures:
                if m.milestones:
                    first = min(m.milestones, key=lambda ms: ms.date)
                    last = max(m.milestones, key=lambda ms: ms.date)
                    milestone_rows.append(
                        [
                            _link(m, "massnahme/"),
                            fmt.number(len(m.milestones)),
                            f"{fmt.date(first.date)}: {first.title}",
                            f"{fmt.date(last.date)}: {last.title}",
                        ]
                    )
        detailed = len(p.measures) <= TIMELINE_DETAIL_LIMIT
        alt = (
            "Zeitplan: ein Balken je Maßnahme von Beginn bis Ende, Rauten für Meilensteine; die Daten stehen in der Tabelle darunter"
            if detailed
            else "Zeitplan: ein Balken je Handlungsfeld vom ersten Beginn bis zum letzten Ende seiner Maßnahmen; die Daten stehen in der Tabelle darunter"
        )
        return self._render(
            "roadmap.md.j2",
            timeline_rows=timeline_rows,
            milestone_rows=milestone_rows,
            milestone_summary=summary,
            timeline_alt=alt,
        )

    def finances(self) -> str:
        p, fin = self.p, self.fin
        total_rows = [
            ["Gesamtkosten", fmt.euro(fin.total.cost)],
            ["davon förderfähig", fmt.euro(fin.total.eligible)],
            ["Zuwendung (Förderung)", fmt.euro(fin.total.grant)],
            ["Drittmittel", fmt.euro(fin.total.third_party)],
            ["Eigenanteil der Partner", fmt.euro(fin.total.own)],
        ]
        year_rows = [
            [
                str(y),
                fmt.euro(fin.by_year[y]),
                fmt.euro(fin.grant_by_year.get(y, Decimal(0))),
                fmt.euro(fin.own_by_year.get(y, Decimal(0))),
            ]
            for y in fin.years
        ]
        field_rows = []
        for f in p.action_fields:
            t = fin.by_field.get(f.id, finance.Totals())
            field_rows.append([f.title, fmt.euro(t.cost), fmt.euro(t.grant), fmt.euro(t.own)])
        partner_rows = [
            [
                pt.name,
                fmt.euro(fin.by_partner_own.get(pt.id, Decimal(0))),
                fmt.euro(fin.by_partner_lead_cost.get(pt.id, Decimal(0))),
            ]
            for pt in p.strategy.partners
        ]
        category_rows = [
            [COST_CATEGORY_LABELS[CostCategory(c)], fmt.euro(fin.by_category[c])] for c in fin.categories
        ]
        return self._render(
            "finances.md.j2",
            total_rows=total_rows,
            year_headers=["Jahr", "Kosten", "Zuwendung (anteilig)", "Eigenanteil (anteilig)"],
            year_rows=year_rows,
            year_align="lrrr",
            field_rows=field_rows,
            partner_rows=partner_rows,
            category_rows=category_rows,
            examples=sum(1 for m in p.measures if m.example),
        )

    def downloads(self, application_files: list[dict[str, str]]) -> str:
        return self._render("downloads.md.j2", application_files=application_files)

    def changes_page(self) -> str:
        if self.changes:
            return self.changes
        return (
            "# Änderungen\n\nDies ist die erste veröffentlichte Fassung; einen Vergleich mit einer früheren "
            "Fassung gibt es noch nicht. Ab der nächsten Fassung steht hier, was sich geändert hat.\n"
        )

    # --- charts ------------------------------------------------------------------------------
    def charts(self) -> dict[str, str]:
        p, fin = self.p, self.fin
        field_index = {f.id: i for i, f in enumerate(p.action_fields)}
        if len(p.measures) <= TIMELINE_DETAIL_LIMIT:
            spans = charts.measure_spans(p.measures, p.action_fields)
        else:
            spans = []
            for f in p.action_fields:
                items = p.measures_in_field(f.id, primary_only=True)
                if items:
                    spans.append(
                        charts.Span(
                            f"{f.title} ({len(items)} Maßnahmen)",
                            min(m.start for m in items),
                            max(m.end for m in items),
                            [],
                            field_index[f.id],
                        )
                    )
        fields = [
            charts.Bar(f.title, [fin.by_field.get(f.id, finance.Totals()).cost]) for f in p.action_fields
        ]
        partners = [
            charts.Bar(pt.name, [fin.by_partner_own.get(pt.id, Decimal(0))]) for pt in p.strategy.partners
        ]
        return {
            "timeline.svg": charts.timeline("timeline", "Zeitplan der Maßnahmen", spans),
            "kosten-jahr.svg": charts.cost_by_year("kosten-jahr", fin),
            "kosten-handlungsfeld.svg": charts.bar_chart(
                "kosten-handlungsfeld", "Kosten nach Handlungsfeld", fields, ["Kosten"]
            ),
            "eigenanteil-partner.svg": charts.bar_chart(
                "eigenanteil-partner", "Eigenanteile nach Partner", partners, ["Eigenanteil"]
            ),
        }

    # --- everything ----------------------------------------------------------------------------
    def files(self, application_files: list[dict[str, str]] | None = None) -> Iterator[tuple[str, str]]:
        p = self.p
        yield "index.md", self.index()
        for f in p.action_fields:
            yield f"handlungsfelder/{f.id}.md", self.action_field(f.id)
        yield "massnahmen/index.md", self.catalogue()
        for m in p.measures:
            yield f"massnahme/{m.id}.md", self.measure(m)
        for partner in p.strategy.partners:
            yield f"partner/{partner.id}.md", self.partner(partner.id)
        yield "roadmap.md", self.roadmap()
        yield "finanzen.md", self.finances()
        yield "downloads.md", self.downloads(application_files or [])
        yield "aenderungen.md", self.changes_page()
        for page in p.pages:
            yield f"{page.name}.md", page.markdown
        for name, svg in self.charts().items():
            yield f"assets/charts/{name}", svg

    def nav(self) -> list[dict[str, Any]]:
        p = self.p
        content = {page.name: page.title for page in p.pages}
        legal = ["impressum", "datenschutz", "barrierefreiheit"]
        nav: list[dict[str, Any]] = [
            {"Start": "index.md"},
            {"Handlungsfelder": [{f.title: f"handlungsfelder/{f.id}.md"} for f in p.action_fields]},
            {"Maßnahmen": "massnahmen/index.md"},
            {"Partner": [{pt.name: f"partner/{pt.id}.md"} for pt in p.strategy.partners]},
            {"Roadmap": "roadmap.md"},
            {"Finanzen": "finanzen.md"},
            {"Änderungen": "aenderungen.md"},
            {"Downloads": "downloads.md"},
        ]
        nav += [{title: f"{name}.md"} for name, title in content.items() if name not in legal]
        nav += [{content[name]: f"{name}.md"} for name in legal if name in content]
        return nav
