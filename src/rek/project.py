"""A strategy repository on disk -> a validated :class:`Project` (or every problem found)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import crossref, heap, markup
from .assets import load_assets
from .call import Call
from .diagnostics import Diagnostics, RekError
from .layout import (
    ACTION_FIELDS_DIR,
    CALLS_DIR,
    CONTENT_DIR,
    MARKDOWN_SUFFIXES,
    MAX_CONTENT_BYTES,
    MEASURES_DIR,
    PAGE_SUFFIX,
    REPLACEABLE_PAGES,
    STRATEGY_FILE,
    page_slug,
    reserved_page,
)
from .model import ActionField, Goal, Measure, Partner, Strategy, StrategyStatus
from .overrides import load_overrides
from .sitesettings import SiteSettings, load_settings, text_problem, warn_missing_site_url
from .textrules import check_markdown_file, check_text, hidden_character
from .validation import validate_doc
from .yamlsource import YamlDoc, parse_yaml_bytes, read_limited, read_yaml


@dataclass(frozen=True)
class ContentPage:
    """A hand-written Markdown page from content/ (its text without front matter, checked by ``markup``)."""

    name: str
    title: str
    markdown: str
    front_title: str | None = None
    description: str | None = None


@dataclass
class Project:
    root: Path
    strategy: Strategy
    action_fields: list[ActionField]
    measures: list[Measure]
    calls: dict[str, Call]
    pages: list[ContentPage]
    site: SiteSettings = field(default_factory=SiteSettings)
    images: dict[str, Path] = field(default_factory=dict)
    overrides: list[str] = field(default_factory=list)
    # the text of every Jinja template override, as read and compiled at load ('site/measure.md.j2' -> …)
    templates: dict[str, str] = field(default_factory=dict, repr=False)
    warnings: list[Any] = field(default_factory=list)
    sources: dict[tuple[str, str], tuple[str, dict[Any, tuple[int, int]]]] = field(
        default_factory=dict, repr=False
    )

    def position(self, kind: str, ident: str, loc: tuple[Any, ...] = ()) -> tuple[str, int, int]:
        """(path, line, col) of a value in a source file (kind: strategy, measure, action_field, call)."""
        display, positions = self.sources.get((kind, ident), ("?", {}))
        probe = tuple(loc)
        while probe and probe not in positions:
            probe = probe[:-1]
        line, col = positions.get(probe, (1, 1))
        return display, line, col

    def locate(self, kind: str, ident: str, loc: tuple[Any, ...] = ()) -> str:
        """'path:line:col' of a value in a source file, for messages."""
        display, line, col = self.position(kind, ident, loc)
        return f"{display}:{line}:{col}"

    def templates_for(self, kind: str) -> tuple[dict[str, str], Path]:
        """The project's template overrides of one kind (site, application, report) and their folder."""
        prefix = f"{kind}/"
        found = {
            name[len(prefix) :]: text for name, text in self.templates.items() if name.startswith(prefix)
        }
        return found, self.root / "templates" / kind

    @cached_property
    def partners(self) -> dict[str, Partner]:
        return {p.id: p for p in self.strategy.partners}

    @cached_property
    def goals(self) -> dict[str, Goal]:
        return {g.id: g for g in self.strategy.goals}

    @cached_property
    def fields(self) -> dict[str, ActionField]:
        return {f.id: f for f in self.action_fields}

    @cached_property
    def measures_by_id(self) -> dict[str, Measure]:
        return {m.id: m for m in self.measures}

    @cached_property
    def dependents(self) -> dict[str, list[str]]:
        """measure id -> ids of the measures that depend on it."""
        result: dict[str, list[str]] = {m.id: [] for m in self.measures}
        for measure in self.measures:
            for dep in measure.dependencies:
                result.setdefault(dep, []).append(measure.id)
        return result

    @property
    def call(self) -> Call | None:
        return self.calls.get(self.strategy.call) if self.strategy.call else None

    def measures_in_field(self, field_id: str, *, primary_only: bool = False) -> list[Measure]:
        if primary_only:
            return [m for m in self.measures if m.action_field == field_id]
        return [m for m in self.measures if field_id in m.action_fields]


def natural_key(text: str) -> list[Any]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text)]


def display_path(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


@dataclass
class LoadedDocs:
    """The YAML documents behind a project, kept for positions in cross-file errors."""

    strategy: YamlDoc | None = None
    action_fields: dict[str, YamlDoc] = field(default_factory=dict)
    measures: dict[str, YamlDoc] = field(default_factory=dict)
    calls: dict[str, YamlDoc] = field(default_factory=dict)


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith(".")]
    return sorted(files, key=lambda p: natural_key(p.name))


def load_project(root: Path, *, strict: bool = True) -> tuple[Project | None, Diagnostics]:
    """Load and validate everything; return the project (None on errors) and all diagnostics."""
    with heap.bulk_load():
        return _load_project(root, strict=strict)


def _load_project(root: Path, *, strict: bool) -> tuple[Project | None, Diagnostics]:
    root = root.resolve()
    diags = Diagnostics()
    docs = LoadedDocs()

    strategy_path = root / STRATEGY_FILE
    strategy: Strategy | None = None
    if not strategy_path.is_file():
        diags.add(
            display_path(strategy_path),
            1,
            1,
            "Strategiedatei fehlt: erwartet wird strategy/strategy.yaml im Projektordner",
            hint="Legen Sie mit 'rek init ORDNER' ein neues Projekt an.",
        )
    else:
        doc = read_yaml(strategy_path, display_path(strategy_path), diags, root)
        if doc is not None:
            docs.strategy = doc
            check_text(doc, diags, Strategy)
            strategy = validate_doc(doc, Strategy, diags)

    action_fields = _load_many(root / ACTION_FIELDS_DIR, ActionField, diags, docs.action_fields, root)
    measures = _load_many(root / MEASURES_DIR, Measure, diags, docs.measures, root)
    calls_list = _load_many(root / CALLS_DIR, Call, diags, docs.calls, root)
    images = load_assets(root, diags)
    pages = _load_pages(root, root / CONTENT_DIR, images, diags)
    site = _load_site(root, images, diags)
    if strategy is not None and strategy.status == StrategyStatus.adopted and not site.site_url:
        warn_missing_site_url(display_path(root / "mkdocs.yml"), diags)  # rek check and rek build
    overrides = load_overrides(root, diags)

    if strategy is not None:
        crossref.check(strategy, action_fields, measures, calls_list, docs, diags)
    if not (root / ACTION_FIELDS_DIR).is_dir():
        diags.add(display_path(root / ACTION_FIELDS_DIR), 1, 1, "Ordner für Handlungsfelder fehlt")

    if diags.errors or strategy is None:
        return None, diags
    project = Project(
        root=root,
        strategy=strategy,
        action_fields=sorted(action_fields, key=lambda f: (f.order, natural_key(f.id))),
        measures=sorted(measures, key=lambda m: natural_key(m.id)),
        calls={c.id: c for c in calls_list},
        pages=pages,
        site=site,
        images=images,
        overrides=list(overrides),
        templates={
            name: text for name, text in overrides.items() if text is not None and name.endswith(".j2")
        },
        warnings=diags.warnings,
        sources=_source_maps(docs),
    )
    return project, diags


DEEP_KEYS = frozenset({"indicators", "milestones", "updates", "spending"})


def _source_maps(docs: LoadedDocs) -> dict[tuple[str, str], tuple[str, dict[Any, tuple[int, int]]]]:
    """Where values stand, kept small: strategy and calls three levels deep, measures their top-level keys."""

    def shallow(doc: YamlDoc, depth: int) -> dict[Any, tuple[int, int]]:
        # monitoring warnings point into indicators[i].measurements[j] and milestones[i]
        return {
            loc: pos
            for loc, pos in doc.values.items()
            if len(loc) <= depth or (len(loc) <= 5 and loc[0] in DEEP_KEYS)
        }

    maps: dict[tuple[str, str], tuple[str, dict[Any, tuple[int, int]]]] = {}
    if docs.strategy is not None:
        maps[("strategy", "")] = (docs.strategy.display, shallow(docs.strategy, 3))
    for ident, doc in docs.calls.items():
        maps[("call", ident)] = (doc.display, shallow(doc, 3))
    for ident, doc in docs.measures.items():
        maps[("measure", ident)] = (doc.display, shallow(doc, 3))
    for ident, doc in docs.action_fields.items():
        maps[("action_field", ident)] = (doc.display, shallow(doc, 1))
    return maps


def require_project(root: Path) -> Project:
    """The project for a one-shot command (what it loads stays out of later garbage collections)."""
    project, diags = load_project(root)
    if project is None:
        raise RekError(diags)
    heap.settle()
    return project


def _load_many(
    folder: Path, model: type[Any], diags: Diagnostics, store: dict[str, YamlDoc], root: Path
) -> list[Any]:
    items = []
    seen: dict[str, str] = {}  # id folded to lower case -> file, so M01.yaml/M01.yml/m01.yaml collide
    for path in _yaml_files(folder):
        folded = path.stem.casefold()
        if folded in seen:
            diags.add(
                display_path(path),
                1,
                1,
                f"Kennung '{path.stem}' gibt es schon in {seen[folded]} (auch Groß-/Kleinschreibung und "
                ".yaml/.yml zählen als gleich)",
                hint="Jede Kennung darf nur einmal vorkommen; benennen oder löschen Sie eine der Dateien.",
            )
            continue
        seen[folded] = display_path(path)
        doc = read_yaml(path, display_path(path), diags, root)
        if doc is None:
            continue
        check_text(doc, diags, model)
        item = validate_doc(doc, model, diags)
        if item is None:
            continue
        if item.id != path.stem:
            line, col = doc.position(("id",))
            diags.add(
                doc.display,
                line,
                col,
                f"Feld 'id': erwartet: '{path.stem}' wie der Dateiname; gefunden: Text '{item.id}'",
                hint=_id_hint(folder, path, item.id),
            )
            continue
        store[item.id] = doc
        items.append(item)
    return items


def _id_hint(folder: Path, path: Path, ident: str) -> str:
    """How to make id and file name agree: never rename onto a file that exists (a copied file)."""
    taken = next((p for p in _yaml_files(folder) if p.stem.casefold() == ident.casefold()), None)
    if taken is not None:
        return (
            f"Die Kennung '{ident}' hat schon {display_path(taken)}; frei ist '{path.stem}' wie der "
            f"Dateiname: ändern Sie die Kennung in 'id: {path.stem}'."
        )
    return (
        f"Benennen Sie die Datei in '{ident}{path.suffix}' um oder ändern Sie die Kennung in '{path.stem}'."
    )


def _load_pages(root: Path, folder: Path, images: dict[str, Path], diags: Diagnostics) -> list[ContentPage]:
    pages: list[ContentPage] = []
    if folder.is_symlink():
        diags.add(
            display_path(folder),
            1,
            1,
            "content/ ist ein symbolischer Link; rek folgt keinen Links aus dem Projekt",
        )
        return pages
    if not folder.is_dir():
        return pages

    def image(relative: str) -> str | None:
        if relative[len("assets/") :] in images:
            return None
        return f"Bild '{relative[:60]}' gibt es nicht im Ordner assets/ (oder es wurde abgelehnt)"

    for path in _page_files(folder):
        display = display_path(path)
        if not _page_name_allowed(path, display, diags):
            continue
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", path.stem):
            diags.add(display, 1, 1, "Dateiname einer Seite: nur Kleinbuchstaben, Ziffern und '-' erlaubt")
            continue
        raw = read_limited(path, display, diags, MAX_CONTENT_BYTES, root=root)
        if raw is None:
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            diags.add(display, line, 1, "Seite ist nicht UTF-8-kodiert")
            continue
        front, body, _ = _front_matter(path, display, text, diags)
        if front is None:
            continue
        before = len(diags.errors)
        check_markdown_file(display, body, diags, images=image)
        title = markup.heading_text(body)
        if not title:
            diags.add(display, 1, 1, "Seite braucht eine Überschrift '# Titel' als erste Überschrift")
            continue
        problem = text_problem(title)
        if problem:
            line = next((n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith("#")), 1)
            diags.add(display, line, 1, f"Überschrift (Seitentitel in der Navigation): {problem}")
            continue
        if len(diags.errors) > before:
            continue
        pages.append(
            ContentPage(
                name=path.stem,
                title=title,
                markdown=body,
                front_title=front.get("title"),
                description=front.get("description"),
            )
        )
    return pages


def _page_files(folder: Path) -> list[Path]:
    """Every entry of content/ with a Markdown ending MkDocs knows (.md, .markdown, .MD …), by name."""
    found = [p for p in folder.iterdir() if p.suffix.casefold() in MARKDOWN_SUFFIXES]
    return sorted(found, key=lambda p: natural_key(p.name))


def _page_name_allowed(path: Path, display: str, diags: Diagnostics) -> bool:
    """A content page may not take the name of a generated page or folder of the site (compared as the
    site would name it: without the ending, case-folded), and it ends in '.md'."""
    allowed = ", ".join(f"{name}.md" for name in REPLACEABLE_PAGES)
    what = reserved_page(path.name)
    if what is not None:
        diags.add(
            display,
            1,
            1,
            f"Der Seitenname '{page_slug(path.name)}' ist reserviert: rek erzeugt dort {what}; eine Seite "
            f"in content/ darf keine erzeugte Seite ersetzen (erlaubt ist das nur für {allowed})",
            hint=f"Benennen Sie die Datei um, z. B. in '{page_slug(path.name)}-erlaeuterung.md'.",
        )
        return False
    if path.suffix != PAGE_SUFFIX:
        diags.add(
            display,
            1,
            1,
            f"Seiten in content/ enden auf '{PAGE_SUFFIX}' (klein geschrieben); gefunden: '{path.suffix}'",
            hint=f"Benennen Sie die Datei in '{path.stem}{PAGE_SUFFIX}' um.",
        )
        return False
    return True


FRONT_MATTER_KEYS = ("title", "description")


def _front_matter(
    path: Path, display: str, text: str, diags: Diagnostics
) -> tuple[dict[str, str] | None, str, int]:
    """(front matter, body, lines before the body); only title and description are allowed, as plain text."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, text, 0
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        diags.add(display, 1, 1, "Vorspann ('---' in der ersten Zeile) wird nicht mit '---' geschlossen")
        return None, text, 0
    local = Diagnostics()
    doc = parse_yaml_bytes("\n".join(lines[1:end]).encode("utf-8"), path, display, local)
    for item in local.items:
        diags.add(display, item.line + 1, item.col, item.message, hint=item.hint, severity=item.severity)
    if doc is None:
        return None, text, 0
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        diags.add(display, 2, 1, "Vorspann: erwartet: eine Zuordnung mit title und description")
        return None, text, 0
    result: dict[str, str] = {}
    ok = True
    for key, value in data.items():
        line, col = doc.position((key,), key=True)
        if key not in FRONT_MATTER_KEYS:
            diags.add(
                display,
                line + 1,
                col,
                f"Feld '{key}' ist im Vorspann einer Seite nicht erlaubt",
                hint="Erlaubt sind: title, description.",
            )
            ok = False
            continue
        problem = text_problem(value)
        if problem is None:
            hidden = hidden_character(value)
            problem = hidden[1] if hidden else None
        if problem:
            line, col = doc.position((key,))
            diags.add(display, line + 1, col, f"Feld '{key}': {problem}")
            ok = False
            continue
        result[key] = value.strip()
    body = "\n" * (end + 1) + "\n".join(lines[end + 1 :])
    return (result if ok else None), body, 0


def _load_site(root: Path, images: dict[str, Path], diags: Diagnostics) -> SiteSettings:
    """Site settings from the project's mkdocs.yml (optional): typed, every value checked."""
    path = root / "mkdocs.yml"
    if not path.is_file() and not path.is_symlink():
        return SiteSettings()
    doc = read_yaml(path, display_path(path), diags, root)
    if doc is None:
        return SiteSettings()
    if not isinstance(doc.data, dict):
        diags.add(doc.display, 1, 1, "erwartet: eine Zuordnung (Schlüssel: Wert) auf oberster Ebene")
        return SiteSettings()
    check_text(doc, diags)  # hidden characters in any value
    return load_settings(doc, images, diags)
