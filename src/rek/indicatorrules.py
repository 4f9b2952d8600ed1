"""One indicator, one value: indicators that share an ``id`` are one indicator, defined alike, and a
date has one value (also within one indicator's own measurements). Errors name both places."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import formatting as fmt
from .model import ActionField, Indicator, Measure, Measurement
from .yamlsource import Loc, YamlDoc

if TYPE_CHECKING:
    from .crossref import _Reporter
    from .project import LoadedDocs

# the fields that define an indicator: two places with one id must agree on them
DEFINITION = (
    ("name", "Name"),
    ("unit", "Einheit"),
    ("baseline", "Ausgangswert"),
    ("baseline_year", "Jahr des Ausgangswerts"),
    ("target", "Zielwert"),
    ("target_year", "Zieljahr"),
)


@dataclass(frozen=True)
class _Place:
    doc: YamlDoc | None
    index: int
    indicator: Indicator

    def loc(self, *rest: Any) -> Loc:
        return ("indicators", self.index, *rest)

    def where(self, *rest: Any) -> str:
        if self.doc is None:
            return "?"
        line, _col = self.doc.position(self.loc(*rest))
        return f"{self.doc.display}:{line}"


def _shown(key: str, value: Any) -> str:
    if value is None:
        return "keiner Angabe"
    if isinstance(value, str):
        return f"„{value}“"
    return str(value) if key.endswith("year") else fmt.plain(value)


def _when(x: Measurement) -> str:
    return f"für {x.date}" if isinstance(x.date, int) else f"am {fmt.date(x.date)}"


def check_indicators(
    action_fields: list[ActionField], measures: list[Measure], docs: LoadedDocs, report: _Reporter
) -> None:
    places: dict[str, list[_Place]] = {}
    owners: list[tuple[YamlDoc | None, list[Indicator]]] = [
        *((docs.action_fields.get(f.id), f.indicators) for f in action_fields),
        *((docs.measures.get(m.id), m.indicators) for m in measures),
    ]
    for doc, indicators in owners:
        for i, ind in enumerate(indicators):
            place = _Place(doc, i, ind)
            if ind.id is None:
                _same_values(f"„{ind.name}“", [place], report)
            else:
                places.setdefault(ind.id, []).append(place)
    for ident, group in places.items():
        first = group[0]
        for other in group[1:]:
            _same_definition(ident, first, other, report)
        _same_values(f"'{ident}'", group, report)


def _same_definition(ident: str, first: _Place, other: _Place, report: _Reporter) -> None:
    for key, label in DEFINITION:
        a, b = getattr(first.indicator, key), getattr(other.indicator, key)
        if a != b:
            report.at(
                other.doc,
                other.loc(key) if b is not None else other.loc("id"),
                f"Feld 'indicators[{other.index}].{key}': Indikator '{ident}' ist schon in {first.where(key)} "
                f"festgelegt, dort mit {label} {_shown(key, a)}, hier {_shown(key, b)}",
                "Derselbe Indikator wird einmal festgelegt: übernehmen Sie die Angaben oder geben Sie ihm "
                "eine eigene Kennung.",
            )


def _same_values(name: str, group: list[_Place], report: _Reporter) -> None:
    """One value per date, in one place and across every place of a shared indicator: an error at each
    value that another value for the same date contradicts, naming the other's place."""
    by_date: dict[Any, list[tuple[_Place, int, Measurement]]] = {}
    for place in group:
        for j, x in enumerate(place.indicator.measurements):
            by_date.setdefault(x.date, []).append((place, j, x))
    for items in by_date.values():
        for place, j, x in items:
            other = next(((o, k, y) for o, k, y in items if y.value != x.value), None)
            if other is None:
                continue
            o, k, y = other
            report.at(
                place.doc,
                place.loc("measurements", j, "value"),
                f"Feld 'indicators[{place.index}].measurements[{j}].value': Indikator {name} hat "
                f"{_when(x)} zwei Werte: {fmt.plain(x.value)} hier, {fmt.plain(y.value)} in "
                f"{o.where('measurements', k, 'value')}",
                "Ein Indikator hat je Datum einen Wert, auf jeder Seite derselbe: streichen oder gleichen Sie "
                "einen der Messwerte an.",
            )
