"""A Frictionless Data Package (datapackage.json) that describes every download of the site.

Tables get a Table Schema (field names, types, descriptions); the other files (JSON, XLSX, JSON Schemas,
the application documents) are listed with format and media type. Validated in the tests with the
``frictionless`` library.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..plan import Plan
from ..progresssheet import PROGRESS_TEMPLATE

_TABLES: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "massnahmen.csv": (
        "Eine Zeile je Maßnahme mit Summen",
        [
            ("id", "string", "Kennung der Maßnahme"),
            ("titel", "string", "Titel"),
            ("handlungsfeld", "string", "Haupt-Handlungsfeld (Kennung)"),
            ("weitere_handlungsfelder", "string", "Weitere Handlungsfelder, durch Leerzeichen getrennt"),
            ("federfuehrung", "string", "Federführender Partner (Kennung)"),
            ("partner", "string", "Beteiligte Partner, durch Leerzeichen getrennt"),
            ("status", "string", "idea, planned, in_progress, done oder paused"),
            ("prioritaet", "string", "high, medium oder low"),
            ("beginn", "date", "Beginn"),
            ("ende", "date", "Ende"),
            ("kosten_eur", "number", "Gesamtkosten in Euro"),
            ("foerderfaehig_eur", "number", "Förderfähige Kosten in Euro"),
            ("zuwendung_eur", "number", "Zuwendung in Euro"),
            ("drittmittel_eur", "number", "Drittmittel in Euro"),
            ("eigenanteil_eur", "number", "Eigenanteil in Euro"),
            ("im_antrag", "boolean", "Teil des Förderantrags"),
            ("foerderphase", "string", "Förderphase des Aufrufs"),
            ("beispielwerte", "boolean", "Zahlen sind Beispielwerte"),
            (
                "orte_ags",
                "string",
                "Orte: Kreis- oder Gemeindeschlüssel, durch Leerzeichen getrennt, oder 'regionweit'",
            ),
            (
                "stand",
                "string",
                "Stand auf einen Blick: im Plan, gefährdet, verzögert, abgeschlossen, nicht begonnen",
            ),
        ],
    ),
    "orte.csv": (
        "Orte der Region mit amtlichem Schlüssel und den Maßnahmen, die sie betreffen",
        [
            ("id", "string", "Kennung des Orts"),
            ("name", "string", "Name"),
            ("art", "string", "Landkreis, Stadt, Gemeinde, Samtgemeinde oder Flecken"),
            ("ags", "string", "Kreisschlüssel (5 Ziffern) oder Amtlicher Gemeindeschlüssel (8 Ziffern)"),
            ("kreisschluessel", "string", "Kreisschlüssel des Landkreises, in dem der Ort liegt"),
            (
                "massnahmen",
                "string",
                "Kennungen der Maßnahmen, die den Ort betreffen, durch Leerzeichen getrennt",
            ),
        ],
    ),
    "kosten.csv": (
        "Eine Zeile je Kostenposition",
        [
            ("massnahme", "string", "Kennung der Maßnahme"),
            ("jahr", "integer", "Jahr"),
            ("kostenart", "string", "Kostenart"),
            ("betrag_eur", "number", "Betrag in Euro"),
            ("foerderfaehig", "boolean", "Förderfähig"),
        ],
    ),
    "indikatoren.csv": (
        "Messwerte der Indikatoren, eine Zeile je Messwert (und je Teilwert einer Aufschlüsselung)",
        [
            (
                "indikator",
                "string",
                "Kennung des Indikators: Handlungsfeld oder Maßnahme und laufende Nummer",
            ),
            ("ebene", "string", "handlungsfeld oder massnahme"),
            ("zugehoerig", "string", "Kennung des Handlungsfelds oder der Maßnahme"),
            ("name", "string", "Name des Indikators"),
            ("einheit", "string", "Einheit"),
            ("jahr", "integer", "Jahr des Messwerts"),
            ("datum", "date", "Tag des Messwerts (leer: Jahreswert)"),
            ("aufschluesselung", "string", "Teilgruppe (leer: Gesamtwert)"),
            ("wert", "number", "Wert"),
            ("vorlaeufig", "boolean", "Wert ist vorläufig"),
            ("quelle", "string", "Quelle des Werts"),
            ("beispielwert", "boolean", "Wert ist ein Beispiel, keine Quelle"),
        ],
    ),
    "sachstand.csv": (
        "Sachstand der Maßnahmen, eine Zeile je Eintrag",
        [
            ("massnahme", "string", "Kennung der Maßnahme"),
            ("datum", "date", "Datum"),
            ("status", "string", "Status zu diesem Datum"),
            ("text", "string", "Sachstand"),
            ("beispieleintrag", "boolean", "Eintrag ist ein Beispiel"),
        ],
    ),
    "ausgaben.csv": (
        "Geplante Kosten (Soll) und tatsächliche Ausgaben (Ist) je Maßnahme und Jahr",
        [
            ("massnahme", "string", "Kennung der Maßnahme"),
            ("jahr", "integer", "Jahr"),
            ("geplant_eur", "number", "Geplante Kosten in Euro"),
            ("ausgegeben_eur", "number", "Gemeldete Ausgaben in Euro (leer: nicht gemeldet)"),
            ("differenz_eur", "number", "Ausgaben minus geplante Kosten in Euro"),
        ],
    ),
}

_FILES = [
    ("massnahmen.json", "Alle Maßnahmen mit allen Feldern", "json", "application/json"),
    (
        "strategie.xlsx",
        "Maßnahmen, Kosten und Finanzierung",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        PROGRESS_TEMPLATE,
        "Vorlage für Fortschrittsmeldungen (Messwerte, Ausgaben, Sachstand) zum Einlesen mit rek import",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("measure.schema.json", "JSON Schema eines Maßnahmensteckbriefs", "json", "application/schema+json"),
    ("strategy.schema.json", "JSON Schema der Strategie", "json", "application/schema+json"),
    ("action-field.schema.json", "JSON Schema eines Handlungsfelds", "json", "application/schema+json"),
    ("call.schema.json", "JSON Schema eines Förderaufrufs", "json", "application/schema+json"),
]

_MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _name(path: str) -> str:
    """A resource name: lower case letters, digits, '-', '_' and '.'."""
    return re.sub(r"[^a-z0-9._-]+", "-", path.lower())


def datapackage(plan: Plan, application_files: list[dict[str, str]]) -> str:
    s = plan.project.strategy
    resources: list[dict[str, Any]] = []
    for path, (title, fields) in _TABLES.items():
        resources.append(
            {
                "name": _name(path),
                "path": path,
                "title": title,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": n, "type": t, "description": d}
                        | ({"format": "%Y-%m-%d"} if t == "date" else {})
                        | ({"trueValues": ["True"], "falseValues": ["False"]} if t == "boolean" else {})
                        for n, t, d in fields
                    ],
                    "missingValues": [""],
                },
            }
        )
    for path, title, fmt, media in _FILES:
        resource = {"name": _name(path), "path": path, "title": title, "format": fmt, "mediatype": media}
        if path.endswith(".schema.json") or path == PROGRESS_TEMPLATE:
            resource["type"] = "file"  # a JSON Schema, a form with a help sheet: checked as files
        resources.append(resource)
    for item in application_files:
        ext = item["name"].rsplit(".", 1)[-1].lower()
        resources.append(
            {
                "name": _name(item["name"]),
                "path": item["name"],
                "title": item["label"],
                "format": ext,
                "mediatype": _MEDIA.get(ext, "application/octet-stream"),
                "type": "file",  # documents and the formatted cost plan form, not tidy tables
            }
        )
    package: dict[str, Any] = {
        "profile": "data-package",
        "name": _name(s.short_title)[:100].strip("-._") or "strategie",
        "title": s.title,
        "version": s.version,
        "resources": resources,
    }
    if s.legal is not None:
        lic = s.legal.licence
        package["licenses"] = [{"name": _name(lic.name), "path": lic.url, "title": lic.title}]
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"
