"""Contributor files are data (issue 18): page names, image headers and old revisions cannot reach further
than the data they hold.

1. Generated pages are reserved: a page in content/ may not take the name of a page, folder or file the
   site generates (content/finanzen.md used to replace the finance page silently); only the legal pages
   (impressum, datenschutz, barrierefreiheit) may be replaced, as documented.
2. Images are bounded by pixels, read from the header: a 3.5 MB PNG of 30,000 × 30,000 pixels (3.6 GB
   decoded) is refused like a 6 MB file, and so are zero sizes and unreadable headers.
3. History is read as committed: `rek diff` and the page „Änderungen“ read old revisions blob by blob, so a
   .gitattributes with export-ignore or export-subst cannot hide or rewrite a file, and a symbolic link
   or an oversized file in an old revision is refused like on disk.

Fixtures and cases are named by their defect; expected messages are exact, with path:line:col.
docs/hardening.md lists the classes and their counts.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import GRANT_LINE, ROOT
from rek.layout import REPLACEABLE_PAGES, RESERVED_PAGES, page_slug
from rek.project import load_project
from test_hardening import assert_clean_refusal

ALLOWED_PAGES = "erlaubt ist das nur für impressum.md, datenschutz.md, barrierefreiheit.md"


def reserved_line(filename: str, what: str) -> str:
    slug = page_slug(filename)
    return (
        f"content/{filename}:1:1: error: Der Seitenname '{slug}' ist reserviert: rek erzeugt dort {what}; "
        f"eine Seite in content/ darf keine erzeugte Seite ersetzen ({ALLOWED_PAGES})"
    )


# --- 1. generated pages are reserved ---------------------------------------------------------------

# defect -> (file name in content/, what the site has there)
RESERVED = {
    "content-page-replaces-finance-page": ("finanzen.md", "die Seite „Finanzen“"),
    "content-page-replaces-change-log": ("aenderungen.md", "die Seite „Änderungen“"),
    "content-page-replaces-start-page": ("index.md", "die Startseite"),
    "content-page-replaces-catalogue": ("massnahmen.md", "den Maßnahmenkatalog (massnahmen/)"),
    "content-page-on-measure-folder": ("massnahme.md", "die Seiten der Maßnahmen (massnahme/)"),
    "content-page-on-partner-folder": ("partner.md", "die Seiten der Partner (partner/)"),
    "content-page-on-action-field-folder": (
        "handlungsfelder.md",
        "die Seiten der Handlungsfelder (handlungsfelder/)",
    ),
    "content-page-replaces-progress": ("fortschritt.md", "die Seite „Fortschritt“"),
    "content-page-replaces-roadmap": ("roadmap.md", "die Seite „Roadmap“"),
    "content-page-replaces-downloads": ("downloads.md", "die Seite „Downloads“ und die offenen Daten (downloads/)"),
    "content-page-named-like-the-feed": ("feed.md", "den Atom-Feed (feed.xml)"),
    "content-page-on-assets-folder": ("assets.md", "Bilder, Diagramme, Stile und Skripte der Website (assets/)"),
    "content-page-on-search": ("search.md", "die Suche (search/)"),
    "content-page-on-sitemap": ("sitemap.md", "die Sitemap (sitemap.xml)"),
    "content-page-on-error-page": ("404.md", "die Fehlerseite (404.html)"),
    "content-page-named-readme": ("readme.md", "die Startseite (MkDocs liest README.md als Startseite)"),
    "content-page-upper-case-finance": ("Finanzen.md", "die Seite „Finanzen“"),
    "content-page-markdown-ending-start": ("index.markdown", "die Startseite"),
    "content-page-upper-case-ending-change-log": ("aenderungen.MD", "die Seite „Änderungen“"),
}  # fmt: skip


@pytest.mark.parametrize("defect", list(RESERVED))
def test_content_page_with_a_generated_name_is_refused(defect: str, minimal: Path, run) -> None:
    filename, what = RESERVED[defect]
    (minimal / "content" / filename).write_text("# Eigene Seite\n\nText.\n", encoding="utf-8")
    result = run("check", cwd=minimal)
    assert_clean_refusal(result, f"content/{filename}")
    assert result.error_lines == [reserved_line(filename, what)], result.err


def test_content_page_with_another_markdown_ending_is_refused(minimal: Path, run) -> None:
    (minimal / "content" / "hinweise.markdown").write_text("# Hinweise\n", encoding="utf-8")
    result = run("check", cwd=minimal)
    assert_clean_refusal(result, "content/hinweise.markdown")
    assert result.error_lines == [
        "content/hinweise.markdown:1:1: error: Seiten in content/ enden auf '.md' (klein geschrieben); "
        "gefunden: '.markdown'"
    ], result.err


def test_build_refuses_a_reserved_page_name_like_check(minimal: Path, run, tmp_path: Path) -> None:
    (minimal / "content" / "finanzen.md").write_text("# Finanzen\n\nAlles bestens.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", "--no-application", "--out", str(out), cwd=minimal)
    assert_clean_refusal(result, "content/finanzen.md")
    assert result.error_lines == [reserved_line("finanzen.md", "die Seite „Finanzen“")]
    assert not out.exists()


@pytest.mark.parametrize("name", REPLACEABLE_PAGES)
def test_legal_pages_may_still_be_replaced(name: str, minimal: Path) -> None:
    (minimal / "content" / f"{name}.md").write_text("# Eigene Fassung\n\nText.\n", encoding="utf-8")
    project, diags = load_project(minimal)
    assert project is not None, [d.format() for d in diags.items]
    assert name in {page.name for page in project.pages}
    assert name not in RESERVED_PAGES


def _covered(first: str, own: set[str]) -> bool:
    slug = first.split(".")[0]  # feed.xml, sitemap.xml.gz, finanzen.md, massnahmen
    return slug in RESERVED_PAGES or slug in own


@pytest.mark.documents
def test_every_path_the_site_generates_is_reserved(embedded: Path, minimal: Path, tmp_path: Path) -> None:
    """Every first path part of the docs tree (pages.py, build.py) and of the MkDocs site is in the list
    in layout.py, except the content and legal pages themselves, so the list cannot drift from pages.py."""
    from rek.build import build, write_tree
    from rek.site.pages import SitePages

    project, diags = load_project(embedded)
    assert project is not None, [d.format() for d in diags.items]
    assert any(m.updates for m in project.measures)  # so the feed is written too
    own = {page.name for page in project.pages} | set(REPLACEABLE_PAGES)
    generated = {path.split("/")[0] for path, _ in SitePages(project).files()}
    assert "feed.xml" in generated and "finanzen.md" in generated
    assert [p for p in generated if not _covered(p, own)] == []
    tree = tmp_path / "tree"
    write_tree(project, tree)
    written = {p.name for p in (tree / "docs").iterdir()}
    assert {"downloads", "assets"} <= written
    assert [p for p in written if not _covered(p, own)] == []
    settings = minimal / "mkdocs.yml"  # with a site_url, MkDocs writes sitemap.xml too
    settings.write_text(
        settings.read_text(encoding="utf-8") + "site_url: https://example.org/\n", encoding="utf-8"
    )
    small, diags = load_project(minimal)
    assert small is not None, [d.format() for d in diags.items]
    build(small, tmp_path / "out", application=False)
    site = {p.name for p in (tmp_path / "out" / "site").iterdir()}
    assert {"404.html", "sitemap.xml", "sitemap.xml.gz", "search", "assets"} <= site
    own_small = {page.name for page in small.pages} | set(REPLACEABLE_PAGES)
    assert [p for p in site if not _covered(p, own_small)] == []


# --- 2. images are bounded by pixels -----------------------------------------------------------------

PIXELS = "erlaubt sind höchstens 40.000.000 Pixel (40 Megapixel) und 20.000 Pixel je Seite"


def png_header(width: int, height: int, rest: bytes = b"") -> bytes:
    """A PNG signature and IHDR chunk of that size (what a decoder allocates for), then rest."""
    data = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    ihdr = struct.pack(">I", 13) + b"IHDR" + data + struct.pack(">I", zlib.crc32(b"IHDR" + data))
    return b"\x89PNG\r\n\x1a\n" + ihdr + rest


def png(width: int, height: int) -> bytes:
    """A complete PNG (one colour, compressed well: a huge one stays a small file)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + b"\xff\x00\x00" * width
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return png_header(width, height, chunk(b"IDAT", body) + chunk(b"IEND", b""))


def jpeg(width: int, height: int, before: bytes = b"") -> bytes:
    """SOI, a JFIF APP0 segment, optional segments, a baseline frame header (SOF0) of that size, EOI."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + before + sof0 + b"\xff\xd9"


# defect -> (file name, bytes, message after 'assets/<name>:1:1: error: ')
IMAGES: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "png-30000-square-decompression-bomb": (
        "bombe.png",
        lambda: png_header(30_000, 30_000, b"\x00" * 64),
        f"Bild hat zu viele Pixel: 30.000 × 30.000 = 900.000.000 Pixel; {PIXELS}",
    ),
    "png-just-over-40-megapixels": (
        "gross.png",
        lambda: png_header(8_001, 5_000),
        f"Bild hat zu viele Pixel: 8.001 × 5.000 = 40.005.000 Pixel; {PIXELS}",
    ),
    "png-one-row-of-a-million-pixels": (
        "zeile.png",
        lambda: png_header(1_000_000, 1),
        f"Bild ist zu breit oder zu hoch: 1.000.000 × 1 Pixel; {PIXELS}",
    ),
    "png-zero-width": ("leer.png", lambda: png_header(0, 10), f"Bild hat keine Fläche: 0 × 10 Pixel; {PIXELS}, mindestens 1 × 1"),
    "png-largest-width-field": (
        "breit.png",
        lambda: png_header(0xFFFFFFFF, 1),
        f"Bild hat zu viele Pixel: 4.294.967.295 × 1 = 4.294.967.295 Pixel; {PIXELS}",
    ),
    "png-signature-only": (
        "kopf.png",
        lambda: b"\x89PNG\r\n\x1a\n",
        f"PNG-Kopf nicht lesbar: nach der PNG-Kennung fehlt der IHDR-Block mit der Bildgröße; {PIXELS}",
    ),
    "png-other-chunk-first": (
        "text.png",
        lambda: b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"tEXt" + b"\x00" * 17,
        f"PNG-Kopf nicht lesbar: nach der PNG-Kennung fehlt der IHDR-Block mit der Bildgröße; {PIXELS}",
    ),
    "jpeg-30000-square": (
        "bombe.jpg",
        lambda: jpeg(30_000, 30_000),
        f"Bild hat zu viele Pixel: 30.000 × 30.000 = 900.000.000 Pixel; {PIXELS}",
    ),
    "jpeg-height-zero-dnl": ("dnl.jpg", lambda: jpeg(640, 0), f"Bild hat keine Fläche: 640 × 0 Pixel; {PIXELS}, mindestens 1 × 1"),
    "jpeg-segment-past-the-end": (
        "kurz.jpeg",
        lambda: b"\xff\xd8\xff\xe1\xff\xf0Exif",
        f"JPEG-Kopf nicht lesbar: ein Segment an Byte 2 reicht über das Dateiende hinaus; {PIXELS}",
    ),
    "jpeg-image-data-before-frame-header": (
        "ohne-sof.jpg",
        lambda: b"\xff\xd8\xff\xda\x00\x02" + b"\x00" * 32,
        f"JPEG-Kopf nicht lesbar: keine Bildgröße (SOF-Segment) vor den Bilddaten; {PIXELS}",
    ),
    "jpeg-garbage-after-soi": (
        "muell.jpg",
        lambda: b"\xff\xd8\xff\xe0\x00\x04ab" + b"<html>",
        f"JPEG-Kopf nicht lesbar: an Byte 8 beginnt kein JPEG-Segment; {PIXELS}",
    ),
    "jpeg-endless-fill-bytes": (
        "fuell.jpg",
        lambda: b"\xff\xd8" + b"\xff" * 4_000_000,
        f"JPEG-Kopf nicht lesbar: die Datei endet vor der Bildgröße (SOF-Segment); {PIXELS}",
    ),
    "jpeg-thousands-of-empty-segments": (
        "segmente.jpg",
        lambda: b"\xff\xd8" + b"\xff\xfe\x00\x02" * 2_000 + jpeg(10, 10)[2:],
        f"JPEG-Kopf nicht lesbar: mehr als 1.000 Segmente vor der Bildgröße; {PIXELS}",
    ),
}  # fmt: skip


@pytest.mark.parametrize("defect", list(IMAGES))
def test_image_beyond_the_pixel_bounds_is_refused_at_the_file(defect: str, minimal: Path, run) -> None:
    filename, data, message = IMAGES[defect]
    (minimal / "assets").mkdir()
    (minimal / "assets" / filename).write_bytes(data())
    result = run("check", cwd=minimal)
    assert_clean_refusal(result, f"assets/{filename}")
    assert result.error_lines == [f"assets/{filename}:1:1: error: {message}"], result.err


@pytest.mark.slow
def test_real_decompression_bomb_is_small_as_a_file_and_refused(minimal: Path, run) -> None:
    """A complete 30,000 × 30,000 PNG compresses to a few MB: the byte limit alone would let it through."""
    data = png(30_000, 30_000)
    assert len(data) < 5 * 1024 * 1024
    (minimal / "assets").mkdir()
    (minimal / "assets" / "bombe.png").write_bytes(data)
    result = run("check", cwd=minimal)
    assert result.error_lines == [
        f"assets/bombe.png:1:1: error: Bild hat zu viele Pixel: 30.000 × 30.000 = 900.000.000 Pixel; {PIXELS}"
    ], result.err


def test_logo_beyond_the_pixel_bounds_is_refused_by_check_and_build(
    minimal: Path, run, tmp_path: Path
) -> None:
    (minimal / "assets").mkdir()
    (minimal / "assets" / "logo.png").write_bytes(png_header(20_001, 2))
    (minimal / "mkdocs.yml").write_text(
        "site_name: Region\ntheme:\n  logo: assets/logo.png\n", encoding="utf-8"
    )
    line = f"assets/logo.png:1:1: error: Bild ist zu breit oder zu hoch: 20.001 × 2 Pixel; {PIXELS}"
    check = run("check", cwd=minimal)
    assert_clean_refusal(check)
    assert line in check.error_lines and "mkdocs.yml:3:9: error:" in check.err, check.err
    out = tmp_path / "out"
    built = run("build", "--no-application", "--out", str(out), cwd=minimal)
    assert_clean_refusal(built)
    assert built.error_lines == check.error_lines and not out.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("gross.png", png_header(8_000, 5_000, b"\x00" * 16)),  # exactly 40 megapixels
        ("hoch.png", png_header(2_000, 20_000)),  # exactly the longest side
        ("foto.jpg", jpeg(7_000, 5_000, b"\xff\xfe\x00\x05abc" + b"\xff\xe1\x00\x04xy")),
        ("progressiv.jpeg", jpeg(640, 480).replace(b"\xff\xc0", b"\xff\xc2")),
    ],
)
def test_images_within_the_bounds_are_accepted(name: str, data: bytes, minimal: Path) -> None:
    (minimal / "assets").mkdir()
    (minimal / "assets" / name).write_bytes(data)
    project, diags = load_project(minimal)
    assert project is not None, [d.format() for d in diags.items]
    assert name in project.images


@pytest.mark.documents
def test_small_valid_png_is_still_built(minimal: Path, tmp_path: Path) -> None:
    from rek.build import build

    (minimal / "assets").mkdir()
    (minimal / "assets" / "karte.png").write_bytes(png(3, 2))
    (minimal / "content" / "karte.md").write_text("# Karte\n\n![Karte](assets/karte.png)\n", encoding="utf-8")
    project, diags = load_project(minimal)
    assert project is not None, [d.format() for d in diags.items]
    build(project, tmp_path / "out", application=False)
    assert (tmp_path / "out" / "site" / "assets" / "projekt" / "karte.png").read_bytes() == png(3, 2)


# --- 3. history is read as committed -------------------------------------------------------------------

M01 = "measures/M01.yaml"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def _change_costs(repo: Path) -> None:
    measure = repo / M01
    text = measure.read_text(encoding="utf-8")
    assert "amount: 20000" in text and GRANT_LINE in text  # the grant follows the cost (rate × eligible)
    measure.write_text(text.replace("amount: 20000", "amount: 30000"))


@pytest.fixture
def export_ignore_history(minimal: Path, git_identity: None) -> Path:
    """First commit: a .gitattributes that hides measures/ from 'git archive' and rewrites every file with
    export-subst; second commit: M01's costs changed (the attributes stay)."""
    (minimal / ".gitattributes").write_text("measures/** export-ignore\n* export-subst\n", encoding="utf-8")
    strategy = minimal / "strategy" / "strategy.yaml"
    strategy.write_text(strategy.read_text(encoding="utf-8") + "# $Format:%H$\n", encoding="utf-8")
    git(minimal, "init", "-q", "-b", "main")
    git(minimal, "add", "-A")
    git(minimal, "commit", "-qm", "erste Fassung")
    _change_costs(minimal)
    git(minimal, "commit", "-qam", "Kosten M01")
    return minimal


CHANGED = [
    "~ Maßnahme M01 Online-Terminvergabe im Bürgerbüro",
    "    Kosten 2027: 20.000\u00a0€ → 30.000\u00a0€",
]


def test_export_ignore_does_not_make_a_changed_measure_new(export_ignore_history: Path, run) -> None:
    result = run("diff", "HEAD~1", cwd=export_ignore_history)
    assert result.code == 0, result.err
    assert result.out.splitlines()[: len(CHANGED) + 1] == [
        "Änderungen von HEAD~1 zu Arbeitsstand",
        *CHANGED,
    ], result.out
    assert "(neu" not in result.out and "Strategie" not in result.out
    between = run("diff", "HEAD~1", "HEAD", cwd=export_ignore_history)
    assert between.out.splitlines()[: len(CHANGED) + 1] == ["Änderungen von HEAD~1 zu HEAD", *CHANGED], (
        between.out
    )


@pytest.mark.documents
def test_export_ignore_does_not_change_the_changes_page(
    export_ignore_history: Path, run, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run(
        "build", "--since", "HEAD~1", "--no-application", "--out", str(out), cwd=export_ignore_history
    )
    assert result.code == 0, result.err
    page = (out / "site" / "aenderungen" / "index.html").read_text(encoding="utf-8")
    assert "Geändert" in page and "Kosten 2027: 20.000\u00a0€ → 30.000\u00a0€" in page
    assert '<h2 id="neu">' not in page


def test_filters_and_textconv_of_the_repository_are_not_run(
    export_ignore_history: Path, run, tmp_path: Path
) -> None:
    """A filter or textconv driver in the repository's configuration, named by .gitattributes, never runs
    while old revisions are read, and hooks or an fsmonitor neither."""
    repo = export_ignore_history
    marker = tmp_path / "ausgefuehrt"
    command = f"sh -c 'touch {marker}; cat'"
    (repo / ".gitattributes").write_text("* filter=fremd diff=fremd\n", encoding="utf-8")
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "-qm", "Attribute")
    for key in ("filter.fremd.clean", "filter.fremd.smudge", "diff.fremd.textconv", "core.fsmonitor"):
        git(repo, "config", key, command)
    (repo / M01).write_text((repo / M01).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert run("diff", "HEAD~2", cwd=repo).out.splitlines()[1 : len(CHANGED) + 1] == CHANGED
    from rek.gitdates import last_commit_dates
    from rek.gitsafe import run_git

    assert "M01" in last_commit_dates(repo, "measures")
    assert run_git(repo, "status", "--porcelain").returncode == 0
    assert not marker.exists()


def test_symbolic_link_in_an_old_revision_is_refused_not_followed(
    minimal: Path, git_identity: None, run, tmp_path: Path
) -> None:
    secret = tmp_path / "geheim.md"
    secret.write_text("# GEHEIMNIS\n", encoding="utf-8")
    (minimal / "content" / "geheim.md").symlink_to(secret)
    git(minimal, "init", "-q", "-b", "main")
    git(minimal, "add", "-A")
    git(minimal, "commit", "-qm", "mit Link")
    (minimal / "content" / "geheim.md").unlink()
    result = run("diff", "HEAD", cwd=minimal)
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.splitlines()[:2] == [
        "Die Strategie in 'HEAD' ist nicht gültig:",
        "content/geheim.md:1:1: error: Ist in 'HEAD' ein symbolischer Link; rek folgt keinen Links, denn sie "
        "können aus dem Projekt hinausführen",
    ], result.err
    assert "GEHEIMNIS" not in result.err + result.out


def test_symbolic_link_as_a_project_folder_in_an_old_revision_is_refused(
    minimal: Path, git_identity: None, run, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "woanders"
    shutil.move(minimal / "measures", elsewhere)
    (minimal / "measures").symlink_to(elsewhere)
    git(minimal, "init", "-q", "-b", "main")
    git(minimal, "add", "-A")
    git(minimal, "commit", "-qm", "Ordner als Link")
    (minimal / "measures").unlink()
    shutil.move(elsewhere, minimal / "measures")
    result = run("diff", "HEAD", cwd=minimal)
    assert result.code == 1
    assert "measures:1:1: error: Ist in 'HEAD' ein symbolischer Link" in result.err, result.err


def test_oversized_file_in_an_old_revision_is_refused_before_it_is_read(
    minimal: Path, git_identity: None, run
) -> None:
    big = minimal / "measures" / "M02.yaml"
    big.write_bytes(b"# " + b"x" * (2 * 1024 * 1024) + b"\n")
    git(minimal, "init", "-q", "-b", "main")
    git(minimal, "add", "-A")
    git(minimal, "commit", "-qm", "zu groß")
    big.unlink()
    result = run("diff", "HEAD", cwd=minimal)
    assert result.code == 1
    assert result.err.splitlines()[:2] == [
        "Die Strategie in 'HEAD' ist nicht gültig:",
        "measures/M02.yaml:1:1: error: Datei ist zu groß: 2.097.155 Bytes, erlaubt sind höchstens 2.097.152 Bytes",
    ], result.err


def test_submodule_in_an_old_revision_is_skipped(minimal: Path, git_identity: None, run) -> None:
    git(minimal, "init", "-q", "-b", "main")
    git(minimal, "add", "-A")
    git(minimal, "commit", "-qm", "eins")
    head = git(minimal, "rev-parse", "HEAD").strip()
    git(minimal, "update-index", "--add", "--cacheinfo", f"160000,{head},content/modul")
    git(minimal, "update-index", "--add", "--cacheinfo", f"160000,{head},measures/M09.yaml")
    git(minimal, "commit", "-qm", "Submodule")
    result = run("diff", "HEAD", cwd=minimal)
    assert result.code == 0, result.err
    assert result.out == "Änderungen von HEAD zu Arbeitsstand: keine.\n"


def test_project_in_a_subfolder_of_the_repository(tmp_path: Path, git_identity: None, run) -> None:
    repo = tmp_path / "repo"
    project = repo / "regionen" / "muster"
    shutil.copytree(ROOT / "src" / "rek" / "templates" / "init", project)
    (repo / ".gitattributes").write_text("regionen/** export-ignore\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "eins")
    _change_costs(project)
    result = run("diff", "HEAD", cwd=project)
    assert result.out.splitlines()[1 : len(CHANGED) + 1] == CHANGED, result.err


def test_old_revision_with_an_image_on_a_content_page_is_read_with_its_image(
    minimal: Path, git_identity: None, run
) -> None:
    """assets/ belongs to a revision: a page showing an image in it stays valid in the old revision."""
    (minimal / "assets").mkdir()
    (minimal / "assets" / "karte.png").write_bytes(png(3, 2))
    (minimal / "content" / "karte.md").write_text("# Karte\n\n![Karte](assets/karte.png)\n", encoding="utf-8")
    git(minimal, "init", "-q", "-b", "main")
    git(minimal, "add", "-A")
    git(minimal, "commit", "-qm", "mit Bild")
    _change_costs(minimal)
    result = run("diff", "HEAD", cwd=minimal)
    assert result.out.splitlines()[1 : len(CHANGED) + 1] == CHANGED, result.err
