"""Where things lie: the folders of a strategy repository and the names the generated site reserves.

One place for these names: ``project`` reads them when it loads content pages, and a test checks that every
path the site generator and MkDocs write is covered by :data:`RESERVED_PAGES`, so the two cannot drift.
"""

from __future__ import annotations

from pathlib import Path

STRATEGY_FILE = Path("strategy/strategy.yaml")
ACTION_FIELDS_DIR = Path("strategy/action-fields")
CALLS_DIR = Path("strategy/calls")
MEASURES_DIR = Path("measures")
CONTENT_DIR = Path("content")
ASSETS_DIR = "assets"
SITE_SETTINGS = "mkdocs.yml"
TEMPLATES_DIR = "templates"
MAX_TEMPLATE_BYTES = 512 * 1024  # one template, reference document or header.typ

# the file ending of a content page; other Markdown endings MkDocs knows are refused, not silently ignored
PAGE_SUFFIX = ".md"
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")  # MkDocs reads these as pages

# Names a content page may not take: content/<name>.md becomes docs/<name>.md and the URL <name>/, so it
# would replace a generated page or sit on a folder or file of the site. Name -> what the site has there.
RESERVED_PAGES: dict[str, str] = {
    "index": "die Startseite",
    "readme": "die Startseite (MkDocs liest README.md als Startseite)",
    "handlungsfelder": "die Seiten der Handlungsfelder (handlungsfelder/)",
    "massnahmen": "den Maßnahmenkatalog (massnahmen/)",
    "massnahme": "die Seiten der Maßnahmen (massnahme/)",
    "partner": "die Seiten der Partner (partner/)",
    "fortschritt": "die Seite „Fortschritt“",
    "roadmap": "die Seite „Roadmap“",
    "finanzen": "die Seite „Finanzen“",
    "downloads": "die Seite „Downloads“ und die offenen Daten (downloads/)",
    "aenderungen": "die Seite „Änderungen“",
    "feed": "den Atom-Feed (feed.xml)",
    "assets": "Bilder, Diagramme, Stile und Skripte der Website (assets/)",
    "search": "die Suche (search/)",
    "sitemap": "die Sitemap (sitemap.xml)",
    "404": "die Fehlerseite (404.html)",
}

# generated from strategy.yaml 'legal', but a content page of the same name wins (documented in README)
REPLACEABLE_PAGES = ("impressum", "datenschutz", "barrierefreiheit")


def page_slug(filename: str) -> str:
    """The name a file of content/ would have in the site: without its ending, case-folded."""
    stem = filename.rsplit(".", 1)[0] if "." in filename.lstrip(".") else filename
    return stem.casefold()


def reserved_page(filename: str) -> str | None:
    """What the generated site has under this content file's name, or None when the name is free."""
    return RESERVED_PAGES.get(page_slug(filename))
