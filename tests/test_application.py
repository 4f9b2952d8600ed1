"""The application: DOCX and PDF contents, the cost plan spreadsheet, and every formal check of a call."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import APPLICATION_DELIVERABLES, CALL_PHASE_LINE, FIXTURES, GRANT_LINE, ROOT, fill_applicant
from rek import formatting as fmt
from rek.application.document import render
from rek.checks import check_plan
from rek.plan import resolve
from rek.project import require_project


@pytest.fixture(scope="module")
def embedded_project():
    return require_project(ROOT)


def _docx_tables(path: Path):
    from docx import Document

    doc = Document(str(path))
    return doc, [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


@pytest.mark.documents
def test_docx_has_the_call_sections_in_order(built_embedded: Path, embedded_project) -> None:
    doc, _ = _docx_tables(built_embedded / "antrag" / "antrag.docx")
    headings = [re.sub(r"^\d+\t", "", p.text) for p in doc.paragraphs if p.style.name == "Heading 1"]
    expected = [s.title for s in embedded_project.call.sections]
    assert headings == expected
    section = doc.sections[0]
    assert abs(section.page_width.cm - 21.0) < 0.1 and abs(section.page_height.cm - 29.7) < 0.1


@pytest.mark.documents
def test_docx_cost_table_adds_up(built_embedded: Path, embedded_project) -> None:
    _, tables = _docx_tables(built_embedded / "antrag" / "antrag.docx")
    cost = next(t for t in tables if t[0][0] == "Kostenart")
    plan = resolve(embedded_project)
    measures = plan.application.measures
    total = plan.application.total.cost
    assert total == sum((c.amount for mp in measures for c in mp.m.costs), Decimal(0))
    assert cost[-1][0] == "Summe"
    assert cost[-1][-1] == fmt.euro(total, True)

    # every year column adds up to its sum row, and the row sums to the total
    def value(text: str) -> int:  # in cents
        return int(re.sub(r"[^0-9]", "", text) or 0)

    body = cost[1:-1]
    for col in range(1, len(cost[0])):
        assert sum(value(r[col]) for r in body) == value(cost[-1][col])
    assert sum(value(c) for c in cost[-1][1:-1]) == value(cost[-1][-1])
    per_measure = next(t for t in tables if t[0][0] == "Maßnahme" and t[0][1] == "Kosten")
    assert len(per_measure) == len(measures) + 2
    assert per_measure[-1][1] == fmt.euro(total, True)


@pytest.mark.documents
def test_pdf_is_tagged_german_and_pdf_ua(built_embedded: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(str(built_embedded / "antrag" / "antrag.pdf"))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "de-DE"
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfuaid:part" in xmp and ">1<" in xmp.split("pdfuaid:part", 1)[1][:20]
    alts = pdf_alt_texts(reader)
    assert "Zeitplan aller Maßnahmen des Antrags (Balken je Maßnahme von Beginn bis Ende)" in alts
    assert len(alts) == 2 and all(alts)  # both charts carry their caption as alt text


def pdf_alt_texts(reader) -> list[str]:
    """The alt texts of a tagged PDF, read from its structure tree."""
    found: list[str] = []
    stack = [(reader.trailer["/Root"]["/StructTreeRoot"], 0)]
    while stack:
        node, depth = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if depth > 100:
            continue
        if isinstance(node, dict):
            if "/Alt" in node:
                found.append(str(node["/Alt"]))
            if "/K" in node:
                stack.append((node["/K"], depth + 1))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in reversed(node))
    return found


@pytest.mark.documents
def test_pdf_is_a4_and_holds_the_cost_table(built_embedded: Path, embedded_project) -> None:
    from pypdf import PdfReader

    reader = PdfReader(str(built_embedded / "antrag" / "antrag.pdf"))
    assert len(reader.pages) > 10
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = "\n".join(page.extract_text() for page in reader.pages)
    total = fmt.euro(resolve(embedded_project).application.total.cost, True)
    assert "Kosten nach Jahr und Kostenart" in text
    assert total.replace("\u00a0", " ") in text.replace("\u00a0", " ")
    for section in embedded_project.call.sections:
        assert section.title.split(" ")[0] in text


@pytest.mark.documents
def test_cost_plan_spreadsheet_has_live_sums(built_embedded: Path, embedded_project) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(built_embedded / "antrag" / "kosten-und-finanzierungsplan.xlsx")
    plan = wb["Kostenplan"]
    rows = list(plan.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Kostenart")
    summe = next(r for r in rows if r[0] == "Summe")
    sums = [c for c in summe[1:] if c is not None]
    assert sums and all(isinstance(c, str) and c.startswith("=SUM(") for c in sums), summe
    numbers = [
        r[1:-1]
        for r in rows[header + 1 :]
        if r[0] not in ("Summe", None) and not str(r[0]).startswith("Abgleich")
    ]
    budget = resolve(embedded_project).application
    assert round(sum(sum(v for v in r if isinstance(v, int | float)) for r in numbers), 2) == float(
        budget.total.cost
    )
    ids = [r[0] for r in wb["Maßnahmen"].iter_rows(values_only=True)]
    assert [i for i in ids if i in {mp.id for mp in budget.measures}] == [mp.id for mp in budget.measures]


def test_embedded_strategy_meets_the_2021_call(embedded_project) -> None:
    findings = check_plan(resolve(embedded_project))
    assert [f.format() for f in findings if f.severity == "error"] == []


# --- each formal check, broken once ---------------------------------------------------------------


@pytest.fixture
def call_project(minimal: Path) -> Path:
    (minimal / "strategy" / "calls").mkdir()
    shutil.copy(FIXTURES / "calls" / "test-call.yaml", minimal / "strategy" / "calls" / "test-call.yaml")
    strategy = minimal / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8").replace("# call: mpsc-2021", "call: test-call")
    text = text.replace("    role: Antragsteller\n", "    role: Antragsteller\n    own_funds: 7000\n")
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
        r"strategy/strategy\.yaml:15:\d+: error: Regel 'Abschnitt Zusammenfassung': der Abschnitt ist zu lang; "
        r"gefunden: 2\.\d{3} Zeichen, erlaubt: höchstens 2\.000 Zeichen\n.*\n    Regel: Abschnitt 'Zusammenfassung' "
        r"\(strategy/calls/test-call\.yaml:\d+:\d+\); Quelle: Testrichtlinie, Nr\. 8",
    ),
    "section over its pages": (
        "measures/M01.yaml",
        "description: |\n",
        "description: |\n  " + "Sehr lange Beschreibung. " * 220 + "\n",
        r"measures/M01\.yaml:5:\d+: error: Regel 'Abschnitt Maßnahmen': der Abschnitt ist zu lang; gefunden: \d\.\d{3} "
        r"Zeichen, erlaubt: höchstens 5 Seiten à 1\.000 Zeichen",
    ),
    "required section empty": (
        "strategy/strategy.yaml",
        "risks:\n  - title: Verzug\n    likelihood: low\n    impact: medium\n    mitigation: Puffer einplanen.\n",
        "",
        "Regel 'Abschnitt Risiken': Pflichtabschnitt ist leer",
    ),
    "annex missing": (
        "strategy/strategy.yaml",
        "  - id: ratsbeschluss\n    title: Beschluss\n",
        "",
        "strategy/strategy.yaml:114:3: error: Regel 'Anlage Ratsbeschluss': Pflichtanlage fehlt\n"
        "    Hinweis: Tragen Sie unter 'annexes' ein: {id: ratsbeschluss, title: \"Ratsbeschluss\", status: in Vorbereitung}",
    ),
    "partner annex missing": (
        "strategy/strategy.yaml",
        "    partner: lk\n",
        "",
        "Regel 'Anlage Absichtserklärung': Pflichtanlage von Landkreis Muster fehlt\n"
        "    Hinweis: Tragen Sie unter 'annexes' ein: {id: absichtserklaerung, partner: lk,",
    ),
    "grant not rate times eligible cost": (
        "measures/M01.yaml",
        GRANT_LINE,
        "  grant: 12000",
        "measures/M01.yaml:21:10: error: Regel 'Fördersatz': die Zuwendung ist nicht 65\u00a0% der förderfähigen "
        "Kosten (20.000,00\u00a0€); gefunden: 12.000,00\u00a0€, erwartet: 13.000,00\u00a0€\n    Hinweis: grant: 13000 – oder lassen Sie 'grant' weg, dann rechnet "
        "rek den Fördersatz des gewählten Aufrufs\n"
        "    Regel: Regelfördersatz (strategy/calls/test-call.yaml:14:5); Quelle: Testrichtlinie, Nr. 1",
    ),
    "budget emergency rate": (
        "strategy/strategy.yaml",
        "    role: Antragsteller\n",
        "    role: Antragsteller\n    budget_emergency: true\n",
        "Regel 'Fördersatz': die Zuwendung ist nicht 90\u00a0% der förderfähigen Kosten (20.000,00\u00a0€); "
        "gefunden: 13.000,00\u00a0€, erwartet: 18.000,00\u00a0€",
        # a grant written by hand for 65 % (left out, the grant would follow the higher rate)
        ("measures/M01.yaml", GRANT_LINE, "  grant: 13000"),
    ),
    "ineligible cost category": (
        "measures/M01.yaml",
        "category: services",
        "category: travel",
        "measures/M01.yaml:17:5: error: Regel 'Förderfähige Kostenarten': Kostenart 'Reisekosten' (2027) ist als "
        "förderfähig angegeben; erlaubt: Personalausgaben, Aufträge an Dritte",
    ),
    "own share not covered": (
        "strategy/strategy.yaml",
        "own_funds: 7000",
        "own_funds: 6000",
        "Regel 'Eigenanteil gedeckt': der Eigenanteil von Landkreis Muster im Antrag (7.000,00\u00a0€) ist nicht "
        "durch zugesagte Eigenmittel gedeckt; zugesagt: 6.000,00\u00a0€",
    ),
    "phase too long": (
        "strategy/strategy.yaml",
        "    end: 2027-12-31\n" + CALL_PHASE_LINE,
        "    end: 2028-06-30\n" + CALL_PHASE_LINE,
        "Regel 'Dauer Phase A': Phase 'Strategiephase' ist zu lang; gefunden: 18 Monate, erlaubt: höchstens 12 Monate",
    ),
    "measure outside its phase": (
        "measures/M01.yaml",
        "end: 2027-12-31",
        "end: 2028-03-31",
        "measures/M01.yaml:15:6: error: Regel 'Dauer Phase A': Maßnahme M01 (01.01.2027 bis 31.03.2028) liegt nicht "
        "innerhalb der Phase 'Strategiephase' (01.01.2027 bis 31.12.2027)",
    ),
    "phase grant cap": (
        "measures/M01.yaml",
        "    amount: 20000\nfunding:\n" + GRANT_LINE,
        "    amount: 200000\nfunding:\n  grant: 130000",
        "Regel 'Förderhöchstbetrag Phase A': Zuwendung der Phase ist zu hoch; gefunden: 130.000\u00a0€, erlaubt: "
        "höchstens 100.000\u00a0€",
    ),
    "total grant cap": (
        "measures/M01.yaml",
        "    amount: 20000\nfunding:\n" + GRANT_LINE,
        "    amount: 240000\nfunding:\n  grant: 156000",
        "Regel 'Förderhöchstbetrag': Zuwendung insgesamt ist zu hoch; gefunden: 156.000\u00a0€, erlaubt: höchstens "
        "150.000\u00a0€",
    ),
    "too few partners": (
        "strategy/calls/test-call.yaml",
        "min_partners:\n  value: 1",
        "min_partners:\n  value: 3",
        "Regel 'Mindestzahl Partner': zu wenige Partner im Verbund; gefunden: 1, erwartet: mindestens 3",
    ),
    "too few action fields": (
        "strategy/calls/test-call.yaml",
        "min_action_fields:\n  value: 1",
        "min_action_fields:\n  value: 2",
        "Regel 'Mindestzahl Handlungsfelder': zu wenige Handlungsfelder mit Maßnahmen im Antrag; gefunden: 1, "
        "erwartet: mindestens 2",
    ),
    "applicant not a municipality": (
        "strategy/strategy.yaml",
        "    kind: Landkreis\n",
        "    kind: Hochschule\n",
        "strategy/strategy.yaml:8:12: error: Feld 'applicant': Landkreis Muster (Hochschule) kann den Antrag nicht "
        "stellen; erwartet: ein Partner der Art Landkreis, Stadt, Gemeinde",
    ),
    "no applicant": (
        "strategy/strategy.yaml",
        "applicant: lk ",
        "# applicant: lk ",
        "strategy/strategy.yaml:7:7: error: Feld 'applicant' fehlt: der Förderaufruf braucht einen Antragsteller",
    ),
    "measure without phase": (  # without 'phase' the phase its start falls into; here none
        "measures/M01.yaml",
        "phase: phase-a\nstart: 2027-01-01",
        "start: 2026-06-01",
        "measures/M01.yaml:2:5: error: Feld 'phase' fehlt: mit dem Förderaufruf 'test-call' braucht jede Maßnahme "
        "eine Phase (oder 'application: false' mit Grund), und ihr Beginn (01.06.2026) liegt in keiner Phase der "
        "Strategie",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_formal_check_names_rule_source_found_and_allowed(case: str, call_project: Path, run) -> None:
    path, old, new, expected, *also = CASES[case]
    edit(call_project / path, old, new)
    for more in also:
        edit(call_project / more[0], more[1], more[2])
    result = run("application", "--check", cwd=call_project)
    assert result.code == 1, result.out + result.err
    found = re.search(expected, result.err) if "\\d" in expected else expected in result.err
    assert found, result.err
    assert "Traceback" not in result.err
    error_lines = [line for line in result.err.splitlines() if ": error: " in line]
    assert error_lines and all(re.match(r"^[\w/.-]+\.yaml:\d+:\d+: error: ", line) for line in error_lines)
    also = run("check", cwd=call_project)
    assert also.code == 1 and also.err.count(": error: ") == result.err.count(": error: ")


def test_annex_in_preparation_warns_in_check_and_fails_the_submission_check(call_project: Path, run) -> None:
    edit(
        call_project / "strategy/strategy.yaml",
        "    title: Beschluss\n",
        "    title: Beschluss\n    status: in Vorbereitung\n",
    )
    result = run("check", cwd=call_project)
    assert result.code == 0
    assert (
        "warning: Regel 'Anlage Ratsbeschluss': Pflichtanlage liegt noch nicht vor (in Vorbereitung)"
        in result.out
    )
    submission = run("application", "--check", cwd=call_project)
    assert submission.code == 1


@pytest.mark.documents
def test_application_command_writes_all_files(call_project: Path, run, tmp_path: Path) -> None:
    fill_applicant(call_project)  # no scaffold text or 'bitte ergänzen' where the application shows it
    out = tmp_path / "antrag"
    result = run("application", "--out", str(out), cwd=call_project)
    assert result.code == 0, result.err
    assert "Antrag geschrieben:" in result.out and "1 Maßnahme, Zuwendung 13.000,00\u00a0€." in result.out
    assert "Warnung" not in result.err  # also PDF/UA-1 reached
    # deliverables only: no Typst source, no chart files, no staging folder
    assert sorted(p.name for p in out.iterdir() if p.name != ".rek-build") == APPLICATION_DELIVERABLES
    markdown = (out / "antrag.md").read_text(encoding="utf-8")
    assert "# Kosten- und Finanzierungsplan" in markdown
    assert "| Summe | 20.000,00\u00a0€ | 20.000,00\u00a0€ |" in markdown


def test_the_application_is_rendered_the_same_every_time(embedded_project) -> None:
    first = render(resolve(embedded_project)).markdown
    second = render(resolve(embedded_project)).markdown
    assert first == second


def test_a_second_call_profile_is_just_data(embedded_project) -> None:
    """The 2020 profile: other phase lengths and sections, same code."""
    call_2020 = embedded_project.calls["mpsc-2020"]
    call_2021 = embedded_project.calls["mpsc-2021"]
    assert call_2020.year == 2020 and call_2021.year == 2021
    assert {p.id: p.max_months for p in call_2020.phases} != {p.id: p.max_months for p in call_2021.phases}
    plan = resolve(embedded_project, call_2020)
    app = render(plan)
    assert call_2020.name in app.markdown
    assert [s.section.title for s in app.sections] == [s.title for s in call_2020.sections]
    for finding in check_plan(plan):
        assert finding.note and "Quelle: " in finding.note  # every finding cites the 2020 call's source


def test_a_non_draft_application_refuses_scaffold_text_and_placeholders(
    call_project: Path, run, tmp_path
) -> None:
    """What goes to the funding body carries no text of the template and no 'bitte ergänzen' (a draft may)."""
    result = run("application", "--out", str(tmp_path / "a"), cwd=call_project)
    assert result.code == 1 and not (tmp_path / "a").exists()
    lines = [line for line in result.err.splitlines() if ": error: " in line]
    assert (
        "measures/M01.yaml:4:10: error: Platzhalter aus der Vorlage „Termine im Bürgerbüro lassen sich online "
        "buchen.“: noch nicht durch eigenen Text ersetzt" in lines
    )
    assert "strategy/strategy.yaml:29:11: error: Platzhalter aus der Vorlage „Landkreis Muster“: noch nicht durch Ihren Namen ersetzt" in lines  # fmt: skip
    assert (
        "strategy/strategy.yaml:34:22: error: Platzhalter „bitte ergänzen“: diese Angabe fehlt noch" in lines
    )
    strategy = (call_project / "strategy/strategy.yaml").read_text(encoding="utf-8").splitlines()
    first = strategy.index("legal:") + 1
    last = next(i for i, line in enumerate(strategy[first:], first + 1) if line[:1].isalpha())  # next key
    in_legal = [line for line in lines if line.startswith("strategy/strategy.yaml:") and first < int(line.split(":")[1]) < last]  # fmt: skip
    assert (
        in_legal == []
    )  # the website's legal block is the website's (publish refuses it, not the application)
    assert not [line for line in lines if line.startswith(("content/", "mkdocs.yml"))]  # the website's own
    assert result.err.rstrip().endswith(
        "Kein Antrag geschrieben: es stehen noch Platzhalter darin („bitte ergänzen“ oder Text der Vorlage). "
        "Mit --draft entsteht ein Entwurf, der auf jeder Seite so markiert ist."
    )
