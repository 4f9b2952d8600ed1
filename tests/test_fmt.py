"""`rek fmt`: one canonical form of the strategy's YAML, so a browser-editor save and a hand edit diff alike.

The canonical form: keys in the model's field order (the editor's and the schema's), mappings indented by
2, list entries by 2 under their key, LF line ends, no trailing whitespace, one final newline; comments,
blank lines, quoting, block texts, flow lists and dates as written. These tests check it on the shipped
files (already canonical), on a file as Decap CMS writes it, and that formatting never changes meaning.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from conftest import INIT_TEMPLATE, ROOT
from rek.model import Measure, Strategy
from rek.project import load_project
from rek.yamlformat import canonical, round_trip, source_files

DECAP_M07 = ROOT / "tests" / "fixtures" / "fmt" / "decap-M07.yaml"
FREE_NAMES = {"own_shares", "breakdown"}  # mappings of free names (partner -> percent): kept as written


def snapshot(project: Path) -> dict[str, tuple[bytes, int]]:
    """Every YAML file's bytes and modification time (ns): what 'nothing changed' means."""
    return {
        p.relative_to(project).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(project.rglob("*.y*ml"))
    }


def key_orders(node: Any, path: str = "") -> list[tuple[str, list[str]]]:
    """The keys of every mapping in a document, in order, with where the mapping stands."""
    found: list[tuple[str, list[str]]] = []
    if isinstance(node, dict):
        found.append((path, [str(k) for k in node]))
        for key, value in node.items():
            found += key_orders(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += key_orders(value, f"{path}[{index}]")
    return found


def without_comments(text: str) -> str:
    """The text of a canonical file without its comment lines and end-of-line comments (as a CMS saves)."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return "".join(re.sub(r"\s+# [^\"]*$", "", line) + "\n" for line in lines)


def scrambled(text: str, indent: int = 2) -> str:
    """The same document with the keys of every mapping reversed but the first (comment lines above the
    first key belong to the file's head), indented by ``indent``, with CRLF line ends."""
    from rek.yamlformat import _move

    rt = round_trip()
    doc = rt.load(text)

    def reverse(node: Any, name: Any = None) -> None:
        if isinstance(node, CommentedMap):
            for key, value in node.items():
                reverse(value, key)
            keys = list(node)
            if len(keys) > 2 and name not in FREE_NAMES:
                _move(node, keys, [keys[0], *keys[:0:-1]])
        elif isinstance(node, CommentedSeq):
            for value in node:
                reverse(value, name)

    reverse(doc)
    rt.indent(mapping=indent, sequence=indent + 2, offset=indent)
    out = io.StringIO()
    rt.dump(doc, out)
    return out.getvalue().replace("\n", "\r\n")


# --- the shipped files are canonical ------------------------------------------------------------------


@pytest.mark.parametrize("which", ["embedded", "minimal"])
def test_the_shipped_strategy_and_the_init_template_are_canonical(which: str, request, run) -> None:
    project: Path = request.getfixturevalue(which)
    before = snapshot(project)
    checked = run("-C", str(project), "fmt", "--check")
    assert checked.code == 0, checked.out + checked.err
    count = len(source_files(project))
    assert checked.out == f"Alles im kanonischen Format: {count} Dateien geprüft.\n"
    written = run("-C", str(project), "fmt")
    assert written.code == 0, written.err
    assert written.out.endswith(
        f"0 Dateien von {count} Dateien formatiert; die übrigen waren schon kanonisch.\n"
    )
    assert snapshot(project) == before  # not a byte and not a modification time changed


def test_every_shipped_file_is_its_own_canonical_form() -> None:
    files = [*source_files(ROOT), *source_files(INIT_TEMPLATE)]
    assert len(files) == 36  # strategy, 5 action fields, 24 measures, 3 calls; template: 3 files
    for path in files:
        text = path.read_text(encoding="utf-8")
        from rek.yamlformat import model_of

        root = (
            ROOT if path.is_relative_to(ROOT / "strategy") or path.is_relative_to(ROOT / "measures") else None
        )
        model = model_of(root or INIT_TEMPLATE, path)
        assert canonical(text, model) == text, path


# --- a file as the browser editor writes it -------------------------------------------------------------


def test_a_decap_save_comes_back_to_the_hand_written_order_and_meaning(embedded: Path, run) -> None:
    """Decap CMS (the npm package 'yaml') writes no comments, plain strings, block lists and its own key
    order. rek fmt brings back the key order of the hand-written file and keeps every value; the quoting and
    list style the editor chose stay (they carry no meaning), and the comments are lost with the save."""
    hand = (embedded / "measures" / "M07.yaml").read_text(encoding="utf-8")
    project_before, _ = load_project(embedded)
    assert project_before is not None
    target = embedded / "measures" / "M07.yaml"
    shutil.copy(DECAP_M07, target)
    before = snapshot(embedded)

    checked = run("-C", str(embedded), "fmt", "--check")
    assert checked.code == 1
    assert checked.out.startswith("measures/M07.yaml: nicht im kanonischen Format (rek fmt schreibt es)\n")
    assert "--- a/measures/M07.yaml\n+++ b/measures/M07.yaml\n" in checked.out
    assert "-kind: Konzept\n" in checked.out and "+kind: Konzept\n" in checked.out  # moved after 'phase'
    assert checked.err == "1 Datei von 33 Dateien nicht im kanonischen Format; 'rek fmt' schreibt sie.\n"
    assert snapshot(embedded) == before  # --check writes nothing

    written = run("-C", str(embedded), "fmt")
    assert written.code == 0, written.err
    assert "  formatiert: measures/M07.yaml\n" in written.out
    assert "1 Datei von 33 Dateien formatiert" in written.out
    text = target.read_text(encoding="utf-8")

    # the same keys in the same order in every mapping, the same values, as the hand-written file
    assert key_orders(yaml.safe_load(text)) == key_orders(yaml.safe_load(hand))
    dump = {"sort_keys": False, "allow_unicode": True, "width": 4096}
    assert yaml.safe_dump(yaml.safe_load(text), **dump) == yaml.safe_dump(yaml.safe_load(hand), **dump)
    project_after, diags = load_project(embedded)
    assert project_after is not None, diags.items
    assert project_after.measures_by_id["M07"] == project_before.measures_by_id["M07"]
    # what stays as the editor wrote it: no comments, plain strings, block lists
    assert "#" not in text
    assert "  - Kreisverwaltungen\n" in text and "further_action_fields:\n  - laendlicher-raum\n" in text
    # idempotent: formatted once is canonical
    assert canonical(text, Measure) == text
    assert run("-C", str(embedded), "fmt", "--check").code == 0
    assert run("-C", str(embedded), "check").code == 0


def test_a_save_in_other_order_and_indentation_comes_back_byte_for_byte_less_the_comments(
    embedded: Path,
) -> None:
    """Where the editor keeps the styles, the canonical text is exactly the hand-written one minus comments."""
    hand = (embedded / "measures" / "M07.yaml").read_text(encoding="utf-8")
    bare = without_comments(hand)
    assert (
        hand.count("#") == 3 and "#" not in bare
    )  # the schema line, one end-of-line and one whole-line comment
    messy = scrambled(bare, indent=4)
    assert messy.startswith("id: M07\r\nexample_note:") and "\r\n    " in messy  # reversed, indented by 4
    assert canonical(messy, Measure) == bare


# --- never a change of meaning, always the same result -------------------------------------------------


def test_formatting_restores_every_shipped_file_from_a_scrambled_copy(embedded: Path, run) -> None:
    """Reversed key order and CRLF in every file: rek fmt gives back the shipped text byte for byte,
    comments and blank lines included, and the project loads to the same model."""
    original = {p: p.read_bytes() for p in source_files(embedded)}
    project_before, _ = load_project(embedded)
    for path, raw in original.items():
        path.write_text(scrambled(raw.decode("utf-8")), encoding="utf-8", newline="")
    assert all(path.read_bytes() != raw for path, raw in original.items())
    project_scrambled, diags = load_project(embedded)
    assert project_scrambled is not None, diags.items
    assert project_scrambled.strategy == project_before.strategy  # the scrambled copy means the same

    result = run("-C", str(embedded), "fmt")
    assert result.code == 0, result.err
    assert "33 Dateien von 33 Dateien formatiert" in result.out
    for path, raw in original.items():
        assert path.read_bytes() == raw, path
    project_after, _ = load_project(embedded)
    assert project_after is not None
    assert project_after.strategy == project_before.strategy
    assert project_after.measures == project_before.measures
    assert project_after.action_fields == project_before.action_fields


def test_layout_is_normalised_and_idempotent() -> None:
    messy = (
        "---\r\n"
        'title: "Titel"   \r\n'
        'version: "0.1"\r\n'
        "short_title: Kurz   # Kurztitel   \r\n"
        "region:\r\n"
        "    state: Niedersachsen\r\n"
        "    name: Region\r\n"
        "    description: |\r\n"
        "        Zwei\r\n"
        "        Zeilen\r\n"
        "partners:\r\n"
        "- {id: lk, name: Landkreis, kind: Landkreis, role: Antragsteller}\r\n"
        "adopted: 2024-05-01\r\n"
        "unknown_key: 1\r\n"
        "status: Entwurf"
    )
    once = canonical(messy, Strategy)
    assert once == (
        'title: "Titel"\n'
        "short_title: Kurz   # Kurztitel\n"
        'version: "0.1"\n'
        "status: Entwurf\n"
        "adopted: 2024-05-01\n"
        "region:\n"
        "  name: Region\n"
        "  state: Niedersachsen\n"
        "  description: |\n"
        "    Zwei\n"
        "    Zeilen\n"
        "partners:\n"
        "  - {id: lk, name: Landkreis, kind: Landkreis, role: Antragsteller}\n"
        "unknown_key: 1\n"
    )
    assert canonical(once, Strategy) == once
    assert yaml.safe_load(once) == yaml.safe_load(messy.replace("\r\n", "\n"))


def test_trailing_spaces_go_except_inside_a_block_text() -> None:
    """Two spaces at a line's end are a line break in Markdown: inside '|' they are content and stay."""
    text = 'title: "T"  \nsummary: |\n  Zeile mit Umbruch  \n  und weiter\n\n  Absatz \nversion: "1" \n'
    assert canonical(text, Strategy) == (
        'title: "T"\nversion: "1"\nsummary: |\n  Zeile mit Umbruch  \n  und weiter\n\n  Absatz \n'
    )
    assert yaml.safe_load(canonical(text, Strategy)) == yaml.safe_load(text)


def test_comment_lines_travel_with_their_key() -> None:
    text = (
        "# Kopf der Datei\n"
        "id: M01\n"
        "# über places\n"
        "places: [regionweit]\n"
        "references:\n"
        "  sdg: [9]\n"
        "\n"
        "# über contact, nach einem Block\n"
        "contact:\n"
        '  role: "Leitung"   # Funktion\n'
        '  office: "Amt"\n'
        "# Ende der Datei\n"
    )
    assert canonical(text, Measure) == (
        "# Kopf der Datei\n"
        "id: M01\n"
        "\n"
        "# über contact, nach einem Block\n"
        "contact:\n"
        '  role: "Leitung"   # Funktion\n'
        '  office: "Amt"\n'
        "# über places\n"
        "places: [regionweit]\n"
        "references:\n"
        "  sdg: [9]\n"
        "# Ende der Datei\n"
    )


# --- --check, errors, and where rek fmt may write -------------------------------------------------------


def test_check_lists_a_non_canonical_file_with_a_diff_and_changes_nothing(minimal: Path, run) -> None:
    measure = minimal / "measures" / "M01.yaml"
    text = measure.read_text(encoding="utf-8")
    measure.write_text(text.replace("id: M01\n", "", 1) + "id: M01\n", encoding="utf-8")  # 'id' moved last
    before = snapshot(minimal)
    result = run("-C", str(minimal), "fmt", "--check")
    assert result.code == 1
    assert result.out.startswith("measures/M01.yaml: nicht im kanonischen Format (rek fmt schreibt es)\n")
    assert re.search(r"^\+id: M01$", result.out, re.M) and re.search(r"^-id: M01$", result.out, re.M)
    assert "1 Datei von 3 Dateien nicht im kanonischen Format" in result.err
    assert snapshot(minimal) == before
    written = run("-C", str(minimal), "fmt")
    assert written.code == 0
    assert measure.read_text(encoding="utf-8") == text
    # only the changed file was written
    after = snapshot(minimal)
    assert {name for name in after if after[name] != before[name]} == {"measures/M01.yaml"}


def test_a_yaml_error_is_reported_at_its_place_and_nothing_is_written(minimal: Path, run) -> None:
    measure = minimal / "measures" / "M01.yaml"
    measure.write_text(measure.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")  # not canonical
    field = minimal / "strategy" / "action-fields" / "verwaltung.yaml"
    field.write_text(field.read_text(encoding="utf-8") + 'broken: "nicht geschlossen\n', encoding="utf-8")
    before = snapshot(minimal)
    result = run("-C", str(minimal), "fmt")
    assert result.code == 1
    assert re.search(r"^strategy/action-fields/verwaltung\.yaml:\d+:\d+: error: ", result.err, re.M), (
        result.err
    )
    assert "Nichts formatiert: 1 Fehler in 1 Datei gefunden." in result.err
    assert "Traceback" not in result.err
    assert snapshot(minimal) == before  # not even the other, well-formed file


def test_what_only_the_round_trip_reader_refuses_is_reported_and_left_alone(minimal: Path, run) -> None:
    """A tab after a value: rek check reads it (libyaml), ruamel's round-trip reader does not."""
    measure = minimal / "measures" / "M01.yaml"
    measure.write_text(
        measure.read_text(encoding="utf-8").replace("id: M01\n", "id: M01\t\n"), encoding="utf-8"
    )
    assert run("check", cwd=minimal).code == 0
    before = snapshot(minimal)
    result = run("fmt", cwd=minimal)
    assert result.code == 1
    assert "measures/M01.yaml:2:8: error: rek fmt kann die Datei an dieser Stelle nicht lesen" in result.err
    assert snapshot(minimal) == before


def test_a_file_that_parses_but_is_invalid_is_formatted(minimal: Path, run) -> None:
    """Formatting does not validate (rek check does): a wrong value is kept as it is, in its place."""
    measure = minimal / "measures" / "M01.yaml"
    text = measure.read_text(encoding="utf-8").replace("status: idea\n", "status: irgendwie\n")
    assert "status: irgendwie" in text
    measure.write_text(text.replace("\n", "\r\n") + "\r\n\r\n", encoding="utf-8", newline="")
    result = run("-C", str(minimal), "fmt")
    assert result.code == 0, result.err
    assert measure.read_text(encoding="utf-8") == text
    assert run("-C", str(minimal), "check").code == 1


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("../elsewhere.yaml", "liegt nicht im Projektordner"),
        ("/etc/hostname", "liegt nicht im Projektordner"),
        ("mkdocs.yml", "keine Quelldatei der Strategie"),
        ("measures/M99.yaml", "gibt es nicht"),
    ],
)
def test_paths_outside_the_sources_are_refused(minimal: Path, run, given: str, message: str) -> None:
    (minimal.parent / "elsewhere.yaml").write_text("a:   1\n", encoding="utf-8")
    before = snapshot(minimal)
    result = run("fmt", given, cwd=minimal)
    assert result.code == 1
    assert message in result.err and "Traceback" not in result.err
    assert snapshot(minimal) == before
    assert (minimal.parent / "elsewhere.yaml").read_text(encoding="utf-8") == "a:   1\n"


def test_a_link_out_of_the_project_is_refused(minimal: Path, run, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("id:    M02\n", encoding="utf-8")
    (minimal / "measures" / "M02.yaml").symlink_to(outside)
    result = run("fmt", "measures/M02.yaml", cwd=minimal)
    assert result.code == 1 and "Traceback" not in result.err
    assert outside.read_text(encoding="utf-8") == "id:    M02\n"


def test_paths_choose_files_and_folders(minimal: Path, run) -> None:
    for name in ("measures/M01.yaml", "strategy/strategy.yaml"):
        path = minimal / name
        path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")  # blank lines at the end
    result = run("fmt", "--check", "measures", cwd=minimal)
    assert result.code == 1
    assert "measures/M01.yaml: nicht im kanonischen Format" in result.out
    assert "strategy.yaml" not in result.out
    assert run("fmt", "strategy/strategy.yaml", cwd=minimal).code == 0
    assert run("fmt", "--check", cwd=minimal).out.startswith("measures/M01.yaml: nicht im kanonischen Format")


def test_the_embedded_strategy_is_checked_but_not_written_without_a_project(tmp_path: Path, run) -> None:
    assert run("fmt", "--check", cwd=tmp_path).code == 0
    refused = run("fmt", cwd=tmp_path)
    assert refused.code == 1
    assert "die eingebettete Strategie formatiert 'rek fmt' nicht" in refused.err
