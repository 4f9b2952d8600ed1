"""Diagnostics: one problem in one file, at one place, told in German.

Every user-facing error in rek is a :class:`Diagnostic`. They are collected, never raised one at a
time, so that a run reports every problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    col: int
    message: str
    severity: str = "error"
    hint: str | None = field(default=None, compare=False)
    note: str | None = field(default=None, compare=False)  # e.g. the rule of a call and its source

    def format(self) -> str:
        text = f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n    Hinweis: {self.hint}"
        if self.note:
            text += f"\n    Regel: {self.note}"
        return text


class Diagnostics:
    """An ordered collection of diagnostics with helpers to add them."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def add(
        self,
        path: str | Path,
        line: int,
        col: int,
        message: str,
        *,
        hint: str | None = None,
        severity: str = "error",
        note: str | None = None,
    ) -> None:
        self.items.append(Diagnostic(str(path), line, col, message, severity, hint, note))

    def extend(self, other: Diagnostics | list[Diagnostic]) -> None:
        self.items.extend(other.items if isinstance(other, Diagnostics) else other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.items))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)


class RekError(Exception):
    """Raised when a command cannot go on; carries the diagnostics to show."""

    def __init__(self, diagnostics: Diagnostics | list[Diagnostic] | str) -> None:
        if isinstance(diagnostics, str):
            self.diagnostics: list[Diagnostic] = []
            self.text = diagnostics
        else:
            items = diagnostics.items if isinstance(diagnostics, Diagnostics) else diagnostics
            self.diagnostics = sorted(set(items))
            self.text = "\n".join(d.format() for d in self.diagnostics)
        super().__init__(self.text)


def summary_line(diagnostics: list[Diagnostic]) -> str:
    errors = [d for d in diagnostics if d.severity == "error"]
    warnings = [d for d in diagnostics if d.severity == "warning"]
    files = len({d.path for d in errors})
    parts = [f"{len(errors)} Fehler in {files} Datei{'en' if files != 1 else ''}"]
    if warnings:
        parts.append(f"{len(warnings)} Warnung{'en' if len(warnings) != 1 else ''}")
    return ", ".join(parts) + " gefunden."
