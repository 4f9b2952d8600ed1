"""`rek import`: progress figures from a sheet, validated row by row, written only when all is valid."""

from __future__ import annotations

import difflib
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import INIT_TEMPLATE, ROOT
from rek.progressimport import round_trip
from rek.project import load_project

FIXTURES = ROOT / "tests" / "fixtures" / "import"


def fingerprint(project: Path) -> dict[str, str]:
    return {
        str(p.relative_to(project)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(project.rglob("*.yaml"))
    }


# every invalid sheet: the exact messages, and not a byte of the strategy changed
REFUSED = {
    "falsches-datum.csv": (
        "falsches-datum.csv:2:3: error: Spalte 'Datum': erwartet: ein Datum im Format JJJJ-MM-TT; gefunden: "
        "Text '2023-02-30'\n"
        "1 Fehler in 1 Datei gefunden.\n"
    ),
    "unbekannte-massnahme.csv": (
        "unbekannte-massnahme.csv:2:2: error: Spalte 'Maßnahme': eine Maßnahme 'M4' gibt es nicht\n"
        "    Hinweis: Meinten Sie 'M04'?\n"
        "unbekannte-massnahme.csv:3:2: error: Spalte 'Maßnahme': eine Maßnahme 'M99' gibt es nicht\n"
        "    Hinweis: Kennungen: M01, M02, M03, M04, M05, M06, M07, M08 … (24 insgesamt)\n"
        "2 Fehler in 1 Datei gefunden.\n"
    ),
    "deutsche-zahl.csv": (
        "deutsche-zahl.csv:2:4: error: Spalte 'Wert': erwartet: eine Zahl ohne Tausenderpunkt, Dezimalstellen "
        "mit Punkt; gefunden: Text '12.500,50'\n"
        "    Hinweis: Meinten Sie 12500.50?\n"
        "deutsche-zahl.csv:3:4: error: Spalte 'Wert': erwartet: eine Zahl ohne Tausenderpunkt, Dezimalstellen "
        "mit Punkt; gefunden: Text '1.250.000'\n"
        "    Hinweis: Meinten Sie 1250000?\n"
        "2 Fehler in 1 Datei gefunden.\n"
    ),
    "doppelte-zeile.csv": (
        "doppelte-zeile.csv:4:1: error: Zeile 4 wiederholt Zeile 2 (M06, Ausgabe 2023): jeder Wert darf nur "
        "einmal vorkommen\n"
        "    Hinweis: Löschen Sie eine der beiden Zeilen.\n"
        "1 Fehler in 1 Datei gefunden.\n"
    ),
    # valid as a row, refused by the rule every text of the strategy follows: told where it would stand
    "unsichtbares-zeichen.csv": (
        "measures/M04.yaml:98:22: error: nach dem Import: Feld 'updates[2].text': Steuerzeichen für die "
        "Schreibrichtung (Trojan Source) im Text (Code U+202E)\n"
        "    Hinweis: Steuerzeichen für die Schreibrichtung können Text anders zeigen, als er gespeichert ist; "
        "entfernen Sie das unsichtbare Zeichen.\n"
        "1 Fehler in 1 Datei gefunden.\n"
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_an_invalid_sheet_is_refused_with_every_problem_and_nothing_written(
    name: str, embedded: Path, run
) -> None:
    shutil.copy(FIXTURES / name, embedded / name)
    before = fingerprint(embedded)
    result = run("import", name, cwd=embedded)
    assert result.code == 1
    assert result.err == REFUSED[name]
    assert fingerprint(embedded) == before


def test_a_valid_sheet_shows_its_changes_then_writes_only_those_lines(embedded: Path, run) -> None:
    shutil.copy(FIXTURES / "gueltig.csv", embedded / "gueltig.csv")
    before = {
        p: (embedded / p).read_text(encoding="utf-8") for p in ("measures/M04.yaml", "measures/M06.yaml")
    }
    untouched = {k: v for k, v in fingerprint(embedded).items() if k not in before}

    dry = run("import", "gueltig.csv", "--dry-run", cwd=embedded)
    assert dry.code == 0, dry.err
    assert dry.out.splitlines() == [
        "  + M06 „Digitallotsinnen und Digitallotsen in den Kreisverwaltungen“: Ausgaben 2023: 12.500,50\u00a0€  "
        "(Zeile 2)",
        "  + M04 „Beteiligungsplattform „Weserbergland mitgestalten““: Sachstand 01.03.2023 (In Umsetzung): "
        "Neue Werkstatt in Rinteln.  (Zeile 3)",
        "2 Änderungen in 2 Dateien; nichts geschrieben (--dry-run).",
    ]
    assert {p: (embedded / p).read_text(encoding="utf-8") for p in before} == before

    done = run("import", "gueltig.csv", cwd=embedded)
    assert done.code == 0, done.err
    assert (
        done.out.splitlines()[-1]
        == "2 Änderungen in 2 Dateien geschrieben: measures/M04.yaml, measures/M06.yaml."
    )
    after = {p: (embedded / p).read_text(encoding="utf-8") for p in before}
    # only lines were added; every line that stood there stands there still, in order
    for path, text in before.items():
        steps = difflib.SequenceMatcher(None, text.splitlines(), after[path].splitlines()).get_opcodes()
        assert {step[0] for step in steps} == {"equal", "insert"}, path
    assert "  - {year: 2023, amount: 12500.5, example: true}" in after["measures/M06.yaml"]
    assert (
        '  - date: 2023-03-01\n    status: in_progress\n    text: "Neue Werkstatt in Rinteln."\n    example: true\n'
        in after["measures/M04.yaml"]
    )
    assert {k: v for k, v in fingerprint(embedded).items() if k not in before} == untouched

    # rek reads what the import wrote like any hand-written YAML
    project, diags = load_project(embedded)
    assert project is not None and not diags.errors
    m06 = project.measures_by_id["M06"]
    assert [(s.year, str(s.amount)) for s in m06.spending][-1] == (2023, "12500.5")
    assert run("check", cwd=embedded).code == 0

    again = run("import", "gueltig.csv", cwd=embedded)
    assert again.code == 0
    assert again.out.strip() == "Keine Änderungen: jeder Wert der Tabelle steht schon so in den Steckbriefen."


def test_a_changed_value_is_replaced_in_place(embedded: Path, run) -> None:
    assert run("import", "--template", "vorlage.xlsx", cwd=embedded).code == 0
    book = load_workbook(embedded / "vorlage.xlsx")
    sheet = book.worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "Ausgabe" and r[1].value == "M03")
    old = row[4].value
    row[4].value = old + 100
    book.save(embedded / "vorlage.xlsx")
    result = run("import", "vorlage.xlsx", cwd=embedded)
    assert result.code == 0, result.err
    assert len(result.out.splitlines()) == 2
    assert result.out.startswith("  ~ M03 „")
    text = (embedded / "measures" / "M03.yaml").read_text(encoding="utf-8")
    assert f"amount: {int(old) + 100}, example: true}}" in text
    assert f"amount: {int(old)}," not in text


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_template_holds_every_value_and_imports_back_as_no_change(
    suffix: str, embedded: Path, run
) -> None:
    # a text that looks like a formula goes out guarded and comes back as it was
    m04 = embedded / "measures" / "M04.yaml"
    m04.write_text(
        m04.read_text(encoding="utf-8").replace(
            'text: "Zukunftswerkstätten in allen',
            'text: "=1+1 ist keine Formel. Zukunftswerkstätten in allen',
        ),
        encoding="utf-8",
    )
    before = fingerprint(embedded)
    name = f"vorlage{suffix}"
    written = run("import", "--template", name, cwd=embedded)
    assert written.code == 0, written.err
    project, _ = load_project(embedded)
    assert project is not None
    expected = sum(len(i.measurements) for m in project.measures for i in m.indicators) + sum(
        len(m.spending) + len(m.updates) for m in project.measures
    )
    assert (
        written.out.strip() == f"Vorlage geschrieben: {name} ({expected} Zeilen mit den vorhandenen Werten)."
    )
    if suffix == ".xlsx":
        book = load_workbook(embedded / name)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        assert rows[0] == (
            "Art",
            "Maßnahme",
            "Indikator",
            "Datum",
            "Wert",
            "Status",
            "Text",
            "Quelle",
            "Beispiel",
        )
        assert len(rows) - 1 == expected
        assert any(str(r[6]).startswith("'=1+1") for r in rows)  # no formula in the sheet
        assert book.sheetnames == ["Fortschritt", "Erläuterung"]
    back = run("import", name, cwd=embedded)
    assert back.code == 0, back.err
    assert back.out.strip() == "Keine Änderungen: jeder Wert der Tabelle steht schon so in den Steckbriefen."
    assert fingerprint(embedded) == before


def test_the_round_trip_library_gives_every_shipped_file_back_byte_for_byte() -> None:
    files = [
        *sorted((ROOT / "measures").glob("*.yaml")),
        *sorted((ROOT / "strategy").rglob("*.yaml")),
        *sorted(INIT_TEMPLATE.rglob("*.yaml")),
    ]
    assert len(files) > 30
    yaml = round_trip()
    for path in files:
        text = path.read_text(encoding="utf-8")
        out = io.StringIO()
        yaml.dump(yaml.load(text), out)
        assert out.getvalue() == text, path


def test_import_never_writes_into_the_embedded_strategy(tmp_path: Path, run) -> None:
    sheet = tmp_path / "gueltig.csv"
    shutil.copy(FIXTURES / "gueltig.csv", sheet)
    result = run("import", str(sheet), cwd=tmp_path)
    assert result.code == 1
    assert "in die eingebettete Strategie schreibt 'rek import' nicht" in result.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Art;Wert\nAusgabe;1\n", "gueltig.csv:1:1: error: In der Kopfzeile fehlt: Maßnahme, Datum\n"),
        (
            "Art;Maßnahme;Datum;Farbe\nAusgabe;M06;2023;rot\n".encode(),
            "gueltig.csv:1:4: error: Spalte 'Farbe' gibt es nicht; erwartet: Art, Maßnahme, Indikator, Datum, "
            "Wert, Status, Text, Quelle, Beispiel\n"
            "    Hinweis: Die Vorlage mit allen Spalten schreibt 'rek import --template vorlage.xlsx'.\n",
        ),
        (
            "Art;Maßnahme;Datum;Wert;Indikator\nausgabe;M06;2023;5;\nAusgabe;M06;2024;5;Quote\n".encode(),
            "gueltig.csv:2:1: error: Spalte 'Art': erwartet: Messwert, Ausgabe oder Sachstand; gefunden: Text "
            "'ausgabe'\n"
            "    Hinweis: Meinten Sie 'Ausgabe'?\n"
            "gueltig.csv:3:5: error: Spalte 'Indikator': bleibt bei Ausgabe leer; gefunden: Text 'Quote'\n",
        ),
    ],
)
def test_header_and_kind_problems_are_told_at_their_cell(
    content: bytes, message: str, embedded: Path, run
) -> None:
    (embedded / "gueltig.csv").write_bytes(content)
    result = run("import", "gueltig.csv", cwd=embedded)
    assert result.code == 1
    assert result.err.startswith(message)


@pytest.mark.documents
def test_the_site_offers_the_template_and_it_imports_back_as_no_change(
    built_embedded: Path, embedded: Path, run
) -> None:
    """Offices get the sheet from the site's downloads page; what they send back unchanged changes nothing."""
    downloads = built_embedded / "site" / "downloads"
    page = (downloads / "index.html").read_text(encoding="utf-8")
    assert 'href="fortschritt-vorlage.xlsx"' in page
    shutil.copy(downloads / "fortschritt-vorlage.xlsx", embedded / "vom-amt.xlsx")
    before = fingerprint(embedded / "measures")
    result = run("import", "vom-amt.xlsx", cwd=embedded)
    assert result.code == 0, result.err
    assert (
        result.out.strip() == "Keine Änderungen: jeder Wert der Tabelle steht schon so in den Steckbriefen."
    )
    assert fingerprint(embedded / "measures") == before
    rows = list(
        load_workbook(downloads / "fortschritt-vorlage.xlsx").worksheets[0].iter_rows(values_only=True)
    )
    assert {r[0] for r in rows[1:]} == {"Messwert", "Ausgabe", "Sachstand"} and len(rows) > 100
