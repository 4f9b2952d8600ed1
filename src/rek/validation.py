"""Turning a YAML document into a model, with every schema error told in German at its place."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from . import suggest
from .diagnostics import Diagnostics
from .model import COST_CATEGORY_LABELS, PRIORITY_LABELS, STATUS_LABELS
from .yamlsource import Loc, YamlDoc

# German words for the fixed English values, so that 'geplant' suggests 'planned'
VALUE_LABELS = {
    str(key.value): label
    for table in (STATUS_LABELS, PRIORITY_LABELS, COST_CATEGORY_LABELS)
    for key, label in table.items()
}

M = TypeVar("M", bound=BaseModel)


def plural(count: int, one: str, many: str) -> str:
    """'1 Eintrag', '2 Einträge': a count with the German word in the right number."""
    return f"{count} {one if count == 1 else many}"


def describe(value: Any) -> str:
    """A short German description of a found value, for 'gefunden: …' (never a Python repr or type)."""
    if value is None:
        return "nichts (leer)"
    if isinstance(value, bool):
        return f"Wahrheitswert {'true' if value else 'false'}"
    if isinstance(value, int | float | Decimal):
        return f"Zahl {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "…"
        return f"Text '{shown}'"
    if isinstance(value, dt.datetime):
        return f"Datum und Uhrzeit {value.strftime('%d.%m.%Y %H:%M')}"
    if isinstance(value, dt.date):
        return f"Datum {value.strftime('%d.%m.%Y')}"
    if isinstance(value, dict):
        return "eine Zuordnung (Schlüssel: Wert)"
    if isinstance(value, list | tuple):
        return f"eine Liste mit {plural(len(value), 'Eintrag', 'Einträgen')}"
    return "einen Wert, den rek hier nicht lesen kann"


_GERMAN_NUMBER = re.compile(r"-?(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+)")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def number_hint(value: Any) -> str | None:
    """For a number written as text: the exact number to write instead ('12.500,50' -> '12500.50')."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _GERMAN_NUMBER.fullmatch(text):
        number = text.replace(".", "").replace(",", ".")
        return (
            f"Meinten Sie {number}? Schreiben Sie Zahlen ohne Tausenderpunkte und mit Punkt statt Komma "
            "vor den Nachkommastellen, ohne Anführungszeichen."
        )
    if _PLAIN_NUMBER.fullmatch(text):
        return f"Meinten Sie {text}? Schreiben Sie Zahlen ohne Anführungszeichen."
    return None


_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def date_hint(value: Any) -> str | None:
    """For a German date written as text: the same day as YAML reads it ('30.11.2026' -> 2026-11-30)."""
    match = _GERMAN_DATE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        iso = dt.date(year, month, day).isoformat()
    except ValueError:
        return None
    return f"Meinten Sie {iso}? Schreiben Sie Daten als JJJJ-MM-TT, ohne Anführungszeichen."


def field_name(loc: Loc) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(Datei)"


# fields of older rek versions that moved elsewhere: (model, path) -> (message, hint)
MOVED: dict[tuple[Any, ...], tuple[str, str]] = {
    ("Strategy", "applicant_details"): (
        "Feld 'applicant_details' gibt es nicht mehr: Regionalschlüssel, gesetzliche Vertretung und "
        "Ansprechstelle gehören jetzt zum Partner, der den Antrag stellt (partners[…].legal), damit das "
        "Deckblatt nie die Angaben eines anderen Partners nennt",
        "Verschieben Sie den Block als 'legal:' unter den Partner, den 'applicant' nennt (gleiche Felder: "
        "regional_key, representative, contact, deputy, example, sources; neu: address).",
    ),
}


def _allowed(ctx: dict[str, Any] | None) -> str:
    return (ctx or {}).get("expected", "").replace("' or '", "', '")


def _message(err: ErrorDetails, model: type[BaseModel], loc: Loc) -> tuple[str, str | None]:
    kind = err["type"]
    found = describe(err.get("input"))
    ctx = err.get("ctx") or {}
    hint = None
    if kind == "missing":
        return f"Pflichtfeld '{loc[-1]}' fehlt", None
    if kind == "extra_forbidden":
        key = str(loc[-1])
        moved = MOVED.get((model.__name__, *loc))
        if moved is not None:
            return moved
        known = _known_fields(model, loc[:-1])
        close = suggest.plausible(key, known, cutoff=0.6)
        if close:
            hint = f"Meinten Sie '{close}'?"
        elif known:
            hint = "Erlaubte Felder: " + ", ".join(sorted(known))
        parent = f" in '{field_name(loc[:-1])}'" if len(loc) > 1 else ""
        return f"Unbekanntes Feld '{key}'{parent}", hint
    if kind == "enum" or kind == "literal_error":
        allowed = _allowed(ctx)
        options = [o.strip(" '") for o in allowed.split(",")]
        value = err.get("input")
        if isinstance(value, str):
            close = suggest.plausible(value, options, labels=VALUE_LABELS)
            hint = f"Meinten Sie '{close}'?" if close else None
        return f"erwartet: einer der Werte {allowed}; gefunden: {found}", hint
    if kind.startswith("rek_"):
        if kind in ("rek_number", "rek_days"):
            hint = number_hint(err.get("input"))
        elif kind.startswith("rek_date"):
            hint = date_hint(err.get("input"))
        return f"erwartet: {err['msg']}; gefunden: {found}", hint
    expected = {
        "string_type": "Text",
        "int_type": "eine ganze Zahl",
        "int_parsing": "eine ganze Zahl",
        "int_from_float": "eine ganze Zahl",
        "bool_type": "true oder false",
        "bool_parsing": "true oder false",
        "dict_type": "eine Zuordnung (Schlüssel: Wert)",
        "model_type": "eine Zuordnung (Schlüssel: Wert)",
        "model_attributes_type": "eine Zuordnung (Schlüssel: Wert)",
        "list_type": "eine Liste (Einträge mit '- ')",
        "finite_number": "eine endliche Zahl",
        "float_type": "eine Zahl",
        "float_parsing": "eine Zahl",
        "decimal_type": "eine Zahl",
        "decimal_parsing": "eine Zahl",
        "int_parsing_size": "eine kleinere ganze Zahl",
        "date_type": "ein Datum im Format JJJJ-MM-TT",
        "date_parsing": "ein Datum im Format JJJJ-MM-TT",
        "date_from_datetime_parsing": "ein Datum im Format JJJJ-MM-TT",
        "date_from_datetime_inexact": "ein Datum ohne Uhrzeit (JJJJ-MM-TT)",
        "string_unicode": "Text",
        "tuple_type": "eine Liste (Einträge mit '- ')",
        "set_type": "eine Liste (Einträge mit '- ')",
        "union_tag_invalid": "einen der erlaubten Werte",
    }.get(kind)
    if expected:
        return f"erwartet: {expected}; gefunden: {found}", None
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern", "").startswith("^[A-Za-z0-9][A-Za-z0-9_-]"):
            return (
                "erwartet: eine Kennung aus Buchstaben, Ziffern, '-' und '_' (ohne Leerzeichen, '/' "
                f"oder '..', höchstens 64 Zeichen); gefunden: {found}",
                None,
            )
        if "https?" in ctx.get("pattern", ""):
            return f"erwartet: eine Adresse, die mit http:// oder https:// beginnt; gefunden: {found}", None
        return f"erwartet: Text im Muster {ctx.get('pattern')}; gefunden: {found}", None
    if kind == "string_too_short":
        return f"darf nicht leer sein; gefunden: {found}", None
    if kind == "string_too_long":
        length = len(err["input"]) if isinstance(err.get("input"), str) else "?"
        return (
            f"Text zu lang: erlaubt sind höchstens {ctx.get('max_length')} Zeichen, gefunden: {length} Zeichen",
            None,
        )
    if kind == "too_short":
        least = int(ctx.get("min_length") or 0)
        return (
            f"erwartet: mindestens {plural(least, 'Eintrag', 'Einträge')}; "
            f"gefunden: {plural(int(ctx.get('actual_length') or 0), 'Eintrag', 'Einträge')}",
            None,
        )
    if kind == "too_long":
        most = int(ctx.get("max_length") or 0)
        return (
            f"erwartet: höchstens {plural(most, 'Eintrag', 'Einträge')}; "
            f"gefunden: {plural(int(ctx.get('actual_length') or 0), 'Eintrag', 'Einträge')}",
            None,
        )
    bounds = {
        "greater_than_equal": ("mindestens", "ge"),
        "greater_than": ("größer als", "gt"),
        "less_than_equal": ("höchstens", "le"),
        "less_than": ("kleiner als", "lt"),
    }
    if kind in bounds:
        word, key = bounds[kind]
        return f"erwartet: einen Wert {word} {ctx.get(key)}; gefunden: {found}", None
    # a kind this table does not know yet: a German sentence, never pydantic's English text
    return f"erwartet: einen anderen Wert an dieser Stelle; gefunden: {found}", None


def _known_fields(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names of the (sub)model at loc, to suggest the right key."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        current = _inner_model(fields[part].annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def validate_doc(doc: YamlDoc, model: type[M], diags: Diagnostics) -> M | None:
    """Validate a document against a model; add one diagnostic per problem."""
    if not isinstance(doc.data, dict):
        line, col = doc.position(())
        diags.add(
            doc.display,
            line,
            col,
            f"erwartet: eine Zuordnung (Schlüssel: Wert) auf oberster Ebene; gefunden: {describe(doc.data)}",
        )
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc: Loc = tuple(err["loc"])
            if err["type"] == "extra_forbidden":
                line, col = doc.position(loc, key=True)
            elif err["type"] == "missing":
                line, col = doc.position(loc[:-1])
            else:
                line, col = doc.position(loc)
            message, hint = _message(err, model, loc)
            if err["type"] == "missing":
                message = f"Pflichtfeld '{field_name(loc)}' fehlt"
            elif err["type"] == "extra_forbidden":
                pass
            else:
                message = f"Feld '{field_name(loc)}': {message}"
            diags.add(doc.display, line, col, message, hint=hint)
        return None
