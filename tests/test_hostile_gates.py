"""Contributor files are data (issue 18): the gates every string, id, address and amount passes.

Classes: invisible and format characters (one rule for every string, emoji sequences and the soft hyphen
allowed), placeholders found on normalised text, ids unique as file and URL names, e-mail addresses and
phone numbers, money amounts exact in every download. Each refusal is a `rek check` error at
path:line:col with a German message; docs/hardening.md lists the classes with their counts.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import GRANT_LINE, with_call
from rek.invisible import find_hidden, is_placeholder, normalise
from rek.model import MAX_MONEY
from rek.project import load_project
from test_hardening import ERROR_LINE, assert_clean_refusal

M01 = "measures/M01.yaml"
STRATEGY = "strategy/strategy.yaml"
ALLOWED_HINT = (
    "Erlaubt sind sichtbare Zeichen, Leerzeichen, Tabulatoren und Zeilenumbrüche, das weiche Trennzeichen "
    "(U+00AD) sowie Emoji mit ihrem Verbinder (U+200D) und Variantenselektor (U+FE0F); entfernen Sie das "
    "unsichtbare Zeichen."
)


def edit(project: Path, relative: str, old: str, new: str) -> str:
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (relative, old)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text.replace(old, new)


def errors(result) -> list[tuple[str, int, int, str]]:
    assert_clean_refusal(result)
    return [
        (m["path"], int(m["line"]), int(m["col"]), m["message"])
        for m in (ERROR_LINE.match(line) for line in result.error_lines)
        if m
    ]


# --- 1. one text rule for every string: invisible and format characters -----------------------------

# defect -> (character, German name in the message)
INVISIBLE = {
    "zero-width-space": ("\u200b", "Leerzeichen ohne Breite"),
    "zero-width-non-joiner": ("\u200c", "Bindehemmer ohne Breite"),
    "zero-width-joiner-between-letters": ("\u200d", "Verbinder ohne Breite außerhalb einer Emoji-Folge"),
    "word-joiner": ("\u2060", "Wortverbinder"),
    "function-application": ("\u2061", "unsichtbarer Rechenoperator"),
    "invisible-times": ("\u2062", "unsichtbarer Rechenoperator"),
    "invisible-plus": ("\u2064", "unsichtbarer Rechenoperator"),
    "inhibit-symmetric-swapping": ("\u206a", "veraltetes Formatzeichen"),
    "bom-inside-text": ("\ufeff", "Byte-Order-Markierung (BOM) im Text"),
    "language-tag": ("\U000e0001", "Tag-Zeichen"),
    "tag-latin-small-a": ("\U000e0061", "Tag-Zeichen"),
    "cancel-tag": ("\U000e007f", "Tag-Zeichen"),
    "variation-selector-1": ("\ufe00", "Variantenselektor außerhalb eines Emojis"),
    "variation-selector-16-after-letter": ("\ufe0f", "Variantenselektor außerhalb eines Emojis"),
    "variation-selector-17": ("\U000e0100", "Variantenselektor"),
    "mongolian-free-variation-selector": ("\u180b", "Variantenselektor"),
    "interlinear-annotation-anchor": ("\ufff9", "Zeichen für Interlinearanmerkungen"),
    "interlinear-annotation-terminator": ("\ufffb", "Zeichen für Interlinearanmerkungen"),
    "mongolian-vowel-separator": ("\u180e", "mongolisches Vokaltrennzeichen (unsichtbar)"),
    "combining-grapheme-joiner": ("\u034f", "unsichtbares Verbindungszeichen"),
    "hangul-filler": ("\u3164", "Hangul-Füllzeichen (unsichtbar)"),
    "halfwidth-hangul-filler": ("\uffa0", "Hangul-Füllzeichen (unsichtbar)"),
    "musical-symbol-begin-beam": ("\U0001d173", "unsichtbares Formatzeichen"),
}


@pytest.mark.parametrize("defect", list(INVISIBLE))
def test_invisible_character_in_a_title_is_refused_at_its_column(defect: str, minimal: Path, run) -> None:
    char, name = INVISIBLE[defect]
    edit(minimal, M01, "title: Online-Terminvergabe", f"title: Online{char}-Terminvergabe")
    result = run("check", cwd=minimal)
    assert errors(result) == [
        (M01, 3, 14, f"Feld 'title': Unsichtbares Zeichen im Text: {name} (Code U+{ord(char):04X})")
    ]
    assert ALLOWED_HINT in result.err


@pytest.mark.parametrize(
    ("defect", "char", "name"),
    [
        ("line-separator", "\u2028", "Zeilentrenner"),
        ("paragraph-separator", "\u2029", "Absatztrenner"),
    ],
)
def test_line_separator_in_quoted_text_is_refused_where_it_ends_the_line(
    defect: str, char: str, name: str, minimal: Path, run
) -> None:
    edit(minimal, M01, "title: Online-Terminvergabe im Bürgerbüro", f'title: "Online{char}-Terminvergabe"')
    result = run("check", cwd=minimal)
    code = f"U+{ord(char):04X}"
    assert errors(result) == [
        (M01, 3, 15, f"Feld 'title': Unsichtbares Zeichen im Text: {name} (Code {code})")
    ]


@pytest.mark.parametrize(
    ("defect", "escape", "message"),
    [
        (
            "escaped-zero-width-space",
            "\\u200B",
            "Unsichtbares Zeichen im Text: Leerzeichen ohne Breite (Code U+200B)",
        ),
        ("escaped-c1-control-csi", "\\x9b", "Steuerzeichen im Text (Code U+009B)"),
        ("escaped-next-line", "\\N", "Steuerzeichen im Text (Code U+0085)"),
        ("escaped-tag", "\\U000E0041", "Unsichtbares Zeichen im Text: Tag-Zeichen (Code U+E0041)"),
    ],
)
def test_escaped_invisible_character_is_refused(
    defect: str, escape: str, message: str, minimal: Path, run
) -> None:
    edit(minimal, M01, "summary: Termine im Bürgerbüro", f'summary: "Termine{escape} im Bürgerbüro')
    edit(minimal, M01, "online buchen.\n", 'online buchen."\n')
    result = run("check", cwd=minimal)
    assert errors(result) == [(M01, 4, 11, f"Feld 'summary': {message}")]


def test_invisible_character_in_partner_name_key_and_description(minimal: Path, run) -> None:
    edit(minimal, STRATEGY, "name: Landkreis Muster\n    kind", "name: Landkreis\u200b Muster\n    kind")
    edit(minimal, M01, "example: true", "example\u2060: true")
    edit(minimal, M01, "ersetzen Sie sie.", "ersetzen\ufeff Sie sie.")
    found = errors(run("check", cwd=minimal))
    column = (
        len("  Die Bürgerbüros bieten eine Online-Terminvergabe an. Die Maßnahme ist ein Beispiel; ersetzen")
        + 1
    )
    assert (STRATEGY, 29, 20, "Feld 'partners[0].name': Unsichtbares Zeichen im Text: Leerzeichen ohne Breite "
            "(Code U+200B)") in found  # fmt: skip
    assert (M01, 23, 8, "Feld '(Datei)': Unsichtbares Zeichen im Text: Wortverbinder (Code U+2060)") in found
    assert (M01, 6, column, "Feld 'description': Unsichtbares Zeichen im Text: Byte-Order-Markierung (BOM) im "
            "Text (Code U+FEFF)") in found  # fmt: skip


CONTENT = {
    "zero-width-space-in-text": (
        "# Seite\n\nText bitte\u200b ergänzen.\n",
        3,
        11,
        "Leerzeichen ohne Breite (Code U+200B)",
    ),
    "word-joiner-in-heading": ("# Sei\u2060te\n", 1, 6, "Wortverbinder (Code U+2060)"),
    "tag-in-list": ("# Seite\n\n- a\U000e0069\U000e0067\n", 3, 4, "Tag-Zeichen (Code U+E0069)"),
    "line-separator-in-text": ("# Seite\n\nEins\u2028Zwei\n", 3, 5, "Zeilentrenner (Code U+2028)"),
}


@pytest.mark.parametrize("defect", list(CONTENT))
def test_invisible_character_on_a_content_page_is_refused(defect: str, minimal: Path, run) -> None:
    text, line, col, message = CONTENT[defect]
    (minimal / "content" / "seite.md").write_text(text, encoding="utf-8")
    assert errors(run("check", cwd=minimal)) == [
        ("content/seite.md", line, col, f"Unsichtbares Zeichen im Text: {message}")
    ]


def test_invisible_character_in_front_matter_title_is_refused(minimal: Path, run) -> None:
    (minimal / "content" / "seite.md").write_text("---\ntitle: Sei\u200bte\n---\n# Seite\n", encoding="utf-8")
    assert errors(run("check", cwd=minimal)) == [
        (
            "content/seite.md",
            2,
            8,
            "Feld 'title': Unsichtbares Zeichen im Text: Leerzeichen ohne Breite (Code U+200B)",
        )
    ]


REFERENCES = {
    "bidi-override-reference-in-description": (
        "&#x202E;gnp.exe",
        "Zeichenreferenz '&#x202E;': Steuerzeichen für die Schreibrichtung (Trojan Source) im Text (Code U+202E)",
    ),
    "zero-width-space-reference": (
        "bitte&#8203;ergänzen",
        "Zeichenreferenz '&#8203;': Unsichtbares Zeichen im Text: Leerzeichen ohne Breite (Code U+200B)",
    ),
    "named-zwj-reference": (
        "a&zwj;b",
        "Zeichenreferenz '&zwj;': Unsichtbares Zeichen im Text: Verbinder ohne Breite außerhalb einer "
        "Emoji-Folge (Code U+200D)",
    ),
}


@pytest.mark.parametrize("defect", list(REFERENCES))
def test_character_reference_to_a_hidden_character_is_refused_in_markdown(
    defect: str, minimal: Path, run
) -> None:
    reference, message = REFERENCES[defect]
    edit(minimal, M01, "ersetzen Sie sie.", f"ersetzen Sie sie {reference}.")
    column = len(
        "  Die Bürgerbüros bieten eine Online-Terminvergabe an. Die Maßnahme ist ein Beispiel; ersetzen Sie sie "
    )
    column += reference.index("&") + 1
    assert errors(run("check", cwd=minimal)) == [(M01, 6, column, f"Feld 'description': {message}")]
    page = minimal / "content" / "seite.md"
    page.write_text(f"# Seite\n\nText {reference}\n", encoding="utf-8")
    found = errors(run("check", cwd=minimal))
    assert ("content/seite.md", 3, 6 + reference.index("&"), message) in found


ALLOWED_TEXT = {
    "soft-hyphen": "Bürger\u00adbüro",
    "no-break-space": "Bürger\u00a0büro",
    "emoji-zwj-sequence": "Team \U0001f469\u200d\U0001f4bb",
    "emoji-with-variation-selector": "Herz \u2764\ufe0f",
    "emoji-zwj-after-variation-selector": "Flagge \U0001f3f3\ufe0f\u200d\U0001f308",
    "keycap": "Platz 1\ufe0f\u20e3",
    "skin-tone-zwj": "\U0001f469\U0001f3fd\u200d\U0001f52c Forschung",
}


@pytest.mark.parametrize("case", list(ALLOWED_TEXT))
def test_soft_hyphen_and_emoji_sequences_are_allowed(case: str, minimal: Path, run) -> None:
    edit(
        minimal,
        M01,
        "title: Online-Terminvergabe im Bürgerbüro",
        f"title: Terminvergabe {ALLOWED_TEXT[case]}",
    )
    result = run("check", cwd=minimal)
    assert result.code == 0, result.err


ALLOWED_FORMAT = {0x00AD, *range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x110BD, 0x110CD}


def test_every_format_character_is_refused_but_the_visible_ones() -> None:
    """Unicode's category Cf, checked against the rule: all refused but the soft hyphen and the visible signs."""
    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) == "Cf"
        and code not in ALLOWED_FORMAT
        and find_hidden(f"a{chr(code)}b") is None
    ]
    assert missed == []


def test_check_and_build_refuse_alike(minimal: Path, run, tmp_path: Path) -> None:
    edit(minimal, M01, "title: Online-Terminvergabe", "title: Online\u200b-Terminvergabe")
    built = run("build", "--out", str(tmp_path / "out"), cwd=minimal)
    assert built.code == 1 and f"{M01}:3:14: error: Feld 'title': Unsichtbares Zeichen" in built.err
    assert "Traceback" not in built.err and not (tmp_path / "out").exists()


# --- 2. placeholders on normalised text ----------------------------------------------------------------

PLACEHOLDERS = {
    "zero-width-space": "bitte \u200bergänzen",
    "no-break-space": "bitte\u00a0ergänzen",
    "upper-case": "BITTE ERGÄNZEN",
    "soft-hyphen": "bitte er\u00adgänzen",
    "decomposed-umlaut": "bitte erga\u0308nzen",
    "fullwidth-letters": "\uff42\uff49\uff54\uff54\uff45 ergänzen",
    "character-reference": "bitte erg&auml;nzen",
    "yaml-escape": "bitte erg\\xe4nzen",
    "emphasis": "bitte **ergänzen**",
    "line-break": "bitte\n   ergänzen",
}


@pytest.mark.parametrize("defect", list(PLACEHOLDERS))
def test_placeholder_is_found_on_normalised_text(defect: str) -> None:
    from rek.placeholders import positions

    text = "title: x\nnote: Davor " + PLACEHOLDERS[defect] + " danach\n"
    assert positions(text) == [(2, 13)]


@pytest.mark.parametrize(
    ("defect", "yaml", "line", "col"),
    [
        ("folded-line-break", "hosting: >\n    Anbieter: bitte\n    ergänzen\n", 1, 15),
        ("no-break-space", "hosting: Anbieter bitte\u00a0ergänzen\n", 0, 19),
        ("soft-hyphen", "hosting: Anbieter Bitte er\u00adgänzen\n", 0, 19),
        ("upper-case", "hosting: BITTE ERGÄNZEN\n", 0, 10),
    ],
)
def test_placeholder_forms_are_warned_by_check(
    defect: str, yaml: str, line: int, col: int, minimal: Path, run
) -> None:
    text = edit(
        minimal,
        STRATEGY,
        '  hosting: "bitte ergänzen (Anbieter und Standort des Servers)"\n',
        "  " + yaml.replace("\n    ", "\n      "),
    )
    first = text.splitlines().index("  " + yaml.splitlines()[0]) + 1
    result = run("check", cwd=minimal)
    assert result.code == 0, result.err
    expected = (
        f"{STRATEGY}:{first + line}:{col + 2}: warning: Platzhalter „bitte ergänzen“: diese Angabe fehlt noch"
    )
    assert expected in result.out.splitlines() + result.err.splitlines()


def test_placeholder_in_a_big_file_is_found_and_a_too_big_file_is_reported(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rek import placeholders, yamlsource

    monkeypatch.chdir(minimal)  # paths in messages are relative to the working folder

    assert placeholders.MAX_BYTES == yamlsource.MAX_BYTES
    path = minimal / M01
    comments = "# " + "x" * 98 + "\n"
    base = path.read_text(encoding="utf-8").replace(
        "example_note: Alle Zahlen sind Beispielwerte.", "example_note: bitte ergänzen"
    )
    padding = comments * (1_500_000 // len(comments))  # 1.5 MB: over the old limit of 1 MiB, under 2 MiB
    path.write_text(padding + base, encoding="utf-8")
    project, diags = load_project(minimal)
    assert project is not None, [d.format() for d in diags.items]  # the loaders accept the file
    line = padding.count("\n") + base.splitlines().index("example_note: bitte ergänzen") + 1
    found = [d.format().splitlines()[0] for d in placeholders.find(minimal, "error") if d.path == M01]
    found = [text for text in found if "aus der Vorlage" not in text]  # M01's scaffold text is found too
    assert found == [f"{M01}:{line}:15: error: Platzhalter „bitte ergänzen“: diese Angabe fehlt noch"]
    path.write_text(comments * (2 * 1024 * 1024 // len(comments) + 1) + base, encoding="utf-8")
    found = [d.format().splitlines()[0] for d in placeholders.find(minimal, "error") if d.path == M01]
    assert found == [
        f"{M01}:1:1: error: Datei ist größer als 2 MB und wurde nicht nach Platzhaltern durchsucht"
    ]


def test_normalised_text_keeps_the_positions_of_the_original() -> None:
    text = "a\u200bB&auml;c\uff44"
    plain, offsets = normalise(text)
    assert plain == "aBäcd" and offsets == [0, 2, 3, 9, 10]


# --- 3. ids unique as file and URL names ---------------------------------------------------------------

PARTNER = "  - id: {id}\n    name: Partner {id}\n    kind: Stadt\n    role: Partner\n"


def test_partner_ids_that_differ_only_in_case_collide_at_both_places(minimal: Path, run) -> None:
    edit(minimal, STRATEGY, "goals:\n", PARTNER.format(id="LK") + "goals:\n")
    assert sorted(errors(run("check", cwd=minimal))) == [
        (STRATEGY, 28, 9, f"Feld 'partners[0].id': Partner 'lk' ist nicht eindeutig: Partner 'LK' ({STRATEGY}:38:9) "
         "ergibt denselben Datei- und Adressnamen 'lk'"),
        (STRATEGY, 38, 9, f"Feld 'partners[1].id': Partner 'LK' ist nicht eindeutig: Partner 'lk' ({STRATEGY}:28:9) "
         "ergibt denselben Datei- und Adressnamen 'lk'"),
    ]  # fmt: skip


def test_partner_ids_with_dash_and_underscore_collide(minimal: Path, run) -> None:
    edit(minimal, STRATEGY, "goals:\n", PARTNER.format(id="a-b") + PARTNER.format(id="a_b") + "goals:\n")
    found = errors(run("check", cwd=minimal))
    assert (STRATEGY, 38, 9, f"Feld 'partners[1].id': Partner 'a-b' ist nicht eindeutig: Partner 'a_b' "
            f"({STRATEGY}:42:9) ergibt denselben Datei- und Adressnamen 'a-b'") in found  # fmt: skip
    assert (STRATEGY, 42, 9, f"Feld 'partners[2].id': Partner 'a_b' ist nicht eindeutig: Partner 'a-b' "
            f"({STRATEGY}:38:9) ergibt denselben Datei- und Adressnamen 'a-b'") in found  # fmt: skip
    assert len(found) == 2


def test_goal_and_phase_ids_collide_case_folded(minimal: Path, run) -> None:
    edit(minimal, STRATEGY, "phases:\n", "  - id: z1\n    title: Zweites Ziel\nphases:\n")
    edit(minimal, STRATEGY, "# Angaben für Impressum", "  - id: Phase_A\n    title: B\n    start: 2027-01-01\n"
         "    end: 2027-12-31\n# Angaben für Impressum")  # fmt: skip
    found = errors(run("check", cwd=minimal))
    assert (STRATEGY, 39, 9, f"Feld 'goals[0].id': Ziel 'Z1' ist nicht eindeutig: Ziel 'z1' ({STRATEGY}:41:9) "
            "ergibt denselben Datei- und Adressnamen 'z1'") in found  # fmt: skip
    assert (STRATEGY, 53, 9, f"Feld 'phases[1].id': Phase 'Phase_A' ist nicht eindeutig: Phase 'phase-a' "
            f"({STRATEGY}:44:9) ergibt denselben Datei- und Adressnamen 'phase-a'") in found  # fmt: skip
    assert len(found) == 4


def test_measure_ids_with_dash_and_underscore_collide(minimal: Path, run) -> None:
    text = (minimal / M01).read_text(encoding="utf-8")
    for name in ("M-02", "M_02"):
        (minimal / "measures" / f"{name}.yaml").write_text(
            text.replace("id: M01", f"id: {name}"), encoding="utf-8"
        )
    assert sorted(errors(run("check", cwd=minimal))) == [
        ("measures/M-02.yaml", 2, 5, "Feld 'id': Maßnahme 'M-02' ist nicht eindeutig: Maßnahme 'M_02' "
         "(measures/M_02.yaml:2:5) ergibt denselben Datei- und Adressnamen 'm-02'"),
        ("measures/M_02.yaml", 2, 5, "Feld 'id': Maßnahme 'M_02' ist nicht eindeutig: Maßnahme 'M-02' "
         "(measures/M-02.yaml:2:5) ergibt denselben Datei- und Adressnamen 'm-02'"),
    ]  # fmt: skip


def test_action_field_ids_collide_and_a_measure_may_not_share_a_field_id(minimal: Path, run) -> None:
    folder = minimal / "strategy" / "action-fields"
    text = (folder / "verwaltung.yaml").read_text(encoding="utf-8")
    (folder / "verwaltung_.yaml").write_text(
        text.replace("id: verwaltung", "id: verwaltung_"), encoding="utf-8"
    )
    measure = (minimal / M01).read_text(encoding="utf-8")
    (minimal / "measures" / "Verwaltung.yaml").write_text(
        measure.replace("id: M01", "id: Verwaltung"), encoding="utf-8"
    )
    found = errors(run("check", cwd=minimal))
    field, other = "strategy/action-fields/verwaltung.yaml", "strategy/action-fields/verwaltung_.yaml"
    assert (field, 2, 5, "Feld 'id': Handlungsfeld 'verwaltung' ist nicht eindeutig: Handlungsfeld 'verwaltung_' "
            f"({other}:2:5) ergibt denselben Datei- und Adressnamen 'verwaltung'") in found  # fmt: skip
    assert (other, 2, 5, "Feld 'id': Handlungsfeld 'verwaltung_' ist nicht eindeutig: Handlungsfeld 'verwaltung' "
            f"({field}:2:5) ergibt denselben Datei- und Adressnamen 'verwaltung'") in found  # fmt: skip
    assert ("measures/Verwaltung.yaml", 2, 5, "Feld 'id': Maßnahme 'Verwaltung' ist nicht eindeutig: Handlungsfeld "
            f"'verwaltung' ({field}:2:5) ergibt denselben Namen 'verwaltung' für Diagrammdateien "
            "(assets/charts/ind-…)") in found  # fmt: skip
    assert (field, 2, 5, "Feld 'id': Handlungsfeld 'verwaltung' ist nicht eindeutig: Maßnahme 'Verwaltung' "
            "(measures/Verwaltung.yaml:2:5) ergibt denselben Namen 'verwaltung' für Diagrammdateien "
            "(assets/charts/ind-…)") in found  # fmt: skip


# --- 4. e-mail addresses and phone numbers -------------------------------------------------------------

EMAIL_RULE = (
    "erwartet: eine E-Mail-Adresse wie 'poststelle@landkreis-muster.de' (vor dem einen '@' Buchstaben, Ziffern, "
    "'.', '_', '+' und '-', danach ein Domainname mit Punkt; kein '?', '&', '%', '=' und keine Leerzeichen) oder "
    "den Platzhalter 'bitte ergänzen'"
)
PHONE_RULE = (
    "erwartet: eine Telefonnummer wie '+49 5151 903-0' oder '05151 / 903-0' (Ziffern, Leerzeichen, '+' am "
    "Anfang, '/', '-' und Klammern) oder den Platzhalter 'bitte ergänzen'"
)
PUBLISHER = '    email: "bitte ergänzen"\n    phone: "bitte ergänzen"\n  represented_by'
BAD_EMAILS = {
    "header-query": "info@landkreis.de?cc=alle@example.org",
    "ampersand": "info&x@landkreis.de",
    "percent": "info%40@landkreis.de",
    "equals": "a=b@landkreis.de",
    "space": "info @landkreis.de",
    "two-at": "info@@landkreis.de",
    "no-domain-dot": "info@landkreis",
    "digit-tld": "info@landkreis.d3",
    "leading-dot": ".info@landkreis.de",
    "not-an-address": "per Post",
}


@pytest.mark.parametrize("defect", list(BAD_EMAILS))
def test_email_that_is_not_an_address_is_refused(defect: str, minimal: Path, run) -> None:
    value = BAD_EMAILS[defect]
    text = edit(
        minimal, STRATEGY, PUBLISHER, PUBLISHER.replace('email: "bitte ergänzen"', f'email: "{value}"')
    )
    line = text.splitlines().index(f'    email: "{value}"') + 1
    assert errors(run("check", cwd=minimal)) == [
        (STRATEGY, line, 12, f"Feld 'legal.publisher.email': {EMAIL_RULE}; gefunden: Text '{value}'")
    ]


def test_email_in_a_measure_contact_is_checked(minimal: Path, run) -> None:
    edit(minimal, M01, "example: true\n", "contact:\n  role: Leitung\n  office: Amt\n  email: a@b.de?subject=x\n"
         "example: true\n")  # fmt: skip
    assert errors(run("check", cwd=minimal)) == [
        (M01, 26, 10, f"Feld 'contact.email': {EMAIL_RULE}; gefunden: Text 'a@b.de?subject=x'")
    ]


@pytest.mark.parametrize("value", ["05151 Zentrale", "+49 5151 903-0 oder 12", "1+2", "12"])
def test_phone_that_is_not_a_number_is_refused(value: str, minimal: Path, run) -> None:
    text = edit(
        minimal, STRATEGY, PUBLISHER, PUBLISHER.replace('phone: "bitte ergänzen"', f'phone: "{value}"')
    )
    line = text.splitlines().index(f'    phone: "{value}"') + 1
    assert errors(run("check", cwd=minimal)) == [
        (STRATEGY, line, 12, f"Feld 'legal.publisher.phone': {PHONE_RULE}; gefunden: Text '{value}'")
    ]


@pytest.mark.documents
def test_addresses_numbers_and_placeholders_are_accepted_and_linked(minimal: Path, tmp_path: Path) -> None:
    from rek.build import build

    filled = PUBLISHER.replace('email: "bitte ergänzen"', 'email: "poststelle@landkreis-muster.de"')
    edit(
        minimal,
        STRATEGY,
        PUBLISHER,
        filled.replace('phone: "bitte ergänzen"', 'phone: "+49 (0) 5151 / 903-0"'),
    )
    assert is_placeholder("bitte ergänzen (Telefon der Zentrale)") and not is_placeholder("bitte ergänzen @x")
    project, diags = load_project(minimal)
    assert project is not None, [d.format() for d in diags.items]
    build(project, tmp_path / "out", application=False)
    page = (tmp_path / "out" / "site" / "impressum" / "index.html").read_text(encoding="utf-8")
    assert 'href="mailto:poststelle@landkreis-muster.de"' in page
    assert re.findall(r'href="mailto:[^"]*"', page) == ['href="mailto:poststelle@landkreis-muster.de"']


@pytest.mark.parametrize(
    "link", ["mailto:a@b.de?subject=x", "mailto:a@b.de&cc=c@d.de", "mailto:?to=a@b.de", "mailto:a%20b@c.de"]
)
def test_mailto_link_in_markdown_needs_exactly_one_address(link: str, minimal: Path, run) -> None:
    edit(minimal, M01, "ersetzen Sie sie.", f"ersetzen Sie [sie]({link}).")
    found = errors(run("check", cwd=minimal))
    assert len(found) == 1 and found[0][:2] == (M01, 6)
    assert found[0][3].startswith(
        "Feld 'description': Links mit mailto: nur auf genau eine E-Mail-Adresse"
    ), found


# --- 5. amounts exact everywhere -------------------------------------------------------------------------

MONEY_RULE = (
    "erwartet: einen Betrag bis 1 Billion Euro (10^12); größere Beträge halten die Tabellen (XLSX) nicht mehr "
    "auf den Cent genau"
)


@pytest.mark.parametrize("amount", ["1000000000000.01", "999999999999999.99", "5000000000000"])
def test_amount_over_the_cap_is_refused(amount: str, minimal: Path, run) -> None:
    edit(minimal, M01, "amount: 20000", f"amount: {amount}")
    assert errors(run("check", cwd=minimal)) == [
        (M01, 19, 13, f"Feld 'costs[0].amount': {MONEY_RULE}; gefunden: Zahl {amount}")
    ]


def test_sum_of_amounts_over_the_cap_is_refused(minimal: Path, run) -> None:
    edit(
        minimal,
        M01,
        "amount: 20000",
        "amount: 1000000000000\n  - year: 2027\n    category: other\n    amount: 0.01",
    )
    found = errors(run("check", cwd=minimal))
    assert (M01, 22, 13, "Feld 'costs[1].amount': mit diesem Betrag übersteigt die Summe aller Kosten der Strategie "
            "1 Billion Euro (10^12); gefunden: 1.000.000.000.000,01\u00a0€") in found  # fmt: skip


def _set_amounts(project: Path, amounts: list[Decimal], grant: Decimal) -> None:
    lines = "".join(f"  - year: 2027\n    category: services\n    amount: {a}\n" for a in amounts)
    path = project / M01
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"costs:\n(  .*\n|    .*\n)+", lambda _: "costs:\n" + lines, text, count=1)
    path.write_text(text.replace(GRANT_LINE, f"  grant: {grant}"), encoding="utf-8")


CENTS = MAX_MONEY * 100
AMOUNT_EXAMPLES = int(os.environ.get("REK_FUZZ_EXAMPLES", "25"))


@st.composite
def amounts(draw: st.DrawFn) -> tuple[list[Decimal], Decimal]:
    """1-4 cost amounts whose sum stays at most the cap (extremes included), and a grant at most that sum."""
    total = draw(st.one_of(st.just(CENTS), st.just(CENTS - 1), st.integers(0, CENTS)))
    count = draw(st.integers(1, 4))
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=count - 1, max_size=count - 1)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    grant = draw(st.integers(0, total))
    return [Decimal(p) / 100 for p in parts], Decimal(grant) / 100


@settings(
    max_examples=AMOUNT_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=amounts())
def test_allowed_amounts_read_back_to_the_cent_from_csv_json_and_xlsx(
    case, minimal: Path, tmp_path_factory
) -> None:
    from openpyxl import load_workbook

    from rek.application.costplan import write_costplan
    from rek.plan import resolve
    from rek.site.opendata import write_downloads

    parts, grant = case
    work = tmp_path_factory.mktemp("amounts")
    project_dir = work / "region"
    shutil.copytree(minimal, project_dir)
    with_call(project_dir)
    _set_amounts(project_dir, parts, grant)
    project, diags = load_project(project_dir)
    assert project is not None, [d.format() for d in diags.items]
    plan = resolve(project, project.call)
    folder = work / "downloads"
    write_downloads(plan, folder)
    total = sum(parts, Decimal(0))

    # CSV: every amount as written
    rows = list(csv.DictReader(io.StringIO((folder / "kosten.csv").read_text(encoding="utf-8"))))
    assert [Decimal(r["betrag_eur"]) for r in rows] == parts
    measure = next(csv.DictReader(io.StringIO((folder / "massnahmen.csv").read_text(encoding="utf-8"))))
    assert Decimal(measure["kosten_eur"]) == total and Decimal(measure["zuwendung_eur"]) == grant
    # JSON: amounts and totals as exact decimal strings or numbers
    data = json.loads((folder / "massnahmen.json").read_text(encoding="utf-8"), parse_float=Decimal)
    assert [Decimal(str(c["amount"])) for c in data["massnahmen"][0]["costs"]] == parts
    assert Decimal(data["summen"]["kosten_eur"]) == total
    # XLSX (openpyxl reads IEEE doubles): each amount and each total to the cent
    book = load_workbook(folder / "strategie.xlsx", read_only=True)
    cells = [row[3] for row in book["Kosten"].iter_rows(min_row=2, values_only=True)]
    assert [Decimal(repr(v)) for v in cells] == parts
    finance = {row[0]: row[1] for row in book["Finanzierung"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(repr(finance["Gesamtkosten"])) == total and Decimal(repr(finance["Zuwendung"])) == grant
    assert round(Decimal(finance["Eigenanteil"]), 2) == plan.strategy.total.own
    # the cost and financing plan of the application (XlsxWriter): formulas carry the exact values
    path = work / "kosten-und-finanzierungsplan.xlsx"
    write_costplan(plan, path)
    sheet = load_workbook(path, read_only=False)["Maßnahmen"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "M01")
    assert Decimal(repr(row[3])) == total
    sheet_values = load_workbook(path, data_only=True)
    measures = sheet_values["Maßnahmen"]
    values = next(r for r in measures.iter_rows(values_only=True) if r and r[0] == "M01")
    assert Decimal(repr(values[5])) == plan.measures[0].money.grant
    assert round(Decimal(values[7]), 2) == plan.measures[0].money.own
