"""Placeholders left in a strategy ("bitte ergänzen", scaffold text): found with file, line and column.

``rek check`` shows each as a warning; ``rek publish`` refuses an adopted version while one is left,
because an Impressum or accessibility statement with gaps does not meet the legal requirements.

Scaffold text counts as a placeholder until it is changed: the texts ``rek new`` writes (the constants
below, which ``scaffold.py`` writes from) and the prose and names of the ``rek init`` template (read
from the template files themselves, :func:`scaffold_texts`), e.g. "Kurzbeschreibung in ein bis zwei
Sätzen." or "Landkreis Muster". A text that still holds one of them, whole, is found wherever it stands.

The search reads the text as a reader sees it (``invisible.normalise``): NFKC, invisible and format
characters (the soft hyphen too) left out, YAML escapes and HTML character references decoded, any
whitespace between the words (no-break space, the line break of folded YAML text), „bitte ergänzen“ in
any case, scaffold text as written and as whole words. Comment lines of YAML files are left out (the
template explains itself there). A file larger than the loaders accept is not skipped silently: it is
reported, so that publishing stops.
"""

from __future__ import annotations

import bisect
import functools
import re
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, RekError
from .invisible import PLACEHOLDER, normalise
from .layout import MAX_FILE_BYTES, SOURCE_PATTERNS
from .locate import PACKAGE_DIR
from .model import ActionField, Measure, Strategy
from .project import display_path, natural_key
from .textrules import markdown_fields

# the texts 'rek new' writes into a new measure and a new action field (scaffold.py and cli.py write these)
NEW_MEASURE_TITLE = "Neue Maßnahme"  # the title of 'rek new measure' without --title
NEW_MEASURE_SUMMARY = "Kurzbeschreibung in ein bis zwei Sätzen."
NEW_MEASURE_DESCRIPTION = "Was die Maßnahme erreichen will, wie sie umgesetzt wird und wer davon profitiert."
NEW_FIELD_SUMMARY = "Worum es in diesem Handlungsfeld geht, in einem Satz."
NEW_FIELD_DESCRIPTION = "Was die Region in diesem Handlungsfeld erreichen will."
INIT_TEMPLATE = PACKAGE_DIR / "templates" / "init"
SCAFFOLD_MESSAGE = "Platzhalter aus der Vorlage „{text}“: noch nicht durch eigenen Text ersetzt"
SCAFFOLD_HINT = (
    "Schreiben Sie hier Ihren eigenen Text (die Vorlage von 'rek init' und 'rek new' ist nur ein Gerüst); "
    "mit Vorlagentext wird eine beschlossene Fassung nicht veröffentlicht und ein Antrag nur als Entwurf "
    "(--draft) geschrieben."
)
NAME_MESSAGE = "Platzhalter aus der Vorlage „{text}“: noch nicht durch Ihren Namen ersetzt"
NAME_HINT = (
    "Setzen Sie den Namen Ihrer Region oder Ihres Partners ein; mit Namen aus der Vorlage wird eine "
    "beschlossene Fassung nicht veröffentlicht und ein Antrag nur als Entwurf (--draft) geschrieben."
)

MARKER = PLACEHOLDER
MAX_BYTES = MAX_FILE_BYTES  # the largest file any loader accepts (layout.py)
MESSAGE = "Platzhalter „bitte ergänzen“: diese Angabe fehlt noch"
_BREAK = re.compile(r"\r\n|\r|\n")
HINT = "Tragen Sie die fehlende Angabe ein; eine beschlossene Fassung wird mit Platzhaltern nicht veröffentlicht."


def _files(root: Path) -> list[Path]:
    found: set[Path] = set()
    for pattern in SOURCE_PATTERNS:
        for path in root.glob(pattern):
            if (
                path.is_file()
                and not path.is_symlink()
                and not any(p.startswith(".") for p in path.parts[-3:])
            ):
                found.add(path)
    return sorted(found, key=lambda p: natural_key(str(p.relative_to(root))))


def find(root: Path, severity: str = "warning") -> list[Diagnostic]:
    """Every placeholder in the project's source files, in file order."""
    items: list[Diagnostic] = []
    hints: set[str] = set()  # each kind's hint once, at its first place
    for path in _files(root):
        display = display_path(path)
        try:
            with path.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
        except OSError:
            continue
        if len(raw) > MAX_BYTES:
            items.append(
                Diagnostic(
                    display,
                    1,
                    1,
                    f"Datei ist größer als {MAX_BYTES // (1024 * 1024)} MB und wurde nicht nach Platzhaltern "
                    "durchsucht",
                    severity,
                    "Verkleinern Sie die Datei; rek liest so große Dateien nicht.",
                )
            )
            continue
        text = raw.decode("utf-8", errors="replace")
        if path.suffix in (".yaml", ".yml"):
            text = _without_comment_lines(text)
        normalised = normalise(text)
        found = [(line, col, MESSAGE, HINT) for line, col in positions(text, normalised)]
        found += scaffold_positions(text, normalised)
        for line, col, message, hint in sorted(found):
            items.append(Diagnostic(display, line, col, message, severity, None if hint in hints else hint))
            hints.add(hint)
    return items


_COMMENT_LINE = re.compile(r"^[ \t]*#.*$", re.MULTILINE)


def _without_comment_lines(text: str) -> str:
    """YAML text with its comment lines blanked (same length, so lines and columns stay)."""
    return _COMMENT_LINE.sub(lambda m: " " * len(m.group(0)), text)


def _texts_of(data: Any, model: Any) -> list[str]:
    """The prose of one template file: its Markdown fields and its one-line summary."""
    texts = [text for _, text in markdown_fields(model, data)]
    if isinstance(data, dict) and isinstance(data.get("summary"), str):
        texts.append(data["summary"])
    return texts


@functools.cache
def scaffold_texts() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(texts, names) that 'rek init' and 'rek new' write and a region must replace.

    Texts are the prose of the init template (Markdown fields and summaries of its strategy, action
    fields and measures) and the texts of 'rek new'; names are the template's region and partner names
    ("Musterregion", "Landkreis Muster"), which may also stand inside a longer text.
    """
    texts = [
        NEW_MEASURE_TITLE,
        NEW_MEASURE_SUMMARY,
        NEW_MEASURE_DESCRIPTION,
        NEW_FIELD_SUMMARY,
        NEW_FIELD_DESCRIPTION,
    ]
    names: list[str] = []
    strategy = yaml.safe_load((INIT_TEMPLATE / "strategy" / "strategy.yaml").read_text(encoding="utf-8"))
    texts += _texts_of(strategy, Strategy)
    names += [strategy["short_title"], strategy["region"]["name"], *(p["name"] for p in strategy["partners"])]
    for folder, model in (("strategy/action-fields", ActionField), ("measures", Measure)):
        for path in sorted((INIT_TEMPLATE / folder).glob("*.yaml")):
            texts += _texts_of(yaml.safe_load(path.read_text(encoding="utf-8")), model)
    clean = [t.strip() for t in texts if t.strip() and not PLACEHOLDER.search(t)]
    return tuple(dict.fromkeys(clean)), tuple(dict.fromkeys(n for n in names if n))


@functools.cache
def _scaffold_pattern() -> re.Pattern[str]:
    """One alternation of every scaffold text and name, any whitespace between the words, as written.

    Case-sensitive on purpose: literal alternatives let the regex engine skip ahead (about 1 ms for the
    whole embedded strategy, against half a second case-insensitive); the word bounds of names are
    checked after a match.
    """
    texts, names = scaffold_texts()
    # longest first, so that a text is found whole before a name inside it
    parts = sorted([*texts, *names], key=lambda part: -len(part))
    return re.compile("|".join(r"\s+".join(re.escape(word) for word in part.split()) for part in parts))


_NOTE = re.compile(r"bitte\s+ergänzen\s*\([^()]*\)", re.IGNORECASE)


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 50 else text[:49].rstrip() + "…"


def scaffold_positions(
    text: str, normalised: tuple[str, list[int]] | None = None
) -> list[tuple[int, int, str, str]]:
    """(line, column, message, hint) of every scaffold text and template name left in text."""
    plain, offsets = normalised or normalise(text)
    notes = [m.span() for m in _NOTE.finditer(plain)]  # 'bitte ergänzen (… des Landkreises Muster)'
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]
    texts, names = scaffold_texts()
    folded_names = {" ".join(n.split()).casefold() for n in names}
    found = []
    for match in _scaffold_pattern().finditer(plain):
        if any(a <= match.start() < b for a, b in notes):
            continue
        offset = offsets[match.start()]
        line = bisect.bisect_right(starts, offset) - 1
        value = " ".join(match.group(0).split())
        is_name = value.casefold() in folded_names
        before = plain[match.start() - 1] if match.start() else " "
        after = plain[match.end()] if match.end() < len(plain) else " "
        if before.isalnum() or before == "_" or after.isalnum() or after == "_":
            continue  # inside a longer word ('Musterregionen', 'Neue Maßnahmen') it is the writer's own
        if is_name:
            found.append((line + 1, offset - starts[line] + 1, NAME_MESSAGE.format(text=value), NAME_HINT))
        else:
            message = SCAFFOLD_MESSAGE.format(text=_shown(value))
            found.append((line + 1, offset - starts[line] + 1, message, SCAFFOLD_HINT))
    return found


def positions(text: str, normalised: tuple[str, list[int]] | None = None) -> list[tuple[int, int]]:
    """(line, column) of every placeholder in text, both 1-based, the column in characters."""
    plain, offsets = normalised or normalise(text)
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]
    found = []
    line = 0
    for match in MARKER.finditer(plain):
        offset = offsets[match.start()]
        while line + 1 < len(starts) and starts[line + 1] <= offset:
            line += 1
        found.append((line + 1, offset - starts[line] + 1))
    return found


def refuse_if_any(root: Path) -> None:
    """For publishing an adopted version: raise with every placeholder (as an error) if one is left."""
    items = find(root, "error")
    if items:
        raise RekError(items)


_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:", re.MULTILINE)


def _site_only_lines(text: str) -> range:
    """The lines (1-based) of the top-level 'legal:' block of strategy.yaml: the website's legal pages."""
    starts = list(_TOP_KEY.finditer(text))
    for index, match in enumerate(starts):
        if match.group(0).startswith("legal"):
            first = text.count("\n", 0, match.start()) + 1
            end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
            return range(first, text.count("\n", 0, end) + 2)
    return range(0)


def for_application(root: Path) -> list[Diagnostic]:
    """The placeholders a non-draft application may not carry: those in what it shows (measures, action
    fields, the strategy's texts and partners), not in the website's own pages, settings and legal block."""
    strategy = root / "strategy" / "strategy.yaml"
    try:
        legal = _site_only_lines(strategy.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        legal = range(0)
    folders = tuple(display_path(root / name) + "/" for name in ("strategy", "measures"))
    return [
        diag
        for diag in find(root, "error")
        if diag.path.startswith(folders) and not (diag.path == display_path(strategy) and diag.line in legal)
    ]
