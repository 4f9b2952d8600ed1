"""Every message German: libyaml's problems, click's usage errors, plausible hints only, new files."""

from __future__ import annotations

import ast
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
