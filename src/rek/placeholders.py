"""Placeholders left in a strategy ("bitte ergänzen"): found with file, line and column.

``rek check`` shows each as a warning; ``rek publish`` refuses an adopted version while one is left,
because an Impressum or accessibility statement with gaps does not meet the legal requirements.

The search reads the text as a reader sees it (``invisible.normalise``): NFKC, invisible and format
characters (the soft hyphen too) left out, YAML escapes and HTML character references decoded, any
whitespace between the words (no-break space, the line break of folded YAML text), any case. A file
larger than the loaders accept is not skipped silently: it is reported, so that publishing stops.
"""

from __future__ import annotations

import re
from pathlib import Path

from .diagnostics import Diagnostic, RekError
from .invisible import PLACEHOLDER, normalise
from .layout import MAX_FILE_BYTES, SOURCE_PATTERNS
from .project import display_path, natural_key

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
        for line, col in positions(raw.decode("utf-8", errors="replace")):
            items.append(Diagnostic(display, line, col, MESSAGE, severity, None if items else HINT))
    return items


def positions(text: str) -> list[tuple[int, int]]:
    """(line, column) of every placeholder in text, both 1-based, the column in characters."""
    plain, offsets = normalise(text)
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
