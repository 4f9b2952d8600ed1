"""Scaffolding: new measure files (with the next free id) and the JSON Schemas for editors."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from .call import Call
from .diagnostics import RekError
from .model import ActionField, Measure, Strategy

SCHEMAS = {
    "strategy": Strategy,
    "action-field": ActionField,
    "measure": Measure,
    "call": Call,
}


def schema_json(kind: str) -> str:
    model = SCHEMAS[kind]
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{kind}.schema.json"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in SCHEMAS:
        path = folder / f"{kind}.schema.json"
        text = schema_json(kind)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def next_measure_id(existing: list[str]) -> str:
    numbered = [re.fullmatch(r"([A-Za-z_-]*?)(\d+)", i) for i in existing]
    matches = [m for m in numbered if m]
    if not matches:
        return "M01"
    prefix = Counter(m.group(1) for m in matches).most_common(1)[0][0]
    same = [m for m in matches if m.group(1) == prefix]
    width = max(len(m.group(2)) for m in same)
    taken = set(existing)
    number = max(int(m.group(2)) for m in same) + 1
    while f"{prefix}{number:0{width}d}" in taken:  # pragma: no cover - defensive
        number += 1
    return f"{prefix}{number:0{width}d}"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def measure_yaml(
    measure_id: str, title: str, action_field: str, lead: str, today: dt.date, phase: Any = None
) -> str:
    start = dt.date(today.year + 1, 1, 1)
    end = dt.date(today.year + 2, 12, 31)
    if phase is not None:  # inside the phase, so the new measure passes the call's checks at once
        start, end = phase.start, phase.end
    phase_line = f"phase: {phase.id}\n" if phase is not None else ""
    return f"""# yaml-language-server: $schema=../schemas/measure.schema.json
id: {measure_id}
title: {_q(title)}
summary: {_q("Kurzbeschreibung in ein bis zwei Sätzen.")}
description: |
  Was die Maßnahme erreichen will, wie sie umgesetzt wird und wer davon profitiert.
action_field: {action_field}
further_action_fields: []
goals: []
lead: {lead}
partners: []
target_groups: []
status: idea
priority: medium
{phase_line}start: {start.isoformat()}
end: {end.isoformat()}
milestones: []
costs: []
funding:
  grant: 0
  own_shares: {{}}
indicators: []
dependencies: []
"""


def _refuse_invalid(text: str, path: Path) -> None:
    """The new file must pass the same checks as any measure file (e.g. no HTML in the title)."""
    from .diagnostics import Diagnostics
    from .textrules import check_text
    from .validation import validate_doc
    from .yamlsource import parse_yaml_bytes

    diags = Diagnostics()
    display = f"measures/{path.name}"
    doc = parse_yaml_bytes(text.encode("utf-8"), path, display, diags)
    if doc is not None:
        check_text(doc, diags, Measure)
        validate_doc(doc, Measure, diags)
    if diags:
        raise RekError(
            "Die neue Maßnahme wäre ungültig und wurde nicht angelegt:\n"
            + "\n".join(d.format() for d in diags.sorted())
        )


def new_measure(
    root: Path,
    strategy: Strategy,
    fields: list[ActionField],
    existing: list[str],
    *,
    title: str,
    action_field: str | None,
    lead: str | None,
    measure_id: str | None = None,
    today: dt.date | None = None,
) -> Path:
    if not fields:
        raise RekError(
            "Es gibt noch kein Handlungsfeld unter strategy/action-fields/; legen Sie zuerst eines an."
        )
    field_ids = [f.id for f in fields]
    if action_field is None:
        action_field = field_ids[0]
    if action_field not in field_ids:
        raise RekError(f"Unbekanntes Handlungsfeld '{action_field}'. Bekannt sind: {', '.join(field_ids)}")
    partner_ids = [p.id for p in strategy.partners]
    if lead is None:
        lead = strategy.applicant or strategy.coordinator or partner_ids[0]
    if lead not in partner_ids:
        raise RekError(f"Unbekannter Partner '{lead}'. Bekannt sind: {', '.join(partner_ids)}")
    measure_id = measure_id or next_measure_id(existing)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", measure_id):
        raise RekError(f"Ungültige Kennung '{measure_id}': erlaubt sind Buchstaben, Ziffern, '-' und '_'.")
    if len(title) > 300 or not title.strip():
        raise RekError("Der Titel muss 1 bis 300 Zeichen lang sein.")
    folder = root / "measures"
    folder.mkdir(exist_ok=True)
    path = folder / f"{measure_id}.yaml"
    # a measure needs a phase once a call is selected: the latest phase that maps to a call phase
    phase = next((p for p in reversed(strategy.phases) if p.call_phase), strategy.phases[-1])
    text = measure_yaml(measure_id, title, action_field, lead, today or dt.date.today(), phase)
    _refuse_invalid(text, path)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise RekError(f"Datei '{path}' gibt es schon; rek überschreibt keine bestehenden Dateien.") from None
    return path


def init_project(target: Path, *, git: bool = True) -> list[Path]:
    """A new region's repository from the clean template; never touches an existing non-empty folder."""
    import shutil
    import subprocess

    from .locate import PACKAGE_DIR, embedded_default

    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise RekError(
            f"Ordner '{target}' ist nicht leer; 'rek init' legt nur in einem neuen oder leeren Ordner an."
        )
    template = PACKAGE_DIR / "templates" / "init"
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for source in sorted(template.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        relative = source.relative_to(template)
        name = ".gitignore" if relative.as_posix() == "gitignore" else relative.as_posix()
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        written.append(destination)
    default = embedded_default()
    calls = target / "strategy" / "calls"
    calls.mkdir(parents=True, exist_ok=True)
    if default is not None:
        for profile in sorted((default / "strategy" / "calls").glob("*.yaml")):
            shutil.copyfile(profile, calls / profile.name)
            written.append(calls / profile.name)
    written += write_schemas(target / "schemas")
    if git and shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(target)], capture_output=True)
    return written
