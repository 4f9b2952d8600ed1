"""Call profiles are generic and complete, and switching calls is one line.

The profiles of the Land programme (ZRN) and of the Smart Cities calls (MPSC) are sourced rule by rule and
name no region; a measure may leave 'grant' out and gets rate × eligible cost from the plan, in every
output; the call phase follows from the phases' dates; the ZRN rules per measure refuse a measure
ending after the programme, a project under the minimum size and a runtime over 36 months, at their lines.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import CALL_PHASE_LINE, ROOT
from rek import formatting as fmt
from rek.application.costplan import formula_cells
from rek.application.document import render
from rek.model import EfreRegion
from rek.money import rate_of
from rek.plan import resolve
from rek.project import require_project
from rek.site.pages import SitePages

ZRN = "zrn-2021-2027"
DAY = dt.date(2026, 11, 25)
REGION_NAMES = re.compile(r"Weserbergland|Hameln|Holzminden|Nienburg|Schaumburg|HSW", re.IGNORECASE)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- the profiles ---------------------------------------------------------------------------------
def test_zukunftsregionen_profile_is_sourced_generic_and_states_the_unknowns() -> None:
    call = require_project(ROOT).calls[ZRN]
    assert call.published and call.deadline is None  # rolling applications, no deadline
    assert [(r.percent, r.region) for r in call.rates] == [
        (40, EfreRegion.more_developed),
        (60, EfreRegion.transition),
    ]
    rules = call.projects
    assert rules is not None
    assert rules.end_by is not None and rules.end_by.date == dt.date(2028, 12, 31)
    assert rules.max_months is not None and rules.max_months.months == 36
    assert rules.min_eligible is not None and rules.min_eligible.amount == 100000
    assert rules.min_eligible_study is not None and rules.min_eligible_study.amount == 25000
    assert rules.max_eligible is None  # no source gives one: the summary says so
    sourced = [
        call.applicant,
        *call.rates,
        *call.phases,
        rules.end_by,
        rules.max_months,
        rules.min_eligible,
        rules.min_eligible_study,
        rules.start_from,
        call.eligible_cost_categories,
        *call.sections,
        *call.annexes,
    ]
    missing = [r for r in sourced if r is None or not (r.source.url and r.source.note)]
    assert missing == []
    for unknown in ("Obergrenze", "Meilensteinplan", "Scoring-Modells", "Antragsformular"):
        assert unknown in call.summary, unknown
    assert "Unbekannt" in call.summary and call.criteria == []  # scoring criteria not read: none invented
    text = (ROOT / "strategy" / "calls" / f"{ZRN}.yaml").read_text(encoding="utf-8")
    assert REGION_NAMES.findall(text) == []  # region facts belong in the strategy


def test_smart_cities_profiles_cap_first_implementations_in_phase_a_with_a_primary_source() -> None:
    calls = require_project(ROOT).calls
    for ident in ("mpsc-2020", "mpsc-2021"):
        call = calls[ident]
        phase_a = next(p for p in call.phases if p.id == "A")
        cap = phase_a.max_implementation_grant
        assert cap is not None and cap.amount == 1000000, ident
        assert "foerderdatenbank.de" in (cap.source.url or "")
        default = call.rate_for(False)
        assert default.percent == 65
        assert "foerderdatenbank.de" in (default.source.url or "") and "Merkblatt" in default.source.title
        assert "grantway" not in (default.source.url or "")  # an aggregator only as a note


def test_phase_a_refuses_more_than_one_million_for_first_implementations(embedded: Path, run) -> None:
    # M05, an implementation in Phase A, grows by 1.315.000 € eligible: Phase A's implementations then get
    # over 1 Mio. € grant (M03, M07, M08, M09 are strategy and concept work: 'kind: Konzept')
    edit(embedded / "measures" / "M05.yaml", "    amount: 85000\n", "    amount: 1400000\n")
    result = run("check", cwd=embedded)
    lines = [line for line in result.err.splitlines() if "Erste Umsetzungsmaßnahmen" in line]
    assert lines == [
        "measures/M05.yaml:59:3: error: Regel 'Erste Umsetzungsmaßnahmen Phase A': die Zuwendung der Maßnahmen "
        "mit 'kind: Umsetzung' in Phase A ist zu hoch; gefunden: 1.041.300\u00a0€ (3 Maßnahmen, die größte: M05), "
        "erlaubt: höchstens 1.000.000\u00a0€"
    ]
    # a study is no implementation: marked 'kind: Konzept', the rule holds
    edit(embedded / "measures" / "M05.yaml", "\nstatus: ", "\nkind: Konzept\nstatus: ")
    again = run("check", cwd=embedded)
    assert "Erste Umsetzungsmaßnahmen" not in again.err


# --- grant left out: rate × eligible in every output ---------------------------------------------------
def test_a_grant_left_out_is_rate_times_eligible_in_plan_application_xlsx_and_site() -> None:
    project = require_project(ROOT)
    plan = resolve(project, today=DAY)
    derived = [mp for mp in plan.application.measures if not mp.grant_given]
    assert len(derived) == 22  # every measure of the application leaves 'grant' out
    for mp in derived:
        assert mp.money.grant == rate_of(mp.money.eligible, Decimal(65)) == mp.expected_grant
        assert mp.money.grant == mp.money.grant.to_integral_value()  # whole euros from whole-euro costs
    cells = {c.value: c for c in formula_cells(plan) if c.rule == "grant"}
    for mp in derived:
        cell = cells[mp.money.grant]
        assert cell.formula.startswith("=ROUND(") and cell.formula.endswith(",0)")
    markdown = render(plan).markdown
    pages = dict(SitePages(plan).files())
    for mp in derived:
        amount = fmt.euro(mp.money.grant, True)
        assert amount in markdown, mp.id
        assert amount in pages[f"massnahme/{mp.id}.md"], mp.id
    assert plan.application.total.grant == sum(
        (mp.money.grant for mp in plan.application.measures), Decimal(0)
    )


def test_a_grant_given_below_the_rate_stands_as_its_value_in_the_xlsx(embedded: Path) -> None:
    edit(embedded / "measures" / "M05.yaml", "funding:\n", "funding:\n  grant: 90000\n")
    plan = resolve(require_project(embedded), today=DAY)
    m05 = plan.by_id["M05"]
    assert m05.grant_given and m05.money.grant == 90000 and m05.expected_grant == 92300
    # no formula would give 90.000 €: the cell holds the value, every grant formula gives its plan figure
    grants = [c for c in formula_cells(plan) if c.rule == "grant"]
    assert len(grants) == len(plan.application.measures) - 1
    assert all(c.value != 90000 for c in grants)


# --- the call phase from the dates ------------------------------------------------------------------------
def test_call_phases_follow_from_the_phases_dates() -> None:
    plan = resolve(require_project(ROOT), today=DAY)
    phases = {mp.id: mp.call_phase for mp in plan.measures}
    assert phases["M01"] is None and phases["M02"] is None  # begun before the call: not applied for
    assert {phases[f"M0{i}"] for i in range(3, 10)} == {"A"}
    assert {phases[f"M{i}"] for i in range(10, 25)} == {"B"}
    zrn = resolve(require_project(ROOT), require_project(ROOT).calls[ZRN], today=DAY)
    assert {mp.call_phase for mp in zrn.application.measures} == {"vorhaben"}
    # Phase A (2022) began before the programme (Erlass of 03.08.2022): its measures are not in the ZRN plan
    assert sorted(mp.id for mp in zrn.application.measures) == [f"M{i}" for i in range(10, 25)]


# --- switching the embedded strategy: one line, and only real differences ---------------------------------
def test_switching_the_embedded_strategy_is_one_line_and_check_lists_only_real_differences(
    embedded: Path, run
) -> None:
    strategy = embedded / "strategy" / "strategy.yaml"
    before = strategy.read_text(encoding="utf-8").splitlines()
    edit(strategy, "\ncall: mpsc-2021\n", f"\ncall: {ZRN}\n")
    after = strategy.read_text(encoding="utf-8").splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        ("call: mpsc-2021", f"call: {ZRN}")
    ]

    result = run("check", cwd=embedded)
    assert result.code == 1 and "Traceback" not in result.err
    errors = [line for line in result.err.splitlines() if ": error: " in line]
    where = [line.split(": error: ")[0].rsplit(":", 2)[0] for line in errors]
    assert all(not w.startswith("strategy/calls/") for w in where)  # the user's files, never the profile
    rules = sorted(
        re.split("(?:Regel|Anforderung) '", line, maxsplit=1)[1].split("'", 1)[0] for line in errors
    )
    assert rules == sorted(
        # measures begun years ago cannot be declared 'not yet begun' in an application made today
        ["Erklärung: mit dem Vorhaben wurde noch nicht begonnen"]
        + ["Laufzeit je Maßnahme"] * 11  # 42 to 48 months each; ZRN allows 36
        + ["Eigenanteil gedeckt"] * 4  # 60 % own share instead of 35 %: more than the partners committed
        + [
            "Anlage Positiver Beschluss der Steuerungsgruppe der Zukunftsregion (Förderwürdigkeit)",
            "Anlage Projektskizze für das Regionalmanagement der Zukunftsregion",
        ]
    )
    runtime = next(line for line in errors if "M10" in line and "Laufzeit" in line)
    assert runtime == (
        "measures/M10.yaml:35:6: error: Regel 'Laufzeit je Maßnahme': Maßnahme M10 (01.01.2023 bis 31.12.2026) ist "
        "zu lang; gefunden: 48 Monate, erlaubt: höchstens 36 Monate (Feld 'end')"
    )
    own = next(line for line in errors if "Holzminden" in line)
    assert own.startswith("strategy/strategy.yaml:282:16: error: ") and own.endswith(
        "(Feld 'partners[2].own_funds')"
    )
    # nothing that is no difference: no empty section, no phase of the other call, no grant to edit by hand
    for wrong in ("Pflichtabschnitt", "Fördersatz", "Dauer Phase", "Regel 'Maßnahmen'", "efre_region"):
        assert wrong not in result.err, wrong


# --- ZRN refusals at their lines ----------------------------------------------------------------------------
@pytest.fixture
def zrn_project(minimal: Path) -> Path:
    """The init template applying to ZRN: one measure of 120.000 € eligible in 2027, grant left out."""
    calls = minimal / "strategy" / "calls"
    calls.mkdir()
    shutil.copy(ROOT / "strategy" / "calls" / f"{ZRN}.yaml", calls)
    strategy = minimal / "strategy" / "strategy.yaml"
    edit(strategy, "# call: mpsc-2021", f"call: {ZRN}")
    edit(
        strategy, "    kind: Landkreis\n", "    kind: Landkreis\n    own_funds: 72000\n    efre_region: SER\n"
    )
    text = strategy.read_text(encoding="utf-8") + (
        "annexes:\n  - id: projektskizze\n    title: Projektskizze\n"
        "  - id: beschluss-steuerungsgruppe\n    title: Beschluss der Steuerungsgruppe\n"
    )
    strategy.write_text(text, encoding="utf-8")
    measure = minimal / "measures" / "M01.yaml"
    edit(measure, "    amount: 20000\n", "    amount: 120000\n")
    return minimal


def test_the_zrn_fixture_meets_the_call(zrn_project: Path, run) -> None:
    # a phase that names the Smart Cities phase A (the template leaves it out, a copy may not)
    edit(zrn_project / "strategy" / "strategy.yaml", CALL_PHASE_LINE, "    call_phase: A")
    result = run("check", cwd=zrn_project)
    assert result.code == 0, result.err
    plan = resolve(require_project(zrn_project), today=DAY)
    assert (
        plan.rate_percent == 40 and plan.by_id["M01"].money.grant == 48000
    )  # 40 % of 120.000 €, no grant line
    # the call phase is derived, with a warning at the phase that names another call's
    assert "strategy/strategy.yaml:48:17: warning: Feld 'phases[0].call_phase'" in result.out
    assert plan.by_id["M01"].call_phase == "vorhaben"


def _errors(run, project: Path, *options: str) -> list[str]:
    result = run(*options, "check", cwd=project)
    assert result.code == 1 and "Traceback" not in result.err
    return [line for line in result.err.splitlines() if ": error: " in line]


def test_zrn_refuses_a_measure_ending_after_the_programme(zrn_project: Path, run) -> None:
    edit(zrn_project / "measures" / "M01.yaml", "end: 2027-12-31", "end: 2029-03-31")
    errors = _errors(run, zrn_project)
    assert (
        "measures/M01.yaml:15:6: error: Regel 'Programmende': Maßnahme M01 endet am 31.03.2029; erlaubt: Ende "
        "spätestens am 31.12.2028 (Feld 'end')"
    ) in errors


def test_zrn_refuses_a_project_under_the_minimum_size_unless_it_is_a_study(zrn_project: Path, run) -> None:
    measure = zrn_project / "measures" / "M01.yaml"
    edit(measure, "    amount: 120000\n", "    amount: 80000\n")
    errors = _errors(run, zrn_project)
    assert errors == [
        "measures/M01.yaml:17:3: error: Regel 'Mindestgröße': die förderfähigen Kosten der Maßnahme M01 liegen "
        "unter der Untergrenze; gefunden: 80.000\u00a0€, erwartet: mindestens 100.000\u00a0€ (Feld 'costs')"
    ]
    edit(measure, "status: idea", "kind: Konzept\nstatus: idea")  # a Konzept: 25.000 € suffice
    assert run("check", cwd=zrn_project).code == 0


def test_zrn_refuses_a_runtime_over_36_months(zrn_project: Path, run) -> None:
    measure = zrn_project / "measures" / "M01.yaml"
    edit(measure, "phase: phase-a\nstart: 2027-01-01", "phase: phase-a\nstart: 2025-09-01")
    edit(zrn_project / "strategy" / "strategy.yaml", "    start: 2027-01-01\n", "    start: 2025-09-01\n")
    edit(measure, "end: 2027-12-31", "end: 2028-12-31")
    edit(zrn_project / "strategy" / "strategy.yaml", "    end: 2027-12-31\n", "    end: 2028-12-31\n")
    # checked before the measure begins, so that „noch nicht begonnen“ is still true
    errors = _errors(run, zrn_project, "--stichtag", "2025-06-01")
    assert errors == [
        "measures/M01.yaml:15:6: error: Regel 'Laufzeit je Maßnahme': Maßnahme M01 (01.09.2025 bis 31.12.2028) ist "
        "zu lang; gefunden: 40 Monate, erlaubt: höchstens 36 Monate (Feld 'end')"
    ]


def test_zrn_rate_follows_the_applicants_region_category(zrn_project: Path, run) -> None:
    strategy = zrn_project / "strategy" / "strategy.yaml"
    edit(strategy, "    efre_region: SER\n", "    efre_region: ÜR\n")
    plan = resolve(require_project(zrn_project), today=DAY)
    assert plan.rate_percent == 60 and plan.by_id["M01"].money.grant == 72000
    edit(strategy, "    efre_region: ÜR\n", "")
    errors = _errors(run, zrn_project)
    assert len(errors) == 1 and errors[0].startswith("strategy/strategy.yaml:")
    assert (
        "Feld 'partners[0].efre_region' fehlt" in errors[0] and "(SER: 40\u00a0%, ÜR: 60\u00a0%)" in errors[0]
    )


# --- call-rule messages name the field to fill, in the user's file ----------------------------------------
def test_own_share_not_covered_names_the_partners_own_funds(zrn_project: Path, run) -> None:
    edit(zrn_project / "strategy" / "strategy.yaml", "    own_funds: 72000\n", "")
    result = run("check", cwd=zrn_project)
    lines = result.err.splitlines()
    index = next(i for i, line in enumerate(lines) if "Eigenanteil gedeckt" in line)
    assert lines[index : index + 2] == [
        "strategy/strategy.yaml:28:5: error: Regel 'Eigenanteil gedeckt': der Eigenanteil von Landkreis Muster im "
        "Antrag (72.000,00\u00a0€) ist nicht durch zugesagte Eigenmittel gedeckt; zugesagt: keine Angabe "
        "(Feld 'partners[0].own_funds')",
        "    Hinweis: Tragen Sie beim Partner 'lk' die zugesagten Eigenmittel in Euro ein, z. B. laut "
        "Ratsbeschluss: own_funds: 72000",
    ]


def test_a_phase_too_long_gets_the_latest_end_as_hint(embedded: Path, run) -> None:
    edit(embedded / "strategy" / "strategy.yaml", "    end: 2026-12-31\n", "    end: 2027-12-31\n")
    result = run("check", cwd=embedded)
    lines = result.err.splitlines()
    index = next(i for i, line in enumerate(lines) if "Dauer Phase B" in line and "Phase 'Phase B" in line)
    assert lines[index].endswith("gefunden: 60 Monate, erlaubt: höchstens 48 Monate")
    assert lines[index].startswith("strategy/strategy.yaml:")
    assert lines[index + 1] == (
        "    Hinweis: Setzen Sie 'end' der Phase auf spätestens 31.12.2026 oder teilen Sie die Phase und ihre "
        "Maßnahmen auf."
    )


def test_an_empty_required_section_points_at_the_users_file_that_fills_it(zrn_project: Path, run) -> None:
    edit(
        zrn_project / "measures" / "M01.yaml",
        "status: idea",
        "application: false\napplication_note: aus Landesmitteln\nstatus: idea",
    )
    result = run("check", cwd=zrn_project)
    lines = result.err.splitlines()
    empty = [i for i, line in enumerate(lines) if "Pflichtabschnitt ist leer" in line]
    assert len(empty) == 2  # work plan and cost plan: filled by the measures of the application
    assert lines[empty[1]] == (
        "strategy/strategy.yaml:44:3: error: Regel 'Abschnitt Zeit- und Arbeitsplan': Pflichtabschnitt ist leer; "
        "ihn füllt eine Maßnahme im Antrag (measures/, mit einer Phase unter 'phases', die zum Aufruf gehört)"
    )
    assert lines[empty[1] + 1].startswith(
        "    Hinweis: Keine Maßnahme gehört zum Antrag (M01: aus Landesmitteln)."
    )
    places = [line.split(": ")[0] for line in lines if ": error: " in line or ": warning: " in line]
    assert places and not [p for p in places if p.startswith("strategy/calls/")]


def test_after_switching_the_applications_rate_statement_is_true() -> None:
    project = require_project(ROOT)
    plan = resolve(project, project.calls[ZRN], today=DAY)
    total = plan.application.total
    assert total.grant == rate_of(total.eligible, Decimal(40)) == Decimal(2416000)  # 40 % of 6.040.000 €
    cover = render(plan).markdown.split("\n# ", 1)[0]
    assert (
        "| Beantragte Zuwendung | 2.416.000,00\u00a0€ (40\u00a0% der förderfähigen Kosten von 6.040.000,00\u00a0€) |"
        in cover
    )
