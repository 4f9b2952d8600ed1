"""The call profile of a programme a rural region can apply to today: valid, sourced, and checked without a crash."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT
from rek.project import require_project


def test_zukunftsregionen_profile_is_sourced_and_open() -> None:
    call = require_project(ROOT).calls["zrn-2021-2027"]
    assert call.published and call.deadline is None  # rolling applications, no deadline
    assert [(r.percent, r.when) for r in call.rates] == [(40, "default")]
    assert [(p.id, p.max_months, p.max_grant) for p in call.phases] == [("vorhaben", 36, None)]
    rules = [
        call.applicant,
        *call.rates,
        *call.phases,
        call.eligible_cost_categories,
        *call.sections,
        *call.annexes,
    ]
    assert all(r is not None and r.source.url and r.source.note for r in rules)
    assert "nicht" in call.summary and "unbekannt" in call.summary  # the unknowns are stated


def test_embedded_strategy_is_checked_against_it_without_a_crash(embedded: Path, run) -> None:
    result = run("check", "--call", "zrn-2021-2027", cwd=embedded)
    assert result.code == 1
    assert "Traceback" not in result.err
    rules = sorted(line.split("Regel '", 1)[1].split("'", 1)[0] for line in result.error_lines)
    assert rules == [
        "Abschnitt Kosten- und Finanzierungsplan",
        "Abschnitt Zeit- und Arbeitsplan",
        "Anlage Positiver Beschluss der Steuerungsgruppe der Zukunftsregion (Förderwürdigkeit)",
        "Anlage Projektskizze für das Regionalmanagement der Zukunftsregion",
        "Maßnahmen",  # the strategy's phases belong to the Smart Cities call (A, B), not to this one
    ]
