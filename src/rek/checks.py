"""Checks on the resolved plan: money that does not add up, and the formal rules of the selected call.

Every finding is a :class:`Diagnostic` at the file, line and column at fault (the measure, the
strategy or the text that breaks the rule); rules of a call also carry the rule's own place and its
source as a note. The checks read only the :class:`~rek.plan.Plan`; they never render a document.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import formatting as fmt
from . import monitoring, requirements
from .call import Block, Source, submission
from .diagnostics import Diagnostic
from .model import COST_CATEGORY_LABELS, STATUS_LABELS, CostCategory, MeasureKind
from .money import ZERO, total_of
from .plan import MeasurePlan, Plan, call_phases, foreign_call_phases


def _months(start: Any, end: Any) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months + (1 if end.day >= start.day - 1 else 0)


class _Findings:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.items: list[Diagnostic] = []

    def add(
        self,
        kind: str,
        ident: str,
        loc: tuple[Any, ...],
        message: str,
        *,
        hint: str | None = None,
        severity: str = "error",
        rule: tuple[str, tuple[Any, ...], Source] | None = None,
    ) -> None:
        """A finding at (kind, ident, loc); ``rule`` = (rule name, place in the call file, source)."""
        path, line, col = self.plan.project.position(kind, ident, loc)
        note = None
        if rule is not None and self.plan.call is not None:
            name, where, source = rule
            cite = source.title + (f", {source.note}" if source.note else "")
            note = f"{name} ({self.plan.project.locate('call', self.plan.call.id, where)}); Quelle: {cite}"
        self.items.append(Diagnostic(path, line, col, message, severity, hint, note))


def check_plan(plan: Plan) -> list[Diagnostic]:
    """Every problem of the plan: money of each measure and, with a call, the call's formal rules."""
    return money_findings(plan) + formal_findings(plan)


def check_warnings(plan: Plan) -> list[Diagnostic]:
    """The warnings `rek check` gives for this plan (money, call rules, monitoring), sorted: what `rek build`
    names too. Errors are not among them: they refuse the parts of the build that depend on them."""
    return sorted(d for d in check_plan(plan) + monitoring_findings(plan) if d.severity == "warning")


def money_findings(plan: Plan) -> list[Diagnostic]:
    """Money of a measure that does not add up: no output may be written from it."""
    found = _Findings(plan)
    for mp in plan.measures:
        _measure_money(found, mp)
    return found.items


def formal_findings(plan: Plan) -> list[Diagnostic]:
    """The formal rules of the selected call (none without a call)."""
    found = _Findings(plan)
    if plan.call is not None:
        _applicant(found, plan)
        _measures_in_call(found, plan)
        _sections(found, plan)
        _annexes(found, plan)
        _costs_and_rate(found, plan)
        _own_funds(found, plan)
        _phases(found, plan)
        _projects(found, plan)
        _breadth(found, plan)
        _criteria_and_deadline(found, plan)
        _requirements(found, plan)
        _third_party_funds(found, plan)
    return found.items


def _third_party_funds(found: _Findings, plan: Plan) -> None:
    """Third-party funds of the application that are only assumed: named, but neither promised nor applied for
    (the rule is the call's section with the financing plan)."""
    call = plan.call
    assert call is not None
    index, sec = next(
        ((i, x) for i, x in enumerate(call.sections) if Block.cost_plan in x.blocks), (-1, None)
    )
    if sec is None:
        return
    rule = (f"Abschnitt '{sec.title}'", ("sections", index), sec.source)
    for mp in plan.application.measures:
        for i, t in enumerate(mp.m.funding.third_parties):
            if t.status.value == "angenommen":
                found.add(
                    "measure",
                    mp.id,
                    ("funding", "third_parties", i, "status"),
                    f"Drittmittel von „{t.name}“ ({fmt.euro(t.amount, True)}) sind nur angenommen: weder zugesagt "
                    "noch beantragt",
                    hint="Tragen Sie nach Antrag oder Zusage 'status: beantragt' bzw. 'status: zugesagt' ein und "
                    "unter 'source' den Beleg.",
                    severity="warning",
                    rule=rule,
                )


def _requirements(found: _Findings, plan: Plan) -> None:
    """Every requirement of the call the application does not answer, at the place it should be answered."""
    for st in requirements.judge(plan):
        if st.met or requirements.reported_elsewhere(st):
            continue
        req = st.requirement
        kind, ident, loc = st.at
        found.add(
            kind,
            ident,
            loc,
            f"Anforderung '{req.title}' ({st.kind_label}) ist nicht erfüllt: {st.problem}",
            hint=st.hint,
            rule=(f"Anforderung '{req.id}'", ("requirements", st.index), req.source),
        )
    evaluation = next((st for st in requirements.judge(plan) if st.requirement.answer == "evaluation"), None)
    if evaluation is not None:
        req = evaluation.requirement
        for mp in plan.application.measures:
            for i, ind in enumerate(mp.m.indicators):
                if not ind.method and not any(m.source for m in ind.measurements):
                    found.add(
                        "measure",
                        mp.id,
                        ("indicators", i),
                        f"Indikator „{ind.name}“: wie er erhoben wird, fehlt (die Evaluation im Antrag zeigt "
                        "„bitte ergänzen“)",
                        hint="Tragen Sie beim Indikator 'method:' ein, z. B. 'Zählung im Buchungssystem, jährlich'.",
                        severity="warning",
                        rule=(f"Anforderung '{req.id}'", ("requirements", evaluation.index), req.source),
                    )


def _measure_money(found: _Findings, mp: MeasurePlan) -> None:
    money = mp.money
    covered = money.covered
    if covered > money.cost:
        found.add(
            "measure",
            mp.id,
            ("funding", "grant"),
            f"Feld 'funding': Zuwendung und Drittmittel ({fmt.euro(covered, True)}) übersteigen die "
            f"Gesamtkosten ({fmt.euro(money.cost, True)})",
        )
    if money.grant > money.eligible:
        found.add(
            "measure",
            mp.id,
            ("funding", "grant"),
            f"Feld 'funding.grant': die Zuwendung ({fmt.euro(money.grant, True)}) ist höher als die "
            f"förderfähigen Kosten ({fmt.euro(money.eligible, True)})",
        )
    if not mp.own_shares and money.own > 0:
        found.add(
            "measure",
            mp.id,
            ("funding",),
            f"Feld 'funding.own_shares': der Eigenanteil von {fmt.euro(money.own, True)} ist keinem "
            "Partner zugeordnet",
            hint=f"Zum Beispiel: own_shares: {{{mp.lead.id}: 100}}",
        )


def _applicant(found: _Findings, plan: Plan) -> None:
    call = plan.call
    assert call is not None
    rule = call.applicant
    if plan.applicant is None:
        found.add(
            "strategy",
            "",
            ("call",),
            "Feld 'applicant' fehlt: der Förderaufruf braucht einen Antragsteller (Kennung eines Partners)",
            hint="Zum Beispiel: applicant: "
            + next(
                (p.id for p in plan.project.strategy.partners if rule is None or p.kind in rule.kinds), "…"
            ),
            rule=("Antragsberechtigung", ("applicant",), rule.source) if rule else None,
        )
        return
    if plan.applicant.legal is None:
        index = plan.project.strategy.partners.index(plan.applicant)
        found.add(
            "strategy",
            "",
            ("partners", index, "id"),
            f"Feld 'partners[{index}].legal' fehlt: das Deckblatt des Antrags nennt ohne die rechtlichen Angaben "
            f"des Antragstellers ({plan.applicant.name}) keinen Regionalschlüssel und keine gesetzliche Vertretung",
            hint='Zum Beispiel: legal: {regional_key: "bitte ergänzen", representative: "bitte ergänzen"}',
            severity="warning",
        )
    region_rates = call.region_rates
    if region_rates and plan.applicant.efre_region is None:
        index = plan.project.strategy.partners.index(plan.applicant)
        rates = ", ".join(f"{r.region.value}: {fmt.percent(r.percent)}" for r in region_rates if r.region)
        used = plan.rate
        assert used is not None
        found.add(
            "strategy",
            "",
            ("partners", index, "id"),
            f"Feld 'partners[{index}].efre_region' fehlt: der Fördersatz des Aufrufs hängt von der "
            f"EFRE-Regionenkategorie des Antragstellers ({plan.applicant.name}) ab ({rates}); gerechnet wird "
            f"vorerst mit {fmt.percent(used.percent)}",
            hint=f"Zum Beispiel: efre_region: {region_rates[0].region.value if region_rates[0].region else 'SER'} "
            "(SER: stärker entwickelte Region, ÜR: Übergangsregion)",
            rule=(
                "Fördersatz nach Regionenkategorie",
                ("rates", call.rates.index(region_rates[0])),
                region_rates[0].source,
            ),
        )
    if rule is not None and plan.applicant.kind not in rule.kinds:
        allowed = ", ".join(k.value for k in rule.kinds)
        found.add(
            "strategy",
            "",
            ("applicant",),
            f"Feld 'applicant': {plan.applicant.name} ({plan.applicant.kind.value}) kann den Antrag nicht "
            f"stellen; erwartet: ein Partner der Art {allowed}",
            hint="Die Koordination eines Verbunds gehört in 'coordinator'; Antragsteller ist die "
            "federführende Gebietskörperschaft.",
            rule=("Antragsberechtigung", ("applicant", "kinds"), rule.source),
        )


def _measures_in_call(found: _Findings, plan: Plan) -> None:
    for mp in plan.measures:
        if mp.m.application and mp.phase is None:
            found.add(
                "measure",
                mp.id,
                ("id",),
                f"Feld 'phase' fehlt: mit dem Förderaufruf '{plan.call.id}' braucht jede Maßnahme eine Phase "  # type: ignore[union-attr]
                f"(oder 'application: false' mit Grund), und ihr Beginn ({fmt.date(mp.m.start)}) liegt in keiner "
                "Phase der Strategie",
                hint="Phasen: " + ", ".join(p.id for p in plan.project.strategy.phases),
            )
    if not plan.application.measures:
        call = plan.call
        assert call is not None
        found.add(
            "strategy",
            "",
            ("phases",),
            "Regel 'Maßnahmen': der Antrag enthält keine Maßnahme einer Förderphase; gefunden: 0, erwartet: mindestens 1",
            hint="Eine Maßnahme gehört zum Antrag, wenn ihre Phase im Förderzeitraum des Aufrufs beginnt (oder "
            "'call_phase' nennt) und sie nicht 'application: false' trägt.",
            rule=("Abschnitte", ("sections",), call.sections[0].source),
        )


def _sections(found: _Findings, plan: Plan) -> None:
    call = plan.call
    assert call is not None
    answered_elsewhere = requirements.chapter_blocks_reported(plan)  # named at their field instead
    for sp in plan.sections:
        sec = sp.section
        rule = (f"Abschnitt '{sec.title}'", ("sections", sp.index), sec.source)
        if sec.required and not sp.filled and not set(sec.blocks) <= answered_elsewhere:
            loc, field, hint = _filler(plan, sec.blocks)
            found.add(
                "strategy",
                "",
                loc,
                f"Regel 'Abschnitt {sec.title}': Pflichtabschnitt ist leer; ihn füllt {field}",
                hint=hint,
                rule=rule,
            )
        limit = sp.limit(call.chars_per_page)  # the same limit the form texts show
        if limit is None or sp.chars <= limit:
            continue
        if limit == sec.max_chars:
            what = f"höchstens {fmt.number(limit)} Zeichen"
        else:
            assert sec.max_pages is not None  # a limit that is not max_chars comes from max_pages
            what = f"höchstens {fmt.plain(sec.max_pages)} Seiten à {fmt.number(call.chars_per_page)} Zeichen"
        longest = max(sp.texts, key=lambda t: t.chars)
        found.add(
            longest.kind,
            longest.ident,
            longest.loc,
            f"Regel 'Abschnitt {sec.title}': der Abschnitt ist zu lang; gefunden: {fmt.number(sp.chars)} Zeichen, "
            f"erlaubt: {what}",
            hint=f"Kürzen Sie um {fmt.number(sp.chars - limit)} Zeichen; der längste Text des Abschnitts "
            f"steht hier ({longest.label}, {fmt.number(longest.chars)} Zeichen).",
            rule=(
                f"Abschnitt '{sec.title}'",
                ("sections", sp.index, "max_chars" if limit == sec.max_chars else "max_pages"),
                sec.source,
            ),
        )


_BLOCK_FIELDS: dict[Block, tuple[str, str]] = {
    Block.summary: ("summary", "Feld 'summary' (Kurzfassung)"),
    Block.situation: ("situation", "Feld 'situation' (Ausgangslage)"),
    Block.vision: ("vision", "Feld 'vision' (Leitbild)"),
    Block.cooperation: ("cooperation", "Feld 'cooperation' (Interkommunale Zusammenarbeit)"),
    Block.participation: ("participation", "Feld 'participation' (Beteiligung)"),
    Block.knowledge_transfer: ("knowledge_transfer", "Feld 'knowledge_transfer' (Wissenstransfer)"),
    Block.goals: ("goals", "die Liste 'goals' (strategische Ziele)"),
    Block.partners: ("partners", "die Liste 'partners'"),
    Block.risks: ("risks", "die Liste 'risks' (Risiken mit Bewertung und Gegenmaßnahme)"),
    Block.annexes: ("annexes", "die Liste 'annexes' (Anlagen)"),
}


def _filler(plan: Plan, blocks: list[Block]) -> tuple[tuple[Any, ...], str, str | None]:
    """Where in the user's files an empty section is filled: (place in strategy.yaml, what, hint)."""
    for block in blocks:
        if block in _BLOCK_FIELDS:
            key, what = _BLOCK_FIELDS[block]
            return (key,), f"{what} in strategy/strategy.yaml", None
    if Block.action_fields in blocks:
        return ("call",), "ein Handlungsfeld unter strategy/action-fields/", "rek new action-field"
    # measures, work plan, timeline, cost plan: filled by the measures in the application
    first = next((mp for mp in plan.measures if mp.exclusion), None)
    why = f" ({first.id}: {first.exclusion})" if first else ""
    return (
        ("phases",),
        "eine Maßnahme im Antrag (measures/, mit einer Phase unter 'phases', die zum Aufruf gehört)",
        f"Keine Maßnahme gehört zum Antrag{why}. Die Phase einer Maßnahme ergibt sich aus 'phase' oder ihrem "
        "Beginn; die Phase des Aufrufs aus 'call_phase' der Phase oder aus ihren Daten.",
    )


def _annexes(found: _Findings, plan: Plan) -> None:
    call = plan.call
    assert call is not None
    for st in plan.annexes:
        req = st.required
        index = call.annexes.index(req)
        rule = (f"Anlage '{req.title}'", ("annexes", index), req.source)
        who = f" von {st.partner.name}" if st.partner else ""
        if st.annex is None:
            partner_line = f", partner: {st.partner.id}" if st.partner else ""
            found.add(
                "strategy",
                "",
                ("annexes",) if plan.project.strategy.annexes else ("call",),
                f"Regel 'Anlage {req.title}': Pflichtanlage{who} fehlt",
                hint=f"Tragen Sie unter 'annexes' ein: {{id: {req.id}{partner_line}, title: \"{req.title}\", "
                "status: in Vorbereitung}",
                rule=rule,
            )
        elif not st.present:
            found.add(
                "strategy",
                "",
                ("annexes", st.index, "status"),
                f"Regel 'Anlage {req.title}': Pflichtanlage{who} liegt noch nicht vor ({st.status})",
                severity="warning",
                rule=rule,
            )


def _costs_and_rate(found: _Findings, plan: Plan) -> None:
    call, rate = plan.call, plan.rate
    assert call is not None and rate is not None
    rule_cat = call.eligible_cost_categories
    allowed = ", ".join(COST_CATEGORY_LABELS[c] for c in rule_cat.categories)
    for mp in plan.application.measures:
        for line in mp.costs:
            if line.marked_eligible and not line.eligible:
                label = COST_CATEGORY_LABELS[CostCategory(line.category)]
                found.add(
                    "measure",
                    mp.id,
                    ("costs", line.index),
                    f"Regel 'Förderfähige Kostenarten': Kostenart '{label}' ({line.year}) ist als förderfähig "
                    f"angegeben; erlaubt: {allowed}",
                    hint="Setzen Sie 'eligible: false' für diese Kosten.",
                    rule=("Förderfähige Kostenarten", ("eligible_cost_categories",), rule_cat.source),
                )
        expected = mp.expected_grant
        if expected is not None and mp.money.grant != expected:
            found.add(
                "measure",
                mp.id,
                ("funding", "grant"),
                f"Regel 'Fördersatz': die Zuwendung ist nicht {fmt.percent(rate.percent)} der förderfähigen "
                f"Kosten ({fmt.euro(mp.money.eligible, True)}); gefunden: {fmt.euro(mp.money.grant, True)}, "
                f"erwartet: {fmt.euro(expected, True)}",
                hint=f"grant: {fmt.plain(expected).replace('.', '').replace(',', '.')} – oder lassen Sie 'grant' "
                "weg, dann rechnet rek den Fördersatz des gewählten Aufrufs",
                rule=(rate.label, ("rates", call.rates.index(rate)), rate.source),
            )


def _own_funds(found: _Findings, plan: Plan) -> None:
    call = plan.call
    assert call is not None
    source = next(
        (a.source for a in call.annexes if a.id == "kosten-und-finanzierungsplan"),
        call.eligible_cost_categories.source,
    )
    for index, partner in enumerate(plan.project.strategy.partners):
        own = plan.application.own_by_partner.get(partner.id, ZERO)
        if own <= 0 or (partner.own_funds is not None and partner.own_funds >= own):
            continue
        committed = "keine Angabe" if partner.own_funds is None else fmt.euro(partner.own_funds, True)
        found.add(
            "strategy",
            "",
            ("partners", index, "own_funds"),
            f"Regel 'Eigenanteil gedeckt': der Eigenanteil von {partner.name} im Antrag "
            f"({fmt.euro(own, True)}) ist nicht durch zugesagte Eigenmittel gedeckt; zugesagt: {committed} "
            f"(Feld 'partners[{index}].own_funds')",
            hint=f"Tragen Sie beim Partner '{partner.id}' die zugesagten Eigenmittel in Euro ein, z. B. laut "
            f"Ratsbeschluss: own_funds: {fmt.plain(own).replace('.', '').replace(',', '.')}",
            rule=("Kosten- und Finanzierungsplan", ("annexes",), source),
        )


def _phases(found: _Findings, plan: Plan) -> None:
    call = plan.call
    assert call is not None
    s = plan.project.strategy
    mapping = call_phases(plan.project, call)
    for index in foreign_call_phases(plan.project, call):
        phase = s.phases[index]
        derived = mapping[phase.id][0]
        found.add(
            "strategy",
            "",
            ("phases", index, "call_phase"),
            f"Feld 'phases[{index}].call_phase': Phase '{phase.title}' nennt die Förderphase {phase.call_phase}, die "
            f"der Aufruf '{call.id}' nicht kennt (er kennt: {', '.join(cp.id for cp in call.phases)}); rek leitet "
            f"sie aus den Daten ab: {derived or 'keine'}",
            hint="Lassen Sie 'call_phase' weg, dann folgt die Förderphase aus den Daten der Phase und dem gewählten "
            "Aufruf.",
            severity="warning",
        )
    for cp_index, cp in enumerate(call.phases):
        rule = (f"Phase {cp.id}", ("phases", cp_index), cp.source)
        phases = [p for p in s.phases if mapping.get(p.id, (None, None)) == (cp.id, None)]
        for phase in phases:
            months = _months(phase.start, phase.end)
            if cp.max_months is not None and months > cp.max_months:
                found.add(
                    "strategy",
                    "",
                    ("phases", s.phases.index(phase), "end"),
                    f"Regel 'Dauer Phase {cp.id}': Phase '{phase.title}' ist zu lang; gefunden: {months} Monate, "
                    f"erlaubt: höchstens {cp.max_months} Monate",
                    hint=f"Setzen Sie 'end' der Phase auf spätestens {fmt.date(_add_months(phase.start, cp.max_months))} "
                    "oder teilen Sie die Phase und ihre Maßnahmen auf.",
                    rule=rule,
                )
            for mp in plan.application.measures:
                m = mp.m
                if mp.phase is phase and (m.start < phase.start or m.end > phase.end):
                    found.add(
                        "measure",
                        m.id,
                        ("end",) if m.end > phase.end else ("start",),
                        f"Regel 'Dauer Phase {cp.id}': Maßnahme {m.id} ({fmt.date(m.start)} bis {fmt.date(m.end)}) "
                        f"liegt nicht innerhalb der Phase '{phase.title}' ({fmt.date(phase.start)} bis "
                        f"{fmt.date(phase.end)})",
                        hint="Passen Sie 'start' und 'end' der Maßnahme an die Phase an oder ordnen Sie sie mit "
                        "'phase' der Phase zu, in der sie liegt.",
                        rule=rule,
                    )
        _implementation_cap(found, plan, cp_index)
        grant = plan.application.by_phase.get(cp.id)
        if cp.max_grant is not None and grant is not None and grant.grant > cp.max_grant:
            first = phases[0] if phases else None
            found.add(
                "strategy",
                "",
                ("phases", s.phases.index(first)) if first else ("phases",),
                f"Regel 'Förderhöchstbetrag Phase {cp.id}': Zuwendung der Phase ist zu hoch; gefunden: "
                f"{fmt.euro(grant.grant)}, erlaubt: höchstens {fmt.euro(cp.max_grant)}",
                hint="Die Zuwendung folgt aus den Kosten der Maßnahmen dieser Phase ('costs', 'funding.grant'); "
                "verschieben oder verkleinern Sie Maßnahmen.",
                rule=rule,
            )
    cap = call.max_total_grant
    total = plan.application.total.grant
    if cap and total > cap.amount:
        found.add(
            "strategy",
            "",
            ("call",),
            f"Regel 'Förderhöchstbetrag': Zuwendung insgesamt ist zu hoch; gefunden: {fmt.euro(total)}, "
            f"erlaubt: höchstens {fmt.euro(cap.amount)}",
            rule=("Förderhöchstbetrag", ("max_total_grant",), cap.source),
        )


def _add_months(day: dt.date, months: int) -> dt.date:
    """The last end day of a runtime from ``day`` that ``_months`` counts as at most ``months`` months."""
    index = day.year * 12 + day.month - 1 + months
    end = dt.date(index // 12, index % 12 + 1, 1) + dt.timedelta(days=31)
    while _months(day, end) > months:
        end -= dt.timedelta(days=1)
    return end


def _implementation_cap(found: _Findings, plan: Plan, cp_index: int) -> None:
    """A call phase's cap on the grant for first implementation measures (MPSC Phase A: 1 Mio. Euro)."""
    call = plan.call
    assert call is not None
    cp = call.phases[cp_index]
    cap = cp.max_implementation_grant
    if cap is None:
        return
    doing = [
        mp
        for mp in plan.application.measures
        if mp.call_phase == cp.id and mp.m.kind is MeasureKind.implementation
    ]
    total = total_of(mp.money.grant for mp in doing)
    if total <= cap.amount:
        return
    largest = max(doing, key=lambda mp: mp.money.grant)
    found.add(
        "measure",
        largest.id,
        ("funding",),
        f"Regel 'Erste Umsetzungsmaßnahmen Phase {cp.id}': die Zuwendung der Maßnahmen mit 'kind: Umsetzung' in "
        f"Phase {cp.id} ist zu hoch; gefunden: {fmt.euro(total)} ({len(doing)} Maßnahmen, die größte: {largest.id}), "
        f"erlaubt: höchstens {fmt.euro(cap.amount)}",
        hint="Maßnahmen, die Strategie, Konzepte oder Gutachten erarbeiten, tragen 'kind: Konzept'; Umsetzungen "
        "über der Grenze gehören in die nächste Phase.",
        rule=(
            f"Phase {cp.id}: erste Umsetzungsmaßnahmen",
            ("phases", cp_index, "max_implementation_grant"),
            cap.source,
        ),
    )


def _projects(found: _Findings, plan: Plan) -> None:
    """Rules for each measure on its own: programme end, runtime, minimum and maximum size."""
    call = plan.call
    assert call is not None
    rules = call.projects
    if rules is None:
        return
    for mp in plan.application.measures:
        m = mp.m
        if rules.end_by and m.end > rules.end_by.date:
            found.add(
                "measure",
                m.id,
                ("end",),
                f"Regel 'Programmende': Maßnahme {m.id} endet am {fmt.date(m.end)}; erlaubt: Ende spätestens am "
                f"{fmt.date(rules.end_by.date)} (Feld 'end')",
                hint=f"Setzen Sie 'end' auf spätestens {rules.end_by.date.isoformat()} oder nehmen Sie die Maßnahme "
                "mit 'application: false' und Grund aus dem Antrag.",
                rule=("Programmende", ("projects", "end_by"), rules.end_by.source),
            )
        months = _months(m.start, m.end)
        if rules.max_months and months > rules.max_months.months:
            limit = rules.max_months.months
            found.add(
                "measure",
                m.id,
                ("end",),
                f"Regel 'Laufzeit je Maßnahme': Maßnahme {m.id} ({fmt.date(m.start)} bis {fmt.date(m.end)}) ist zu "
                f"lang; gefunden: {months} Monate, erlaubt: höchstens {limit} Monate (Feld 'end')",
                hint=f"Setzen Sie 'end' auf spätestens {_add_months(m.start, limit).isoformat()} oder teilen Sie "
                "die Maßnahme in zwei Vorhaben.",
                rule=("Laufzeit je Maßnahme", ("projects", "max_months"), rules.max_months.source),
            )
        study = m.kind is MeasureKind.study
        minimum = rules.min_eligible_study if study and rules.min_eligible_study else rules.min_eligible
        eligible = mp.money.eligible
        if minimum and eligible < minimum.amount:
            which = "min_eligible_study" if minimum is rules.min_eligible_study else "min_eligible"
            hint = (
                "Legen Sie kleine Maßnahmen zu einem Vorhaben zusammen oder nehmen Sie sie mit 'application: false' "
                "aus dem Antrag."
            )
            if not study and rules.min_eligible_study:
                hint += (
                    " Ist sie ein Gutachten, eine Machbarkeitsstudie oder ein Konzept, setzen Sie 'kind: Konzept' "
                    f"(Untergrenze {fmt.euro(rules.min_eligible_study.amount)})."
                )
            found.add(
                "measure",
                m.id,
                ("costs",),
                f"Regel 'Mindestgröße': die förderfähigen Kosten der Maßnahme {m.id} liegen unter der Untergrenze"
                f"{' für Konzepte' if which == 'min_eligible_study' else ''}; gefunden: {fmt.euro(eligible)}, "
                f"erwartet: mindestens {fmt.euro(minimum.amount)} (Feld 'costs')",
                hint=hint,
                rule=("Mindestgröße", ("projects", which), minimum.source),
            )
        if rules.max_eligible and eligible > rules.max_eligible.amount:
            found.add(
                "measure",
                m.id,
                ("costs",),
                f"Regel 'Höchstgröße': die förderfähigen Kosten der Maßnahme {m.id} sind zu hoch; gefunden: "
                f"{fmt.euro(eligible)}, erlaubt: höchstens {fmt.euro(rules.max_eligible.amount)} (Feld 'costs')",
                rule=("Höchstgröße", ("projects", "max_eligible"), rules.max_eligible.source),
            )


def _breadth(found: _Findings, plan: Plan) -> None:
    call = plan.call
    assert call is not None
    s = plan.project.strategy
    if call.min_action_fields:
        used = {f for mp in plan.application.measures for f in mp.m.action_fields}
        if len(used) < call.min_action_fields.value:
            found.add(
                "strategy",
                "",
                ("call",),
                f"Regel 'Mindestzahl Handlungsfelder': zu wenige Handlungsfelder mit Maßnahmen im Antrag; "
                f"gefunden: {len(used)}, erwartet: mindestens {call.min_action_fields.value}",
                rule=("Mindestzahl Handlungsfelder", ("min_action_fields",), call.min_action_fields.source),
            )
    if call.min_partners and len(s.partners) < call.min_partners.value:
        found.add(
            "strategy",
            "",
            ("partners",),
            f"Regel 'Mindestzahl Partner': zu wenige Partner im Verbund; gefunden: {len(s.partners)}, "
            f"erwartet: mindestens {call.min_partners.value}",
            rule=("Mindestzahl Partner", ("min_partners",), call.min_partners.source),
        )


def _criteria_and_deadline(found: _Findings, plan: Plan) -> None:
    call = plan.call
    assert call is not None
    for cp in plan.criteria:
        if not cp.answered:
            found.add(
                "strategy",
                "",
                ("call",),
                f"Bewertungskriterium '{cp.criterion.title}' beantwortet kein Abschnitt und keine Maßnahme",
                hint="Nennen Sie die Kennung im Feld 'criteria' der Maßnahme, die das Kriterium beantwortet "
                f"(measures/…yaml): criteria: [{cp.criterion.id}]",
                severity="warning",
                rule=("Bewertungskriterien", ("criteria", cp.index), cp.criterion.source),
            )
    _deadline(found, plan)


def _deadline(found: _Findings, plan: Plan) -> None:
    """The application is dated on its submission day (``submissions``), else on the reference day; a
    date after the call's deadline is an error, so check and build agree (``--draft`` still writes)."""
    call = plan.call
    assert call is not None
    if call.deadline is None:
        return
    rule = ("Bewerbungsfrist", ("deadline",), call.sources[0] if call.sources else call.sections[0].source)
    sent = submission(plan.project.strategy, call)
    if sent is not None:
        index, sub = sent
        if sub.date > call.deadline:
            found.add(
                "strategy",
                "",
                ("submissions", index, "date"),
                f"Feld 'submissions[{index}].date': der Antrag ist auf den {fmt.date(sub.date)} datiert; die "
                f"Bewerbungsfrist des Aufrufs '{call.name}' endete am {fmt.date(call.deadline)}",
                hint="Ein Antrag nach der Frist wird nicht angenommen; mit --draft entsteht ein Entwurf, der auf "
                "jeder Seite so markiert ist.",
                rule=rule,
            )
        return
    if plan.today > call.deadline:
        found.add(
            "call",
            call.id,
            ("deadline",),
            f"Die Bewerbungsfrist des Aufrufs '{call.name}' endete am {fmt.date(call.deadline)}; ein Antrag vom "
            f"{fmt.date(plan.today)} (Stichtag) käme zu spät",
            hint=f"Tragen Sie in strategy/strategy.yaml das Datum der Einreichung ein (submissions: [{{call: "
            f"{call.id}, date: JJJJ-MM-TT}}]) oder legen Sie für einen neuen Aufruf ein eigenes Profil unter "
            "strategy/calls/ an; mit --draft entsteht ein Entwurf, der auf jeder Seite so markiert ist.",
            rule=rule,
        )


# --- monitoring: the warnings of rek check and rek build --------------------------------------
def monitoring_findings(plan: Plan) -> list[Diagnostic]:
    """Warnings on the plan's reference day: stale statuses, overdue milestones, spending outside the
    runtime or in the future, implausible measurements, missed targets (the judgements: ``monitoring``)."""
    on = plan.today
    project = plan.project
    found: list[Diagnostic] = []

    def add(kind: str, ident: str, loc: tuple[Any, ...], message: str, hint: str | None = None) -> None:
        path, line, col = project.position(kind, ident, loc)
        found.append(Diagnostic(path, line, col, message, "warning", hint))

    for m in project.measures:
        if monitoring.stale(m, on):
            add(
                "measure",
                m.id,
                ("status",),
                f"Feld 'status': die Laufzeit endete am {fmt.date(m.end)}, der Status ist aber noch "
                f"„{STATUS_LABELS[m.status]}“",
                "Setzen Sie 'status' auf done oder paused, verlängern Sie 'end' oder beschreiben Sie unter "
                "'updates' den Sachstand.",
            )
        for i in monitoring.overdue_milestones(m, on):
            ms = m.milestones[i]
            add(
                "measure",
                m.id,
                ("milestones", i, "date"),
                f"Feld 'milestones[{i}]': Meilenstein „{ms.title}“ ist seit dem {fmt.date(ms.date)} überfällig "
                "(nicht als erreicht markiert)",
                "Setzen Sie 'done: true', wenn er erreicht ist, sonst ein neues Datum.",
            )
        for i, item in enumerate(m.spending):
            if item.year > on.year:
                add(
                    "measure",
                    m.id,
                    ("spending", i, "year"),
                    f"Feld 'spending[{i}].year': Ausgaben für {item.year} sind gemeldet, das Jahr hat aber noch "
                    "nicht begonnen",
                    "Melden Sie unter 'spending' nur, was ausgegeben ist; Geplantes steht unter 'costs'.",
                )
            elif not m.start.year <= item.year <= m.end.year:
                add(
                    "measure",
                    m.id,
                    ("spending", i, "year"),
                    f"Feld 'spending[{i}].year': Ausgaben im Jahr {item.year} liegen außerhalb der Laufzeit "
                    f"{m.start.year} bis {m.end.year}",
                    "Verlängern Sie 'start' oder 'end', wenn die Maßnahme länger läuft, sonst prüfen Sie das Jahr.",
                )
        # receipts and payments: what is booked has happened by the reference day
        dated = [("receipts", i, r.date) for i, r in enumerate(m.receipts)]
        dated += [("payments", i, p.date) for i, p in enumerate(m.payments)]
        for name, i, day in dated:
            if day > on:
                add(
                    "measure",
                    m.id,
                    (name, i, "date"),
                    f"Feld '{name}[{i}].date': {fmt.date(day)} liegt nach dem Stichtag {fmt.date(on)}",
                    "Tragen Sie nur ein, was gezahlt ist; Geplantes steht unter 'costs' und 'funding'.",
                )
            elif name == "receipts" and not m.start.year <= day.year <= m.end.year:
                add(
                    "measure",
                    m.id,
                    (name, i, "date"),
                    f"Feld '{name}[{i}].date': ein Beleg aus dem Jahr {day.year} liegt außerhalb der Laufzeit "
                    f"{m.start.year} bis {m.end.year}",
                    "Verlängern Sie 'start' oder 'end', wenn die Maßnahme länger läuft, sonst prüfen Sie das Datum.",
                )
    for ref in monitoring.indicators(plan):
        _indicator_findings(ref, on, add)
    return found


def _indicator_findings(ref: monitoring.IndicatorRef, on: dt.date, add: Any) -> None:
    ind = ref.indicator
    base = ("indicators", ref.index)
    where = f"indicators[{ref.index}]"
    for j, x in enumerate(ind.measurements):
        loc = (*base, "measurements", j, "date")
        if ind.baseline_year is not None and x.year < ind.baseline_year:
            add(
                ref.kind,
                ref.owner,
                loc,
                f"Feld '{where}.measurements[{j}].date': Messwert von {monitoring.when(x)} liegt vor dem Jahr des "
                f"Ausgangswerts ({ind.baseline_year})",
            )
        if (x.year > on.year) if isinstance(x.date, int) else (x.date > on):
            add(
                ref.kind,
                ref.owner,
                loc,
                f"Feld '{where}.measurements[{j}].date': Messwert von {monitoring.when(x)} liegt in der Zukunft",
                "Tragen Sie nur gemessene Werte ein; Ziele gehören in 'target'.",
            )
    if ind.target_year < on.year:
        until = [x for x in ind.series if x.year <= ind.target_year]
        if until and not monitoring.reached(ind, until[-1].value):
            last = until[-1]
            add(
                ref.kind,
                ref.owner,
                (*base, "target"),
                f"Feld '{where}.target': Ziel „{ind.name}“ verfehlt: Zielwert {fmt.plain(ind.target)} "
                f"{ind.unit} bis {ind.target_year}, gemessen {fmt.plain(last.value)} {ind.unit} ({monitoring.when(last)})",
                "Beschreiben Sie im Sachstand, warum, oder setzen Sie ein neues Ziel mit neuem Zieljahr.",
            )
