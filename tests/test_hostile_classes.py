"""Hostile input by class (issue 9): every class is refused by `rek check` at its place, or builds safely.

Classes: Markdown constructs outside the allow-list, images, engines (Pandoc reader and sandbox,
Typst bounds), site settings and front matter, symbolic links, hidden characters, dates, spreadsheet
cells, and template overrides (check agrees with build). docs/hardening.md lists them with counts.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import struct
import zlib
from pathlib import Path

import pytest

from rek.project import load_project
from safety import scan_site
from test_hardening import assert_clean_refusal, with_call

M01 = "measures/M01.yaml"
DESCRIPTION = "description: |\n"


def describe(project: Path, text: str) -> int:
    """Replace M01's description by text; return the file line of the text's first line."""
    path = project / M01
    base = path.read_text(encoding="utf-8")
    indented = "\n".join(("  " + ln) if ln else "" for ln in text.split("\n"))
    new = re.sub(
        r"^description: \|\n(  .*\n)+", lambda _: DESCRIPTION + indented + "\n", base, count=1, flags=re.M
    )
    path.write_text(new, encoding="utf-8")
    return new[: new.index(DESCRIPTION)].count("\n") + 2


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def build_site(project: Path, out: Path) -> Path:
    from rek.build import build

    loaded, diags = load_project(project)
    assert loaded is not None, [d.format() for d in diags.items]
    build(loaded, out, application=False)
    return out / "site"


# --- 1. Markdown: one parser, an allow-list ---------------------------------------------------------

# name -> (text, line offset in the text, message part)
MARKDOWN = {
    "raw-html-inline": ("Text <img src=x onerror=alert(1)>", 0, "HTML ist in Texten nicht erlaubt"),
    "raw-html-block": ("Text\n\n<div onclick=x>\nb\n</div>", 2, "HTML ist in Texten nicht erlaubt"),
    "html-comment": ("a\n\n<!-- x -->", 2, "HTML ist in Texten nicht erlaubt"),
    "link-javascript": ("[a](javascript:alert(1))", 0, "'javascript:'"),
    "link-entity-encoded": ("[a](java&#115;cript:alert(1))", 0, "'javascript:'"),
    "link-percent-encoded": ("[a](java%73cript:alert(1))", 0, "'javascript:'"),
    "link-line-broken": ("Text\n[a](<java\tscript:alert(1)>)", 1, "'javascript:'"),
    "link-data": ("[a](data:text/html;base64,PHNjcmlwdD4=)", 0, "'data:'"),
    "link-file": ("[a](file:///etc/passwd)", 0, "'file:'"),
    "link-protocol-relative": ("[a](//evil.example/x)", 0, "andere Rechner"),
    "autolink-javascript": ("<javascript:alert(1)>", 0, "'javascript:'"),
    "definition-in-quote": ("Siehe [a].\n\n> [a]: javascript:alert(1)", 2, "Linkdefinition"),
    "definition-in-list": ("- Punkt\n\n  [a]: vbscript:msgbox(1)", 2, "Linkdefinition"),
    "definition-unused": ("Text\n\n[b]: javascript:alert(1)", 2, "Linkdefinition"),
    "link-title": ('[a](https://example.org "Titel")', 0, "Linktitel"),
    "image-in-yaml-text": ("![x](assets/bild.png)", 0, "Bilder sind nur auf Seiten in content/"),
    "fenced-raw-typst": ("Text\n\n```{=typst}\n#panic()\n```", 2, "Codeblöcke"),
    "indented-code": ("Text\n\n    code", 2, "Codeblöcke"),
}


@pytest.mark.parametrize("name", list(MARKDOWN))
def test_markdown_outside_the_allow_list_is_refused_at_its_line(name: str, minimal: Path, run) -> None:
    text, offset, message = MARKDOWN[name]
    first = describe(minimal, text)
    result = run("check", cwd=minimal)
    matches = assert_clean_refusal(result, M01)
    assert any(int(m["line"]) == first + offset and message in m["message"] for m in matches), result.err
    assert "Erlaubt sind Absätze" in result.err


CONTENT = {
    "html": ("# Seite\n\nText <script>alert(1)</script>\n", 3, "HTML"),
    "image-outside-assets": ("# Seite\n\n![x](../secret.png)\n", 3, "assets/"),
    "image-absolute": ("# Seite\n\n![x](/etc/passwd)\n", 3, "assets/"),
    "image-remote": ("# Seite\n\n![x](https://evil.example/pixel.gif)\n", 3, "assets/"),
    "image-device": ("# Seite\n\n![x](/dev/zero)\n", 3, "assets/"),
    "image-missing": ("# Seite\n\n![x](assets/fehlt.png)\n", 3, "gibt es nicht"),
    "front-matter-unknown-key": ("---\ntitle: T\ntemplate: x.html\n---\n# Seite\n", 3, "nicht erlaubt"),
    "front-matter-html": ('---\ntitle: "<img src=x onerror=alert(1)>"\n---\n# Seite\n', 2, "'<'"),
    "front-matter-quote": ("---\ndescription: 'a\" onmouseover=\"x'\n---\n# Seite\n", 2, "'\"'"),
    "heading-with-escaped-html": ("# Seite \\<script\\>\n", 1, "'<'"),
    "bidi": ("# Seite\n\nText \u202egnp.exe\n", 3, "Schreibrichtung"),
}


@pytest.mark.parametrize("name", list(CONTENT))
def test_content_page_outside_the_allow_list_is_refused(name: str, minimal: Path, run) -> None:
    text, line, message = CONTENT[name]
    (minimal / "content" / "seite.md").write_text(text, encoding="utf-8")
    result = run("check", cwd=minimal)
    matches = assert_clean_refusal(result, "content/seite.md")
    assert int(matches[0]["line"]) == line, result.err
    assert message in matches[0]["message"], result.err


@pytest.mark.documents
def test_accepted_markdown_builds_safely_and_literally(minimal: Path, tmp_path: Path) -> None:
    describe(
        minimal,
        "Mit [Link](https://example.org/a_(b)?x=1&y=2), <https://example.org>, *kursiv*, `<b>`, "
        "\\<script\\>alert(1)\\</script\\> und {: onclick=x } sowie `x`{=html}.\n\n"
        "| a | b |\n| --- | --- |\n| \\| | c |\n\n- eins\n- zwei\n\n> Zitat",
    )
    site = build_site(minimal, tmp_path / "out")
    assert scan_site(site) == []
    page = (site / "massnahme" / "M01" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="https://example.org/a_%28b%29?x=1&amp;y=2"' in page  # parentheses percent-encoded


# --- 2. images only from assets/ --------------------------------------------------------------------

IMAGES = {
    "svg": ("karte.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "SVG"),
    "wrong-magic": ("karte.png", b"GIF89a....", "kein PNG"),
    "html-as-jpeg": ("karte.jpg", b"<html><script>alert(1)</script>", "kein JPEG"),
    "other-type": ("karte.gif", b"GIF89a....", "Nur PNG- und JPEG"),
    "too-big": ("karte.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024 + 1), "zu groß"),
    "bad-name": ("Karte Neu.png", png(), "Dateiname"),
}


@pytest.mark.parametrize("name", list(IMAGES))
def test_bad_image_in_assets_is_refused(name: str, minimal: Path, run) -> None:
    filename, data, message = IMAGES[name]
    (minimal / "assets").mkdir()
    (minimal / "assets" / filename).write_bytes(data)
    result = run("check", cwd=minimal)
    matches = assert_clean_refusal(result, f"assets/{filename}")
    assert message in matches[0]["message"], result.err


@pytest.mark.documents
def test_image_from_assets_is_copied_and_shown(minimal: Path, tmp_path: Path) -> None:
    (minimal / "assets").mkdir()
    (minimal / "assets" / "karte.png").write_bytes(png())
    (minimal / "content" / "seite.md").write_text("# Seite\n\n![Karte der Region](assets/karte.png)\n")
    (minimal / "mkdocs.yml").write_text("site_name: Region\ntheme:\n  logo: assets/karte.png\n")
    site = build_site(minimal, tmp_path / "out")
    assert (site / "assets" / "projekt" / "karte.png").read_bytes() == png()
    page = (site / "seite" / "index.html").read_text(encoding="utf-8")
    assert 'src="../assets/projekt/karte.png"' in page and 'alt="Karte der Region"' in page
    assert scan_site(site) == []


# --- 3. engines -------------------------------------------------------------------------------------


@pytest.mark.documents
def test_pandoc_reads_no_metadata_blocks_citations_or_files(tmp_path: Path) -> None:
    from rek.application import export

    assert "--sandbox" in export.SANDBOX
    for flag in ("-yaml_metadata_block", "-citations", "-raw_html", "-raw_tex", "-raw_attribute"):
        assert flag in export.READER
    source = tmp_path / "a.md"
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIMNIS", encoding="utf-8")
    source.write_text(
        "---\ntitle: GESETZT\n---\n\nText @zitat [@zitat].\n\n![x](geheim.txt)\n", encoding="utf-8"
    )
    out = tmp_path / "a.typ"
    export._pandoc(["-f", export.READER, "-t", "typst", "-o", str(out), str(source)], tmp_path)
    typst_source = out.read_text(encoding="utf-8")
    assert "GESETZT" in typst_source  # read as text, not as metadata
    assert "#cite" not in typst_source and "GEHEIMNIS" not in typst_source


@pytest.mark.documents
def test_description_with_metadata_block_and_at_signs_builds_the_application(
    minimal: Path, tmp_path: Path
) -> None:
    from rek.build import build

    describe(minimal, "---\nheader-includes: '#panic(\"x\")'\ntitle: x\n---\n\nMail an @team und [@zitat].")
    project, diags = load_project(with_call(minimal))
    assert project is not None, [d.format() for d in diags.items]
    report = build(project, tmp_path / "out", site=False)
    assert (tmp_path / "out" / "antrag" / "antrag.pdf").stat().st_size > 1000, report.warnings


@pytest.mark.documents
def test_strategy_title_reaches_typst_as_text_not_code(minimal: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from rek.build import build

    title = 'Region ] #panic("x") [ $x$ #read("/etc/passwd") @ref'
    strategy = minimal / "strategy" / "strategy.yaml"
    quoted = "'" + title.replace("'", "''") + "'"
    text = strategy.read_text(encoding="utf-8").replace(
        "title: Digitale Strategie Musterregion", f"title: {quoted}"
    )
    strategy.write_text(text, encoding="utf-8")
    project, diags = load_project(with_call(minimal))
    assert project is not None, [d.format() for d in diags.items]
    build(project, tmp_path / "out", site=False)
    pdf = tmp_path / "out" / "antrag" / "antrag.pdf"
    first = PdfReader(pdf).pages[0].extract_text() or ""
    assert "#panic" in first and "root:" not in first


@pytest.mark.documents
def test_typst_runs_out_of_time_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rek.application import export
    from rek.diagnostics import RekError

    monkeypatch.setattr(export, "TYPST_SECONDS", 2)
    source = tmp_path / "a.typ"
    source.write_text("#let n = 0\n#for i in range(30000) { for j in range(30000) { n += 1 } }\n#n\n")
    with pytest.raises(RekError, match="nicht in 2 Sekunden"):
        export.typst_compile(source, tmp_path / "a.pdf", tmp_path, ua=False)


@pytest.mark.documents
def test_typst_memory_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rek.application import export
    from rek.diagnostics import RekError

    monkeypatch.setattr(export, "TYPST_MEMORY", 600 * 1024**2)
    source = tmp_path / "a.typ"
    source.write_text('#let s = "x" * 100000000\n#let t = (s, s, s, s, s, s, s, s).join()\n#t.len()\n')
    with pytest.raises(RekError):
        export.typst_compile(source, tmp_path / "a.pdf", tmp_path, ua=False)


@pytest.mark.documents
def test_typst_reads_nothing_outside_its_folder(tmp_path: Path) -> None:
    from rek.application import export

    folder = tmp_path / "stage"
    folder.mkdir()
    (tmp_path / "geheim.txt").write_text("GEHEIMNIS", encoding="utf-8")
    source = folder / "a.typ"
    source.write_text('#read("../geheim.txt")\n', encoding="utf-8")
    message = export.typst_compile(source, folder / "a.pdf", folder, ua=False)
    assert message is not None and "GEHEIMNIS" not in message


def test_typst_package_import_in_header_override_is_refused(minimal: Path, run) -> None:
    (minimal / "templates" / "application").mkdir(parents=True)
    (minimal / "templates" / "application" / "header.typ").write_text(
        '#set text(lang: "de")\n#import "@preview/cetz:0.2.0": *\n', encoding="utf-8"
    )
    matches = assert_clean_refusal(run("check", cwd=minimal), "templates/application/header.typ")
    assert matches[0]["line"] == "2"


@pytest.mark.documents
def test_typst_error_in_header_override_is_found_by_check(minimal: Path, run, tmp_path: Path) -> None:
    project = with_call(minimal)
    (project / "templates" / "application").mkdir(parents=True)
    (project / "templates" / "application" / "header.typ").write_text(
        '#set text(lang: "de")\n#let x = (1\n', encoding="utf-8"
    )
    checked = run("check", cwd=project)
    matches = assert_clean_refusal(checked, "templates/application/header.typ")
    assert matches[0]["line"] == "2" and "Typst" in matches[0]["message"], checked.err
    built = run("build", "--out", str(tmp_path / "out"), cwd=project)
    assert built.code == 1 and "templates/application/header.typ:2:" in built.err


# --- 4. settings typed ------------------------------------------------------------------------------

SETTINGS = {
    "name-script": ('site_name: "Region <script>alert(1)</script>"\n', 1, "'<'"),
    "description-quote": ("site_description: 'a\" onmouseover=\"alert(1)'\n", 1, "'\"'"),
    "copyright-entity": ('copyright: "&lt;img src=x onerror=alert(1)&gt;"\n', 1, "Zeichenreferenzen"),
    "repo-javascript": ('repo_url: "javascript:alert(1)"\n', 1, "https://"),
    "repo-http": ('repo_url: "http://example.org/repo"\n', 1, "https://"),
    "site-url-quote": ('site_url: "https://example.org/\\"onmouseover=x"\n', 1, "https://"),
    "logo-outside": ("theme:\n  logo: ../../etc/passwd\n", 2, "assets/"),
    "logo-remote": ("theme:\n  logo: https://evil.example/logo.png\n", 2, "assets/"),
    "palette-css": (
        'theme:\n  palette:\n    primary: "red; background: url(//evil)"\n',
        3,
        "einer der Werte",
    ),
}


@pytest.mark.parametrize("name", list(SETTINGS))
def test_bad_site_setting_is_refused(name: str, minimal: Path, run) -> None:
    text, line, message = SETTINGS[name]
    (minimal / "mkdocs.yml").write_text(text, encoding="utf-8")
    matches = assert_clean_refusal(run("check", cwd=minimal), "mkdocs.yml")
    assert int(matches[0]["line"]) == line
    assert message in matches[0]["message"]


@pytest.mark.documents
def test_unknown_settings_are_dropped_with_a_warning(minimal: Path, run, tmp_path: Path) -> None:
    (minimal / "mkdocs.yml").write_text(
        "site_name: Region\nextra:\n  analytics: {provider: google, property: G-X}\nextra_javascript: [x.js]\n"
        "theme:\n  custom_dir: ../evil\n  palette: {primary: teal}\n",
        encoding="utf-8",
    )
    result = run("check", cwd=minimal)
    assert result.code == 0, result.err
    lines = result.out.splitlines() + result.err.splitlines()
    warnings = [ln for ln in lines if ln.startswith("mkdocs.yml:") and ": warning: " in ln]
    assert len(warnings) == 3, warnings
    site = build_site(minimal, tmp_path / "out")
    page = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-md-color-primary="teal"' in page and "G-X" not in page and "x.js" not in page
    assert scan_site(site) == []


@pytest.mark.documents
def test_strategy_title_with_quotes_cannot_leave_an_attribute(minimal: Path, tmp_path: Path) -> None:
    strategy = minimal / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    strategy.write_text(
        text.replace("title: Digitale Strategie Musterregion", "title: 'Region\" onmouseover=\"alert(1)'"),
        encoding="utf-8",
    )
    site = build_site(minimal, tmp_path / "out")
    assert scan_site(site) == []


# --- 5. files: no symbolic link is followed -----------------------------------------------------------

SECRET = "GEHEIME-ERSTE-ZEILE: root:x:0:0"


def _outside(tmp_path: Path) -> Path:
    secret = tmp_path / "fremd" / "geheim.md"
    secret.parent.mkdir()
    secret.write_text(SECRET + "\n# Titel\n", encoding="utf-8")
    return secret


LINKS = {
    "content-page": ("content/geheim.md", "file"),
    "measure": ("measures/M02.yaml", "file"),
    "content-folder": ("content", "folder"),
    "template": ("templates/site/measure.md.j2", "file"),
    "templates-folder": ("templates", "folder"),
    "asset": ("assets/bild.png", "file"),
    "assets-folder": ("assets", "folder"),
    "site-settings": ("mkdocs.yml", "file"),
}


@pytest.mark.parametrize("name", list(LINKS))
def test_symlink_out_of_the_project_is_refused(name: str, minimal: Path, run, tmp_path: Path) -> None:
    relative, kind = LINKS[name]
    secret = _outside(tmp_path)
    link = minimal / relative
    if link.is_dir():
        shutil.rmtree(link)
    elif link.exists():
        link.unlink()
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(secret if kind == "file" else secret.parent)
    result = run("check", cwd=minimal)
    assert_clean_refusal(result)
    assert "symbolischer Link" in result.err
    assert SECRET not in result.err + result.out


def test_output_folder_that_is_a_symlink_is_refused(minimal: Path, run, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (minimal / "build").symlink_to(target)
    result = run("build", "--no-application", "--out", "build", cwd=minimal)
    assert result.code == 1 and "symbolischer Link" in result.err and "Traceback" not in result.err
    assert list(target.iterdir()) == []


def test_output_folder_under_a_symlink_in_the_project_is_refused(minimal: Path, run, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (minimal / "ausgabe").symlink_to(target)
    result = run("build", "--no-application", "--out", "ausgabe/site", cwd=minimal)
    assert result.code == 1 and "symbolischer Link" in result.err
    assert list(target.iterdir()) == []


# --- 6. hidden characters, dates, spreadsheet cells -------------------------------------------------

BIDI = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]


@pytest.mark.parametrize("char", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_bidirectional_control_is_refused_with_its_position(char: str, minimal: Path, run) -> None:
    path = minimal / M01
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("title: Online-Terminvergabe", f"title: Online{char}-Terminvergabe"), encoding="utf-8"
    )
    matches = assert_clean_refusal(run("check", cwd=minimal), M01)
    assert matches[0]["line"] == "3" and "Schreibrichtung" in matches[0]["message"]
    assert f"U+{ord(char):04X}" in matches[0]["message"]


@pytest.mark.parametrize(
    "where",
    ["partner-name", "measure-id-key", "description"],
)
def test_bidirectional_control_is_refused_in_every_string(where: str, minimal: Path, run) -> None:
    if where == "partner-name":
        path = minimal / "strategy" / "strategy.yaml"
        old, new = "name: Landkreis Muster", "name: Landkreis\u2067 Muster"
    elif where == "measure-id-key":
        path = minimal / M01
        old, new = "example: true", "example\u202e: true"
    else:
        path = minimal / M01
        old, new = "ersetzen Sie sie.", "ersetzen\u2066 Sie sie."
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    result = run("check", cwd=minimal)
    assert_clean_refusal(result)
    assert "Schreibrichtung" in result.err


@pytest.mark.parametrize("date", ["1989-12-31", "2101-01-01", "9999-12-31"])
def test_implausible_date_is_refused(date: str, minimal: Path, run) -> None:
    path = minimal / M01
    path.write_text(
        path.read_text(encoding="utf-8").replace("end: 2027-12-31", f"end: {date}"), encoding="utf-8"
    )
    matches = assert_clean_refusal(run("check", cwd=minimal), M01)
    assert "zwischen 1990-01-01 und 2100-12-31" in matches[0]["message"]


@pytest.mark.documents
@pytest.mark.parametrize(
    "title",
    [" =1+1", '\t=HYPERLINK("x")', "\u00a0@SUM(A1)", "+49 5151", "-2", "Zeile\rzwei"],
    ids=["space-equals", "tab-equals", "nbsp-at", "plus", "minus", "carriage-return"],
)
def test_csv_cells_are_neutralised(title: str, minimal: Path, tmp_path: Path) -> None:
    import csv

    path = minimal / M01
    quoted = (
        '"' + title.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r") + '"'
    )
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "title: Online-Terminvergabe im Bürgerbüro", f"title: {quoted}"
        ),
        encoding="utf-8",
    )
    site = build_site(minimal, tmp_path / "out")
    raw = (site / "downloads" / "massnahmen.csv").read_bytes().decode("utf-8")
    rows = list(csv.reader(raw.splitlines(keepends=True)))
    cell = rows[1][1]
    assert cell == "'" + title or (title.startswith("Zeile") and cell == title), (cell, raw[:200])
    assert len(rows) == 2


# --- 7. check agrees with build --------------------------------------------------------------------

OVERRIDES = {
    "syntax": ("site/measure.md.j2", "# {{ m.title | text }}\n\n{% if %}\n", 3, "Fehler in der Vorlage"),
    "unknown-filter": (
        "site/index.md.j2",
        "# Start\n\n{{ s.title | gibtsnicht }}\n",
        3,
        "Fehler in der Vorlage",
    ),
    "undefined": ("site/measure.md.j2", "# x\n\n{{ m.gibtsnicht }}\n", 3, "Fehler beim Anwenden der Vorlage"),
    "sandbox": (
        "site/index.md.j2",
        "# x\n{{ s.__class__.__mro__ }}\n",
        2,
        "Fehler beim Anwenden der Vorlage",
    ),
    "application": (
        "application/cover.md.j2",
        "# Antrag\n\n{{ call.gibtsnicht }}\n",
        3,
        "Fehler beim Anwenden der Vorlage",
    ),
}


@pytest.mark.documents
@pytest.mark.parametrize("name", list(OVERRIDES))
def test_template_override_errors_are_found_by_check_and_build_alike(
    name: str, minimal: Path, run, tmp_path: Path
) -> None:
    relative, text, line, message = OVERRIDES[name]
    project = with_call(minimal)
    target = project / "templates" / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    checked = run("check", cwd=project)
    matches = assert_clean_refusal(checked, f"templates/{relative}")
    assert int(matches[0]["line"]) == line and message in matches[0]["message"], checked.err
    built = run("build", "--out", str(tmp_path / "out"), cwd=project)
    assert built.code == 1 and "Traceback" not in built.err and "Interner Fehler" not in built.err
    assert f"templates/{relative}:{line}:" in built.err, built.err


@pytest.mark.documents
@pytest.mark.parametrize("only", ["--no-application", "--no-site"], ids=["site-xlsx", "cost-plan-xlsx"])
def test_interrupt_while_writing_xlsx_prints_no_traceback(
    only: str, minimal: Path, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both workbooks (the open data of the site, the application's cost plan) are XlsxWriter's."""
    from xlsxwriter import Workbook

    original = Workbook.close

    def interrupted(self):  # type: ignore[no-untyped-def]
        os.kill(os.getpid(), signal.SIGINT)  # arrives in the middle of writing
        return original(self)

    monkeypatch.setattr(Workbook, "close", interrupted)
    result = run("build", "--out", str(tmp_path / "out"), only, cwd=with_call(minimal))
    assert result.code == 130, result.err
    assert "Traceback" not in result.err and "Exception ignored" not in result.err
    assert not (tmp_path / "out").exists()
