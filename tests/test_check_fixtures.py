"""Each broken fixture yields exactly its expected errors, at the right line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, overlay

BROKEN = sorted(p for p in (FIXTURES / "broken").iterdir() if p.is_dir())


@pytest.mark.parametrize("fixture", BROKEN, ids=[p.name for p in BROKEN])
def test_broken_fixture_reports_expected_errors(fixture: Path, minimal: Path, run, golden) -> None:
    overlay(fixture, minimal)
    result = run("check", cwd=minimal)
    assert result.code == 1
    golden.lines(fixture / "expected.txt", result.error_lines)
    assert "Traceback" not in result.err
    assert result.err.rstrip().endswith("gefunden.")


def test_minimal_project_is_valid(minimal: Path, run) -> None:
    result = run("check", cwd=minimal)
    assert result.code == 0, result.err
    assert "Alles in Ordnung: 1 Maßnahme, 1 Handlungsfeld, 1 Partner geprüft" in result.out


def test_committed_schemas_match_the_model() -> None:
    from conftest import ROOT
    from rek.jsonschemas import SCHEMAS, schema_json

    for kind in SCHEMAS:
        committed = (ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
        assert committed == schema_json(kind), f"schemas/{kind}.schema.json is stale: run 'rek schema'"


def test_measure_files_point_editors_to_the_schema() -> None:
    from conftest import ROOT

    for path in (ROOT / "measures").glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schemas/measure.schema.json", path.name


def test_new_measure_gets_the_next_free_id_and_is_valid(minimal, run) -> None:
    result = run("new", "measure", "--title", "Digitale Bauakte", cwd=minimal)
    assert result.code == 0, result.err
    assert "measures/M02.yaml" in result.out
    text = (minimal / "measures" / "M02.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/measure.schema.json\nid: M02\n")
    assert 'title: "Digitale Bauakte"' in text
    assert run("check", cwd=minimal).code == 0
    again = run("new", "measure", "--id", "M02", cwd=minimal)
    assert again.code == 1 and "rek überschreibt keine bestehenden Dateien" in again.err
    assert (minimal / "measures" / "M02.yaml").read_text(encoding="utf-8") == text


def test_schema_command_prints_one_schema(run, minimal) -> None:
    import json

    result = run("schema", "--kind", "measure", cwd=minimal)
    schema = json.loads(result.out)
    assert schema["title"] == "Measure" and "funding" in schema["properties"]
    assert schema["properties"]["costs"]["title"] == "Kosten"


def test_usage_error_and_unknown_command_have_no_traceback(run, minimal) -> None:
    result = run("bogus", cwd=minimal)
    assert (
        result.code == 2 and "Befehl 'bogus' gibt es nicht." in result.err and "Traceback" not in result.err
    )


def test_internal_error_is_reported_without_traceback(run, minimal, monkeypatch) -> None:
    import rek.project

    def boom(*args, **kwargs):
        raise ValueError("kaputt")

    monkeypatch.setattr(rek.project, "load_project", boom)
    monkeypatch.setattr("rek.cli.load_project", boom)
    result = run("check", cwd=minimal)
    assert result.code == 2
    assert "Interner Fehler in rek (ValueError: kaputt)" in result.err and "Traceback" not in result.err


def test_embedded_strategy_passes_check(run) -> None:
    from conftest import ROOT

    result = run("check", cwd=ROOT)
    assert result.code == 0, result.err
    assert "Alles in Ordnung: 24 Maßnahmen, 5 Handlungsfelder, 5 Partner geprüft" in result.out
