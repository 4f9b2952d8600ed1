"""`rek diff A B`: what changed between two versions of a strategy (git revisions or the work tree).

Both sides are loaded and validated like any project; the comparison is on the typed model, every file:
the strategy (with partners, goals, phases), action fields (with indicators), measures, call profiles and
content pages; added, removed and changed value by value, told with German labels and values
("Status: Geplant → In Umsetzung", "Kosten 2024: 100.000 € → 140.000 €"); plus cost deltas by action
field and own shares by partner. The Markdown form is the public page "Änderungen" of the site.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel

from . import formatting as fmt
from .diagnostics import RekError
from .gitsafe import export_tree, run_git
from .layout import (
    ACTION_FIELDS_DIR,
    ASSETS_DIR,
    CALLS_DIR,
    CONTENT_DIR,
    MARKDOWN_SUFFIXES,
    MAX_CONTENT_BYTES,
    MAX_IMAGE_BYTES,
    MAX_YAML_BYTES,
    MEASURES_DIR,
    SITE_SETTINGS,
    STRATEGY_FILE,
    YAML_SUFFIXES,
)
from .mdtext import link, table, text
from .model import COST_CATEGORY_LABELS, PRIORITY_LABELS, STATUS_LABELS
from .money import change, costs_by_year_and_kind, total_of
from .plan import measure_cost
from .plan import resolve as resolve_plan
from .project import Project, load_project

WORKTREE = "WORKTREE"


def _git(root: Path, *args: str) -> bytes:
    try:
        result = run_git(root, *args)
    except FileNotFoundError:
        raise RekError("git ist nicht installiert; 'rek diff' braucht git.") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise RekError(f"git {args[0] if args else ''}: {exc}") from None
    if result.returncode != 0:
        raise RekError(f"git {' '.join(args)}: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout


def resolve(root: Path, rev: str) -> str:
    if rev == WORKTREE:
        return rev
    if rev.startswith("-"):
        raise RekError(f"Ungültige Revision '{rev}'.")
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except RekError:
        raise RekError(
            f"Revision '{rev}' gibt es in diesem Repository nicht (Tag, Branch oder Commit)."
        ) from None


def read_limit(path: PurePosixPath) -> int | None:
    """The size limit of a file of an old revision that the project loader reads, or None (not read)."""
    parts, folder = path.parts, path.parent
    if path in (PurePosixPath(SITE_SETTINGS), PurePosixPath(STRATEGY_FILE)):
        return MAX_YAML_BYTES
    yaml_folders = {PurePosixPath(d) for d in (ACTION_FIELDS_DIR, CALLS_DIR, MEASURES_DIR)}
    if folder in yaml_folders and path.suffix in YAML_SUFFIXES:
        return MAX_YAML_BYTES
    if folder == PurePosixPath(CONTENT_DIR) and path.suffix.casefold() in MARKDOWN_SUFFIXES:
        return MAX_CONTENT_BYTES
    if 2 <= len(parts) <= 6 and parts[0] == ASSETS_DIR:  # load_assets goes four folders deep
        return MAX_IMAGE_BYTES
    return None


def load_revision(root: Path, rev: str, workdir: Path) -> Project:
    """Load the project as it was committed at rev (or the work tree).

    The files are read blob by blob (``gitsafe.export_tree``), never through ``git archive``: attributes
    such as ``export-ignore`` in that revision cannot hide or rewrite a file.
    """
    if rev == WORKTREE:
        folder = root
    else:
        commit = resolve(root, rev)
        folder = workdir / commit[:12]
        if folder.exists():  # the same commit on both sides: read once
            return _load(folder, rev)
        folder.mkdir(parents=True)
        refused = export_tree(root, commit, folder, rev, read_limit)
        if refused.errors:
            shown = "\n".join(d.format() for d in refused.sorted()[:20])
            raise RekError(f"Die Strategie in '{rev}' ist nicht gültig:\n{shown}")
    return _load(folder, rev)


def _load(folder: Path, rev: str) -> Project:
    project, diags = load_project(folder)
    if project is None:
        shown = "\n".join(d.format() for d in diags.sorted()[:20])
        raise RekError(f"Die Strategie in '{rev}' ist nicht gültig:\n{shown}")
    return project


# --- comparing typed models, told in German ------------------------------------------------------------

# labels where the model's own field title is missing or reads badly in a list of changes;
# (class name, field) first, then the field name alone
LABELS: dict[tuple[str, str] | str, str] = {
    ("Goal", "title"): "Titel",
    ("Partner", "kind"): "Art",
    ("Funding", "grant"): "Zuwendung",
    ("Funding", "own_shares"): "Eigenanteil",
    ("Measure", "description"): "Beschreibung",
    ("Measure", "example"): "Beispielwerte",
    ("Indicator", "example"): "Beispielwert",
    ("Strategy", "title"): "Titel",
    "title": "Titel",
    "name": "Name",
    "short_name": "Kurzname",
    "summary": "Kurzbeschreibung",
    "description": "Beschreibung",
    "start": "Beginn",
    "end": "Ende",
    "date": "Datum",
    "done": "erreicht",
    "amount": "Betrag",
    "note": "Anmerkung",
    "url": "Adresse",
    "sources": "Quellen",
    "source": "Quelle",
    "icon": "Symbol",
    "state": "Bundesland",
    "region": "Region",
    "example": "Beispielwerte",
    "example_note": "Hinweis zu Beispielwerten",
    "partners": "Partner",
    "goals": "Ziele",
    "phases": "Phasen",
    "population": "Einwohnerzahl",
    "area_km2": "Fläche in km²",
    "programme": "Programm",
    "funder": "Fördergeber",
    "year": "Jahr",
    "deadline": "Frist",
    "chars_per_page": "Zeichen je Seite",
    "rates": "Fördersätze",
    "label": "Bezeichnung",
    "percent": "Prozent",
    "when": "Fall",
    "max_months": "Höchstdauer in Monaten",
    "max_grant": "Höchstzuwendung",
    "max_total_grant": "Höchstzuwendung insgesamt",
    "eligible_cost_categories": "Förderfähige Kostenarten",
    "categories": "Kostenarten",
    "min_action_fields": "Mindestzahl Handlungsfelder",
    "min_partners": "Mindestzahl Partner",
    "value": "Wert",
    "sections": "Abschnitte",
    "blocks": "Inhalt",
    "required": "Pflicht",
    "annexes": "Anlagen",
    "role": "Rolle",
    "lead": "Federführung",
    "status": "Status",
}
# one item of a list, for 'Indikator „Online-Dienste“: Zielwert'
ITEM_LABELS = {
    "milestones": "Meilenstein",
    "measurements": "Messwert",
    "updates": "Sachstand",
    "spending": "Ausgaben",
    "indicators": "Indikator",
    "third_parties": "Drittmittel",
    "partners": "Partner",
    "goals": "Ziel",
    "phases": "Phase",
    "annexes": "Anlage",
    "risks": "Risiko",
    "sources": "Quelle",
    "rates": "Fördersatz",
    "sections": "Abschnitt",
}
MONEY_FIELDS = {"amount", "grant", "own_funds", "max_grant", "area_km2"}
SKIP_FIELDS = {"id"}
LONG_TEXT = 120

_ENUM_LABELS: dict[str, str] = {
    str(k.value): v
    for table in (STATUS_LABELS, PRIORITY_LABELS, COST_CATEGORY_LABELS)
    for k, v in table.items()
}


@dataclass
class Change:
    """One changed value: 'Status: Geplant → In Umsetzung'. Long texts only say that they changed."""

    label: str
    old: str
    new: str
    revised: bool = False  # a long text was rewritten: shown as 'überarbeitet'

    def line(self) -> str:
        if self.revised:
            return f"{self.label}: überarbeitet"
        return f"{self.label}: {self.old} → {self.new}"


@dataclass
class Item:
    """Something added, removed or changed: a measure, an action field, the strategy, a call or a page."""

    kind: str  # Maßnahme, Handlungsfeld, Strategie, Förderaufruf, Seite
    id: str
    title: str
    page: str | None = None  # page of the site, for links
    cost: Decimal | None = None
    changes: list[Change] = field(default_factory=list)


KIND_ORDER = ["Strategie", "Handlungsfeld", "Maßnahme", "Förderaufruf", "Seite"]
KIND_PLURAL = {
    "Strategie": "Strategie",
    "Handlungsfeld": "Handlungsfelder",
    "Maßnahme": "Maßnahmen",
    "Förderaufruf": "Förderaufrufe",
    "Seite": "Seiten",
}


def _label(cls: type, name: str, info: Any) -> str:
    special = LABELS.get((cls.__name__, name))
    if special:
        return special
    title = getattr(info, "title", None)
    if title:
        return re.sub(r"\s*(\([^)]*\)|in Euro)$", "", title).strip()
    return str(LABELS.get(name, name))


def _value(value: Any, name: str = "") -> str:
    """A value as the public reads it: German labels, euro, dates, ja/nein."""
    if value is None or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, enum.Enum):
        return _ENUM_LABELS.get(str(value.value), str(value.value))
    if isinstance(value, dt.date):
        return fmt.date(value)
    if isinstance(value, Decimal | float) or (isinstance(value, int) and name in MONEY_FIELDS):
        return fmt.euro(value) if name in MONEY_FIELDS else fmt.plain(value)
    if isinstance(value, list):
        return ", ".join(_value(v, name) for v in value)
    if isinstance(value, BaseModel):
        return _item_key(value)
    shown = str(value).strip()
    return shown if len(shown) <= 80 else shown[:79] + "…"


def _item_key(item: BaseModel) -> str:
    """What names one item of a list: its id, name or title; a measurement or an update its day or
    year, spending its year ('Messwert „2024“', not the position in the list)."""
    for name in ("id", "name", "title", "label", "url"):
        value = getattr(item, name, None)
        if value:
            return str(value)
    when = getattr(item, "date", None) or getattr(item, "year", None)
    if isinstance(when, dt.date):
        return fmt.date(when)
    if isinstance(when, int):
        return str(when)
    return ""


def _is_long(value: Any) -> bool:
    return isinstance(value, str) and (len(value) > LONG_TEXT or "\n" in value.strip())


def _changes(label: str, name: str, old: Any, new: Any, names: dict[str, str]) -> list[Change]:
    if old == new:
        return []
    if isinstance(old, BaseModel) or isinstance(new, BaseModel):
        if isinstance(old, BaseModel) and isinstance(new, BaseModel) and type(old) is type(new):
            return [
                Change(f"{label}: {c.label}", c.old, c.new, c.revised) for c in model_changes(old, new, names)
            ]
        return [Change(label, _value(old), _value(new))]
    if isinstance(old, list) or isinstance(new, list):
        return _list_changes(label, name, list(old or []), list(new or []), names)
    if isinstance(old, dict) or isinstance(new, dict):
        old, new = dict(old or {}), dict(new or {})
        out = []
        for key in dict.fromkeys([*old, *new]):
            if old.get(key) != new.get(key):
                shown = names.get(str(key), str(key))
                suffix = "\u00a0%" if name == "own_shares" else ""
                a = "–" if key not in old else _value(old[key], name) + suffix
                b = "–" if key not in new else _value(new[key], name) + suffix
                out.append(Change(f"{label} {shown}", a, b))
        return out
    if _is_long(old) or _is_long(new):
        return [Change(label, "", "", revised=True)]
    return [Change(label, _value(old, name), _value(new, name))]


def _cost_changes(old: list[Any], new: list[Any]) -> list[Change]:
    """Costs by year ('Kosten 2024: 100.000 € → 140.000 €'), by year and kind where the kinds differ."""

    def kind(c: Any) -> str:
        return _value(c.category) + ("" if getattr(c, "eligible", True) else ", nicht förderfähig")

    a, b = costs_by_year_and_kind(old, kind), costs_by_year_and_kind(new, kind)
    out = []
    for year in sorted(set(a) | set(b)):
        ya, yb = a.get(year, {}), b.get(year, {})
        if ya == yb:
            continue
        if len(ya) <= 1 and len(yb) <= 1 and (not ya or not yb or set(ya) == set(yb)):
            out.append(
                Change(
                    f"Kosten {year}",
                    fmt.euro(total_of(ya.values())) if ya else "–",
                    fmt.euro(total_of(yb.values())) if yb else "–",
                )
            )
            continue
        for shown in dict.fromkeys([*ya, *yb]):
            if ya.get(shown) != yb.get(shown):
                out.append(
                    Change(
                        f"Kosten {year} ({shown})",
                        fmt.euro(ya[shown]) if shown in ya else "–",
                        fmt.euro(yb[shown]) if shown in yb else "–",
                    )
                )
    return out


def _list_changes(
    label: str, name: str, old: list[Any], new: list[Any], names: dict[str, str]
) -> list[Change]:
    models = [v for v in old + new if isinstance(v, BaseModel)]
    if not models:  # ids, words, numbers: what was added and removed
        shown_old = [names.get(str(v), _value(v, name)) for v in old]
        shown_new = [names.get(str(v), _value(v, name)) for v in new]
        return [Change(label, ", ".join(shown_old) or "–", ", ".join(shown_new) or "–")]
    if name == "costs" and all(hasattr(m, "year") and hasattr(m, "amount") for m in models):
        return _cost_changes(old, new)
    singular = ITEM_LABELS.get(name, label)
    keyed_old = _keyed(old)
    keyed_new = _keyed(new)
    out: list[Change] = []
    for key in dict.fromkeys([*keyed_old, *keyed_new]):
        a, b = keyed_old.get(key), keyed_new.get(key)
        shown = f"{singular} „{names.get(key, key)}“"
        if a is None:
            out.append(Change(shown, "–", "neu" + _summary(b)))
        elif b is None:
            out.append(Change(shown, "vorhanden", "entfernt"))
        elif a != b:
            out += [
                Change(f"{shown}: {c.label}", c.old, c.new, c.revised) for c in model_changes(a, b, names)
            ]
    return out


def _keyed(items: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for index, item in enumerate(items, 1):
        key = _item_key(item) or str(index)
        while key in out:
            key += "′"
        out[key] = item
    return out


def _summary(item: Any) -> str:
    """' (Zielwert 40 Dienste bis 2027)' for a new indicator, ' (01.06.2027)' for a milestone."""
    if item is None:
        return ""
    if hasattr(item, "target") and hasattr(item, "target_year"):
        unit = f" {item.unit}" if getattr(item, "unit", "") else ""
        return f" (Zielwert {_value(item.target)}{unit} bis {item.target_year})"
    if hasattr(item, "value") and hasattr(item, "provisional"):  # a measurement, named by its date
        return f" ({_value(item.value)}{', vorläufig' if item.provisional else ''})"
    if hasattr(item, "status") and hasattr(item, "text"):  # an update, named by its date
        return f" ({_value(item.status)})"
    if hasattr(item, "date") and isinstance(item.date, dt.date):
        return f" ({fmt.date(item.date)})"
    if hasattr(item, "amount"):
        return f" ({fmt.euro(item.amount)})"
    return ""


def model_changes(old: BaseModel, new: BaseModel, names: dict[str, str] | None = None) -> list[Change]:
    """Every changed value of two versions of one model, field by field in the model's order."""
    names = names or {}
    cls = type(new)
    out: list[Change] = []
    for name, info in cls.model_fields.items():
        if name in SKIP_FIELDS:
            continue
        a, b = getattr(old, name, None), getattr(new, name, None)
        if a != b:
            out += _changes(_label(cls, name, info), name, a, b, names)
    return out


@dataclass
class Diff:
    old_label: str
    new_label: str
    added: list[Item] = field(default_factory=list)
    removed: list[Item] = field(default_factory=list)
    changed: list[Item] = field(default_factory=list)
    field_budget: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)
    partner_budget: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _names(old: Project, new: Project) -> dict[str, str]:
    """Ids the reader does not know, by name: partners, action fields (goals and measures keep their ids)."""
    names: dict[str, str] = {}
    for project in (old, new):
        names |= {p.id: p.name for p in project.strategy.partners}
        names |= {f.id: f.title for f in project.action_fields}
    return names


def _compare_items(
    kind: str,
    before: Mapping[str, BaseModel],
    after: Mapping[str, BaseModel],
    diff: Diff,
    names: dict[str, str],
    page: Callable[[str], str | None],
    cost: Callable[[Any], Decimal | None] = lambda item: None,
) -> None:
    for key, item in after.items():
        title = str(getattr(item, "title", None) or getattr(item, "name", None) or key)
        if key not in before:
            diff.added.append(Item(kind, key, title, page(key), cost(item)))
        elif before[key] != item:
            changes = model_changes(before[key], item, names)
            if changes:
                diff.changed.append(Item(kind, key, title, page(key), changes=changes))
    for key, item in before.items():
        if key not in after:
            title = str(getattr(item, "title", None) or getattr(item, "name", None) or key)
            diff.removed.append(Item(kind, key, title, None, cost(item)))


def compare(old: Project, new: Project, old_label: str, new_label: str) -> Diff:
    diff = Diff(old_label, new_label)
    names = _names(old, new)
    _compare_items(
        "Strategie", {"strategy": old.strategy}, {"strategy": new.strategy}, diff, names, lambda k: "index.md"
    )
    _compare_items(
        "Handlungsfeld",
        {f.id: f for f in old.action_fields},
        {f.id: f for f in new.action_fields},
        diff,
        names,
        lambda k: f"handlungsfelder/{k}.md",
    )
    _compare_items(
        "Maßnahme",
        old.measures_by_id,
        new.measures_by_id,
        diff,
        names,
        lambda k: f"massnahme/{k}.md",
        measure_cost,
    )
    _compare_items("Förderaufruf", old.calls, new.calls, diff, names, lambda k: None)
    pages_old = {p.name: p for p in old.pages}
    pages_new = {p.name: p for p in new.pages}
    for name, page in pages_new.items():
        if name not in pages_old:
            diff.added.append(Item("Seite", name, page.title, f"{name}.md"))
        elif pages_old[name] != page:
            diff.changed.append(
                Item("Seite", name, page.title, f"{name}.md", changes=[Change("Text", "", "", True)])
            )
    diff.removed += [Item("Seite", n, p.title) for n, p in pages_old.items() if n not in pages_new]
    fa, fb = resolve_plan(old).strategy, resolve_plan(new).strategy
    titles = {f.id: f.title for f in old.action_fields} | {f.id: f.title for f in new.action_fields}
    for fid, title in titles.items():
        a = fa.by_field[fid].cost if fid in fa.by_field else Decimal(0)
        b = fb.by_field[fid].cost if fid in fb.by_field else Decimal(0)
        if a != b:
            diff.field_budget.append((title, a, b))
    partner_names = {p.id: p.name for p in old.strategy.partners} | {
        p.id: p.name for p in new.strategy.partners
    }
    for pid, name in partner_names.items():
        a = fa.own_by_partner.get(pid, Decimal(0))
        b = fb.own_by_partner.get(pid, Decimal(0))
        if a != b:
            diff.partner_budget.append((name, a, b))
    return diff


def diff_revisions(root: Path, a: str, b: str) -> Diff:
    with tempfile.TemporaryDirectory(prefix="rek-diff-") as tmp:
        old = load_revision(root, a, Path(tmp))
        new = load_revision(root, b, Path(tmp))
        return compare(old, new, a, "Arbeitsstand" if b == WORKTREE else b)


def _delta(a: Decimal, b: Decimal) -> str:
    sign = "+" if b >= a else "−"
    return f"{sign}{fmt.euro(abs(change(a, b)))}"


def _by_kind(items: list[Item]) -> list[tuple[str, list[Item]]]:
    return [
        (kind, [i for i in items if i.kind == kind])
        for kind in KIND_ORDER
        if any(i.kind == kind for i in items)
    ]


def _name(item: Item) -> str:
    if item.kind == "Strategie":
        return "Strategie"
    if item.kind == "Maßnahme":
        return f"{item.id} {item.title}"
    return item.title


def as_text(diff: Diff) -> str:
    lines = [f"Änderungen von {diff.old_label} zu {diff.new_label}"]
    if diff.empty:
        return lines[0] + ": keine.\n"
    for item in diff.added:
        cost = f", {fmt.euro(item.cost)}" if item.cost is not None else ""
        lines.append(f"+ {item.kind} {_name(item)} (neu{cost})")
    for item in diff.removed:
        cost = f", {fmt.euro(item.cost)}" if item.cost is not None else ""
        lines.append(f"- {item.kind} {_name(item)} (entfernt{cost})")
    for item in diff.changed:
        lines.append(f"~ {item.kind} {_name(item)}" if item.kind != "Strategie" else "~ Strategie")
        lines += [f"    {c.line()}" for c in item.changes]
    if diff.field_budget:
        lines.append("Kosten nach Handlungsfeld:")
        lines += [f"    {t}: {fmt.euro(a)} → {fmt.euro(b)} ({_delta(a, b)})" for t, a, b in diff.field_budget]
    if diff.partner_budget:
        lines.append("Eigenanteile nach Partner:")
        lines += [
            f"    {t}: {fmt.euro(a)} → {fmt.euro(b)} ({_delta(a, b)})" for t, a, b in diff.partner_budget
        ]
    return "\n".join(lines) + "\n"


def _linked(item: Item, prefix: str) -> str:
    if item.page:
        return link(_name(item), prefix + item.page)
    return text(_name(item))


def as_markdown(diff: Diff, prefix: str = "") -> str:
    """The public page 'Änderungen': plain German, grouped by item, no field paths and no commands."""
    out = [
        "# Änderungen",
        "",
        f"Was sich von der Fassung **{text(diff.old_label)}** zur Fassung **{text(diff.new_label)}** geändert hat.",
        "",
    ]
    if diff.empty:
        out.append("Inhaltlich hat sich nichts geändert.")
        return "\n".join(out) + "\n"
    for heading, items, with_link in (("Neu", diff.added, True), ("Entfallen", diff.removed, False)):
        if not items:
            continue
        out += [f"## {heading}", ""]
        for kind, group in _by_kind(items):
            for item in group:
                cost = f" ({fmt.euro(item.cost)})" if item.cost is not None else ""
                shown = _linked(item, prefix) if with_link else text(_name(item))
                out.append(f"- {kind}: {shown}{cost}")
        out.append("")
    if diff.changed:
        out += ["## Geändert", ""]
        for kind, group in _by_kind(diff.changed):
            if kind != "Strategie":
                out += [f"### {KIND_PLURAL[kind]}", ""]
            for item in group:
                if kind == "Strategie":
                    out += [f"### {_linked(item, prefix)}", ""]
                else:
                    out += [f"#### {_linked(item, prefix)}", ""]
                out += [f"- {text(c.line())}" for c in item.changes]
                out.append("")
    for heading, first, deltas in (
        ("Kosten nach Handlungsfeld", "Handlungsfeld", diff.field_budget),
        ("Eigenanteile nach Partner", "Partner", diff.partner_budget),
    ):
        if deltas:
            rows = [[t, fmt.euro(a), fmt.euro(b), _delta(a, b)] for t, a, b in deltas]
            out += [f"## {heading}", "", table([first, "vorher", "jetzt", "Änderung"], rows, "lrrr"), ""]
    return "\n".join(out) + "\n"


def changes_page(root: Path, since: str, until: str | None) -> str:
    return as_markdown(diff_revisions(root, since, until or WORKTREE))


def previous_tag(root: Path, before: str = "HEAD") -> str | None:
    """The newest tag reachable from before's parent, for 'what changed since the previous version'."""
    try:
        return _git(root, "describe", "--tags", "--abbrev=0", f"{before}^").decode().strip() or None
    except RekError:
        return None


def changed_measures(root: Path, since: str) -> dict[str, str]:
    """The measures changed since a revision (committed, in the work tree, or new and untracked):
    id -> 'neu', 'geändert' or 'gelöscht'. For a merge request: who is responsible for what it touches."""
    base = resolve(root, since)
    found: dict[str, str] = {}
    status = {"A": "neu", "M": "geändert", "D": "gelöscht", "T": "geändert"}
    listing = _git(root, "diff", "--name-status", "--no-renames", "-z", base, "--", str(MEASURES_DIR))
    parts = [p for p in listing.decode("utf-8", "replace").split("\0") if p]
    for code, name in zip(parts[::2], parts[1::2], strict=False):
        path = PurePosixPath(name)
        if path.suffix in YAML_SUFFIXES and path.parent == PurePosixPath(str(MEASURES_DIR)):
            found[path.stem] = status.get(code[:1], "geändert")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", str(MEASURES_DIR))
    for name in untracked.decode("utf-8", "replace").split("\0"):
        path = PurePosixPath(name)
        if name and path.suffix in YAML_SUFFIXES and path.parent == PurePosixPath(str(MEASURES_DIR)):
            found[path.stem] = "neu"
    return dict(sorted(found.items(), key=lambda item: natural(item[0])))


def natural(text: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]
