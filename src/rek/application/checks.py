"""The formal checks of a funding call: each failure names the rule, its source, found and allowed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .. import formatting as fmt
from ..call import Call
from ..model import COST_CATEGORY_LABELS, Source
from ..project import Project
from .document import Application, render

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Failure:
    rule: str
    message: str
    found: str
    allowed: str
    source: Source
    where: str
    severity: str = "error"

    def format(self) -> str:
        cite = self.source.title + (f", {self.source.note}" if self.source.note else "")
        return (
            f"{self.where}: {self.severity}: Regel '{self.rule}': {self.message}; gefunden: {self.found}, "
            f"erlaubt: {self.allowed} (Quelle: {cite})"
        )


def _months(start, end) -> int:  # type: ignore[no-untyped-def]
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months + (1 if end.day >= start.day - 1 else 0)


def formal_checks(project: Project, call: Call, app: Application | None = None) -> list[Failure]:
    app = app or render(project, call)
    call_file = project.locate("call", call.id)
    failures: list[Failure] = []

    def in_call(*loc: str | int) -> str:
        return project.locate("call", call.id, loc)

    def in_strategy(*loc: str | int) -> str:
        return project.locate("strategy", "", loc)

    def in_measure(ident: str, *loc: str | int) -> str:
        return project.locate("measure", ident, loc)

    def fail(
        rule: str,
        message: str,
        found: str,
        allowed: str,
        source: Source,
        where: str = call_file,
        severity: str = "error",
    ) -> None:
        failures.append(Failure(rule, message, found, allowed, source, where, severity))

    # sections: present and within their limits
    for index, rendered in enumerate(app.sections):
        sec = rendered.section
        chars = rendered.chars
        if sec.required and not rendered.filled:
            fail(
                f"Abschnitt '{sec.title}'",
                "Pflichtabschnitt ist leer",
                f"{chars} Zeichen",
                "Inhalt",
                sec.source,
                in_call("sections", index, "blocks"),
            )
        if sec.max_chars is not None and chars > sec.max_chars:
            fail(
                f"Abschnitt '{sec.title}'",
                "Abschnitt ist zu lang",
                f"{fmt.number(chars)} Zeichen",
                f"höchstens {fmt.number(sec.max_chars)} Zeichen",
                sec.source,
                in_call("sections", index, "max_chars"),
            )
        if sec.max_pages is not None and chars > sec.max_pages * call.chars_per_page:
            pages = Decimal(chars) / call.chars_per_page
            fail(
                f"Abschnitt '{sec.title}'",
                "Abschnitt ist zu lang",
                f"etwa {fmt.number(pages, 1)} Seiten ({fmt.number(chars)} Zeichen)",
                f"höchstens {fmt.plain(sec.max_pages)} Seiten à {fmt.number(call.chars_per_page)} Zeichen",
                sec.source,
                in_call("sections", index, "max_pages"),
            )

    # annexes
    s = project.strategy
    for annex_index, required in enumerate(call.annexes):
        present = [a for a in s.annexes if a.id == required.id]
        owners = [p.id for p in s.partners] if required.per_partner else [None]
        for owner in owners:
            mine = [a for a in present if owner is None or a.partner == owner]
            who = f" von {project.partners[owner].name}" if owner else ""
            if not mine:
                fail(
                    f"Anlage '{required.title}'",
                    f"Pflichtanlage{who} fehlt",
                    "keine",
                    "vorhanden",
                    required.source,
                    in_strategy("annexes") if s.annexes else in_call("annexes", annex_index),
                )
            elif all(a.status != "vorhanden" for a in mine):
                fail(
                    f"Anlage '{required.title}'",
                    f"Pflichtanlage{who} liegt noch nicht vor",
                    mine[0].status,
                    "vorhanden",
                    required.source,
                    in_strategy("annexes", s.annexes.index(mine[0]), "status"),
                    severity="warning",  # fine for a draft; the submission check counts it
                )

    # cost plan: what the document shows must add up to the measures
    fin = app.fin
    measure_sum = sum((m.total_cost for m in app.measures), Decimal(0))
    plan_sum = sum(fin.by_year_category.values(), Decimal(0))
    year_sum = sum(fin.by_year.values(), Decimal(0))
    if not (plan_sum == year_sum == fin.total.cost == measure_sum):
        fail(
            "Kosten- und Finanzierungsplan",
            "Summen des Plans stimmen nicht mit der Summe der Maßnahmen überein",
            fmt.euro(plan_sum, True),
            fmt.euro(measure_sum, True),
            call.eligible_cost_categories.source,
        )
    shown_rows = [
        sum(round(v) for (y, _), v in fin.by_year_category.items() if y == year) for year in fin.years
    ]
    if sum(shown_rows) != round(fin.total.cost):
        fail(
            "Kosten- und Finanzierungsplan",
            "auf volle Euro gerundete Jahreswerte ergeben nicht die gerundete Gesamtsumme",
            fmt.euro(sum(shown_rows)),
            fmt.euro(fin.total.cost),
            call.eligible_cost_categories.source,
        )
    if fin.total.grant + fin.total.third_party + fin.total.own != fin.total.cost:
        fail(
            "Kosten- und Finanzierungsplan",
            "Finanzierung deckt die Kosten nicht genau",
            fmt.euro(fin.total.grant + fin.total.third_party + fin.total.own, True),
            fmt.euro(fin.total.cost, True),
            call.eligible_cost_categories.source,
        )

    # eligible cost categories and the grant rate
    eligible_categories = set(call.eligible_cost_categories.categories)
    for m in app.measures:
        for cost in m.costs:
            if cost.eligible and cost.category not in eligible_categories:
                fail(
                    "Förderfähige Kostenarten",
                    f"Maßnahme {m.id}: Kostenart '{COST_CATEGORY_LABELS[cost.category]}' ({cost.year}) ist als förderfähig angegeben",
                    COST_CATEGORY_LABELS[cost.category],
                    ", ".join(COST_CATEGORY_LABELS[c] for c in call.eligible_cost_categories.categories),
                    call.eligible_cost_categories.source,
                    in_measure(m.id, "costs", m.costs.index(cost)),
                )
        lead = project.partners[m.lead]
        rate = call.rate_for(lead.budget_emergency)
        eligible = sum(
            (c.amount for c in m.costs if c.eligible and c.category in eligible_categories), Decimal(0)
        )
        expected = (eligible * Decimal(str(rate.percent)) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        if abs(m.funding.grant - expected) > CENT:
            fail(
                f"Fördersatz ({rate.label})",
                f"Maßnahme {m.id}: Zuwendung ist nicht {fmt.percent(rate.percent)} der förderfähigen Kosten "
                f"({fmt.euro(eligible, True)})",
                fmt.euro(m.funding.grant, True),
                fmt.euro(expected, True),
                rate.source,
                in_measure(m.id, "funding", "grant"),
            )

    # own shares covered by the partners' committed own funds
    for partner_index, partner in enumerate(s.partners):
        own = fin.by_partner_own.get(partner.id, Decimal(0))
        if own <= 0:
            continue
        if partner.own_funds is None or partner.own_funds < own:
            source = next(
                (a.source for a in call.annexes if a.id == "kosten-und-finanzierungsplan"),
                call.eligible_cost_categories.source,
            )
            fail(
                "Eigenanteil gedeckt",
                f"Eigenanteil von {partner.name} ist nicht durch zugesagte Eigenmittel gedeckt",
                fmt.euro(own, True),
                "zugesagt: "
                + ("keine Angabe" if partner.own_funds is None else fmt.euro(partner.own_funds, True)),
                source,
                in_strategy("partners", partner_index, "own_funds"),
            )

    # phases: durations and caps
    for cp_index, cp in enumerate(call.phases):
        phases = [p for p in s.phases if p.call_phase == cp.id]
        for phase in phases:
            months = _months(phase.start, phase.end)
            if cp.max_months is not None and months > cp.max_months:
                fail(
                    f"Dauer Phase {cp.id}",
                    f"Phase '{phase.title}' ist zu lang",
                    f"{months} Monate",
                    f"höchstens {cp.max_months} Monate",
                    cp.source,
                    in_strategy("phases", s.phases.index(phase), "end"),
                )
            for m in app.measures:
                if m.phase == phase.id and (m.start < phase.start or m.end > phase.end):
                    fail(
                        f"Dauer Phase {cp.id}",
                        f"Maßnahme {m.id} liegt nicht innerhalb der Phase '{phase.title}'",
                        f"{fmt.date(m.start)} bis {fmt.date(m.end)}",
                        f"{fmt.date(phase.start)} bis {fmt.date(phase.end)}",
                        cp.source,
                        in_measure(m.id, "end"),
                    )
        grant = sum((m.funding.grant for m in app.measures if m.phase in {p.id for p in phases}), Decimal(0))
        if cp.max_grant is not None and grant > cp.max_grant:
            fail(
                f"Förderhöchstbetrag Phase {cp.id}",
                "Zuwendung der Phase ist zu hoch",
                fmt.euro(grant),
                f"höchstens {fmt.euro(cp.max_grant)}",
                cp.source,
                in_call("phases", cp_index, "max_grant"),
            )
    if call.max_total_grant and fin.total.grant > call.max_total_grant.amount:
        fail(
            "Förderhöchstbetrag",
            "Zuwendung insgesamt ist zu hoch",
            fmt.euro(fin.total.grant),
            f"höchstens {fmt.euro(call.max_total_grant.amount)}",
            call.max_total_grant.source,
            in_call("max_total_grant", "amount"),
        )

    # breadth of the application
    if call.min_action_fields:
        used = {f for m in app.measures for f in m.action_fields}
        if len(used) < call.min_action_fields.value:
            fail(
                "Mindestzahl Handlungsfelder",
                "zu wenige Handlungsfelder mit Maßnahmen",
                str(len(used)),
                f"mindestens {call.min_action_fields.value}",
                call.min_action_fields.source,
                in_call("min_action_fields", "value"),
            )
    if call.min_partners and len(s.partners) < call.min_partners.value:
        fail(
            "Mindestzahl Partner",
            "zu wenige Partner im Verbund",
            str(len(s.partners)),
            f"mindestens {call.min_partners.value}",
            call.min_partners.source,
            in_strategy("partners"),
        )
    if not app.measures:
        fail(
            "Maßnahmen",
            "der Antrag enthält keine Maßnahme einer Förderphase",
            "0",
            "mindestens 1",
            call.sections[0].source,
            in_strategy("phases"),
        )
    return failures
