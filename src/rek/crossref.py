"""Rules that span files: references, duplicates, cycles, dates and money that must add up."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from . import formatting as fmt
from . import suggest
from .call import Call
from .diagnostics import Diagnostics
from .indicatorrules import check_indicators
from .model import (
    MAX_MONEY,
    MAX_MONEY_TEXT,
    MUNICIPAL_KINDS,
    REGIONWIDE,
    ActionField,
    Goal,
    Measure,
    Partner,
    Phase,
    PlaceKind,
    Strategy,
)
from .money import running_totals, total_of
from .yamlsource import Loc, YamlDoc

if TYPE_CHECKING:
    from .project import LoadedDocs


def _hint(value: str, known: Iterable[str], exclude: Iterable[str] = ()) -> str | None:
    return suggest.hint(value, known, exclude=exclude)


class _Reporter:
    def __init__(self, diags: Diagnostics) -> None:
        self.diags = diags

    def at(
        self, doc: YamlDoc | None, loc: Loc, message: str, hint: str | None = None, *, key: bool = False
    ) -> None:
        if doc is None:
            return
        line, col = doc.position(loc, key=key)
        self.diags.add(doc.display, line, col, message, hint=hint)

    def unknown(
        self,
        doc: YamlDoc | None,
        loc: Loc,
        what: str,
        value: str,
        known: Iterable[str],
        exclude: Iterable[str] = (),
    ) -> None:
        from .validation import field_name

        hint = _hint(value, known, exclude)
        self.at(doc, loc, f"Feld '{field_name(loc)}': unbekannte{what} '{value}'", hint)


def _duplicates(items: list[tuple[str, Loc]], doc: YamlDoc | None, what: str, report: _Reporter) -> None:
    seen: dict[str, Loc] = {}
    for value, loc in items:
        if value in seen:
            first = doc.position(seen[value]) if doc else (0, 0)
            report.at(doc, loc, f"{what} '{value}' ist doppelt vergeben (zuerst in Zeile {first[0]})")
        else:
            seen[value] = loc


def id_key(value: str) -> str:
    """An id as it becomes a file or URL name (partner/<id>/, beschlussvorlage-<id>.docx, charts):
    case-folded, every run of other characters than letters and digits one '-', none at the ends."""
    return re.sub(r"[^a-z0-9]+", "-", value.casefold()).strip("-")


@dataclass(frozen=True)
class _IdAt:
    what: str
    value: str
    doc: YamlDoc | None
    loc: Loc

    def where(self) -> str:
        if self.doc is None:
            return "?"
        line, col = self.doc.position(self.loc)
        return f"{self.doc.display}:{line}:{col}"


ID_HINT = (
    "Erlaubt sind Kennungen, die sich auch ohne Unterschied zwischen Groß- und Kleinschreibung und "
    "zwischen '-' und '_' unterscheiden; ändern Sie eine der beiden."
)


def _collisions(items: list[_IdAt], report: _Reporter, name: str, *, across_kinds: bool = False) -> None:
    """Ids that differ but become the same name: an error at each of them, naming the other's place.
    Exact duplicates of one kind are left to ``_duplicates``; across_kinds: only pairs of two kinds."""
    from .validation import field_name

    groups: dict[str, dict[tuple[str, str], _IdAt]] = {}
    for item in items:
        groups.setdefault(id_key(item.value), {}).setdefault((item.what, item.value), item)
    for key, group in groups.items():
        firsts = list(group.values())
        for item in firsts:
            for other in firsts:
                if other is item or (across_kinds and other.what == item.what):
                    continue
                report.at(
                    item.doc,
                    item.loc,
                    f"Feld '{field_name(item.loc)}': {item.what} '{item.value}' ist nicht eindeutig: "
                    f"{other.what} '{other.value}' ({other.where()}) ergibt denselben {name.format(key=key)}",
                    ID_HINT,
                )


def _check_ids(
    strategy: Strategy,
    action_fields: list[ActionField],
    measures: list[Measure],
    docs: LoadedDocs,
    report: _Reporter,
) -> None:
    sdoc = docs.strategy
    names = "Datei- und Adressnamen '{key}'"
    listed: tuple[tuple[str, str, Sequence[Partner | Goal | Phase]], ...] = (
        ("Partner", "partners", strategy.partners),
        ("Ziel", "goals", strategy.goals),
        ("Phase", "phases", strategy.phases),
    )
    for what, key, entries in listed:
        _collisions([_IdAt(what, e.id, sdoc, (key, i, "id")) for i, e in enumerate(entries)], report, names)
    fields = [_IdAt("Handlungsfeld", f.id, docs.action_fields.get(f.id), ("id",)) for f in action_fields]
    items = [_IdAt("Maßnahme", m.id, docs.measures.get(m.id), ("id",)) for m in measures]
    _collisions(fields, report, names)
    _collisions(items, report, names)
    # indicator charts and downloads are named '<owner>-<n>' for measures and action fields alike
    _collisions(
        fields + items, report, "Namen '{key}' für Diagrammdateien (assets/charts/ind-…)", across_kinds=True
    )


MONEY_HINT = (
    "Erlaubt sind Beträge und Summen bis 1.000.000.000.000 € (1 Billion); darüber halten die Tabellen (XLSX) "
    "die Summen nicht mehr auf den Cent genau."
)


def _check_money_totals(
    strategy: Strategy, measures: list[Measure], docs: LoadedDocs, report: _Reporter
) -> None:
    """Each kind of amount summed over the strategy stays at most MAX_MONEY, so every total that a table
    shows (per measure, year, category, partner, the strategy) is exact to the cent in an XLSX double."""
    kinds: dict[str, list[tuple[Decimal, YamlDoc | None, Loc]]] = {
        "Kosten": [],
        "Zuwendungen und Drittmittel": [],
        "Ausgaben (Ist)": [],
        "Belege": [],
        "Mittelzuflüsse": [],
        "zugesagten Eigenmittel": [],
    }
    for m in measures:
        doc = docs.measures.get(m.id)
        kinds["Kosten"] += [(c.amount, doc, ("costs", i, "amount")) for i, c in enumerate(m.costs)]
        if m.funding.grant is not None:  # left out: rate × eligible cost, below the cost cap anyway
            kinds["Zuwendungen und Drittmittel"].append((m.funding.grant, doc, ("funding", "grant")))
        kinds["Zuwendungen und Drittmittel"] += [
            (t.amount, doc, ("funding", "third_parties", i, "amount"))
            for i, t in enumerate(m.funding.third_parties)
        ]
        kinds["Ausgaben (Ist)"] += [
            (x.amount, doc, ("spending", i, "amount")) for i, x in enumerate(m.spending)
        ]
        kinds["Belege"] += [(x.amount, doc, ("receipts", i, "amount")) for i, x in enumerate(m.receipts)]
        kinds["Mittelzuflüsse"] += [
            (x.amount, doc, ("payments", i, "amount")) for i, x in enumerate(m.payments)
        ]
    kinds["zugesagten Eigenmittel"] = [
        (p.own_funds, docs.strategy, ("partners", i, "own_funds"))
        for i, p in enumerate(strategy.partners)
        if p.own_funds is not None
    ]
    from .validation import field_name

    for label, amounts in kinds.items():
        totals = running_totals(amount for amount, _, _ in amounts)
        for (_, doc, loc), total in zip(amounts, totals, strict=True):
            if total > MAX_MONEY:
                report.at(
                    doc,
                    loc,
                    f"Feld '{field_name(loc)}': mit diesem Betrag übersteigt die Summe aller {label} der Strategie "
                    f"{MAX_MONEY_TEXT}; gefunden: {fmt.euro(total, True)}",
                    MONEY_HINT,
                )
                break


def check(
    strategy: Strategy,
    action_fields: list[ActionField],
    measures: list[Measure],
    calls: list[Call],
    docs: LoadedDocs,
    diags: Diagnostics,
) -> None:
    report = _Reporter(diags)
    sdoc = docs.strategy
    partner_ids = {p.id for p in strategy.partners}
    goal_ids = {g.id for g in strategy.goals}
    phase_ids = {p.id for p in strategy.phases}
    field_ids = {f.id for f in action_fields}
    measure_ids = {m.id for m in measures}

    _duplicates(
        [(p.id, ("partners", i, "id")) for i, p in enumerate(strategy.partners)], sdoc, "Partner", report
    )
    _duplicates([(g.id, ("goals", i, "id")) for i, g in enumerate(strategy.goals)], sdoc, "Ziel", report)
    _duplicates([(p.id, ("phases", i, "id")) for i, p in enumerate(strategy.phases)], sdoc, "Phase", report)
    _check_ids(strategy, action_fields, measures, docs, report)
    _check_places(strategy, measures, docs, report)
    _check_money_totals(strategy, measures, docs, report)
    for i, phase in enumerate(strategy.phases):
        if phase.end < phase.start:
            report.at(
                sdoc,
                ("phases", i, "end"),
                f"Feld 'phases[{i}].end': Ende {fmt.date(phase.end)} liegt vor dem Beginn {fmt.date(phase.start)}",
            )
    for i, annex in enumerate(strategy.annexes):
        if annex.partner and annex.partner not in partner_ids:
            report.unknown(sdoc, ("annexes", i, "partner"), "r Partner", annex.partner, partner_ids)
    for key in ("applicant", "coordinator"):
        value = getattr(strategy, key)
        if value and value not in partner_ids:
            report.unknown(sdoc, (key,), "r Partner", value, partner_ids)
    for i, partner in enumerate(strategy.partners):
        if partner.budget_emergency and partner.kind not in MUNICIPAL_KINDS:
            report.at(
                sdoc,
                ("partners", i, "budget_emergency"),
                f"Feld 'partners[{i}].budget_emergency': eine Haushaltsnotlage nach Landesrecht gibt es nur "
                f"für Kommunen (Gebietskörperschaften); gefunden: {partner.kind.value}",
                "Entfernen Sie 'budget_emergency' bei diesem Partner.",
            )
    if strategy.call and strategy.call not in {c.id for c in calls}:
        report.unknown(sdoc, ("call",), "r Förderaufruf", strategy.call, [c.id for c in calls])
    for i, sub in enumerate(strategy.submissions):
        if sub.call not in {c.id for c in calls}:
            report.unknown(
                sdoc, ("submissions", i, "call"), "r Förderaufruf", sub.call, [c.id for c in calls]
            )
    _duplicates(
        [(sub.call, ("submissions", i, "call")) for i, sub in enumerate(strategy.submissions)],
        sdoc,
        "Einreichung zum Förderaufruf",
        report,
    )
    if strategy.adopted and strategy.status.value == "Entwurf":
        report.at(sdoc, ("adopted",), "Feld 'adopted': ein Beschlussdatum passt nicht zum Status 'Entwurf'")

    for fld in action_fields:
        fdoc = docs.action_fields.get(fld.id)
        for i, goal in enumerate(fld.goals):
            if goal not in goal_ids:
                report.unknown(fdoc, ("goals", i), "s Ziel", goal, goal_ids)

    criterion_ids = {c.id for call in calls for c in call.criteria}
    for call in calls:
        cdoc = docs.calls.get(call.id)
        own = {c.id for c in call.criteria}
        _duplicates(
            [(c.id, ("criteria", i, "id")) for i, c in enumerate(call.criteria)], cdoc, "Kriterium", report
        )
        for si, section in enumerate(call.sections):
            for ci, crit in enumerate(section.criteria):
                if crit not in own:
                    report.unknown(cdoc, ("sections", si, "criteria", ci), "s Kriterium", crit, own)
        _duplicates(
            [(s.id, ("sections", i, "id")) for i, s in enumerate(call.sections)], cdoc, "Abschnitt", report
        )
        _duplicates(
            [(a.id, ("annexes", i, "id")) for i, a in enumerate(call.annexes)], cdoc, "Anlage", report
        )

    by_id = {m.id: m for m in measures}
    for measure in measures:
        for ci, crit in enumerate(measure.criteria):
            if crit not in criterion_ids:
                report.unknown(
                    docs.measures.get(measure.id), ("criteria", ci), "s Kriterium", crit, criterion_ids
                )
        _check_measure(
            measure,
            docs.measures.get(measure.id),
            report,
            partner_ids,
            goal_ids,
            phase_ids,
            field_ids,
            measure_ids,
        )
    _check_cycles(by_id, docs, report)
    check_indicators(action_fields, measures, docs, report)  # one indicator, one value


def _check_places(strategy: Strategy, measures: list[Measure], docs: LoadedDocs, report: _Reporter) -> None:
    """The place list (unique ids and keys, key length fitting the kind) and every measure's places."""
    sdoc = docs.strategy
    places = strategy.places
    _duplicates([(p.id, ("places", i, "id")) for i, p in enumerate(places)], sdoc, "Ort", report)
    _duplicates(
        [(p.ags, ("places", i, "ags")) for i, p in enumerate(places)], sdoc, "Gemeindeschlüssel", report
    )
    for i, place in enumerate(places):
        if place.id == REGIONWIDE:
            report.at(
                sdoc,
                ("places", i, "id"),
                f"Feld 'places[{i}].id': '{REGIONWIDE}' ist vergeben (für Maßnahmen in der ganzen Region)",
                "Wählen Sie eine andere Kennung, z. B. den Namen des Orts.",
            )
        district = place.kind is PlaceKind.district
        if len(place.ags) != (5 if district else 8):
            expected = "5 Ziffern (Kreisschlüssel)" if district else "8 Ziffern (Gemeindeschlüssel)"
            report.at(
                sdoc,
                ("places", i, "ags"),
                f"Feld 'places[{i}].ags': ein Ort der Art {place.kind.value} hat einen Schlüssel aus "
                f"{expected}; gefunden: {len(place.ags)} Ziffern ('{place.ags}')",
            )
    known = [p.id for p in places]
    for m in measures:
        doc = docs.measures.get(m.id)
        _duplicates([(p, ("places", i)) for i, p in enumerate(m.places)], doc, "Ort", report)
        for i, p in enumerate(m.places):
            if p == REGIONWIDE:
                if len(m.places) > 1:
                    report.at(
                        doc,
                        ("places", i),
                        f"Feld 'places[{i}]': '{REGIONWIDE}' umfasst schon alle Orte; nennen Sie entweder "
                        f"'{REGIONWIDE}' oder einzelne Orte",
                    )
            elif p not in known:
                report.unknown(doc, ("places", i), "r Ort", p, [*known, REGIONWIDE])


def _check_measure(
    m: Measure,
    doc: YamlDoc | None,
    report: _Reporter,
    partner_ids: set[str],
    goal_ids: set[str],
    phase_ids: set[str],
    field_ids: set[str],
    measure_ids: set[str],
) -> None:
    if m.action_field not in field_ids:
        report.unknown(doc, ("action_field",), "s Handlungsfeld", m.action_field, field_ids)
    for i, f in enumerate(m.further_action_fields):
        if f not in field_ids:
            report.unknown(doc, ("further_action_fields", i), "s Handlungsfeld", f, field_ids)
        elif f == m.action_field:
            report.at(
                doc,
                ("further_action_fields", i),
                f"Feld 'further_action_fields[{i}]': '{f}' ist schon das Haupt-Handlungsfeld",
            )
    for i, g in enumerate(m.goals):
        if g not in goal_ids:
            report.unknown(doc, ("goals", i), "s Ziel", g, goal_ids)
    if m.lead not in partner_ids:
        report.unknown(doc, ("lead",), "r Partner", m.lead, partner_ids)
    for i, p in enumerate(m.partners):
        if p not in partner_ids:
            report.unknown(doc, ("partners", i), "r Partner", p, partner_ids)
    if m.phase and m.phase not in phase_ids:
        report.unknown(doc, ("phase",), " Phase", m.phase, phase_ids)
    if m.origin and m.origin.phase and m.origin.phase not in phase_ids:
        report.unknown(doc, ("origin", "phase"), " Phase", m.origin.phase, phase_ids)
    for i, dep in enumerate(m.dependencies):
        if dep == m.id:
            report.at(
                doc,
                ("dependencies", i),
                f"Feld 'dependencies[{i}]': Maßnahme '{m.id}' kann nicht von sich selbst abhängen",
            )
        elif dep not in measure_ids:
            report.unknown(doc, ("dependencies", i), " Maßnahme", dep, measure_ids, exclude=[m.id])

    if m.end < m.start:
        report.at(
            doc, ("end",), f"Feld 'end': Ende {fmt.date(m.end)} liegt vor dem Beginn {fmt.date(m.start)}"
        )
    else:
        for i, ms in enumerate(m.milestones):
            if not m.start <= ms.date <= m.end:
                report.at(
                    doc,
                    ("milestones", i, "date"),
                    f"Feld 'milestones[{i}].date': {fmt.date(ms.date)} liegt außerhalb der Laufzeit "
                    f"{fmt.date(m.start)} bis {fmt.date(m.end)}",
                )
        for i, cost in enumerate(m.costs):
            if not m.start.year <= cost.year <= m.end.year:
                report.at(
                    doc,
                    ("costs", i, "year"),
                    f"Feld 'costs[{i}].year': Kosten im Jahr {cost.year} liegen außerhalb der Laufzeit "
                    f"{m.start.year} bis {m.end.year}",
                )

    members = set(m.all_partners)
    shares = m.funding.own_shares
    for partner in shares:
        if partner not in partner_ids:
            report.unknown(doc, ("funding", "own_shares", partner), "r Partner", partner, partner_ids)
        elif partner not in members:
            report.at(
                doc,
                ("funding", "own_shares", partner),
                f"Feld 'funding.own_shares.{partner}': '{partner}' trägt einen Eigenanteil, ist aber weder "
                "federführend noch beteiligt",
                "Tragen Sie den Partner unter 'partners' ein.",
                key=True,
            )
    share_sum = total_of(shares.values())
    if shares and share_sum != 100:
        report.at(
            doc,
            ("funding", "own_shares"),
            f"Feld 'funding.own_shares': die Eigenanteile ergeben {fmt.percent(share_sum)}; erwartet: 100 %",
            "Verteilen Sie den Eigenanteil so, dass die Prozentwerte zusammen 100 ergeben.",
        )
    if not m.application and not m.application_note:
        report.at(
            doc,
            ("application",),
            "Feld 'application_note': der Grund fehlt, warum die Maßnahme nicht im Antrag steht",
            'Zum Beispiel: application_note: "aus Landesmitteln gefördert"',
        )
    _check_actuals(m, doc, report, partner_ids)


def _check_actuals(m: Measure, doc: YamlDoc | None, report: _Reporter, partner_ids: set[str]) -> None:
    """Receipts and yearly spending tell the same Ist; own-share payments name a partner who bears one."""
    receipts_by_year: dict[int, list[Decimal]] = {}
    for r in m.receipts:
        receipts_by_year.setdefault(r.date.year, []).append(r.amount)
    reported_years: set[int] = set()
    for i, item in enumerate(m.spending):
        if item.year in reported_years or item.year not in receipts_by_year:
            continue
        reported_years.add(item.year)
        spent = total_of(x.amount for x in m.spending if x.year == item.year)
        receipts = total_of(receipts_by_year[item.year])
        if spent != receipts:
            report.at(
                doc,
                ("spending", i, "amount"),
                f"Feld 'spending[{i}].amount': die Ausgaben {item.year} ergeben {fmt.euro(spent, True)}, "
                f"die Belege dieses Jahres (receipts) {fmt.euro(receipts, True)}; erwartet: dieselbe Summe",
                "Hat ein Jahr Belege, ergeben sie die Ausgaben; löschen Sie den Eintrag unter 'spending' "
                "oder ergänzen Sie die fehlenden Belege.",
            )
    for i, pay in enumerate(m.payments):
        kind = pay.kind.value
        if kind == "own_share" and pay.partner is None:
            report.at(
                doc,
                ("payments", i, "kind"),
                f"Feld 'payments[{i}].partner': ein Eigenanteil braucht den Partner, der ihn gezahlt hat; "
                "gefunden: kein Partner",
                "Zum Beispiel: partner: hm",
            )
        elif kind != "own_share" and pay.partner is not None:
            report.at(
                doc,
                ("payments", i, "partner"),
                f"Feld 'payments[{i}].partner': nur ein Eigenanteil (kind: own_share) nennt einen Partner; "
                f"gefunden bei kind: {kind}",
                "Für Drittmittel nennen Sie den Geldgeber unter 'source'.",
            )
        elif pay.partner is not None and pay.partner not in partner_ids:
            report.unknown(doc, ("payments", i, "partner"), "r Partner", pay.partner, partner_ids)
        elif pay.partner is not None and pay.partner not in m.funding.own_shares:
            report.at(
                doc,
                ("payments", i, "partner"),
                f"Feld 'payments[{i}].partner': '{pay.partner}' trägt laut 'funding.own_shares' keinen "
                "Eigenanteil an dieser Maßnahme",
                "Tragen Sie den Partner unter 'funding.own_shares' ein oder korrigieren Sie die Kennung.",
            )


def _check_cycles(measures: dict[str, Measure], docs: LoadedDocs, report: _Reporter) -> None:
    """Find dependency cycles (iteratively: deep chains must not exhaust the stack)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    reported: set[frozenset[str]] = set()
    for start in measures:
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            deps = [d for d in measures[node].dependencies if d in measures and d != node]
            if index < len(deps):
                stack.append((node, index + 1))
                nxt = deps[index]
                if state.get(nxt) == 1:
                    cycle = path[path.index(nxt) :]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        first = min(cycle)
                        doc = docs.measures.get(first)
                        m = measures[first]
                        following = cycle[(cycle.index(first) + 1) % len(cycle)]
                        dep_index = m.dependencies.index(following) if following in m.dependencies else 0
                        ring = cycle[cycle.index(first) :] + cycle[: cycle.index(first)] + [first]
                        report.at(
                            doc,
                            ("dependencies", dep_index),
                            f"Feld 'dependencies[{dep_index}]': zyklische Abhängigkeit {' → '.join(ring)}",
                            "Eine Maßnahme kann nicht (über andere) von sich selbst abhängen.",
                        )
                elif not state.get(nxt):
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
