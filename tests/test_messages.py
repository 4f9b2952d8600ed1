"""Every message German: libyaml's problems, click's usage errors, plausible hints only, new files."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
import yaml

from rek import clicktext
from rek.diagnostics import Diagnostics
from rek.model import PartnerKind
from rek.yamlsource import parse_yaml_bytes, translate_problem

# the problems libyaml 0.2.5 reports (its scanner, parser and reader), as the parser gives them
LIBYAML_PROBLEMS = [
    "block sequence entries are not allowed in this context",
    "control characters are not allowed",
    "could not find expected ':'",
    "could not find expected directive name",
    "did not find URI escaped octet",
    "did not find expected '!'",
    "did not find expected ',' or ']'",
    "did not find expected ',' or '}'",
    "did not find expected '-' indicator",
    "did not find expected <document start>",
    "did not find expected <stream-start>",
    "did not find expected alphabetic or numeric character",
    "did not find expected comment or line break",
    "did not find expected digit or '.' character",
    "did not find expected hexdecimal number",
    "did not find expected key",
    "did not find expected node content",
    "did not find expected tag URI",
    "did not find expected version number",
    "did not find expected whitespace",
    "did not find expected whitespace or line break",
    "did not find the expected '>'",
    "found a tab character that violates indentation",
    "found a tab character where an indentation space is expected",
    "found an incorrect leading UTF-8 octet",
    "found an incorrect trailing UTF-8 octet",
    "found an indentation indicator equal to 0",
    "found character that cannot start any token",
    "found duplicate %TAG directive",
    "found duplicate %YAML directive",
    "found extremely long version number",
    "found incompatible YAML document",
    "found invalid Unicode character escape code",
    "found undefined tag handle",
    "found unexpected ':'",
    "found unexpected document indicator",
    "found unexpected end of stream",
    "found unexpected non-alphabetical character",
    "found unknown directive name",
    "found unknown escape character",
    "incomplete UTF-8 octet sequence",
    "invalid leading UTF-8 octet",
    "invalid length of a UTF-8 sequence",
    "invalid trailing UTF-8 octet",
    "mapping keys are not allowed in this context",
    "mapping values are not allowed in this context",
]


@pytest.mark.parametrize("problem", LIBYAML_PROBLEMS)
def test_every_libyaml_problem_has_a_german_text(problem: str) -> None:
    german = translate_problem(problem)
    assert german, problem
    assert not any(word in german.split() for word in ("found", "expected", "not", "allowed", "the"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: a\n  b: c\n", "YAML-Syntaxfehler: Hier darf kein 'Schlüssel: Wert' stehen"),
        ("title: [a, b\nx: 1\n", "YAML-Syntaxfehler: In einer Liste in eckigen Klammern fehlt ',' oder"),
        ("title: {a: 1\n", "YAML-Syntaxfehler: In einer Zuordnung in geschweiften Klammern fehlt"),
        ("a: 1\n- b\n", "YAML-Syntaxfehler: "),
        ('a: "x\\q"\n', "YAML-Syntaxfehler: Unbekannte Escape-Sequenz"),
        ("a: 'x\nb: 1\n", "YAML-Syntaxfehler: Ein Text in Anführungszeichen wird nicht geschlossen"),
        ("a: @x\n", "YAML-Syntaxfehler: Ein Zeichen, mit dem kein YAML-Element beginnen darf"),
    ],
)
def test_yaml_errors_are_german_without_the_parser_text(text: str, message: str, tmp_path: Path) -> None:
    diags = Diagnostics()
    assert parse_yaml_bytes(text.encode(), tmp_path / "x.yaml", "x.yaml", diags) is None
    shown = [d.format() for d in diags.items]
    assert any(message in line for line in shown), shown
    for line in shown:
        assert "Parser:" not in line and " found " not in line and "expected " not in line, line


def test_the_click_table_covers_every_message_click_can_show() -> None:
    root = Path(click.__file__).parent
    singular: set[str] = set()
    plural: set[tuple[str, str]] = set()
    for source in root.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                texts = [
                    a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
                ]
                if node.func.id == "_" and texts:
                    singular.add(texts[0])
                elif node.func.id == "ngettext" and len(texts) >= 2:
                    plural.add((texts[0], texts[1]))
    assert singular - set(clicktext.SINGULAR) - clicktext.DEVELOPER_ONLY == set()
    assert plural - set(clicktext.PLURAL) == set()


@pytest.mark.parametrize(
    ("args", "expected", "absent"),
    [
        (["build", "--foo"], "Fehler: Option '--foo' gibt es nicht.", "Meinten Sie"),
        (["build", "--ot", "x"], "Fehler: Option '--ot' gibt es nicht. Meinten Sie '--out'?", None),
        (["bild"], "Fehler: Befehl 'bild' gibt es nicht. Meinten Sie 'build'?", None),
        (["diff"], "Fehler: Argument fehlt 'OLD'.", None),
        (
            ["serve", "--port", "x"],
            "Fehler: Ungültiger Wert für '--port': 'x' ist keine gültige Ganzzahl.",
            None,
        ),
        (
            ["new", "partner", "--id", "x", "--name", "y", "--kind", "Dorf"],
            "'Dorf' ist keiner der Werte",
            None,
        ),
    ],
)
def test_usage_errors_are_german(
    run, minimal: Path, args: list[str], expected: str, absent: str | None
) -> None:
    result = run(*args, cwd=minimal)
    assert result.code == 2
    assert expected in result.err, result.err
    assert "Aufruf: rek" in result.err and "[OPTIONEN]" in result.err
    for english in ("Usage", "Error", "Try ", "No such", "[OPTIONS]"):
        assert english not in result.err, result.err
    if absent:
        assert absent not in result.err


def test_help_and_version_are_german(run) -> None:
    result = run("--help")
    assert "Optionen:" in result.out and "Befehle:" in result.out and "Diese Hilfe zeigen" in result.out
    assert "Options" not in result.out and "Commands" not in result.out
    version = run("--version")
    assert version.code == 0 and version.out.startswith("rek, Version ")


def test_missing_project_folder_is_named(run, tmp_path: Path) -> None:
    result = run("-C", str(tmp_path / "fehlt"), "check", cwd=tmp_path)
    assert result.code == 1
    assert result.err.strip() == f"Den Projektordner '{tmp_path / 'fehlt'}' (-C) gibt es nicht."
    file = tmp_path / "datei"
    file.write_text("x", encoding="utf-8")
    assert (
        f"Fehler: Ungültiger Wert für '-C' / '--project': Ordner '{file}' ist eine Datei."
        in run("-C", str(file), "check", cwd=tmp_path).err
    )


def _measure(minimal: Path, measure_id: str, dependencies: str, status: str = "idea") -> None:
    text = (minimal / "measures" / "M01.yaml").read_text(encoding="utf-8")
    text = text.replace("id: M01", f"id: {measure_id}").replace("status: idea", f"status: {status}")
    (minimal / "measures" / f"{measure_id}.yaml").write_text(
        text + f"dependencies: {dependencies}\n", "utf-8"
    )


def test_hints_are_plausible_and_never_the_item_itself(run, minimal: Path) -> None:
    _measure(minimal, "M07", "[M01, M03]")  # M03 is missing: M01, M07 are no typos of it
    _measure(minimal, "M08", "[m8]")  # the measure itself, spelled differently: never suggested
    result = run("check", cwd=minimal)
    assert result.code == 1
    lines = result.err.splitlines()
    m03 = lines.index(next(line for line in lines if "unbekannte Maßnahme 'M03'" in line))
    assert lines[m03 + 1] == "    Hinweis: Bekannt sind: M01, M08"
    m8 = lines.index(next(line for line in lines if "unbekannte Maßnahme 'm8'" in line))
    assert lines[m8 + 1] == "    Hinweis: Bekannt sind: M01, M07"
    assert "Meinten Sie" not in result.err


def test_hints_for_typos_and_german_words(run, minimal: Path) -> None:
    measure = minimal / "measures" / "M01.yaml"
    text = measure.read_text(encoding="utf-8")
    measure.write_text(text.replace("status: idea", "status: geplant"), "utf-8")
    assert "    Hinweis: Meinten Sie 'planned'?" in run("check", cwd=minimal).err
    measure.write_text(text.replace("lead: lk", "lead: LK"), "utf-8")
    assert "    Hinweis: Meinten Sie 'lk'?" in run("check", cwd=minimal).err


@pytest.mark.parametrize(
    "kind",
    ["Samtgemeinde", "Stadt", "Gemeinde", "Landkreis", "Zweckverband", "Verein", "Unternehmen", "Hochschule",
     "Anstalt öffentlichen Rechts", "Stiftung", "Verbandsgemeinde", "Kreisfreie Stadt", "Genossenschaft"],
)  # fmt: skip
def test_partner_kinds_cover_german_actors(kind: str, run, minimal: Path) -> None:
    assert kind in {k.value for k in PartnerKind}
    strategy = minimal / "strategy" / "strategy.yaml"
    strategy.write_text(strategy.read_text("utf-8").replace("kind: Landkreis", f"kind: {kind}"), "utf-8")
    assert run("check", cwd=minimal).code == 0


def test_new_partner_goal_and_action_field(run, minimal: Path) -> None:
    strategy = minimal / "strategy" / "strategy.yaml"
    before = strategy.read_text(encoding="utf-8")
    partner = run("new", "partner", "--id", "sg-bp", "--name", "Samtgemeinde Bodenwerder-Polle",
                  "--kind", "Samtgemeinde", cwd=minimal)  # fmt: skip
    assert partner.code == 0, partner.err
    assert partner.out.strip() == "Partner 'sg-bp' ergänzt in strategy/strategy.yaml"
    goal = run("new", "goal", "--title", "Schulen arbeiten digital", cwd=minimal)
    assert goal.code == 0 and "Ziel 'Z2' ergänzt" in goal.out
    field = run("new", "action-field", "--title", "Bildung & Kultur", cwd=minimal)
    assert field.code == 0 and field.out.strip() == "Angelegt: strategy/action-fields/bildung-kultur.yaml"
    after = strategy.read_text(encoding="utf-8")
    # every line that was there is still there, in order; comments included
    kept = iter(after.splitlines())
    assert all(any(line == other for other in kept) for line in before.splitlines())
    data = yaml.safe_load(after)
    assert data["partners"][-1] == {"id": "sg-bp", "name": "Samtgemeinde Bodenwerder-Polle",
                                    "kind": "Samtgemeinde", "role": "Partner im Verbund"}  # fmt: skip
    assert data["goals"][-1] == {"id": "Z2", "title": "Schulen arbeiten digital"}
    check = run("check", cwd=minimal)
    assert check.code == 0, check.err
    assert "2 Handlungsfelder, 2 Partner" in check.out
    # never twice, never over an existing file
    assert (
        "gibt es schon"
        in run("new", "partner", "--id", "sg-bp", "--name", "x", "--kind", "Stadt", cwd=minimal).err
    )
    assert "gibt es schon" in run("new", "goal", "--id", "Z1", "--title", "x", cwd=minimal).err
    again = run("new", "action-field", "--title", "Bildung & Kultur", cwd=minimal)
    assert again.code == 1 and "gibt es schon" in again.err


def test_new_refuses_what_would_be_invalid(run, minimal: Path) -> None:
    strategy = minimal / "strategy" / "strategy.yaml"
    before = strategy.read_text(encoding="utf-8")
    result = run("new", "goal", "--title", "<script>x</script>", cwd=minimal)
    assert result.code == 1 and "wäre ungültig" in result.err
    assert strategy.read_text(encoding="utf-8") == before
    assert run("new", "partner", "--id", "a/b", "--name", "x", "--kind", "Stadt", cwd=minimal).code == 1
    assert strategy.read_text(encoding="utf-8") == before


# --- issue 21: messages that help ----------------------------------------------------------------------


def _lines(result) -> list[str]:  # type: ignore[no-untyped-def]
    return (result.out + result.err).splitlines()


def test_german_number_formats_get_the_exact_suggestion(run, minimal: Path) -> None:
    from conftest import FIXTURES, overlay

    overlay(FIXTURES / "broken" / "german-number-format", minimal)
    lines = _lines(run("check", cwd=minimal))
    assert lines[:4] == [
        "measures/M01.yaml:19:13: error: Feld 'costs[0].amount': erwartet: eine Zahl; gefunden: Text '12.500,50'",
        "    Hinweis: Meinten Sie 12500.50? Schreiben Sie Zahlen ohne Tausenderpunkte und mit Punkt statt Komma "
        "vor den Nachkommastellen, ohne Anführungszeichen.",
        "measures/M01.yaml:21:10: error: Feld 'funding.grant': erwartet: eine Zahl; gefunden: Text '1.250.000'",
        "    Hinweis: Meinten Sie 1250000? Schreiben Sie Zahlen ohne Tausenderpunkte und mit Punkt statt Komma "
        "vor den Nachkommastellen, ohne Anführungszeichen.",
    ]


def test_an_unclosed_quote_is_reported_at_its_opening_quote(run, minimal: Path) -> None:
    from conftest import FIXTURES, overlay

    overlay(FIXTURES / "broken" / "unclosed-quote-next-line", minimal)
    assert _lines(run("check", cwd=minimal))[:2] == [
        "measures/M01.yaml:3:8: error: YAML-Syntaxfehler: Ein Text in Anführungszeichen wird in seiner Zeile "
        "nicht geschlossen",
        "    Hinweis: Setzen Sie das schließende Anführungszeichen am Ende des Textes in Zeile 3; so liest YAML "
        "bis zum nächsten Anführungszeichen in Zeile 4 weiter.",
    ]


def test_a_copied_measure_suggests_the_free_id_not_the_taken_one(run, minimal: Path) -> None:
    from conftest import FIXTURES, overlay

    overlay(FIXTURES / "broken" / "duplicate-measure-id", minimal)
    assert _lines(run("check", cwd=minimal))[:2] == [
        "measures/M02.yaml:2:5: error: Feld 'id': erwartet: 'M02' wie der Dateiname; gefunden: Text 'M01'",
        "    Hinweis: Die Kennung 'M01' hat schon measures/M01.yaml; frei ist 'M02' wie der Dateiname: ändern "
        "Sie die Kennung in 'id: M02'.",
    ]


def test_legal_days_are_a_number_and_the_privacy_date_a_date(run, minimal: Path) -> None:
    from conftest import FIXTURES, overlay

    overlay(FIXTURES / "broken" / "legal-types", minimal)
    errors = [line for line in _lines(run("check", cwd=minimal)) if "warning" not in line]
    assert errors[:5] == [
        "strategy/strategy.yaml:73:12: error: Feld 'legal.hosting': erwartet: Text; gefunden: Datum 30.11.2026",
        "strategy/strategy.yaml:74:23: error: Feld 'legal.log_retention_days': erwartet: eine Zahl von Tagen "
        "zwischen 1 und 3650 (z. B. 14) oder den Platzhalter 'bitte ergänzen'; gefunden: Text '7'",
        "    Hinweis: Meinten Sie 7? Schreiben Sie Zahlen ohne Anführungszeichen.",
        "strategy/strategy.yaml:75:17: error: Feld 'legal.privacy_date': erwartet: ein Datum im Format JJJJ-MM-TT "
        "oder den Platzhalter 'bitte ergänzen'; gefunden: Text '30.11.2026'",
        "    Hinweis: Meinten Sie 2026-11-30? Schreiben Sie Daten als JJJJ-MM-TT, ohne Anführungszeichen.",
    ]
    # the right types pass, and the placeholder stays possible (the embedded default keeps it)
    strategy = minimal / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8").replace("hosting: 2026-11-30", "hosting: Rechenzentrum Nord")
    strategy.write_text(text.replace('"7"', "7").replace("30.11.2026", "2026-11-30"), encoding="utf-8")
    assert run("check", cwd=minimal).code == 0


def test_counts_are_german_plurals() -> None:
    from rek.validation import describe, plural

    assert describe(["a"]) == "eine Liste mit 1 Eintrag"
    assert describe(["a", "b"]) == "eine Liste mit 2 Einträgen"
    assert (
        plural(1, "Eintrag", "Einträge") == "1 Eintrag" and plural(0, "Eintrag", "Einträge") == "0 Einträge"
    )


def test_found_values_are_described_in_german_never_as_python() -> None:
    import datetime as dt
    from decimal import Decimal

    from rek.validation import describe

    assert describe(dt.date(2026, 11, 30)) == "Datum 30.11.2026"
    assert describe(dt.datetime(2026, 11, 30, 9, 5)) == "Datum und Uhrzeit 30.11.2026 09:05"
    assert describe(Decimal("12.5")) == "Zahl 12.5"
    assert describe({"a": 1}) == "eine Zuordnung (Schlüssel: Wert)"
    assert describe(object()) == "einen Wert, den rek hier nicht lesen kann"


def test_new_goal_is_added_despite_a_broken_measure_and_names_it_after(run, minimal: Path) -> None:
    measure = minimal / "measures" / "M01.yaml"
    measure.write_text(
        measure.read_text(encoding="utf-8").replace("amount: 20000", 'amount: "20000"'), "utf-8"
    )
    result = run("new", "goal", "--title", "Schulen arbeiten digital", cwd=minimal)
    assert result.code == 0
    assert result.out == "Ziel 'Z2' ergänzt in strategy/strategy.yaml\n"
    assert result.err.splitlines() == [
        "Unabhängig davon hat eine andere Datei Fehler (nicht Teil dieser Änderung; 'rek check' zeigt alle):",
        "measures/M01.yaml:19:13: error: Feld 'costs[0].amount': erwartet: eine Zahl; gefunden: Text '20000'",
        "    Hinweis: Meinten Sie 20000? Schreiben Sie Zahlen ohne Anführungszeichen.",
    ]
    field = run("new", "action-field", "--title", "Bildung", cwd=minimal)
    assert field.code == 0 and field.out == "Angelegt: strategy/action-fields/bildung.yaml\n"


def test_new_goal_refusal_starts_with_what_was_refused_and_why(run, minimal: Path) -> None:
    strategy = minimal / "strategy" / "strategy.yaml"
    strategy.write_text(
        strategy.read_text(encoding="utf-8").replace("applicant: lk ", "applicant: lkx "), "utf-8"
    )
    measure = minimal / "measures" / "M01.yaml"
    measure.write_text(measure.read_text(encoding="utf-8").replace("amount: 20000", "amount: -5"), "utf-8")
    before = strategy.read_text(encoding="utf-8")
    result = run("new", "goal", "--title", "Schulen arbeiten digital", cwd=minimal)
    assert result.code == 1 and strategy.read_text(encoding="utf-8") == before
    assert result.err.splitlines() == [
        "Das Ziel wurde nicht angelegt: strategy/strategy.yaml hat Fehler, und rek legt nur in gültigen Dateien "
        "neue Einträge an. Beheben Sie zuerst:",
        "strategy/strategy.yaml:8:12: error: Feld 'applicant': unbekannter Partner 'lkx'",
        "    Hinweis: Meinten Sie 'lk'?",
        "Unabhängig davon hat eine andere Datei Fehler (nicht Teil dieser Änderung; 'rek check' zeigt alle):",
        "measures/M01.yaml:19:13: error: Feld 'costs[0].amount': erwartet: einen Betrag von mindestens 0; "
        "gefunden: Zahl -5",
    ]


def test_new_entries_with_a_taken_id_suggest_a_free_one(run, minimal: Path) -> None:
    goal = run("new", "goal", "--id", "Z1", "--title", "x", cwd=minimal)
    assert (
        goal.err
        == "Das Ziel wurde nicht angelegt: die Kennung 'Z1' gibt es schon. Frei ist zum Beispiel 'Z2' (--id).\n"
    )
    partner = run("new", "partner", "--id", "lk", "--name", "x", "--kind", "Stadt", cwd=minimal)
    assert partner.err == (
        "Der Partner wurde nicht angelegt: die Kennung 'lk' gibt es schon. Frei ist zum Beispiel 'lk-2' (--id).\n"
    )
    field = run("new", "action-field", "--title", "Verwaltung", cwd=minimal)
    assert field.err == (
        "Das Handlungsfeld wurde nicht angelegt: die Kennung 'verwaltung' gibt es schon. Frei ist zum Beispiel "
        "'verwaltung-2' (--id).\n"
    )
    measure = run("new", "measure", "--id", "M01", cwd=minimal)
    assert measure.err == (
        "Die Maßnahme wurde nicht angelegt: die Kennung 'M01' gibt es schon; rek überschreibt keine bestehenden "
        "Dateien. Frei ist zum Beispiel M02 (--id).\n"
    )
    unknown = run("new", "measure", "--action-field", "verwaltng", cwd=minimal)
    assert unknown.err == (
        "Die Maßnahme wurde nicht angelegt: das Handlungsfeld 'verwaltng' (--action-field) gibt es nicht. "
        "Meinten Sie 'verwaltung'?\n"
    )


def test_the_preview_banner_shows_hints_too(tmp_path: Path) -> None:
    import json

    from rek.diagnostics import Diagnostics
    from rek.serve import _status

    diags = Diagnostics()
    diags.add("measures/M01.yaml", 19, 13, "Feld 'costs[0].amount': erwartet: eine Zahl; gefunden: Text '20000'",
              hint="Meinten Sie 20000? Schreiben Sie Zahlen ohne Anführungszeichen.")  # fmt: skip
    assert json.loads(_status(diags))["errors"] == [
        "measures/M01.yaml:19:13: Feld 'costs[0].amount': erwartet: eine Zahl; gefunden: Text '20000'\n"
        "Hinweis: Meinten Sie 20000? Schreiben Sie Zahlen ohne Anführungszeichen."
    ]

    from rek.serve import _error_tree

    _error_tree(tmp_path, diags)  # the page before the first valid state: the same lines
    page = (tmp_path / "docs" / "index.md").read_text(encoding="utf-8").splitlines()
    assert page[-2:] == [
        "- measures/M01.yaml:19:13: error: Feld 'costs\\[0\\].amount': erwartet: eine Zahl; gefunden: Text '20000'",
        "    - Hinweis: Meinten Sie 20000? Schreiben Sie Zahlen ohne Anführungszeichen.",
    ]


def test_editor_schemas_reject_what_check_rejects_for_numbers_and_ids() -> None:
    import json

    from jsonschema import Draft202012Validator

    from conftest import ROOT

    schema = json.loads((ROOT / "schemas" / "measure.schema.json").read_text(encoding="utf-8"))
    measure = yaml.safe_load((ROOT / "src/rek/templates/init/measures/M01.yaml").read_text(encoding="utf-8"))
    measure = json.loads(json.dumps(measure, default=str))
    validator = Draft202012Validator(schema)
    assert not list(validator.iter_errors(measure))
    for path, value in (
        (("costs", 0, "amount"), "45.000"),
        (("costs", 0, "amount"), "12.500,50"),
        (("funding", "grant"), "1.250.000"),
        (("funding", "own_shares"), {"lk x": 100}),
        (("funding", "own_shares"), {"../lk": 100}),
        (("lead",), "lk x"),
        (("goals",), ["Z 1"]),
    ):
        broken = json.loads(json.dumps(measure))
        target = broken
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        assert list(validator.iter_errors(broken)), (path, value)
    strategy = json.loads((ROOT / "schemas" / "strategy.schema.json").read_text(encoding="utf-8"))
    legal = strategy["$defs"]["Legal"]["properties"]
    days = Draft202012Validator({"$defs": strategy["$defs"], **legal["log_retention_days"]})
    assert days.is_valid(14) and days.is_valid("bitte ergänzen") and not days.is_valid("14")


def test_scaffold_text_and_template_names_block_an_adopted_publication(
    run, minimal: Path, git_identity
) -> None:
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(minimal), *args], check=True, capture_output=True)

    strategy = minimal / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8").replace(
        "status: Entwurf", "status: beschlossen\nadopted: 2027-03-01"
    )
    strategy.write_text(text, encoding="utf-8")
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "beschlossen")
    git("tag", "v1.0")
    result = run("publish", cwd=minimal)
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if "aus der Vorlage" in line]
    assert lines[:3] == [
        "measures/M01.yaml:4:10: error: Platzhalter aus der Vorlage „Termine im Bürgerbüro lassen sich online "
        "buchen.“: noch nicht durch eigenen Text ersetzt",
        "measures/M01.yaml:6:3: error: Platzhalter aus der Vorlage „Die Bürgerbüros bieten eine "
        "Online-Terminvergabe…“: noch nicht durch eigenen Text ersetzt",
        "mkdocs.yml:2:31: error: Platzhalter aus der Vorlage „Musterregion“: noch nicht durch Ihren Namen ersetzt",
    ]
    assert (
        "strategy/strategy.yaml:85:11: error: Platzhalter aus der Vorlage „Landkreis Muster“: noch nicht durch "
        "Ihren Namen ersetzt" in lines
    )  # the accessibility contact (one line below, after adopted:)


def test_new_scaffold_text_is_found_until_changed(run, minimal: Path) -> None:
    from rek.placeholders import NEW_FIELD_DESCRIPTION, NEW_MEASURE_SUMMARY, NEW_MEASURE_TITLE, scaffold_texts

    assert NEW_MEASURE_SUMMARY in scaffold_texts()[0] and "Landkreis Muster" in scaffold_texts()[1]
    assert NEW_MEASURE_TITLE in scaffold_texts()[0]  # the title of "rek new measure" without --title
    run("new", "measure", "--title", "Digitale Bauakte", cwd=minimal)
    run("new", "action-field", "--title", "Bildung", cwd=minimal)
    out = run("check", cwd=minimal).out.splitlines()
    assert (
        "measures/M02.yaml:4:11: warning: Platzhalter aus der Vorlage „Kurzbeschreibung in ein bis zwei Sätzen.“: "
        "noch nicht durch eigenen Text ersetzt" in out
    )
    assert any(line.startswith("strategy/action-fields/bildung.yaml:7:3: warning: Platzhalter aus der Vorlage „Was die Region") for line in out)  # fmt: skip
    assert NEW_FIELD_DESCRIPTION.startswith("Was die Region")
    field = minimal / "strategy" / "action-fields" / "bildung.yaml"
    field.write_text(
        field.read_text(encoding="utf-8").replace(NEW_FIELD_DESCRIPTION, "Schulen und Bibliotheken."), "utf-8"
    )
    assert not [line for line in run("check", cwd=minimal).out.splitlines() if "bildung.yaml:7" in line]


# what a Python value looks like in a message (searched in the whole line) ...
_REPR = re.compile(r"datetime\.|Decimal\(|<class |NoneType|\{'[^']*': |\['[^']*', '|\(\d+, \d+|object at 0x")
# ... and a Python type name or English text of the validation library (outside what the user wrote)
_PYTHON = re.compile(
    r"\b(?:None|True|False|str|int|float|dict|list|bool|date|datetime|tuple|Decimal)\b(?!:)|"  # 'date:' is a key
    r"Input should|Field required|validation error|Extra inputs|Value error|Traceback|\btype=|pydantic"
)
_QUOTED = re.compile(r"'[^'\n]*'|„[^“\n]*“|\"[^\"\n]*\"")  # field names and values the user wrote


def _corpus() -> list[Path]:
    from conftest import FIXTURES

    return sorted(
        p for kind in ("broken", "hostile", "monitoring") for p in (FIXTURES / kind).iterdir() if p.is_dir()
    )


def test_no_message_of_any_fixture_shows_python(run, tmp_path: Path) -> None:
    """Every fixture of the corpus through 'rek check': no repr, no type name, no English library text."""
    import shutil

    from conftest import FIXTURES, INIT_TEMPLATE, overlay

    fixtures = _corpus()
    assert len(fixtures) > 60
    found = []
    for fixture in fixtures:
        project = tmp_path / fixture.parent.name / fixture.name
        shutil.copytree(INIT_TEMPLATE, project)
        overlay(fixture, project)
        result = run("check", cwd=project)
        assert result.out or result.err, fixture.name
        output = result.out + result.err
        if fixture.parent.name == "broken":  # the same fixture against the test call's formal rules
            shutil.copytree(FIXTURES / "calls", project / "strategy" / "calls", dirs_exist_ok=True)
            strategy = project / "strategy" / "strategy.yaml"
            if strategy.is_file():
                text = strategy.read_text(encoding="utf-8", errors="replace")
                strategy.write_text(text.replace("# call: mpsc-2021", "call: test-call"), encoding="utf-8")
                called = run("check", cwd=project)
                output += called.out + called.err
        for line in output.splitlines():
            if _REPR.search(line) or _PYTHON.search(_QUOTED.sub("", line)):
                found.append(f"{fixture.parent.name}/{fixture.name}: {line}")
    from conftest import ROOT

    for profile in sorted((ROOT / "strategy" / "calls").glob("*.yaml")):  # the embedded strategy, each call
        result = run("check", "--call", profile.stem, cwd=ROOT)
        found += [
            f"embedded --call {profile.stem}: {line}"
            for line in (result.out + result.err).splitlines()
            if _REPR.search(line) or _PYTHON.search(_QUOTED.sub("", line))
        ]
    assert found == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # the next quoted value closes the open one: the cause is the opening quote, not line 3
            'id: M01\ntitle: "Online-Termin\nsummary: "Termine"\nlead: lk\n',
            "x.yaml:2:8: error: YAML-Syntaxfehler: Ein Text in Anführungszeichen wird in seiner Zeile nicht geschlossen",
        ),
        (  # single quotes, two lines later
            "id: M01\ntitle: 'Online-Termin\nsummary: Termine\nlead: 'lk'\n",
            "x.yaml:2:8: error: YAML-Syntaxfehler: Ein Text in Anführungszeichen wird in seiner Zeile nicht geschlossen",
        ),
        (  # in a list
            'id: M01\ntarget_groups:\n  - "Bürger\n  - "Firmen"\nlead: lk\n',
            "x.yaml:3:5: error: YAML-Syntaxfehler: Ein Text in Anführungszeichen wird in seiner Zeile nicht geschlossen",
        ),
        (  # a wanted two-line quoted text is no cause of a later, unrelated error
            'id: M01\ntitle: "Ein langer Titel\n  über zwei Zeilen"\nlead: lk\n bad: 1\n',
            "x.yaml:5:5: error: YAML-Syntaxfehler: Hier darf kein 'Schlüssel: Wert' stehen",
        ),
    ],
)
def test_an_open_quote_is_blamed_only_when_it_is_the_cause(text: str, expected: str) -> None:
    diags = Diagnostics()
    parse_yaml_bytes(text.encode("utf-8"), Path("x.yaml"), "x.yaml", diags)
    assert [d.format().splitlines()[0] for d in diags.items] == [expected]
