"""rek's findings where a merge request's reviewer sees them: GitHub annotations, GitLab Code Quality.

The same diagnostics ``rek check`` prints, in the two formats CI platforms show beside the changed lines:
GitHub's workflow commands (``::error file=…,line=…,col=…::…``, shown on the pull request's files) and
GitLab's Code Quality report (a JSON artifact the merge request widget lists). Text only; nothing here
runs a command or reads a file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from .diagnostics import Diagnostic


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_commands(diagnostics: Iterable[Diagnostic]) -> str:
    """One workflow command per finding; hints follow the message on a new line of the annotation."""
    lines = []
    for d in diagnostics:
        level = "error" if d.severity == "error" else "warning"
        text = d.message + (f"\nHinweis: {d.hint}" if d.hint else "")
        lines.append(
            f"::{level} file={_escape_property(d.path)},line={d.line},col={d.col},title=rek check::"
            f"{_escape_data(text)}"
        )
    return "\n".join(lines)


def codequality(diagnostics: Iterable[Diagnostic]) -> str:
    """GitLab's Code Quality report (the Code Climate subset GitLab reads) as JSON text."""
    issues = []
    for d in diagnostics:
        fingerprint = hashlib.sha256(f"{d.path}\0{d.line}\0{d.col}\0{d.message}".encode()).hexdigest()
        issues.append(
            {
                "description": d.message + (f" – Hinweis: {d.hint}" if d.hint else ""),
                "check_name": "rek check",
                "fingerprint": fingerprint,
                "severity": "major" if d.severity == "error" else "minor",
                "location": {"path": d.path, "lines": {"begin": d.line}},
            }
        )
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"
