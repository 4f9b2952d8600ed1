"""Scaffolding: new measure, action-field, partner and goal entries, and new projects (``rek init``)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import cisource, clock, suggest
from .cisource import Written
from .diagnostics import Diagnostic, Diagnostics, RekError
from .jsonschemas import write_schemas
from .model import ActionField, Measure, Strategy
from .placeholders import (
    NEW_FIELD_DESCRIPTION,
    NEW_FIELD_SUMMARY,
    NEW_MEASURE_DESCRIPTION,
    NEW_MEASURE_SUMMARY,
)


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
summary: {_q(NEW_MEASURE_SUMMARY)}
description: |
  {NEW_MEASURE_DESCRIPTION}
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
  own_shares: {{}}
indicators: []
dependencies: []
"""


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
    what = "Die Maßnahme"
    if not fields:
        raise RekError(
            f"{what} wurde nicht angelegt: es gibt noch kein Handlungsfeld unter strategy/action-fields/; "
            'legen Sie zuerst eines an (rek new action-field --title "…").'
        )
    field_ids = [f.id for f in fields]
    if action_field is None:
        action_field = field_ids[0]
    if action_field not in field_ids:
        raise RekError(
            f"{what} wurde nicht angelegt: das Handlungsfeld '{action_field}' (--action-field) gibt es nicht. "
            + (suggest.hint(action_field, field_ids) or "")
        )
    partner_ids = [p.id for p in strategy.partners]
    if lead is None:
        lead = strategy.applicant or strategy.coordinator or partner_ids[0]
    if lead not in partner_ids:
        raise RekError(
            f"{what} wurde nicht angelegt: den Partner '{lead}' (--lead) gibt es nicht. "
            + (suggest.hint(lead, partner_ids) or "")
        )
    measure_id = measure_id or next_measure_id(existing)
    _check_id(measure_id, what)
    _check_text(title, "der Titel", what)
    if measure_id.casefold() in {m.casefold() for m in existing}:
        raise RekError(
            f"{what} wurde nicht angelegt: die Kennung '{measure_id}' gibt es schon; rek überschreibt keine "
            f"bestehenden Dateien. Frei ist zum Beispiel {next_measure_id(existing)} (--id)."
        )
    path = root / "measures" / f"{measure_id}.yaml"
    # a measure needs a phase once a call is selected: the latest phase that maps to a call phase
    phase = next((p for p in reversed(strategy.phases) if p.call_phase), strategy.phases[-1])
    text = measure_yaml(measure_id, title, action_field, lead, today or clock.reference_day(), phase)
    # the new file must pass the same checks as any measure file (e.g. no HTML in the title)
    _validated(text, path, f"measures/{path.name}", Measure, what)
    return _write_new(path, text)


def init_project(target: Path, *, git: bool = True, lock: bool = True) -> tuple[list[Path], Written]:
    """A new region's repository from the clean template; never touches an existing non-empty folder.

    The CI's install source goes into .rek/ (cisource.write): the wheel of this rek, its install script
    and guide, and with lock=True the hashed lock of its dependencies (needs the package index once).
    """
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
    ci = cisource.write(target, lock=lock)
    written += sorted(p for p in (target / cisource.FOLDER).iterdir() if p.is_file())
    if git and shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(target)], capture_output=True)
        # the first branch is 'main' whatever git's own default (older git has no 'init -b')
        subprocess.run(
            ["git", "-C", str(target), "symbolic-ref", "HEAD", "refs/heads/main"], capture_output=True
        )
    return written, ci


# --- rek new action-field | partner | goal ------------------------------------------------------------

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def _free(ident: str, taken: set[str]) -> str:
    """The first of ident-2, ident-3, … that no one has (compared case-folded)."""
    number = 2
    while f"{ident}-{number}".casefold() in taken:
        number += 1
    return f"{ident}-{number}"


def slug(title: str) -> str:
    """An id from a title: 'Bildung & Kultur' -> 'bildung-kultur'."""
    text = re.sub(r"[^a-z0-9]+", "-", title.translate(_UMLAUTS).casefold()).strip("-")
    return text[:40].strip("-") or "neu"


def _check_id(ident: str, what: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", ident):
        raise RekError(
            f"{what} wurde nicht angelegt: die Kennung '{ident}' ist ungültig; erlaubt sind Buchstaben, "
            "Ziffern, '-' und '_' (höchstens 64 Zeichen, am Anfang ein Buchstabe oder eine Ziffer)."
        )


def _check_text(value: str, field: str, what: str) -> None:
    if len(value) > 300 or not value.strip():
        raise RekError(
            f"{what} wurde nicht angelegt: {field} muss 1 bis 300 Zeichen lang sein; gefunden: "
            f"{len(value)} Zeichen."
        )


def _validated(text: str, path: Path, display: str, model: type, what: str) -> None:
    from .textrules import check_text
    from .validation import validate_doc
    from .yamlsource import parse_yaml_bytes

    diags = Diagnostics()
    doc = parse_yaml_bytes(text.encode("utf-8"), path, display, diags)
    if doc is not None:
        check_text(doc, diags, model)  # with the model: its Markdown fields are parsed too
        validate_doc(doc, model, diags)
    if diags:
        raise RekError(
            f"{what} wurde nicht angelegt: der neue Eintrag wäre ungültig:\n"
            + "\n".join(d.format() for d in diags.sorted())
        )


def _write_new(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise RekError(
            f"Nicht angelegt: die Datei '{path}' gibt es schon; rek überschreibt keine bestehenden Dateien."
        ) from None
    return path


def new_action_field(
    root: Path, existing: list[ActionField], *, title: str, field_id: str | None = None
) -> Path:
    what = "Das Handlungsfeld"
    _check_text(title, "der Titel", what)
    field_id = field_id or slug(title)
    _check_id(field_id, what)
    taken = {f.id.casefold() for f in existing}
    taken |= {p.stem.casefold() for p in (root / "strategy" / "action-fields").glob("*.y*ml")}
    if field_id.casefold() in taken:
        raise RekError(
            f"{what} wurde nicht angelegt: die Kennung '{field_id}' gibt es schon. Frei ist zum Beispiel "
            f"'{_free(field_id, taken)}' (--id)."
        )
    order = max((f.order for f in existing if f.order < 1000), default=0) + 1
    text = f"""# yaml-language-server: $schema=../../schemas/action-field.schema.json
id: {field_id}
title: {_q(title)}
order: {order}
summary: {_q(NEW_FIELD_SUMMARY)}
description: |
  {NEW_FIELD_DESCRIPTION}
goals: []
indicators: []
"""
    path = root / "strategy" / "action-fields" / f"{field_id}.yaml"
    _validated(text, path, f"strategy/action-fields/{path.name}", ActionField, what)
    return _write_new(path, text)


def _insert_list_item(text: str, key: str, item_lines: list[str]) -> str:
    """Append an item to the top-level list `key:` of a YAML text, keeping every other line as it is."""
    lines = text.splitlines(keepends=True)
    head = re.compile(rf"^{re.escape(key)}:\s*(\[\s*\])?\s*(#.*)?$")
    start = next((i for i, line in enumerate(lines) if head.match(line.rstrip("\n"))), None)
    if start is None:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        return "".join(lines) + f"{key}:\n" + "".join(f"  {line}\n" for line in item_lines)
    match = head.match(lines[start].rstrip("\n"))
    assert match is not None  # start is the line that head matched above
    if match.group(1):  # `key: []`
        lines[start] = f"{key}:\n"
    end = start + 1
    last = start
    indent = "  "
    found_indent = False
    while end < len(lines):
        line = lines[end]
        stripped = line.strip()
        if stripped and not line.startswith((" ", "\t", "#")) and not line.startswith("- "):
            break  # the next top-level key
        if stripped and not stripped.startswith("#"):
            last = end
            if not found_indent and stripped.startswith("- "):
                indent = line[: len(line) - len(line.lstrip(" "))]
                found_indent = True
        end += 1
    new = [f"{indent}{line}\n" for line in item_lines]
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    return "".join(lines[: last + 1] + new + lines[last + 1 :])


def _replace_strategy(root: Path, text: str, what: str) -> Path:
    import os
    import tempfile

    path = root / "strategy" / "strategy.yaml"
    _validated(text, path, "strategy/strategy.yaml", Strategy, what)
    fd, tmp = tempfile.mkstemp(prefix=".rek-tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def new_partner(
    root: Path,
    strategy: Strategy,
    *,
    partner_id: str,
    name: str,
    kind: str,
    role: str,
) -> Path:
    what = "Der Partner"
    _check_id(partner_id, what)
    _check_text(name, "der Name", what)
    _check_text(role, "die Rolle", what)
    taken = {p.id.casefold() for p in strategy.partners}
    if partner_id.casefold() in taken:
        raise RekError(
            f"{what} wurde nicht angelegt: die Kennung '{partner_id}' gibt es schon. Frei ist zum Beispiel "
            f"'{_free(partner_id, taken)}' (--id)."
        )
    path = root / "strategy" / "strategy.yaml"
    text = path.read_text(encoding="utf-8")
    item = [f"- id: {partner_id}", f"  name: {_q(name)}", f"  kind: {_q(kind)}", f"  role: {_q(role)}"]
    return _replace_strategy(root, _insert_list_item(text, "partners", item), what)


def new_goal(root: Path, strategy: Strategy, *, title: str, goal_id: str | None = None) -> tuple[Path, str]:
    what = "Das Ziel"
    _check_text(title, "der Titel", what)
    existing = [g.id for g in strategy.goals]
    goal_id = goal_id or (next_measure_id(existing) if existing else "Z1")
    _check_id(goal_id, what)
    if goal_id.casefold() in {g.casefold() for g in existing}:
        free = next_measure_id(existing) if existing else "Z1"
        raise RekError(
            f"{what} wurde nicht angelegt: die Kennung '{goal_id}' gibt es schon. Frei ist zum Beispiel "
            f"'{free}' (--id)."
        )
    path = root / "strategy" / "strategy.yaml"
    text = path.read_text(encoding="utf-8")
    item = [f"- id: {goal_id}", f"  title: {_q(title)}"]
    return _replace_strategy(root, _insert_list_item(text, "goals", item), what), goal_id


# --- what `rek new` needs, and what it does not -------------------------------------------------------


@dataclass(frozen=True)
class NewBase:
    """What `rek new` reads: the strategy, the action fields, the measure ids (file names), and the
    errors of files the new entry does not touch (shown after it, never a reason to refuse it)."""

    strategy: Strategy
    action_fields: list[ActionField]
    measure_ids: list[str]
    unrelated: list[Diagnostic]


def load_for_new(root: Path, what: str, *, fields: bool) -> NewBase:
    """The base for a new entry; refused only for errors in the files it reads or changes.

    A goal or partner goes into strategy/strategy.yaml, an action field next to the others, a measure
    needs both: an error there refuses the entry, first saying so; a broken measure elsewhere does not.
    """
    from .layout import ACTION_FIELDS_DIR, MEASURES_DIR, STRATEGY_FILE, YAML_SUFFIXES
    from .project import display_path, load_project, natural_key
    from .validation import validate_doc
    from .yamlsource import read_yaml

    measure_files = sorted(
        (p for p in (root / MEASURES_DIR).glob("*") if p.suffix in YAML_SUFFIXES and p.is_file()),
        key=lambda p: natural_key(p.name),
    )
    measure_ids = [p.stem for p in measure_files]
    project, diags = load_project(root)
    if project is not None:
        return NewBase(project.strategy, project.action_fields, measure_ids, [])
    strategy_file = display_path(root / STRATEGY_FILE)
    fields_dir = display_path(root / ACTION_FIELDS_DIR) + "/"

    def needed(diag: Diagnostic) -> bool:
        return diag.path == strategy_file or (fields and diag.path.startswith(fields_dir))

    errors = sorted(set(diags.errors))
    blocking = [d for d in errors if needed(d)]
    unrelated = [d for d in errors if not needed(d)]
    strategy = None
    loaded: list[ActionField] = []
    if not blocking:
        local = Diagnostics()
        doc = read_yaml(root / STRATEGY_FILE, strategy_file, local, root)
        strategy = validate_doc(doc, Strategy, local) if doc is not None else None
        for path in sorted((root / ACTION_FIELDS_DIR).glob("*"), key=lambda p: natural_key(p.name)):
            if path.suffix in YAML_SUFFIXES and path.is_file():
                field_doc = read_yaml(path, display_path(path), local, root)
                field = validate_doc(field_doc, ActionField, local) if field_doc is not None else None
                if field is not None:
                    loaded.append(field)
        blocking = sorted(set(local.errors))
    if blocking or strategy is None:
        files = sorted({d.path for d in blocking}) or [strategy_file]
        text = (
            f"{what} wurde nicht angelegt: {', '.join(files)} "
            f"{'hat' if len(files) == 1 else 'haben'} Fehler, und rek legt nur in gültigen Dateien neue "
            "Einträge an. Beheben Sie zuerst:\n" + "\n".join(d.format() for d in blocking)
        )
        if unrelated:
            text += "\n" + unrelated_text(unrelated)
        raise RekError(text)
    return NewBase(
        strategy, sorted(loaded, key=lambda f: (f.order, natural_key(f.id))), measure_ids, unrelated
    )


def unrelated_text(items: list[Diagnostic]) -> str:
    """The errors of other files, after what `rek new` did or refused, labelled as not its reason."""
    files = len({d.path for d in items})
    return (
        f"Unabhängig davon {'hat eine andere Datei' if files == 1 else f'haben {files} andere Dateien'} "
        "Fehler (nicht Teil dieser Änderung; 'rek check' zeigt alle):\n"
        + "\n".join(d.format() for d in items)
    )
