"""`rek import`: progress figures from a sheet into the measure files, only when all of it is valid.

The rows (``progresssheet.py``) are matched against the project — the measure must exist, the
indicator must be one of that measure's — and compared with what the files hold: a value that is
already there is no change, a different value at the same date (or year) is a change, anything else is
new. The measure files are edited in place with a round-trip YAML library (comments, key order, quoting
and layout of everything else stay byte for byte); the edited project is loaded and validated in a
temporary copy before a single file is written, and each file is replaced atomically. The template
(``--template``) lists what the files hold now, so importing it back changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from . import formatting as fmt
from . import suggest
from .diagnostics import Diagnostics, RekError
from .layout import MEASURES_DIR, YAML_SUFFIXES
from .model import STATUS_LABELS, Measure, Measurement, Spending, Update
from .progresssheet import Row, parse_rows, read_sheet
from .project import Project, display_path, load_project
from .yamlformat import round_trip, write_atomically


@dataclass(frozen=True)
class Change:
    """One value the import adds or changes, with the edit that makes it."""

    measure: str
    path: Path
    line: int
    kind: str  # "neu" or "geändert"
    text: str  # German, for the dry run and the summary
    edit: Callable[[CommentedMap], None]


def measure_file(root: Path, measure_id: str) -> Path:
    for suffix in YAML_SUFFIXES:
        path = root / MEASURES_DIR / f"{measure_id}{suffix}"
        if path.is_file():
            return path
    raise RekError(f"Datei der Maßnahme {measure_id} nicht gefunden")


def plan_changes(project: Project, rows: list[Row], display: str, diags: Diagnostics) -> list[Change]:
    """What the rows change in the project's measures; unknown measures and indicators as errors."""
    measures = project.measures_by_id
    changes: list[Change] = []
    for row in rows:
        measure = measures.get(row.measure)
        if measure is None:
            guess = suggest.plausible(row.measure, measures)
            diags.add(
                display, row.line, row.cols["Maßnahme"],
                f"Spalte 'Maßnahme': eine Maßnahme '{row.measure}' gibt es nicht",
                hint=f"Meinten Sie '{guess}'?" if guess else f"Kennungen: {_some(list(measures))}",
            )  # fmt: skip
            continue
        change = _change(project.root, measure, row, display, diags)
        if change is not None:
            changes.append(change)
    return changes


def _some(items: list[str]) -> str:
    return ", ".join(items[:8]) + (f" … ({len(items)} insgesamt)" if len(items) > 8 else "")


def _change(root: Path, measure: Measure, row: Row, display: str, diags: Diagnostics) -> Change | None:
    path = measure_file(root, measure.id)
    record = row.record
    label = f"{measure.id} „{measure.title}“"
    if isinstance(record, Measurement):
        names = [i.name for i in measure.indicators]
        if row.indicator not in names:
            guess = suggest.plausible(row.indicator or "", names, cutoff=0.6)
            diags.add(
                display, row.line, row.cols.get("Indikator", 1),
                f"Spalte 'Indikator': {measure.id} hat keinen Indikator '{row.indicator}'",
                hint=f"Meinten Sie '{guess}'?" if guess else (
                    f"Indikatoren von {measure.id}: {', '.join(names)}" if names else f"{measure.id} hat keine Indikatoren."
                ),
            )  # fmt: skip
            return None
        index = names.index(row.indicator or "")
        existing = next((m for m in measure.indicators[index].measurements if m.date == record.date), None)
        when = _when(record.date)
        shown = f"Messwert „{row.indicator}“ {when}: {fmt.plain(record.value)}"
        if existing is not None:
            if _same(existing, record):
                return None
            return Change(
                measure.id, path, row.line, "geändert",
                f"{label}: Messwert „{row.indicator}“ {when}: {fmt.plain(existing.value)} → {fmt.plain(record.value)}",
                lambda doc: _set_measurement(doc, index, record),
            )  # fmt: skip
        return Change(
            measure.id,
            path,
            row.line,
            "neu",
            f"{label}: {shown}",
            lambda doc: _set_measurement(doc, index, record),
        )
    if isinstance(record, Spending):
        old = next((s for s in measure.spending if s.year == record.year), None)
        if old is not None:
            if _same(old, record):
                return None
            return Change(
                measure.id, path, row.line, "geändert",
                f"{label}: Ausgaben {record.year}: {fmt.euro(old.amount, cents=True)} → {fmt.euro(record.amount, cents=True)}",
                lambda doc: _set_spending(doc, record),
            )  # fmt: skip
        return Change(
            measure.id, path, row.line, "neu",
            f"{label}: Ausgaben {record.year}: {fmt.euro(record.amount, cents=True)}",
            lambda doc: _set_spending(doc, record),
        )  # fmt: skip
    assert isinstance(record, Update)
    same_day = [u for u in measure.updates if u.date == record.date and u.text.strip() == record.text.strip()]
    if same_day:
        if _same(same_day[0], record):
            return None
        return Change(
            measure.id, path, row.line, "geändert",
            f"{label}: Sachstand {fmt.date(record.date)} (Status oder Beispiel geändert)",
            lambda doc: _set_update(doc, record),
        )  # fmt: skip
    status = f" ({STATUS_LABELS[record.status]})" if record.status else ""
    short = record.text if len(record.text) <= 70 else record.text[:67] + "…"
    return Change(
        measure.id, path, row.line, "neu", f"{label}: Sachstand {fmt.date(record.date)}{status}: {short}",
        lambda doc: _set_update(doc, record),
    )  # fmt: skip


def _when(value: Any) -> str:
    return str(value) if isinstance(value, int) else fmt.date(value)


def _same(old: Any, new: Any) -> bool:
    """Equal as the sheet can say it (fields the sheet has no column for are not compared)."""
    fields = {"Measurement": ("value", "source", "note", "example"), "Spending": ("amount", "note", "example"),
              "Update": ("status", "text", "example")}[type(new).__name__]  # fmt: skip
    return all(getattr(old, f) == getattr(new, f) for f in fields)


# --- editing the YAML -------------------------------------------------------------------------------


def _yaml_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _quoted(text: str) -> DoubleQuotedScalarString:
    return DoubleQuotedScalarString(text)


def _flow(items: dict[str, Any]) -> CommentedMap:
    node = CommentedMap(items)
    node.fa.set_flow_style()
    return node


def _sorted_insert(seq: CommentedSeq, item: Any, key: Callable[[Any], Any]) -> None:
    for index, existing in enumerate(seq):
        if key(existing) > key(item):
            seq.insert(index, item)
            return
    seq.append(item)


def _day(value: Any) -> dt.date:
    if isinstance(value, int):
        return dt.date(value, 12, 31)
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _upsert(
    parent: CommentedMap,
    name: str,
    item: CommentedMap,
    same: Callable[[Any], bool],
    fields: tuple[str, ...],
    order: Callable[[Any], Any],
) -> None:
    """Put ``item`` into the list ``parent[name]`` (made if missing): into the entry ``same`` finds, with
    ``fields`` set or removed as the sheet says; else as a new entry at its place by ``order``."""
    entries = parent.get(name)
    if entries is None:
        entries = parent[name] = CommentedSeq()
    for existing in entries:
        if same(existing):
            for key in fields:
                if key in item:
                    existing[key] = item[key]
                elif key in existing:
                    del existing[key]
            return
    _sorted_insert(entries, item, order)


def _set_measurement(doc: CommentedMap, index: int, record: Measurement) -> None:
    item: dict[str, Any] = {"date": record.date, "value": _yaml_number(record.value)}
    if record.source:
        item["source"] = _quoted(record.source)
    if record.note:
        item["note"] = _quoted(record.note)
    if record.example:
        item["example"] = True
    _upsert(
        doc["indicators"][index],
        "measurements",
        _flow(item),
        lambda m: _day(m["date"]) == _day(record.date) and type(m["date"]) is type(record.date),
        ("value", "source", "note", "example"),
        lambda m: _day(m["date"]),
    )


def _set_spending(doc: CommentedMap, record: Spending) -> None:
    item: dict[str, Any] = {"year": record.year, "amount": _yaml_number(record.amount)}
    if record.note:
        item["note"] = _quoted(record.note)
    if record.example:
        item["example"] = True
    _upsert(
        doc, "spending", _flow(item), lambda s: s["year"] == record.year, ("amount", "note", "example"),
        lambda s: s["year"],
    )  # fmt: skip


def _set_update(doc: CommentedMap, record: Update) -> None:
    item = CommentedMap({"date": record.date})
    if record.status:
        item["status"] = record.status.value
    item["text"] = _quoted(record.text)
    if record.example:
        item["example"] = True
    _upsert(
        doc,
        "updates",
        item,
        lambda u: _day(u["date"]) == record.date and str(u["text"]).strip() == record.text.strip(),
        ("status", "example"),
        lambda u: _day(u["date"]),
    )


def edited_texts(changes: list[Change]) -> dict[Path, str]:
    """The new text of every file the changes touch (nothing written yet)."""
    yaml = round_trip()
    texts: dict[Path, str] = {}
    by_file: dict[Path, list[Change]] = {}
    for change in changes:
        by_file.setdefault(change.path, []).append(change)
    for path, group in by_file.items():
        doc = yaml.load(path.read_text(encoding="utf-8"))
        for change in group:
            change.edit(doc)
        out = io.StringIO()
        yaml.dump(doc, out)
        texts[path] = out.getvalue()
    return texts


def _validate_in_copy(root: Path, texts: dict[Path, str]) -> Diagnostics:
    """Load the project as it would be after the import, in a temporary copy; its problems, if any."""
    with tempfile.TemporaryDirectory(prefix="rek-import-") as tmp:
        copy = Path(tmp) / "projekt"
        ignore = shutil.ignore_patterns(".git", ".venv", "build*", "node_modules", "__pycache__", ".cache")
        shutil.copytree(root, copy, ignore=ignore, symlinks=True)
        for path, text in texts.items():
            (copy / path.relative_to(root)).write_text(text, encoding="utf-8")
        _, found = load_project(copy)
    # the problems as they would stand in the user's own files after the import
    diags = Diagnostics()
    for item in found.items:
        where = Path(os.path.abspath(item.path))
        inside = where.is_relative_to(copy)
        shown = display_path(root / where.relative_to(copy)) if inside else item.path
        diags.add(shown, item.line, item.col, f"nach dem Import: {item.message}", hint=item.hint,
                  severity=item.severity, note=item.note)  # fmt: skip
    return diags


@dataclass(frozen=True)
class Outcome:
    changes: list[Change]
    written: list[Path]


def import_sheet(project: Project, sheet: Path, display: str, *, dry_run: bool) -> Outcome:
    """Read, validate, match, validate the result, then write (unless a dry run). Raises RekError."""
    diags = Diagnostics()
    rows = read_sheet(sheet, display, diags)
    parsed = parse_rows(rows, display, diags) if rows is not None else []
    changes = plan_changes(project, parsed, display, diags)
    if diags.errors:
        raise RekError(diags)
    if not changes:
        return Outcome([], [])
    texts = edited_texts(changes)
    after = _validate_in_copy(project.root, texts)
    if after.errors:
        raise RekError(after)
    if not dry_run:
        write_atomically(texts)
    return Outcome(changes, [] if dry_run else sorted(texts))
