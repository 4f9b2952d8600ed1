"""`rek diff A B`: what changed between two versions of a strategy (git revisions or the work tree).

Both sides are loaded and validated like any project; the comparison is on the typed model:
measures added, removed and changed field by field, and budget deltas by action field and partner.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import formatting as fmt
from .diagnostics import RekError
from .mdtext import link, table, text
from .model import Measure
from .plan import measure_cost
from .plan import resolve as resolve_plan
from .project import Project, load_project

WORKTREE = "WORKTREE"
PATHS = ["strategy", "measures", "content", "mkdocs.yml"]


def _git(root: Path, *args: str) -> bytes:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=120)
    except FileNotFoundError:
        raise RekError("git ist nicht installiert; 'rek diff' braucht git.") from None
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


def load_revision(root: Path, rev: str, workdir: Path) -> Project:
    """Load the project as it was at rev (or the work tree)."""
    if rev == WORKTREE:
        folder = root
    else:
        commit = resolve(root, rev)
        present = [p for p in PATHS if _git(root, "ls-tree", "--name-only", commit, p).strip()]
        folder = workdir / commit[:12]
        folder.mkdir(parents=True, exist_ok=True)
        if present:
            archive = _git(root, "archive", "--format=tar", commit, *present)
            try:
                with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                    tar.extractall(folder, filter="data")
            except tarfile.FilterError as exc:  # e.g. a symbolic link out of the project in that commit
                raise RekError(
                    f"Die Strategie in '{rev}' enthält einen Eintrag, der aus dem Projekt hinausführt "
                    f"('{getattr(exc, 'tarinfo', None) and exc.tarinfo.name}'); rek folgt keinen Links."
                ) from None
    project, diags = load_project(folder)
    if project is None:
        shown = "\n".join(d.format() for d in diags.sorted()[:20])
        raise RekError(f"Die Strategie in '{rev}' ist nicht gültig:\n{shown}")
    return project


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out or {prefix: {}}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = {}
        for index, item in enumerate(value):
            out.update(_flatten(item, f"{prefix}[{index}]"))
        return out
    return {prefix: value}


@dataclass
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass
class Diff:
    old_label: str
    new_label: str
    added: list[Measure] = field(default_factory=list)
    removed: list[Measure] = field(default_factory=list)
    changed: dict[str, list[FieldChange]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    field_budget: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)
    partner_budget: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)
    strategy_changes: list[FieldChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.strategy_changes)


def compare(old: Project, new: Project, old_label: str, new_label: str) -> Diff:
    diff = Diff(old_label, new_label)
    before, after = old.measures_by_id, new.measures_by_id
    diff.added = [m for mid, m in after.items() if mid not in before]
    diff.removed = [m for mid, m in before.items() if mid not in after]
    for mid in after:
        if mid in before and before[mid] != after[mid]:
            a = _flatten(before[mid].model_dump(mode="json"))
            b = _flatten(after[mid].model_dump(mode="json"))
            diff.changed[mid] = [
                FieldChange(k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)
            ]
            diff.titles[mid] = after[mid].title
    sa = _flatten(old.strategy.model_dump(mode="json"))
    sb = _flatten(new.strategy.model_dump(mode="json"))
    diff.strategy_changes = [
        FieldChange(k, sa.get(k), sb.get(k)) for k in sorted(set(sa) | set(sb)) if sa.get(k) != sb.get(k)
    ]
    fa, fb = resolve_plan(old).strategy, resolve_plan(new).strategy
    titles = {f.id: f.title for f in old.action_fields} | {f.id: f.title for f in new.action_fields}
    for fid, title in titles.items():
        a = fa.by_field[fid].cost if fid in fa.by_field else Decimal(0)
        b = fb.by_field[fid].cost if fid in fb.by_field else Decimal(0)
        if a != b:
            diff.field_budget.append((title, a, b))
    names = {p.id: p.name for p in old.strategy.partners} | {p.id: p.name for p in new.strategy.partners}
    for pid, name in names.items():
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


def _short(value: Any) -> str:
    if value is None:
        return "–"
    shown = str(value)
    return shown if len(shown) <= 80 else shown[:77] + "…"


def _delta(a: Decimal, b: Decimal) -> str:
    sign = "+" if b >= a else "−"
    return f"{sign}{fmt.euro(abs(b - a))}"


def as_text(diff: Diff) -> str:
    lines = [f"Änderungen von {diff.old_label} zu {diff.new_label}"]
    if diff.empty:
        return lines[0] + ": keine.\n"
    for m in diff.added:
        lines.append(f"+ {m.id} {m.title} (neu, {fmt.euro(measure_cost(m))})")
    for m in diff.removed:
        lines.append(f"- {m.id} {m.title} (entfernt, {fmt.euro(measure_cost(m))})")
    for mid, changes in diff.changed.items():
        lines.append(f"~ {mid} {diff.titles[mid]}")
        for c in changes:
            lines.append(f"    {c.field}: {_short(c.old)} → {_short(c.new)}")
    if diff.strategy_changes:
        lines.append("~ Strategie (strategy.yaml)")
        lines += [f"    {c.field}: {_short(c.old)} → {_short(c.new)}" for c in diff.strategy_changes]
    if diff.field_budget:
        lines.append("Budget nach Handlungsfeld:")
        lines += [f"    {t}: {fmt.euro(a)} → {fmt.euro(b)} ({_delta(a, b)})" for t, a, b in diff.field_budget]
    if diff.partner_budget:
        lines.append("Eigenanteile nach Partner:")
        lines += [
            f"    {t}: {fmt.euro(a)} → {fmt.euro(b)} ({_delta(a, b)})" for t, a, b in diff.partner_budget
        ]
    return "\n".join(lines) + "\n"


def as_markdown(diff: Diff, measure_prefix: str = "massnahme/") -> str:
    out = [
        "# Änderungen",
        "",
        f"Was sich von **{text(diff.old_label)}** zu **{text(diff.new_label)}** geändert hat.",
        "",
    ]
    if diff.empty:
        out.append("Keine inhaltlichen Änderungen.")
        return "\n".join(out) + "\n"
    if diff.added:
        out += ["## Neue Maßnahmen", ""]
        out += [
            f"- {link(f'{m.id} {m.title}', f'{measure_prefix}{m.id}.md')} ({fmt.euro(measure_cost(m))})"
            for m in diff.added
        ]
        out.append("")
    if diff.removed:
        out += ["## Entfernte Maßnahmen", ""]
        out += [f"- {text(m.id)} {text(m.title)} ({fmt.euro(measure_cost(m))})" for m in diff.removed]
        out.append("")
    if diff.changed:
        out += ["## Geänderte Maßnahmen", ""]
        for mid, changes in diff.changed.items():
            out += [f"### {link(f'{mid} {diff.titles[mid]}', f'{measure_prefix}{mid}.md')}", ""]
            out.append(
                table(["Feld", "vorher", "jetzt"], [[c.field, _short(c.old), _short(c.new)] for c in changes])
            )
            out.append("")
    if diff.strategy_changes:
        out += ["## Strategie", ""]
        out.append(
            table(
                ["Feld", "vorher", "jetzt"],
                [[c.field, _short(c.old), _short(c.new)] for c in diff.strategy_changes],
            )
        )
        out.append("")
    for heading, first, deltas in (
        ("Budget nach Handlungsfeld", "Handlungsfeld", diff.field_budget),
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
