"""CLI transcripts: the whole output of a command, as a user sees it."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES, fill_scaffold

TRANSCRIPTS = FIXTURES / "transcripts"


def test_check_with_many_errors_transcript(minimal: Path, run, golden) -> None:
    shutil.copy(
        FIXTURES / "broken" / "many-errors" / "measures" / "M01.yaml", minimal / "measures" / "M01.yaml"
    )
    result = run("check", cwd=minimal)
    assert result.code == 1
    assert result.out == ""
    golden.text(TRANSCRIPTS / "check-many-errors.txt", result.err)


def test_check_of_a_valid_project_transcript(minimal: Path, run, golden) -> None:
    """A new project is valid; its legal pages and Leichte Sprache page still have placeholders."""
    result = run("check", cwd=minimal)
    assert (result.code, result.err) == (0, "")
    golden.text(TRANSCRIPTS / "check-new-project.txt", result.out)


def test_check_without_placeholders_is_silent(minimal: Path, run) -> None:
    fill_scaffold(minimal)
    for path in (minimal / "strategy" / "strategy.yaml", minimal / "content" / "leichte-sprache.md"):
        path.write_text(
            path.read_text(encoding="utf-8")
            .replace('email: "bitte ergänzen"', 'email: "poststelle@example.org"')  # addresses stay addresses
            .replace('phone: "bitte ergänzen"', 'phone: "+49 5151 903-0"')
            .replace('regional_key: "bitte ergänzen"', 'regional_key: "031234567890"')  # twelve digits
            .replace('log_retention_days: "bitte ergänzen"', "log_retention_days: 14")  # a number
            .replace('privacy_date: "bitte ergänzen"', "privacy_date: 2027-01-15")  # a date
            .replace("bitte ergänzen", "ausgefüllt"),
            encoding="utf-8",
        )
    result = run("check", cwd=minimal)
    assert (result.code, result.out, result.err) == (
        0,
        "Alles in Ordnung: 1 Maßnahme, 1 Handlungsfeld, 1 Partner geprüft.\n",
        "",
    )
