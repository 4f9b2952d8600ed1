"""The application: DOCX and PDF contents, the cost plan spreadsheet, and every formal check of a call."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from rek import formatting as fmt
from rek.application.checks import formal_checks
from rek.application.document import application_measures, render
from rek.project import require_project


@pytest.fixture(scope="module")
def embedded_project():
    return require_project(ROOT)


def _docx_tables(path: Path):
    from docx import Document

    doc = Document(str(path))
    return doc, [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def test_docx_has_the_call_sections_in_order(built_embedded: Path, embedded_project) -> None:
    doc, _ = _docx_tables(built_embedded / "antrag" / "antrag.docx")
    headings = [re.sub(r"^\d+\t", "", p.text) for p in doc.paragraphs if p.style.name == "Heading 1"]
    expected = [s.title for s in embedded_project.call.sections]
    assert headings == expected
    section = doc.sections[0]
    assert abs(section.page_width.cm - 21.0) < 0.1 and abs(section.page_height.cm - 29.7) < 0.1


def test_docx_cost_table_adds_up(built_embedded: Path, embedded_project) -> None:
    _, tables = _docx_tables(built_embedded / "antrag" / "antrag.docx")
    cost = next(t for t in tables if t[0][0] == "Kostenart")
    measures = application_measures(embedded_project, embedded_project.call)
    total = sum((m.total_cost for m in measures), Decimal(0))
    assert cost[-1][0] == "Summe"
    assert cost[-1][-1] == fmt.euro(total)

    # every year column adds up to its sum row, and the row sums to the total
    def value(text: str) -> int:
        return int(re.sub(r"[^0-9]", "", text) or 0)

    body = cost[1:-1]
    for col in range(1, len(cost[0])):
        assert sum(value(r[col]) for r in body) == value(cost[-1][col])
    assert sum(value(c) for c in cost[-1][1:-1]) == value(cost[-1][-1])
    per_measure = next(t for t in tables if t[0][0] == "Maßnahme" and t[0][1] == "Kosten")
    assert len(per_measure) == len(measures) + 2
    assert per_measure[-1][1] == fmt.euro(total)


def test_pdf_is_tagged_german_and_pdf_ua(built_embedded: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(str(built_embedded / "antrag" / "antrag.pdf"))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "de-DE"
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfuaid:part" in xmp and ">1<" in xmp.split("pdfuaid:part", 1)[1][:20]
    typst_source = (built_embedded / "antrag" / "antrag.typ").read_text(encoding="utf-8")
    assert 'image("zeitplan.svg", alt: "Zeitplan aller Maßnahmen' in typst_source


def test_pdf_is_a4_and_holds_the_cost_table(built_embedded: Path, embedded_project) -> None:
    from pypdf import PdfReader

    reader = PdfReader(str(built_embedded / "antrag" / "antrag.pdf"))
    assert len(reader.pages) > 10
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = "\n".join(page.extract_text() for page in reader.pages)
    measures = application_measures(embedded_project, embedded_project.call)
    total = fmt.euro(sum((m.total_cost for m in measures), Decimal(0)))
    assert "Kosten nach Jahr und Kostenart" in text
    assert total.replace("\u00a0", " ") in text.replace("\u00a0", " ")
    for section in embedded_project.call.sections:
        assert section.title.split(" ")[0] in text


def test_cost_plan_spreadsheet_has_live_sums(built_embedded: Path, embedded_project) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(built_embedded / "antrag" / "kosten-und-finanzierungsplan.xlsx")
    plan = wb["Kostenplan"]
    rows = list(plan.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Kostenart")
    summe = next(r for r in rows if r[0] == "Summe")
    assert all(isinstance(c, str) and c.startswith("=SUM(") for c in summe[1:])
    numbers = [r[1:-1] for r in rows[header + 1 :] if r[0] != "Summe"]
    measures = application_measures(embedded_project, embedded_project.call)
    assert round(sum(sum(v for v in r if isinstance(v, int | float)) for r in numbers), 2) == float(
        sum((m.total_cost for m in measures), Decimal(0))
    )
    assert wb["Maßnahmen"].max_row == len(measures) + 2


def test_embedded_strategy_meets_the_2021_call(embedded_project) -> None:
    failures = formal_checks(embedded_project, embedded_project.call)
    assert [f.format() for f in failures if f.severity == "error"] == []


# --- each formal check, broken once ---------------------------------------------------------------


@pytest.fixture
def call_project(minimal: Path) -> Path:
    (minimal / "strategy" / "calls").mkdir()
    shutil.copy(FIXTURES / "calls" / "test-call.yaml", minimal / "strategy" / "calls" / "test-call.yaml")
    strategy = minimal / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8").replace("# call: mpsc-2021", "call: test-call")
    text = text.replace("    lead: true\n", "    lead: true\n    own_funds: 7000\n")
    text += (
        "risks:\n  - title: Verzug\n    likelihood: low\n    impact: medium\n    mitigation: Puffer einplanen.\n"
        "annexes:\n  - id: ratsbeschluss\n    title: Beschluss\n  - id: absichtserklaerung\n    title: LoI\n    partner: lk\n"
    )
    strategy.write_text(text, encoding="utf-8")
    return minimal


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_fixture_project_meets_the_test_call(call_project: Path, run) -> None:
    result = run("check", cwd=call_project)
    assert result.code == 0, result.err
    assert "Förderaufruf 'test-call' formal erfüllt" in result.out


CASES = {
    "section too long": (
        "strategy/strategy.yaml",
        "summary: |\n  Die Kurzfassung der Strategie in wenigen Sätzen.",
        "summary: |\n  " + "Lang. " * 400,
        r"Regel 'Abschnitt 'Zusammenfassung'': Abschnitt ist zu lang; gefunden: 2\.\d{3} Zeichen, erlaubt: höchstens 2\.000 Zeichen \(Quelle: Testrichtlinie, Nr\. 8\)",
    ),
    "section over its pages": (
        "measures/M01.yaml",
        "description: |\n",
        "description: |\n  " + "Sehr lange Beschreibung. " * 220 + "\n",
        r"Regel 'Abschnitt 'Maßnahmen'': Abschnitt ist zu lang; gefunden: etwa \d,\d Seiten \(\d\.\d{3} Zeichen\), erlaubt: höchstens 5 Seiten à 1\.000 Zeichen",
    ),
    "required section empty": (
        "strategy/strategy.yaml",
        "risks:\n  - title: Verzug\n    likelihood: low\n    impact: medium\n    mitigation: Puffer einplanen.\n",
        "",
        "Regel 'Abschnitt 'Risiken'': Pflichtabschnitt ist leer",
    ),
    "annex missing": (
        "strategy/strategy.yaml",
        "  - id: ratsbeschluss\n    title: Beschluss\n",
        "",
        "strategy/strategy.yaml:90:3: error: Regel 'Anlage 'Ratsbeschluss'': Pflichtanlage fehlt; gefunden: keine, erlaubt: vorhanden (Quelle: Testrichtlinie, Nr. 12)",
    ),
    "partner annex missing": (
        "strategy/strategy.yaml",
        "    partner: lk\n",
        "",
        "Regel 'Anlage 'Absichtserklärung'': Pflichtanlage von Landkreis Muster fehlt",
    ),
    "grant not rate times eligible cost": (
        "measures/M01.yaml",
        "grant: 13000",
        "grant: 12000",
        "measures/M01.yaml:21:10: error: Regel 'Fördersatz (Regelfördersatz)': Maßnahme M01: Zuwendung ist nicht 65\u00a0% der förderfähigen Kosten (20.000,00\u00a0€); gefunden: 12.000,00\u00a0€, erlaubt: 13.000,00\u00a0€ (Quelle: Testrichtlinie, Nr. 1)",
    ),
    "budget emergency rate": (
        "strategy/strategy.yaml",
        "    lead: true\n",
        "    lead: true\n    budget_emergency: true\n",
        "Regel 'Fördersatz (Haushaltsnotlage)': Maßnahme M01: Zuwendung ist nicht 90\u00a0% der förderfähigen Kosten (20.000,00\u00a0€); gefunden: 13.000,00\u00a0€, erlaubt: 18.000,00\u00a0€",
    ),
    "ineligible cost category": (
        "measures/M01.yaml",
        "category: services",
        "category: travel",
        "Regel 'Förderfähige Kostenarten': Maßnahme M01: Kostenart 'Reisekosten' (2027) ist als förderfähig angegeben",
    ),
    "own share not covered": (
        "strategy/strategy.yaml",
        "own_funds: 7000",
        "own_funds: 6000",
        "Regel 'Eigenanteil gedeckt': Eigenanteil von Landkreis Muster ist nicht durch zugesagte Eigenmittel gedeckt; gefunden: 7.000,00\u00a0€, erlaubt: zugesagt: 6.000,00\u00a0€",
    ),
    "phase too long": (
        "strategy/strategy.yaml",
        "    end: 2027-12-31\n    call_phase: A",
        "    end: 2028-06-30\n    call_phase: A",
        "Regel 'Dauer Phase A': Phase 'Strategiephase' ist zu lang; gefunden: 18 Monate, erlaubt: höchstens 12 Monate (Quelle: Testrichtlinie, Nr. 3)",
    ),
    "measure outside its phase": (
        "measures/M01.yaml",
        "end: 2027-12-31",
        "end: 2028-03-31",
        "Regel 'Dauer Phase A': Maßnahme M01 liegt nicht innerhalb der Phase 'Strategiephase'",
    ),
    "phase grant cap": (
        "measures/M01.yaml",
        "    amount: 20000\nfunding:\n  grant: 13000",
        "    amount: 200000\nfunding:\n  grant: 130000",
        "Regel 'Förderhöchstbetrag Phase A': Zuwendung der Phase ist zu hoch; gefunden: 130.000\u00a0€, erlaubt: höchstens 100.000\u00a0€",
    ),
    "total grant cap": (
        "measures/M01.yaml",
        "    amount: 20000\nfunding:\n  grant: 13000",
        "    amount: 240000\nfunding:\n  grant: 156000",
        "Regel 'Förderhöchstbetrag': Zuwendung insgesamt ist zu hoch; gefunden: 156.000\u00a0€, erlaubt: höchstens 150.000\u00a0€ (Quelle: Testrichtlinie, Nr. 4)",
    ),
    "too few partners": (
        "strategy/calls/test-call.yaml",
        "min_partners:\n  value: 1",
        "min_partners:\n  value: 3",
        "Regel 'Mindestzahl Partner': zu wenige Partner im Verbund; gefunden: 1, erlaubt: mindestens 3 (Quelle: Testrichtlinie, Nr. 7)",
    ),
    "too few action fields": (
        "strategy/calls/test-call.yaml",
        "min_action_fields:\n  value: 1",
        "min_action_fields:\n  value: 2",
        "Regel 'Mindestzahl Handlungsfelder': zu wenige Handlungsfelder mit Maßnahmen; gefunden: 1, erlaubt: mindestens 2",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_formal_check_names_rule_source_found_and_allowed(case: str, call_project: Path, run) -> None:
    path, old, new, expected = CASES[case]
    edit(call_project / path, old, new)
    result = run("application", "--check", cwd=call_project)
    assert result.code == 1, result.out + result.err
    found = (
        re.search(expected, result.err) if expected.startswith("Regel 'Abschnitt") else expected in result.err
    )
    assert found, result.err
    assert "Traceback" not in result.err
    rule_lines = [line for line in result.err.splitlines() if ": Regel '" in line]
    assert rule_lines and all(
        re.match(r"^[\w/.-]+\.yaml:\d+:\d+: (error|warning): Regel '", line) for line in rule_lines
    )
    also = run("check", cwd=call_project)
    assert also.code == 1 and also.err.count(": error: Regel") == result.err.count(": error: Regel")


def test_annex_in_preparation_warns_in_check_and_fails_the_submission_check(call_project: Path, run) -> None:
    edit(
        call_project / "strategy/strategy.yaml",
        "    title: Beschluss\n",
        "    title: Beschluss\n    status: in Vorbereitung\n",
    )
    result = run("check", cwd=call_project)
    assert result.code == 0
    assert "warning: Regel 'Anlage 'Ratsbeschluss'': Pflichtanlage liegt noch nicht vor" in result.err
    submission = run("application", "--check", cwd=call_project)
    assert submission.code == 1


def test_application_command_writes_all_files(call_project: Path, run, tmp_path: Path) -> None:
    out = tmp_path / "antrag"
    result = run("application", "--out", str(out), cwd=call_project)
    assert result.code == 0, result.err
    assert "Antrag geschrieben:" in result.out and "1 Maßnahme, Zuwendung 13.000,00\u00a0€." in result.out
    assert "Warnung" not in result.err  # also PDF/UA-1 reached
    for name in (
        "antrag.md",
        "antrag.docx",
        "antrag.pdf",
        "kosten-und-finanzierungsplan.xlsx",
        "zeitplan.svg",
        "kosten-jahr.svg",
    ):
        assert (out / name).is_file(), name
    markdown = (out / "antrag.md").read_text(encoding="utf-8")
    assert "# Kosten- und Finanzierungsplan" in markdown
    assert "| Summe | 20.000\u00a0€ | 20.000\u00a0€ |" in markdown


def test_render_is_deterministic_apart_from_the_date(embedded_project) -> None:
    first = render(embedded_project, embedded_project.call).markdown
    second = render(embedded_project, embedded_project.call).markdown
    assert first == second


def test_a_second_call_profile_is_just_data(embedded_project) -> None:
    """The 2020 profile: other phase lengths and sections, same code."""
    call_2020 = embedded_project.calls["mpsc-2020"]
    call_2021 = embedded_project.calls["mpsc-2021"]
    assert call_2020.year == 2020 and call_2021.year == 2021
    assert {p.id: p.max_months for p in call_2020.phases} != {p.id: p.max_months for p in call_2021.phases}
    app = render(embedded_project, call_2020)
    assert call_2020.name in app.markdown
    assert [s.section.title for s in app.sections] == [s.title for s in call_2020.sections]
    for failure in formal_checks(embedded_project, call_2020, app):
        assert failure.source.title  # every finding cites the 2020 call's own source
