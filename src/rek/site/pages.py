"""The website's pages as Markdown, rendered from the model (never from YAML)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from html import escape
from typing import Any

import yaml

from .. import charts, markup, monitoring
from .. import formatting as fmt
from ..invisible import PLACEHOLDER, is_placeholder
from ..locate import PACKAGE_DIR
from ..mdtext import Md, environment, link, table, text, theme_text
from ..model import (
    COST_CATEGORY_LABELS,
    PRIORITY_LABELS,
    REGIONWIDE,
    STATUS_LABELS,
    CostCategory,
    Measure,
    Place,
    PlaceKind,
    Status,
    reach,
)
from ..money import ZERO, whole_euro_column
from ..plan import Money, Plan, call_phases, resolve
from ..progresssheet import PROGRESS_TEMPLATE
from ..project import ContentPage, Project
from .htmltable import RawHtml, page_href, plain_stack_table, stack_table

TEMPLATES = PACKAGE_DIR / "templates" / "site"
SERVICE_PAGES = ("leichte-sprache", "impressum", "datenschutz", "barrierefreiheit")  # last in the menu
TIMELINE_DETAIL_LIMIT = 80  # more measures: the chart shows one bar per action field
MILESTONE_LIST_LIMIT = 500  # more milestones: the roadmap lists the first and last of each measure


IMAGES = "assets/projekt/"


def content_page(page: ContentPage) -> str:
    """A page of content/: checked front matter (title, description) and the text re-emitted from its tokens."""
    front = {k: v for k, v in (("title", page.front_title), ("description", page.description)) if v}
    head = "---\n" + yaml.safe_dump(front, allow_unicode=True, width=10_000) + "---\n\n" if front else ""
    return head + markup.render(page.markdown, 0, IMAGES) + "\n"


@dataclass(frozen=True)
class NavEntry:
    title: str
    path: str | list[NavEntry]


def _link(m: Measure, prefix: str) -> Md:
    return link(f"{m.id} {m.title}", f"{prefix}{m.id}.md")


EXAMPLE_MARK = " (Beispielwert)"


def _indicator_rows(indicators: list[Any]) -> list[list[str]]:
    """The overview table's rows: indicators without measured values (one with values has its own
    block, whose heading, column header and first and last rows say what the row would)."""
    return [fmt.indicator_row(i, EXAMPLE_MARK) for i in indicators if not i.measurements]


# a status inside a sentence ('davon abgeschlossen'); the labels themselves start with a capital
STATUS_IN_SENTENCE = {
    Status.idea: "als Idee",
    Status.planned: "geplant",
    Status.in_progress: "in Umsetzung",
    Status.done: "abgeschlossen",
    Status.paused: "pausiert",
}


def fmt_years(first: int, last: int) -> str:
    """'2022' for a single year, '2022–2024' for several."""
    return str(first) if first == last else f"{first}–{last}"


def status_text(s: Any) -> str:
    """'Version 0.9, Entwurf' or 'Version 1.0, beschlossen am 01.02.2027'."""
    text = f"Version {s.version}, {s.status.value}"
    return text + (f" am {fmt.date(s.adopted)}" if s.adopted else "")


def contact_block(c: Any) -> Md:
    """A contact as Markdown lines (hard line breaks), every value escaped; e-mail and web links clickable.
    A „bitte ergänzen“ is shown as a marked gap (``gap``)."""
    lines = [f"**{gap(c.name)}**" + (f", {gap(c.role)}" if c.role else "")]
    lines += [gap(line) for line in c.address]
    if c.phone:
        lines.append(f"Telefon: {gap(c.phone)}")
    if c.email:
        is_address = re.fullmatch(r"[^@\s<>()\[\]]+@[^@\s<>()\[\]]+\.[A-Za-z]{2,}", c.email)
        lines.append(f"E-Mail: {link(c.email, '<mailto:' + c.email + '>') if is_address else gap(c.email)}")
    if c.url:
        lines.append(f"Website: <{c.url}>")
    return Md("  \n".join(lines))


def _simple_table(headers: list[str], rows: list[list[str]]) -> str:
    """A small HTML table of plain values, two or three columns (fits a phone without stacking; few tags)."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f'<table class="rek-series"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def state_badge(j: monitoring.Judgement, *, reason: bool = False) -> RawHtml:
    """A status at a glance as HTML: an icon (hidden from screen readers) and the word, optionally the reason."""
    badge = (
        f'<span class="rek-state rek-state--{j.slug}"><span class="rek-state-icon" aria-hidden="true">'
        f"{escape(j.icon)}</span> {escape(j.state)}</span>"
    )
    return RawHtml(badge + (f" {escape(j.reason)}" if reason else ""))


def progress_counts_text(judgements: list[monitoring.Judgement]) -> list[RawHtml]:
    """'3 × ➜ im Plan' badges in the order of the states, zeros left out."""
    out = []
    for name, n in monitoring.progress_counts(judgements):
        j = monitoring.Judgement(name, "")
        out.append(RawHtml(f'<span class="rek-tally">{n} {state_badge(j)}</span>'))
    return out


def gap(value: Any) -> str:
    """A value for a legal page: escaped text, and every „bitte ergänzen“ in it shown as a marked gap."""
    raw = "" if value is None else str(value)
    if not PLACEHOLDER.search(raw):
        return text(raw)
    mark = '<mark class="rek-gap">Angabe fehlt (bitte ergänzen)</mark>'
    if is_placeholder(raw):
        note = re.search(r"\(([^()]*)\)\s*$", raw)
        return mark + (f" <small>{escape(note.group(1))}</small>" if note else "")
    return mark.join(text(part) for part in PLACEHOLDER.split(raw))


MAILTO_SAFE = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def feedback_href(m: Measure, fallback_email: str | None, form_url: str | None) -> str | None:
    """Where 'Rückmeldung geben' leads: the region's own form, else a mail to the measure's office (with a
    subject naming the measure), else to the site's publisher; None when no address is known."""
    from urllib.parse import quote

    if form_url:
        return f"{form_url}{'&' if '?' in form_url else '?'}massnahme={quote(m.id)}"
    for address in (m.contact.email if m.contact else None, fallback_email):
        if address and MAILTO_SAFE.fullmatch(address):
            subject = quote(f"Rückmeldung zu {m.id} {m.title}", safe="")
            return f"mailto:{address}?subject={subject}"
    return None


class SitePages:
    """Renders every page; ``files()`` yields (relative path, text) pairs."""

    def __init__(self, plan: Plan | Project, changes_markdown: str | None = None) -> None:
        if not isinstance(plan, Plan):
            plan = resolve(plan)
        project = plan.project
        self.p = project
        self.plan = plan
        overrides, folder = project.templates_for("site")
        self.env = environment(TEMPLATES, overrides=overrides, folder=folder)
        self.fin = plan.strategy  # every measure of the strategy
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
            "example_mark": EXAMPLE_MARK,
        }
        self.phases = {ph.id: ph for ph in s.phases}
        self.today = plan.today
        self.page: str | None = None  # the page being rendered (its tables resolve links with it)
        self.env.globals.update(
            chart=self.chart,
            stack_table=lambda *args, **kwargs: stack_table(*args, page=self.page, **kwargs),
            plain_table=plain_stack_table,
            progress=self.progress_table,
            indicator_chart=self.indicator_chart,
            contact=contact_block,
            follow=self.follow_measure,
            follow_field=self.follow_field,
            gap=gap,
            badge=state_badge,
        )
        self.profiles = False  # whether the build writes a printable profile per measure (site/profile.py)
        self.places = {pl.id: pl for pl in s.places}
        self.reach = {m.id: reach(s.places, m.places) for m in project.measures}
        self.judged = {m.id: monitoring.judge_measure(m, self.today) for m in project.measures}

    def _render(self, name: str, **context: Any) -> str:
        return self.env.render_checked(name, self.base, **context)

    # --- pages -------------------------------------------------------------------------------
    def index(self) -> str:
        p, total = self.p, self.fin.total
        by_status: dict[str, int] = {}
        for m in p.measures:
            by_status[STATUS_IN_SENTENCE[m.status]] = by_status.get(STATUS_IN_SENTENCE[m.status], 0) + 1
        key_rows = [
            ["Maßnahmen", str(len(p.measures))],
            *[[f"davon {label}", str(count)] for label, count in by_status.items()],  # 'davon geplant'...
            ["Handlungsfelder", str(len(p.action_fields))],
            ["Partner", str(len(p.strategy.partners))],
            # the money rows of the finance page, without "davon förderfähig"
            *(row for row in self._money_rows(total) if row[0] != "davon förderfähig"),
        ]
        return self._render(
            "index.md.j2",
            has_changes=bool(self.changes),
            key_rows=key_rows,
            fields=p.action_fields,
            measures=p.measures,
            counts={f.id: len(p.measures_in_field(f.id)) for f in p.action_fields},
            examples=sum(1 for m in p.measures if m.example),
            overview=monitoring.plan_overview(self.plan, self.today),
            version=self.version_facts(),
            glance=progress_counts_text(list(self.judged.values())),
            attention=[
                [_link(m, "massnahme/"), state_badge(self.judged[m.id]), self.judged[m.id].reason]
                for m in p.measures
                if self.judged[m.id].state in (monitoring.LATE, monitoring.AT_RISK)
            ],
        )

    def version_facts(self) -> list[list[str]]:
        """What this version is, as rows (label, text): version and status, application, reporting period,
        the next step, and whether there is an earlier version to compare with."""
        p, s = self.p, self.p.strategy
        rows = [
            [
                "Fassung",
                f"Version {s.version}, {s.status.value}"
                + (f" am {fmt.date(s.adopted)}" if s.adopted else ""),
            ]
        ]
        call = self.plan.call
        if call is not None:
            sub = next((x for x in s.submissions if x.call == call.id), None)
            if sub is not None:
                when = f"eingereicht am {fmt.date(sub.date)}" + (" (Beispielangabe)" if sub.example else "")
            else:
                when = "noch nicht eingereicht"
            rows.append(
                ["Förderantrag", f"{call.name}: {when}; eine Bewilligung ist in den Daten nicht vermerkt"]
            )
        if p.measures:
            first = min(m.start for m in p.measures)
            last = max(m.end for m in p.measures)
            rows.append(
                [
                    "Umsetzung",
                    f"Maßnahmen von {fmt.date(first)} bis {fmt.date(last)}; bewertet zum Stichtag "
                    f"{fmt.date(self.today)}",
                ]
            )
        upcoming = sorted(
            (ms.date, ms.title, m.id)
            for m in p.measures
            for ms in m.milestones
            if not ms.done and ms.date >= self.today
        )
        if s.status.value == "Entwurf":
            step = "Beschluss der Strategie durch die Gremien der Partner"
        elif upcoming:
            step = f"{fmt.date(upcoming[0][0])}: {upcoming[0][1]} ({upcoming[0][2]})"
        else:
            step = "keine offenen Meilensteine"
        rows.append(["Nächster Schritt", step])
        return rows

    def action_field(self, field_id: str) -> str:
        p = self.p
        f = p.fields[field_id]
        primary = p.measures_in_field(field_id, primary_only=True)
        further = [m for m in p.measures_in_field(field_id) if m.action_field != field_id]
        return self._render(
            "action_field.md.j2",
            glance=progress_counts_text([self.judged[m.id] for m in primary]),
            overview=monitoring.plan_overview(self.plan, self.today, field_id),
            indicator_refs=[
                r for r in monitoring.indicators(self.plan, field=field_id) if r.kind == "action_field"
            ],
            f=f,
            goals=[self.base["goals"][g] for g in f.goals],
            indicator_rows=_indicator_rows(f.indicators),
            primary=primary,
            further=further,
            primary_rows=[
                [
                    _link(m, "../massnahme/"),
                    state_badge(self.judged[m.id]),
                    p.partners[m.lead].short_name or p.partners[m.lead].name,
                    fmt.euro(self.plan.by_id[m.id].money.cost),
                ]
                for m in primary
            ],
            further_rows=[
                [_link(m, "../massnahme/"), p.fields[m.action_field].title, state_badge(self.judged[m.id])]
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
                    self.place_names(m),
                    STATUS_LABELS[m.status],
                    PRIORITY_LABELS[m.priority],
                    fmt_years(m.start.year, m.end.year),
                    fmt.euro(self.plan.by_id[m.id].money.cost) + (" (Beispiel)" if m.example else ""),
                    state_badge(self.judged[m.id]),
                ]
            )
        # the place filter: every row names the places it concerns (a Landkreis its towns, 'regionweit' all)
        row_attrs = [{"data-places": " ".join(sorted(self.reach[m.id]))} for m in p.measures]
        place_index = "".join(
            f'<li><a href="{escape(page_href("massnahmen/index.md", f"../ort/{pl.id}.md") or "")}" '
            f'data-place="{escape(pl.id)}">{escape(pl.label)}</a> '
            f"({fmt.number(len(self.measures_at(pl.id)))})</li>"
            for pl in self.places.values()
        )
        return self._render(
            "catalogue.md.j2",
            rows=rows,
            row_attrs=row_attrs,
            measures=p.measures,
            place_index=f'<ul class="rek-place-index">{place_index}</ul>' if place_index else "",
        )

    def measure(self, m: Measure) -> str:
        p = self.p
        mp = self.plan.by_id[m.id]
        cost_rows = [
            [
                str(c.year),
                COST_CATEGORY_LABELS[CostCategory(c.category)] + (f" ({c.note})" if c.note else ""),
                fmt.euro(c.amount, True),
                "ja" if c.eligible else "nein",
            ]
            for c in sorted(mp.costs, key=lambda c: (c.year, c.category))
        ]
        cost_rows.append(
            ["Summe", "", fmt.euro(mp.money.cost, True), f"förderfähig: {fmt.euro(mp.money.eligible, True)}"]
        )
        funding_rows = [["Zuwendung", fmt.euro(mp.money.grant, True)]]
        funding_rows += [
            [f"Drittmittel: {name}", fmt.euro(amount, True)] for name, amount in mp.third_parties
        ]
        for partner, share, euro in mp.own_shares:
            funding_rows.append(
                [f"Eigenanteil {p.partners[partner].name} ({fmt.percent(share)})", fmt.euro(euro, True)]
            )
        funding_rows.append(["Summe (gleich den Kosten)", fmt.euro(mp.money.financing, True)])
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
            mp=mp,
            phase=self.phases.get(m.phase) if m.phase else None,
            cost_rows=cost_rows,
            funding_rows=funding_rows,
            indicator_rows=_indicator_rows(m.indicators),
            dependents=p.dependents.get(m.id, []),
            refs=refs,
            as_of=m.as_of or self.file_dates.get(m.id),
            delays=monitoring.delay_reasons(m, self.today),
            updates=m.timeline,
            spending_rows=self.spending_rows(mp.spending),
            indicator_refs=[
                monitoring.IndicatorRef("measure", m.id, i, ind) for i, ind in enumerate(m.indicators)
            ],
            judged=self.judged[m.id],
            milestone_badges=[self.milestone_badge(m, ms) for ms in m.milestones],
            places=self.place_links(m, "../ort/"),
            feedback=feedback_href(m, self.publisher_email, self.p.site.feedback_url),
            today=self.today,
        )

    @property
    def publisher_email(self) -> str | None:
        legal = self.p.strategy.legal
        return legal.publisher.email if legal else None

    # --- monitoring ----------------------------------------------------------------------------
    @cached_property
    def file_dates(self) -> dict[str, Any]:
        """Measure id -> date of the last commit of its file (one 'git log' call; empty outside git)."""
        from ..gitdates import last_commit_dates

        return last_commit_dates(self.p.root, "measures")

    @staticmethod
    def spending_rows(rows: Any) -> list[list[str]]:
        """Plan (Soll) and actual spending (Ist) per year or group, as table cells."""
        out = []
        for r in rows:
            out.append(
                [
                    str(r.key),
                    fmt.euro(r.planned),
                    "–" if r.spent is None else fmt.euro(r.spent),
                    "–" if r.difference is None else fmt.euro(r.difference),
                    "–" if r.percent is None else fmt.percent(r.percent),
                ]
            )
        return out

    def progress_table(self, overview: monitoring.Overview) -> str:
        # two columns fit a phone; the reference day says when "im Verzug" and "verfehlt" were judged
        return (
            table(["Stand der Umsetzung", "Wert"], overview.rows(), "lr")
            + f"\n\nAusgewertet zum Stichtag {fmt.date(self.plan.today)}."
        )

    def indicator_svg(self, ref: monitoring.IndicatorRef) -> str:
        """An indicator's line chart (an SVG file under assets/charts/), in the narrow layout only.

        One drawing serves every screen: stretched to a phone's width its 14-unit text stays at 12 px or
        more, and on wider screens it is shown at up to 380 px with the data table beside it. One file per
        indicator, not a wide and a narrow one: a strategy with many indicators writes half the files.
        """
        ind = ref.indicator
        title = ind.name + (" (Beispielwerte)" if ind.example or any(x.example for x in ind.series) else "")
        return charts.indicator_chart(f"ind-{ref.key}", title, ind, narrow=True)

    def indicator_chart(self, ref: monitoring.IndicatorRef) -> str:
        """An indicator's line chart as an image and its data table (beside it on wide screens, below on phones).

        The chart is a file, not inline SVG: a measure page with charts stays small for MkDocs and the
        search index; the image's text alternative is the chart's description, the table holds the values.
        What every measurement shares (source, example flag) is said once above the table; a notes column
        appears only for what differs from row to row (vorläufig, another source, a breakdown, a note).
        """
        ind = ref.indicator
        series = ind.series
        sources = {x.source for x in series}
        common_source = sources.pop() if len(sources) == 1 else None
        all_examples = all(x.example for x in series)
        notes = [
            ", ".join(
                part
                for part in (
                    "vorläufig" if x.provisional else "",
                    x.source if x.source and common_source is None else "",
                    "; ".join(f"{k}: {fmt.plain(v)}" for k, v in x.breakdown.items()),
                    x.note or "",
                    "Beispielwert" if x.example and not all_examples else "",
                )
                if part
            )
            for x in series
        ]
        with_notes = any(notes)
        blank = [""] if with_notes else []
        rows: list[list[str]] = []
        if ind.baseline is not None:
            label = f"Ausgangswert {ind.baseline_year}" if ind.baseline_year else "Ausgangswert"
            rows.append([label, fmt.plain(ind.baseline), *blank])
        for x, note in zip(series, notes, strict=True):
            rows.append([monitoring.when(x), fmt.plain(x.value)] + ([note] if with_notes else []))
        rows.append([f"Ziel {ind.target_year}", fmt.plain(ind.target), *blank])
        described = "; ".join(
            f"{monitoring.when(x)}: {fmt.plain(x.value)}{' (vorläufig)' if x.provisional else ''}"
            for x in series
        )
        alt = f"Liniendiagramm {ind.name} ({ind.unit}): "
        if ind.baseline is not None:
            alt += f"Ausgangswert {fmt.plain(ind.baseline)}; "
        alt += f"Messwerte {described}; Ziel {fmt.plain(ind.target)} bis {ind.target_year}."
        about = [f"Stand: {state_badge(monitoring.judge_indicator(ind, self.today), reason=True)}"]
        if common_source:
            about.append(f"Quelle: {escape(common_source)}")
        if all_examples:
            about.append("Beispielwerte")
        headers = ["Jahr/Datum", f"Wert ({ind.unit})"] + (["Anmerkung"] if with_notes else [])
        src = f"../../assets/charts/ind-{ref.key}"
        # pure HTML (no markdown attribute): Markdown passes it through untouched
        return (
            f'<div class="rek-indicator">\n<figure class="rek-indicator-chart">'
            f'<img src="{src}.svg" alt="{escape(alt)}" width="{charts.NARROW}" loading="lazy"></figure>\n'
            f'<div class="rek-indicator-data">\n'
            f"<p>{' · '.join(about)}</p>\n" + _simple_table(headers, rows) + "\n</div>\n</div>"
        )

    def progress_page(self) -> str:
        p, plan = self.p, self.plan
        field_rows = []
        for f in p.action_fields:
            o = monitoring.plan_overview(plan, self.today, f.id)
            field_rows.append(
                [
                    link(f.title, f"handlungsfelder/{f.id}.md"),
                    fmt.number(o.measures),
                    fmt.number(o.delayed),
                    f"{o.milestones_done} von {o.milestones}",
                    f"{o.count(monitoring.REACHED) + o.count(monitoring.ON_TRACK)} von {o.indicators}",
                    "–" if o.spending.spent is None else fmt.euro(o.spending.spent),
                    fmt.euro(o.spending.planned) if o.spending.spent is not None else "–",
                ]
            )
        delayed = [
            [_link(m, "massnahme/"), "; ".join(monitoring.delay_reasons(m, self.today))]
            for m in p.measures
            if monitoring.delay_reasons(m, self.today)
        ]
        indicator_rows = []
        for ref in monitoring.indicators(plan):
            ind = ref.indicator
            owner = (
                link(p.fields[ref.owner].title, f"handlungsfelder/{ref.owner}.md")
                if ref.kind == "action_field"
                else link(f"{ref.owner} {p.measures_by_id[ref.owner].title}", f"massnahme/{ref.owner}.md")
            )
            last = ind.series[-1] if ind.series else None
            indicator_rows.append(
                [
                    ind.name,
                    owner,
                    "–" if last is None else f"{fmt.plain(last.value)} ({monitoring.when(last)})",
                    f"{fmt.plain(ind.target)} ({ind.target_year})",
                    state_badge(monitoring.judge_indicator(ind, self.today)),
                ]
            )
        recent = sorted(
            ((u, m) for m in p.measures for u in m.updates), key=lambda x: (x[0].date, x[1].id), reverse=True
        )[:15]
        return self._render(
            "progress.md.j2",
            glance=progress_counts_text(list(self.judged.values())),
            measure_rows=[
                [_link(m, "massnahme/"), state_badge(self.judged[m.id]), self.judged[m.id].reason]
                for m in p.measures
            ],
            overview=monitoring.plan_overview(plan, self.today),
            field_rows=field_rows,
            delayed=delayed,
            indicator_rows=indicator_rows,
            year_rows=self.spending_rows(plan.strategy.spending_by_year),
            recent=recent,
            has_feed=any(m.updates for m in p.measures),
            today=self.today,
        )

    def partner(self, partner_id: str) -> str:
        p = self.p
        partner = p.partners[partner_id]
        lead_rows = [
            [
                _link(m, "../massnahme/"),
                self.place_names(m),
                state_badge(self.judged[m.id]),
                fmt.euro(self.plan.by_id[m.id].money.cost),
            ]
            for m in p.measures
            if m.lead == partner_id
        ]
        member_rows = [
            [
                _link(m, "../massnahme/"),
                p.partners[m.lead].name,
                self.place_names(m),
                state_badge(self.judged[m.id]),
            ]
            for m in p.measures
            if partner_id in m.partners and m.lead != partner_id
        ]
        place = self.district_of_partner(partner_id)
        own_rows = [
            [
                _link(mp.m, "../massnahme/"),
                fmt.percent(mp.m.funding.own_shares[partner_id]),
                fmt.euro(mp.own_of(partner_id), True),
                "ja" if mp.included else f"nein ({mp.exclusion})",
            ]
            for mp in self.plan.measures
            if partner_id in mp.m.funding.own_shares
        ]
        return self._render(
            "partner.md.j2",
            p=partner,
            lead_rows=lead_rows,
            member_rows=member_rows,
            own_rows=own_rows,
            own=self.fin.own_by_partner.get(partner_id, ZERO),
            own_application=self.plan.application.own_by_partner.get(partner_id, ZERO),
            has_call=self.plan.call is not None,
            applicant=self.plan.applicant is partner,
            coordinator=self.plan.coordinator is partner,
            place=place,
            place_rows=self.place_rows(place, "../massnahme/") if place else [],
        )

    # --- places ------------------------------------------------------------------------------
    def place_names(self, m: Measure) -> str:
        """'ganze Region', 'Landkreis Holzminden, Landkreis Hameln-Pyrmont' or '–' (no place given)."""
        if REGIONWIDE in m.places:
            return "ganze Region"
        return ", ".join(self.places[x].short_label for x in m.places if x in self.places) or "–"

    def place_links(self, m: Measure, prefix: str) -> Md:
        if REGIONWIDE in m.places:
            return Md(f"ganze Region ({link('alle Orte', prefix + 'index.md')})")
        links = [link(self.places[x].label, f"{prefix}{x}.md") for x in m.places if x in self.places]
        return Md(", ".join(links) or "nicht angegeben")

    def measures_at(self, place_id: str) -> list[Measure]:
        return [m for m in self.p.measures if place_id in self.reach[m.id]]

    def how_there(self, m: Measure, place: Place) -> str:
        """How a measure reaches a place: directly, through its Landkreis or a town in it, or region-wide."""
        if REGIONWIDE in m.places:
            return "in der ganzen Region"
        if place.id in m.places:
            return "hier"
        named = [self.places[x] for x in m.places if x in self.places]
        if place.kind is PlaceKind.district:
            towns = [pl.label for pl in named if pl.district_key == place.ags and pl.id != place.id]
            return "in " + ", ".join(towns)
        return "im " + next(pl.label for pl in named if pl.ags == place.district_key)

    def district_of_partner(self, partner_id: str) -> Place | None:
        """The Landkreis place of a partner, by the Kreisschlüssel in its Amtlicher Regionalschlüssel."""
        partner = self.p.partners[partner_id]
        key = partner.legal.regional_key if partner.legal else None
        if not key or not key[:5].isdigit():
            return None
        return next(
            (pl for pl in self.places.values() if pl.kind is PlaceKind.district and pl.ags == key[:5]), None
        )

    def place_rows(self, place: Place, prefix: str) -> list[list[Any]]:
        p = self.p
        return [
            [
                _link(m, prefix),
                self.how_there(m, place),
                state_badge(self.judged[m.id]),
                p.partners[m.lead].short_name or p.partners[m.lead].name,
            ]
            for m in self.measures_at(place.id)
        ]

    def place_page(self, place: Place) -> str:
        towns = [
            pl
            for pl in self.places.values()
            if pl.kind is not PlaceKind.district and pl.district_key == place.ags
        ]
        district = next(
            (
                pl
                for pl in self.places.values()
                if pl.kind is PlaceKind.district and pl.ags == place.district_key and pl.id != place.id
            ),
            None,
        )
        partners = [
            pt
            for pt in self.p.strategy.partners
            if (d := self.district_of_partner(pt.id)) and d.id in {place.id, district.id if district else ""}
        ]
        return self._render(
            "place.md.j2",
            place=place,
            rows=self.place_rows(place, "../massnahme/"),
            towns=towns,
            district=district,
            partners=partners,
            counts=progress_counts_text([self.judged[m.id] for m in self.measures_at(place.id)]),
        )

    def places_page(self) -> str:
        groups = []
        for d in (pl for pl in self.places.values() if pl.kind is PlaceKind.district):
            towns = [
                pl
                for pl in self.places.values()
                if pl.kind is not PlaceKind.district and pl.district_key == d.ags
            ]
            groups.append((d, towns))
        loose = [
            pl
            for pl in self.places.values()
            if pl.kind is not PlaceKind.district and not any(pl.district_key == d.ags for d, _ in groups)
        ]
        return self._render(
            "places.md.j2",
            groups=groups,
            loose=loose,
            counts={pid: len(self.measures_at(pid)) for pid in self.places},
            regionwide=sum(1 for m in self.p.measures if REGIONWIDE in m.places),
            unplaced=[m for m in self.p.measures if not m.places],
        )

    def roadmap(self) -> str:
        p = self.p
        timeline_rows = [
            [_link(m, "massnahme/"), fmt.date(m.start), fmt.date(m.end), state_badge(self.judged[m.id])]
            for m in p.measures
        ]
        total = sum(len(m.milestones) for m in p.measures)
        summary = None
        reached_rows: list[list[Any]] = []
        milestone_rows: list[list[Any]] = []
        if total <= MILESTONE_LIST_LIMIT:
            # what is still ahead (open or overdue) shown, what is reached folded: the list stays short
            pairs = sorted(
                ((m, ms) for m in p.measures for ms in m.milestones), key=lambda pair: pair[1].date
            )
            for measure, ms in pairs:
                row = [
                    fmt.date(ms.date),
                    ms.title,
                    _link(measure, "massnahme/"),
                    self.milestone_badge(measure, ms),
                ]
                reached = self.milestone_state(measure, ms) == "erreicht"
                (reached_rows if reached else milestone_rows).append(row)
        else:  # one row per measure: a list of every milestone would make a page nobody reads
            summary = (
                f"Die {fmt.number(total)} Meilensteine stehen auf den Seiten der Maßnahmen und in den "
                "offenen Daten; hier je Maßnahme der erste und der letzte."
            )
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
        derived = {k: v for k, v in call_phases(self.plan.project, self.plan.call).items() if not v[1]}
        return self._render(
            "roadmap.md.j2",
            # the call phase of each phase of the strategy, as written or derived from its dates
            call_phases={
                ph.id: (derived.get(ph.id) or ("", None))[0] or "" for ph in self.plan.project.strategy.phases
            },
            timeline_rows=timeline_rows,
            milestone_rows=milestone_rows,
            reached_rows=reached_rows,
            milestone_summary=summary,
            today=self.today,
            milestone_counts={
                word: sum(1 for m in p.measures for ms in m.milestones if self.milestone_state(m, ms) == word)
                for word in self.MILESTONE_STATES
            },
        )

    MILESTONE_STATES = {"erreicht": "✔", "überfällig": "◷", "offen": "○"}

    def milestone_state(self, m: Measure, ms: Any) -> str:
        if ms.done:
            return "erreicht"
        if ms.date < self.today and m.status is not Status.paused:
            return "überfällig"
        return "offen"

    def milestone_badge(self, m: Measure, ms: Any) -> RawHtml:
        word = self.milestone_state(m, ms)
        slug = word.replace("ü", "ue")
        return RawHtml(
            f'<span class="rek-ms rek-ms--{slug}"><span class="rek-state-icon" aria-hidden="true">'
            f"{self.MILESTONE_STATES[word]}</span> {word}</span>"
        )

    @staticmethod
    def _money_rows(total: Money) -> list[list[str]]:
        return [
            ["Gesamtkosten", fmt.euro(total.cost)],
            ["davon förderfähig", fmt.euro(total.eligible)],
            ["Zuwendung (Förderung)", fmt.euro(total.grant)],
            ["Drittmittel", fmt.euro(total.third_party)],
            ["Eigenanteil der Partner", fmt.euro(total.own)],
        ]

    @staticmethod
    def _whole(values: list[list[Decimal]]) -> tuple[list[list[Decimal]], list[Decimal]]:
        """Whole-euro columns that add up to their sum row (largest remainder per column): the rows as
        shown and the sum row."""
        if not values:
            return [], []
        columns = [whole_euro_column(list(col)) for col in zip(*values, strict=True)]
        rows = [[parts[i] for parts, _ in columns] for i in range(len(values))]
        return rows, [total for _, total in columns]

    @classmethod
    def _columns(cls, rows: list[list[Any]], values: list[list[Decimal]]) -> list[list[Any]]:
        """The rows with their whole-euro columns and a sum row (see ``_whole``)."""
        if not values:
            return rows
        shown, totals = cls._whole(values)
        for row, parts in zip(rows, shown, strict=True):
            row.extend(fmt.euro(v) for v in parts)
        rows.append(["Summe", *(fmt.euro(total) for total in totals)])
        return rows

    @cached_property
    def _finance_values(self) -> dict[str, list[list[Decimal]]]:
        """The exact values of the finance page's tables (and its charts), row by row."""
        p, fin = self.p, self.fin
        return {
            "year": [[m.cost, m.grant, m.third_party, m.own] for m in fin.by_year.values()],
            "field": [[m.cost, m.grant, m.third_party, m.own] for m in fin.by_field.values()],
            "partner": [
                [fin.own_by_partner[pt.id], fin.lead_cost_by_partner[pt.id]] for pt in p.strategy.partners
            ],
        }

    def _application_section(self) -> dict[str, Any]:
        """The application's totals and how they reconcile with the strategy's (to the cent)."""
        plan = self.plan
        if plan.call is None:
            return {"application": None}
        app, outside, strategy = plan.application.total, plan.outside_application.total, self.fin.total
        rows = [
            [label, *(fmt.euro(getattr(m, attr), True) for m in (app, outside, strategy))]
            for label, attr in (
                ("Kosten", "cost"),
                ("davon förderfähig", "eligible"),
                ("davon nicht förderfähig", "ineligible"),
                ("Zuwendung (Förderung)", "grant"),
                ("Drittmittel", "third_party"),
                ("Eigenanteil der Partner", "own"),
            )
        ]
        return {
            "application": {
                "call": plan.call.name,
                "headers": [
                    "Betrag",
                    f"Antrag ({len(plan.application.measures)} Maßnahmen)",
                    f"nicht im Antrag ({len(plan.excluded)})",
                    f"Strategie ({len(plan.measures)} Maßnahmen)",
                ],
                "rows": rows,
                "excluded": [
                    [
                        link(f"{mp.id} {mp.title}", f"massnahme/{mp.id}.md"),
                        fmt.euro(mp.money.cost, True),
                        mp.exclusion or "",
                    ]
                    for mp in plan.excluded
                ],
            }
        }

    def finances(self) -> str:
        p, fin = self.p, self.fin
        values = self._finance_values
        total_rows = self._money_rows(fin.total)
        year_rows = self._columns([[str(y)] for y in fin.years], values["year"])
        field_rows = self._columns([[f.title] for f in p.action_fields], values["field"])
        partner_rows = self._columns([[pt.name] for pt in p.strategy.partners], values["partner"])
        category_rows = self._columns(
            [[COST_CATEGORY_LABELS[CostCategory(c)]] for c in fin.categories],
            [[fin.by_category[c].cost] for c in fin.categories],
        )
        return self._render(
            "finances.md.j2",
            total_rows=total_rows,
            year_headers=["Jahr", "Kosten", "Zuwendung", "Drittmittel", "Eigenanteil"],
            year_rows=year_rows,
            year_align="lrrrr",
            field_rows=field_rows,
            partner_rows=partner_rows,
            category_rows=category_rows,
            examples=fin.examples,
            **self._application_section(),
        )

    # --- legal pages (from strategy.yaml 'legal') ------------------------------------------------
    LEGAL_TITLES = {
        "impressum": "Impressum",
        "datenschutz": "Datenschutzerklärung",
        "barrierefreiheit": "Erklärung zur Barrierefreiheit",
    }

    def legal_pages(self) -> dict[str, str]:
        """Impressum, Datenschutz and Barrierefreiheit from the data; a content page of the same name wins."""
        legal = self.p.strategy.legal
        if legal is None:
            return {}
        own = {page.name for page in self.p.pages}
        context = {
            "legal": legal,
            "a": legal.accessibility,
            "licence_statement": self.licence_statement(),
            "status_text": status_text(self.p.strategy),
            "easy_language": "leichte-sprache" in own,
        }
        return {
            name: self._render(f"{name}.md.j2", **context) for name in self.LEGAL_TITLES if name not in own
        }

    def licence_statement(self) -> str:
        legal = self.p.strategy.legal
        if legal is None:
            return ""
        lic = legal.licence
        return (
            f"Texte und Daten dieser Website stehen, soweit nicht anders angegeben, unter der Lizenz "
            f"{link(f'{lic.title} ({lic.name})', '<' + lic.url + '>')}. Zitierte Quellen unterliegen den "
            "Rechten ihrer jeweiligen Urheber."
        )

    DOWNLOADS = [
        ("massnahmen.json", "alle Maßnahmen mit allen Feldern", "JSON"),
        ("massnahmen.csv", "eine Zeile je Maßnahme mit Summen", "CSV (UTF-8, Komma)"),
        ("kosten.csv", "eine Zeile je Kostenposition", "CSV (UTF-8, Komma)"),
        ("strategie.xlsx", "Maßnahmen, Kosten und Finanzierung", "Excel"),
        ("indikatoren.csv", "Messwerte der Indikatoren, eine Zeile je Messwert", "CSV (UTF-8, Komma)"),
        ("sachstand.csv", "Sachstand der Maßnahmen, eine Zeile je Eintrag", "CSV (UTF-8, Komma)"),
        ("ausgaben.csv", "geplante Kosten und Ausgaben je Maßnahme und Jahr", "CSV (UTF-8, Komma)"),
        ("orte.csv", "Orte mit Kreis- und Gemeindeschlüssel und ihren Maßnahmen", "CSV (UTF-8, Komma)"),
        (
            PROGRESS_TEMPLATE,
            "Vorlage für Fortschrittsmeldungen der Ämter: Messwerte, Ausgaben und Sachstand eintragen; "
            "die Redaktion der Strategie liest sie ein",
            "Excel",
        ),
        ("datapackage.json", "Beschreibung aller Downloads (Frictionless Data Package)", "JSON"),
        ("dcat.jsonld", "Datenkatalog nach DCAT-AP.de für Open-Data-Portale", "JSON-LD"),
        ("measure.schema.json", "JSON Schema eines Maßnahmensteckbriefs", "JSON Schema"),
        ("strategy.schema.json", "JSON Schema der Strategie", "JSON Schema"),
        ("action-field.schema.json", "JSON Schema eines Handlungsfelds", "JSON Schema"),
        ("call.schema.json", "JSON Schema eines Förderaufrufs", "JSON Schema"),
    ]

    def downloads(self, application_files: list[dict[str, str]]) -> str:
        files = [*self.DOWNLOADS, *((f["name"], f["label"], f["format"]) for f in application_files)]
        rows = [[link(name, f"downloads/{name}"), label, kind] for name, label, kind in files]
        return self._render("downloads.md.j2", rows=rows, licence_statement=self.licence_statement())

    def changes_page(self) -> str:
        if self.changes:
            return self.changes
        return (
            "# Änderungen\n\nDies ist die erste veröffentlichte Fassung; einen Vergleich mit einer früheren "
            "Fassung gibt es noch nicht. Ab der nächsten Fassung steht hier, was sich geändert hat.\n"
        )

    # --- charts ------------------------------------------------------------------------------
    def _chart_svgs(self, narrow: bool) -> dict[str, str]:
        p, fin = self.p, self.fin
        suffix = "-schmal" if narrow else ""
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
        used = sorted({s.color for s in spans})
        legend = [charts.Key(p.action_fields[i].title, i) for i in used if i < len(p.action_fields)]
        # the bars' labels are the figures of the tables beside them (whole euros adding up to the sum row)
        shown = {key: self._whole(rows)[0] for key, rows in self._finance_values.items()}
        fields = [
            charts.Bar(f.title, [fin.by_field[f.id].cost], (row[0], [row[0]]))
            for f, row in zip(p.action_fields, shown["field"], strict=True)
        ]
        partners = [
            charts.Bar(pt.name, [fin.own_by_partner[pt.id]], (row[0], [row[0]]))
            for pt, row in zip(p.strategy.partners, shown["partner"], strict=True)
        ]
        return {
            "timeline": charts.timeline(
                "timeline" + suffix,
                "Zeitplan der Maßnahmen",
                spans,
                legend=legend,
                today=self.plan.today,
                narrow=narrow,
                today_line=True,
            ),
            "kosten-jahr": charts.cost_by_year(
                "kosten-jahr" + suffix, fin, narrow=narrow, shown=shown["year"]
            ),
            "kosten-handlungsfeld": charts.bar_chart(
                "kosten-handlungsfeld" + suffix,
                "Kosten nach Handlungsfeld",
                fields,
                ["Kosten"],
                narrow=narrow,
            ),
            "eigenanteil-partner": charts.bar_chart(
                "eigenanteil-partner" + suffix,
                "Eigenanteile nach Partner",
                partners,
                ["Eigenanteil"],
                narrow=narrow,
            ),
        }

    def charts(self) -> dict[str, str]:
        """Chart files: '<name>.svg' (wide) and '<name>-schmal.svg' (for phones)."""
        files = {f"{name}.svg": svg for name, svg in self._chart_svgs(False).items()}
        files.update({f"{name}-schmal.svg": svg for name, svg in self._chart_svgs(True).items()})
        return files

    def chart(self, name: str) -> str:
        """A chart inline in the page (its text is real text), wide and narrow; CSS shows one of them."""
        wide, narrow = self._charts_inline
        return (
            f'<div class="rek-chart">\n<div class="rek-chart-wide">{wide[name].strip()}</div>\n'
            f'<div class="rek-chart-narrow">{narrow[name].strip()}</div>\n</div>'
        )

    @cached_property
    def _charts_inline(self) -> tuple[dict[str, str], dict[str, str]]:
        strip = re.compile(r"^<\?xml[^>]*>\s*")
        return tuple(  # type: ignore[return-value]
            {k: strip.sub("", v).replace("\n\n", "\n") for k, v in self._chart_svgs(n).items()}
            for n in (False, True)
        )

    # --- follow, print, embed (feeds, profiles, status cards) ----------------------------------
    def follow_measure(self, m: Measure) -> str:
        """The measure page's last section: its feed, its printable profile, its card to embed."""
        from .embed import embed_path, iframe_snippet
        from .feed import measure_feed_path

        site_url = self.p.site.site_url
        card = embed_path(m.id)
        url = (site_url.rstrip("/") + "/" + card) if site_url else card
        lines = [
            "## Folgen, drucken, einbetten",
            "",
            f"- {link('Folgen: neue Einträge im Sachstand als Atom-Feed', '../' + measure_feed_path(m.id))}",
        ]
        if self.profiles:  # written by the build into the site after MkDocs: a link MkDocs does not check
            from .profile import profile_path

            href = escape("../../" + profile_path(m.id))
            lines.append(f'- <a href="{href}">Steckbrief zum Drucken (PDF, eine Seite)</a>')
        lines += [
            f"- {link('Statuskarte zum Einbetten', '../' + card)}: ohne Menü und ohne Skript.",
            "  Eine Gemeinde kann sie mit diesem HTML-Code auf ihrer Website zeigen.",
            *([] if site_url else ["  Setzen Sie davor die Adresse dieser Website."]),
            "",
            f'<pre class="rek-snippet"><code>{escape(iframe_snippet(url, f"{m.id} {m.title}: Stand der Umsetzung"))}</code></pre>',
        ]
        return "\n".join(lines) + "\n"

    def follow_field(self, field_id: str) -> str:
        from .feed import field_feed_path

        target = "../" + field_feed_path(field_id)
        return f"## Folgen\n\n- {link('Folgen: neue Einträge im Sachstand dieser Maßnahmen als Atom-Feed', target)}\n"

    def dataset_markup(self, application_files: list[dict[str, str]]) -> str:
        """schema.org Dataset markup for the downloads page: JSON-LD that rek writes (data, never code)."""
        from .dcat import json_ld_script, schema_org

        return "\n" + json_ld_script(schema_org(self.plan, application_files)) + "\n"

    def follow_files(self) -> Iterator[tuple[str, str]]:
        """Feeds per measure and per action field, and the status card of every measure."""
        from .embed import embed_path, status_card
        from .feed import field_atom, field_feed_path, measure_atom, measure_feed_path

        p = self.p
        site_url = p.site.site_url or None
        site_name = p.site.site_name or p.strategy.title
        for f in p.action_fields:
            yield field_feed_path(f.id), field_atom(p, f.id, site_url)
        for m in p.measures:
            yield measure_feed_path(m.id), measure_atom(p, m, site_url)
            yield embed_path(m.id), status_card(self.plan, m, site_name)

    # --- plain language and glossary ---------------------------------------------------------------
    def easy_language_extra(self) -> str:
        """What the Leichte Sprache page gets from the data: each action field's easy summary and the
        contact for questions (the accessibility contact), each sentence on a line of its own."""
        from ..invisible import PLACEHOLDER

        def is_placeholder(value: str) -> bool:  # a gap anywhere in the value: left out here
            return PLACEHOLDER.search(value) is not None

        p = self.p
        out: list[str] = []
        fields = [f for f in p.action_fields if f.easy_summary]
        if fields:
            out += ["## Die Themen vom Plan", ""]
            for f in fields:
                out += [f"### {text(f.title)}", ""]
                out += [text(line) + "\n" for line in (f.easy_summary or "").splitlines() if line.strip()]
                out += [f"{link('Mehr zum Thema in schwerer Sprache', f'handlungsfelder/{f.id}.md')}", ""]
        legal = p.strategy.legal
        if legal is not None:
            c = legal.accessibility_contact
            ways = []
            if c.phone and not is_placeholder(c.phone):
                ways += ["Sie können uns anrufen.\n", f"Die Telefon·nummer ist: {text(c.phone)}\n"]
            if c.email and not is_placeholder(c.email):
                ways += [
                    "Sie können uns eine E-Mail schreiben.\n",
                    f"Die E-Mail-Adresse ist: {text(c.email)}\n",
                ]
            address = [a for a in c.address if not is_placeholder(a)]
            if len(address) == len(c.address) and address:
                ways += ["Sie können uns einen Brief schreiben.\n", "Die Adresse ist:\n"]
                ways += [f"{text(c.name)}  \n" + "  \n".join(text(a) for a in address) + "\n"]
            out += ["## Sie haben eine Frage?", "", "Vielleicht verstehen Sie etwas nicht.\n"]
            out += ["Oder Sie können etwas nicht lesen.\n", "Dann sagen Sie es uns bitte.\n"]
            if ways:
                out += ways
            else:
                out += [
                    f"Die Wege zu uns stehen auf der Seite {link('Barriere·freiheit', 'barrierefreiheit.md')}.\n"
                ]
        return ("\n" + "\n".join(out) + "\n") if out else ""

    def files(self, application_files: list[dict[str, str]] | None = None) -> Iterator[tuple[str, str]]:
        """Every generated file; the glossary page and the links to it, the Leichte Sprache additions."""
        from . import glossary

        linker = glossary.Linker(self.p.strategy)
        skip = {f"{name}.md" for name in SERVICE_PAGES}
        for relative, content in self._all_files(application_files):
            if relative == "leichte-sprache.md":
                # the marker lets the style sheet set this page in larger type (rek.css, .rek-easy-page)
                content += self.easy_language_extra() + '\n<div class="rek-easy-page" hidden></div>\n'
            elif relative.endswith(".md") and relative not in skip:
                content = linker.link(relative, content)
            yield relative, content
        if self.p.strategy.glossary:
            self.page = glossary.GLOSSARY_PAGE
            yield self.page, glossary.page(self.p.strategy)

    # --- everything ----------------------------------------------------------------------------
    def _all_files(self, application_files: list[dict[str, str]] | None = None) -> Iterator[tuple[str, str]]:
        p = self.p
        self.page = "index.md"
        yield self.page, self.index()
        for f in p.action_fields:
            self.page = f"handlungsfelder/{f.id}.md"
            yield self.page, self.action_field(f.id)
        self.page = "massnahmen/index.md"
        yield self.page, self.catalogue()
        for m in p.measures:
            self.page = f"massnahme/{m.id}.md"
            yield self.page, self.measure(m)
        for partner in p.strategy.partners:
            self.page = f"partner/{partner.id}.md"
            yield self.page, self.partner(partner.id)
        if self.places:
            self.page = "ort/index.md"
            yield self.page, self.places_page()
            for place in self.places.values():
                self.page = f"ort/{place.id}.md"
                yield self.page, self.place_page(place)
        self.page = "fortschritt.md"
        yield self.page, self.progress_page()
        if any(m.updates for m in p.measures):
            from .feed import FEED_PATH, atom

            yield FEED_PATH, atom(p, p.site.site_url or None)
        self.page = "roadmap.md"
        yield self.page, self.roadmap()
        self.page = "finanzen.md"
        yield self.page, self.finances()
        self.page = "downloads.md"
        yield (
            self.page,
            self.downloads(application_files or []) + self.dataset_markup(application_files or []),
        )
        self.page = "aenderungen.md"
        yield self.page, self.changes_page()
        for page in p.pages:
            yield f"{page.name}.md", content_page(page)
        for name, markdown in self.legal_pages().items():
            yield f"{name}.md", markdown
        for name, svg in self.charts().items():
            yield f"assets/charts/{name}", svg
        for ref in monitoring.indicators(self.plan):
            if ref.indicator.measurements:
                yield f"assets/charts/ind-{ref.key}.svg", self.indicator_svg(ref)
        yield from self.follow_files()

    def nav(self) -> list[dict[str, Any]]:
        """The menu (tabs on wide screens, the drawer on small ones); legal and help pages in one group."""
        p = self.p
        content = {name: self.LEGAL_TITLES[name] for name in self.legal_pages()}
        content.update({page.name: page.title for page in p.pages})
        nav: list[dict[str, Any]] = [
            {"Start": "index.md"},
            {
                "Handlungsfelder": [
                    {theme_text(f.title): f"handlungsfelder/{f.id}.md"} for f in p.action_fields
                ]
            },
            {"Maßnahmen": "massnahmen/index.md"},
            {"Partner": [{theme_text(pt.name): f"partner/{pt.id}.md"} for pt in p.strategy.partners]},
            *(
                [
                    {
                        "Orte": [{"Alle Orte": "ort/index.md"}]
                        + [{theme_text(pl.label): f"ort/{pl.id}.md"} for pl in p.strategy.places]
                    }
                ]
                if p.strategy.places
                else []
            ),
            {"Fortschritt": "fortschritt.md"},
            {"Roadmap": "roadmap.md"},
            {"Finanzen": "finanzen.md"},
            {"Änderungen": "aenderungen.md"},
            {"Downloads": "downloads.md"},
        ]
        about = [{title: f"{name}.md"} for name, title in content.items() if name not in SERVICE_PAGES]
        if p.strategy.glossary:
            about.insert(0, {"Begriffe": "begriffe.md"})
        about += [{content[name]: f"{name}.md"} for name in SERVICE_PAGES if name in content]
        if about:
            nav.append({"Über diese Website": about})
        return nav
