"""Each broken fixture yields exactly its expected errors, at the right line and column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES

BROKEN = sorted(p for p in (FIXTURES / "broken").iterdir() if p.is_dir())


@pytest.mark.parametrize("fixture", BROKEN, ids=[p.name for p in BROKEN])
def test_broken_fixture_reports_expected_errors(fixture: Path, minimal: Path, run) -> None:
    for item in fixture.rglob("*"):
        if item.is_file() and item.name != "expected.txt":
            target = minimal / item.relative_to(fixture)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(item, target)
    result = run("check", cwd=minimal)
    expected = (fixture / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert result.code == 1
    assert result.error_lines == expected
    assert "Traceback" not in result.err
    assert result.err.rstrip().endswith("gefunden.")


def test_minimal_project_is_valid(minimal: Path, run) -> None:
    result = run("check", cwd=minimal)
    assert result.code == 0, result.err
    assert "Alles in Ordnung: 1 Maßnahmen" in result.out
