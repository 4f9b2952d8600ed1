"""Placeholders left in a strategy ("bitte ergänzen"): found with file, line and column.

``rek check`` shows each as a warning; ``rek publish`` refuses an adopted version while one is left,
because an Impressum or accessibility statement with gaps does not meet the legal requirements.
"""

from __future__ import annotations

import re
from pathlib import Path

from .diagnostics import Diagnostic, RekError
from .project import display_path, natural_key

MARKER = re.compile(r"bitte\s+ergänzen", re.IGNORECASE)
PATTERNS = ("strategy/**/*.yaml", "strategy/**/*.yml", "measures/*.yaml", "measures/*.yml", "content/*.md",
            "mkdocs.yml", "templates/**/*.j2")  # fmt: skip
MAX_BYTES = 1024 * 1024
HINT = "Tragen Sie die fehlende Angabe ein; eine beschlossene Fassung wird mit Platzhaltern nicht veröffentlicht."


def _files(root: Path) -> list[Path]:
    found: set[Path] = set()
    for pattern in PATTERNS:
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
    items = []
    for path in _files(root):
        try:
            if path.stat().st_size > MAX_BYTES:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        display = display_path(path)
        for number, line in enumerate(text.splitlines(), start=1):
            for match in MARKER.finditer(line):
                items.append(
                    Diagnostic(
                        display,
                        number,
                        match.start() + 1,
                        "Platzhalter „bitte ergänzen“: diese Angabe fehlt noch",
                        severity,
                        None if items else HINT,  # the hint once, not after every line
                    )
                )
    return items


def refuse_if_any(root: Path) -> None:
    """For publishing an adopted version: raise with every placeholder (as an error) if one is left."""
    items = find(root, "error")
    if items:
        raise RekError(items)
