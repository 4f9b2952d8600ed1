"""The configuration of the browser editor (Decap CMS), generated from rek's own model.

Nothing here is written by hand per field: every field of a measure, an action field and the strategy
becomes an editor field from the model's JSON Schema — its German title as label, its description as
hint, required or optional as the model says, number and date formats, id patterns, choices with
German labels, and references (partner, action field, goal, measure) as relation fields that offer
only what exists. So most errors never get saved; ``rek check`` in the merge request guards the rest.

A few shapes have no editor widget: maps from a name to a number (``own_shares``, a measurement's
``breakdown``). They are listed in :data:`NOT_IN_EDITOR` with the reason and stay as they are in the
file when the editor saves; a test fails when any other model field has no editor field.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .jsonschemas import ecma_pattern
from .layout import ACTION_FIELDS_DIR, ASSETS_DIR, CONTENT_DIR, MEASURES_DIR, STRATEGY_FILE
from .model import (
    COST_CATEGORY_LABELS,
    PRIORITY_LABELS,
    STATUS_LABELS,
    ActionField,
    Measure,
    Strategy,
)

# the version of Decap CMS rek's admin page runs, and the npm integrity of its package (sha512)
DECAP_VERSION = "3.16.3"
DECAP_INTEGRITY = (
    "sha512-hf+dPlCh7TJmWl8+6VRzHYOWhri5xgUknrZbDewaWe4s9B7xJ8PQugp2QHeSldMUKzav6+z0oIpwUYhUJDYtYw=="
)

# fields the editor cannot show (no map widget in Decap): kept in the file as they are
NOT_IN_EDITOR: dict[str, str] = {
    "funding.own_shares": "Zuordnung Partner → Prozent; Decap CMS hat kein Feld für frei benannte Schlüssel",
    "indicators.measurements.breakdown": "Zuordnung Name → Zahl; Decap CMS hat kein Feld für frei benannte Schlüssel",
}

# German labels for fixed values, by the enum's name in the schema
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "Status": {str(k): v for k, v in STATUS_LABELS.items()},
    "Priority": {str(k): v for k, v in PRIORITY_LABELS.items()},
    "CostCategory": {str(k): v for k, v in COST_CATEGORY_LABELS.items()},
}

# identifier fields that point at something else: (collection, file or None, the value path in it)
STRATEGY_REF = ("strategie", "strategie")
REFERENCES: dict[str, tuple[str, str | None, str]] = {
    "action_field": ("handlungsfelder", None, "id"),
    "further_action_fields": ("handlungsfelder", None, "id"),
    "lead": (*STRATEGY_REF, "partners.*.id"),
    "partners": (*STRATEGY_REF, "partners.*.id"),
    "partner": (*STRATEGY_REF, "partners.*.id"),
    "applicant": (*STRATEGY_REF, "partners.*.id"),
    "coordinator": (*STRATEGY_REF, "partners.*.id"),
    "goals": (*STRATEGY_REF, "goals.*.id"),
    "dependencies": ("massnahmen", None, "id"),
}
RELATION_DISPLAY = {"handlungsfelder": ["title"], "massnahmen": ["id", "title"], "partners.*.id": ["partners.*.name"],
                    "goals.*.id": ["goals.*.id", "goals.*.title"]}  # fmt: skip


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The schema behind a $ref (and the name of the definition, for enums)."""
    name = None
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        extra = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**defs[name], **extra}
    return schema, name


def _optional(schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """(the non-null alternative, whether null was allowed)."""
    options = schema.get("anyOf")
    if not options:
        return schema, False
    rest = [o for o in options if o.get("type") != "null"]
    nullable = len(rest) < len(options)
    if len(rest) == 1:
        merged = {**{k: v for k, v in schema.items() if k != "anyOf"}, **rest[0]}
        return merged, nullable
    return schema, nullable


def field(
    name: str, schema: dict[str, Any], defs: dict[str, Any], *, required: bool, path: str
) -> dict[str, Any] | None:
    """One editor field for one schema property (None: no widget for this shape, see NOT_IN_EDITOR)."""
    title = schema.get("title")
    hint = schema.get("description")
    schema, nullable = _optional(schema)
    schema, ref_name = _resolve(schema, defs)
    title = title or schema.get("title") or name
    hint = hint or (schema.get("description") if ref_name is None or "enum" in schema else None)
    out: dict[str, Any] = {"name": name, "label": _label(title, name)}
    if hint:
        out["hint"] = hint
    if not required or nullable:
        out["required"] = False
    kind = schema.get("type")

    if name in REFERENCES and (
        kind == "string" or (kind == "array" and schema.get("items", {}).get("type") == "string")
    ):
        collection, file, value = REFERENCES[name]
        out |= {"widget": "relation", "collection": collection, "value_field": value,
                "search_fields": [value],
                "display_fields": RELATION_DISPLAY[value if file else collection]}  # fmt: skip
        if file:
            out["file"] = file
        if kind == "array":
            out["multiple"] = True
            out["required"] = False
        return out
    if "enum" in schema:
        labels = CHOICE_LABELS.get(ref_name or "", {})
        out |= {
            "widget": "select",
            "options": [{"label": labels.get(v, v), "value": v} for v in schema["enum"]],
        }
        return out
    placeholder = [o for o in schema.get("anyOf", ()) if str(o.get("pattern", "")).endswith("itte ergänzen")]
    if placeholder and len(schema["anyOf"]) == 2:  # a number or date, or 'bitte ergänzen' until it is known
        typed = next(o for o in schema["anyOf"] if o not in placeholder)
        schema = {**{k: v for k, v in schema.items() if k != "anyOf"}, **typed}
        kind = schema.get("type")
    if "anyOf" in schema:  # a date or a year
        formats = {o.get("format") or o.get("type") for o in schema["anyOf"]}
        if formats == {"date", "integer"}:
            out |= {
                "widget": "string",
                "pattern": [r"^\d{4}(-\d{2}-\d{2})?$", "JJJJ-MM-TT oder nur das Jahr (JJJJ)"],
            }
            return out
        raise ValueError(f"{path}: no editor field for {schema['anyOf']}")
    if kind == "string":
        if schema.get("format") == "date":
            out |= {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "DD.MM.YYYY", "time_format": False,
                    "picker_utc": True}  # fmt: skip
        elif "Markdown" in (hint or ""):
            out |= {"widget": "markdown", "buttons": ["bold", "italic", "link", "heading-three", "bulleted-list", "numbered-list"],
                    "editor_components": [], "modes": ["raw", "rich_text"]}  # fmt: skip
        elif schema.get("maxLength", 0) > 300:
            out["widget"] = "text"
        else:
            out["widget"] = "string"
        if "pattern" in schema:
            out["pattern"] = [ecma_pattern(schema["pattern"]), _pattern_message(schema)]
        return out
    if kind in ("integer", "number"):
        out |= {"widget": "number", "value_type": "int" if kind == "integer" else "float"}
        for key, target in (("minimum", "min"), ("maximum", "max")):
            if key in schema:
                out[target] = schema[key]
        return out
    if kind == "boolean":
        out |= {"widget": "boolean", "default": bool(schema.get("default", False))}
        return out
    if kind == "object" and "properties" in schema:
        inner = fields_of(schema, defs, path)
        if out.get("required") is False:
            # Decap checks required fields of an object even when the whole object is left out; an
            # optional object's own fields are therefore optional here (rek check still wants them)
            for item in inner:
                item["required"] = False
        out |= {"widget": "object", "collapsed": True, "fields": inner}
        return out
    if kind == "object":  # a map from free names to values: no widget
        return None
    if kind == "array":
        items, _ = _resolve(schema.get("items", {}), defs)
        out["widget"] = "list"
        if out.get("label") in SINGULAR:  # "Messwert hinzufügen", "1 Messwert" (Decap writes them lower case)
            out["label_singular"] = SINGULAR[out["label"]]
        if "properties" in items:
            inner_fields = fields_of(items, defs, path)
            # records with long text start folded; small ones (costs, indicators, values) stay open
            long_text = any(f.get("widget") in ("markdown", "text") for f in inner_fields)
            out |= {"fields": inner_fields, "collapsed": long_text}
            summary = next(
                (k for k in ("title", "name", "date", "year", "id") if k in items["properties"]), None
            )
            if summary:
                out["summary"] = "{{fields." + summary + "}}"
        else:
            single = field("eintrag", items, defs, required=True, path=path)
            if single is None:
                return None
            single.pop("required", None)
            out["field"] = single
        if not required:
            out["required"] = False
        return out
    raise ValueError(f"{path}: no editor field for type {kind!r}")


# one item of a list, for the editor's add button and count
SINGULAR = {
    "Andere Schreibweisen": "Schreibweise",
    "Anlagen": "Anlage",
    "Anschrift": "Zeile",
    "Ausgaben (Ist)": "Ausgabe",
    "Begriffe": "Begriff",
    "Belege": "Beleg",
    "Bewertungskriterien": "Bewertungskriterium",
    "Drittmittel": "Geldgeber",
    "Einreichung je Förderaufruf": "Einreichung",
    "Folgekosten": "Folgekostenposition",
    "Indikatoren": "Indikator",
    "Kosten": "Kostenposition",
    "Meilensteine": "Meilenstein",
    "Messwerte": "Messwert",
    "Mittelzuflüsse (Ist)": "Mittelzufluss",
    "Nicht barrierefreie Inhalte": "Inhalt",
    "OZG-Leistungen": "OZG-Leistung",
    "Orte": "Ort",
    "Phasen": "Phase",
    "Quellen": "Quelle",
    "Risiken": "Risiko",
    "Sachstand": "Eintrag",
    "Smart City Charta": "Leitlinie",
    "Stellen und Funktionen": "Stelle",
    "Strategische Ziele": "Ziel",
    "Zielgruppen": "Zielgruppe",
}


# German labels for fields whose model gives no title (pydantic then makes one from the English name)
GERMAN_NAMES: dict[str, str] = {
    "id": "Kennung", "date": "Datum", "title": "Titel", "done": "Erledigt", "note": "Anmerkung",
    "name": "Name", "url": "Adresse (URL)", "sources": "Quellen", "source": "Quelle", "year": "Jahr",
    "eintrag": "Eintrag", "kind": "Art", "role": "Rolle", "description": "Beschreibung", "text": "Text",
    "amount": "Betrag (Euro)", "status": "Status", "partner": "Partner", "file": "Datei", "phase": "Phase",
    "email": "E-Mail", "phone": "Telefon", "address": "Anschrift", "office": "Dienststelle",
    "start": "Beginn", "end": "Ende", "summary": "Kurzfassung", "value": "Wert", "unit": "Einheit",
    "example": "Beispielangabe", "goals": "Strategische Ziele", "icon": "Symbol", "indicators": "Indikatoren",
    "partners": "Partner", "phases": "Phasen", "population": "Einwohnerzahl", "region": "Region",
    "version": "Version", "evaluation": "Evaluation",
}  # fmt: skip


def _label(title: str, name: str) -> str:
    """The model's German title; where the model has none, the German word for the field."""
    if title == name.replace("_", " ").title() or title == name:
        german = GERMAN_NAMES.get(name)
        if german is None:
            raise ValueError(f"field '{name}' has no German title: add one in the model or in GERMAN_NAMES")
        return german
    return title


def _pattern_message(schema: dict[str, Any]) -> str:
    if "Kennung" in (schema.get("description") or ""):
        return "Kennung: Buchstaben, Ziffern, '-' und '_', ohne Leerzeichen"
    return "Format wie im Hinweis"


def fields_of(schema: dict[str, Any], defs: dict[str, Any], path: str = "") -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema.get("properties", {}).items():
        where = f"{path}.{name}" if path else name
        made = field(name, prop, defs, required=name in required, path=where)
        if made is None:
            if where not in NOT_IN_EDITOR:
                raise ValueError(f"{where}: no editor field and no reason in NOT_IN_EDITOR")
            continue
        out.append(made)
    return out


def model_fields(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    return fields_of(schema, schema.get("$defs", {}))


def config(
    *,
    backend: dict[str, Any],
    site_url: str | None = None,
    local: int | None = None,
    title: str = "Strategie",
) -> dict[str, Any]:
    """The whole editor configuration (a dict to write as config.yml)."""
    page_fields = [
        {"name": "title", "label": "Titel", "widget": "string", "required": False,
         "hint": "Überschrift der Seite (sonst die erste Überschrift im Text)"},
        {"name": "description", "label": "Beschreibung", "widget": "string", "required": False,
         "hint": "Ein Satz für Suchmaschinen und Vorschauen"},
        {"name": "body", "label": "Text", "widget": "markdown", "modes": ["raw", "rich_text"], "editor_components": []},
    ]  # fmt: skip
    result: dict[str, Any] = {
        "locale": "de",
        "backend": backend,
        "publish_mode": "editorial_workflow",
        "media_folder": ASSETS_DIR,
        "public_folder": f"/{ASSETS_DIR}",
        "site_url": site_url,
        "display_url": site_url,
        "logo_url": None,
        "collections": [
            {
                "name": "massnahmen",
                "label": "Maßnahmen",
                "label_singular": "Maßnahme",
                "description": f"Die Maßnahmensteckbriefe von „{title}“: eine Datei je Maßnahme.",
                "folder": str(MEASURES_DIR),
                "extension": "yaml",
                "format": "yaml",
                "create": True,
                "delete": False,  # other files refer to a measure: removing one is a change in git
                "identifier_field": "id",
                "slug": "{{fields.id}}",
                "summary": "{{id}} – {{title}}",
                "sortable_fields": ["id", "title", "status"],
                "editor": {"preview": False},
                "fields": model_fields(Measure),
            },
            {
                "name": "handlungsfelder",
                "label": "Handlungsfelder",
                "label_singular": "Handlungsfeld",
                "folder": str(ACTION_FIELDS_DIR),
                "extension": "yaml",
                "format": "yaml",
                "create": True,
                "delete": False,
                "identifier_field": "id",
                "slug": "{{fields.id}}",
                "summary": "{{title}}",
                "editor": {"preview": False},
                "fields": model_fields(ActionField),
            },
            {
                "name": "strategie",
                "label": "Strategie",
                "editor": {"preview": False},
                "files": [
                    {
                        "name": "strategie",
                        "label": "Strategie, Partner, Ziele und rechtliche Angaben",
                        "file": str(STRATEGY_FILE),
                        "format": "yaml",
                        "fields": model_fields(Strategy),
                    },
                ],
            },
            {
                "name": "seiten",
                "label": "Seiten",
                "label_singular": "Seite",
                "folder": str(CONTENT_DIR),
                "extension": "md",
                "format": "frontmatter",
                "create": True,
                "slug": "{{slug}}",
                "identifier_field": "title",
                "fields": page_fields,
            },
        ],  # fmt: skip
    }
    if local is not None:  # the port of decap-server on this machine
        result["local_backend"] = {"url": f"http://127.0.0.1:{local}/api/v1"}
    return {k: v for k, v in result.items() if v is not None}


def fields_by_path(fields: list[dict[str, Any]], prefix: str = "") -> set[str]:
    """Every field path of an editor configuration ('funding.grant', 'costs.amount' …)."""
    found: set[str] = set()
    for item in fields:
        path = f"{prefix}.{item['name']}" if prefix else item["name"]
        found.add(path)
        found |= fields_by_path(item.get("fields", []), path)
    return found
