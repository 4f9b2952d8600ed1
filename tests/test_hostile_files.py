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

from pathlib import Path

import pytest

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
