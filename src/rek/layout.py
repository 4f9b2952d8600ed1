"""Where things lie and how big they may be: the one layout table of a strategy repository.

Folders, file patterns, template kinds, size limits and the names the generated site reserves, in one
place that every room reads (loading, placeholders, history, templates, assets). A test checks that every
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
SCHEMAS_DIR = "schemas"
# what the live preview watches, and the folders no output may lie in or above
WATCHED = ("strategy", str(MEASURES_DIR), str(CONTENT_DIR), TEMPLATES_DIR, SITE_SETTINGS)
SOURCE_FOLDERS = (
    "strategy",
    str(MEASURES_DIR),
    str(CONTENT_DIR),
    TEMPLATES_DIR,
    SCHEMAS_DIR,
    "src",
    "tests",
    ".git",
)
TEMPLATE_KINDS = ("site", "application", "report", "summary")  # templates/<kind>/ (outputs.py)
YAML_SUFFIXES = (".yaml", ".yml")
# the files that hold the strategy's text (placeholders are searched there)
SOURCE_PATTERNS = (
    *(f"strategy/**/*{s}" for s in YAML_SUFFIXES),
    *(f"{MEASURES_DIR}/*{s}" for s in YAML_SUFFIXES),
    f"{CONTENT_DIR}/*.md",
    SITE_SETTINGS,
    f"{TEMPLATES_DIR}/**/*.j2",
)

# size limits: a file above its limit is refused with its size, never read whole
MAX_YAML_BYTES = 2 * 1024 * 1024  # a measure file is a few KB; 2 MB is generous
MAX_CONTENT_BYTES = 1024 * 1024  # one page of content/
MAX_TEMPLATE_BYTES = 512 * 1024  # one template, reference document or header.typ
MAX_IMAGE_BYTES = 5 * 1024 * 1024  # one image of assets/
MAX_PIXELS = 40_000_000  # 40 megapixels: a full-frame camera picture; 160 MB decoded as RGBA
MAX_SIDE = 20_000  # pixels a side: a wide panorama, but not 40 million pixels in one row
MAX_IMAGES = 500  # images in assets/
MAX_FILE_BYTES = max(
    MAX_YAML_BYTES, MAX_CONTENT_BYTES, MAX_TEMPLATE_BYTES
)  # the largest text file any loader reads

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
    "ort": "die Seiten der Orte (ort/)",
    "fortschritt": "die Seite „Fortschritt“",
    "roadmap": "die Seite „Roadmap“",
    "finanzen": "die Seite „Finanzen“",
    "downloads": "die Seite „Downloads“ und die offenen Daten (downloads/)",
    "aenderungen": "die Seite „Änderungen“",
    "feed": "den Atom-Feed (feed.xml)",
    "feeds": "die Atom-Feeds je Maßnahme und Handlungsfeld (feeds/)",
    "einbetten": "die Statuskarten zum Einbetten (einbetten/)",
    "steckbriefe": "die Steckbriefe zum Drucken (steckbriefe/)",
    "begriffe": "die Seite „Begriffe“",
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
