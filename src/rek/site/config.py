"""The MkDocs configuration rek writes into the generated tree (no custom plugins or hooks)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from ..invisible import PLACEHOLDER
from ..mdtext import theme_text
from ..project import Project
from .pages import IMAGES

THEME_DIR = "overrides"
FOOTER_PAGES = [
    ("leichte-sprache", "Leichte Sprache"),
    ("barrierefreiheit", "Barrierefreiheit"),
    ("datenschutz", "Datenschutz"),
    ("impressum", "Impressum"),
]
EXTRA_CSS = ["assets/rek/rek.css"]
EXTRA_JS = ["assets/rek/rek.js", "assets/rek/catalogue.js"]


def mkdocs_config(project: Project, nav: list[dict[str, Any]], *, versioned: bool = False) -> dict[str, Any]:
    s = project.strategy
    site = project.site
    status = f"Version {s.version} ({s.status.value}"
    status += f", beschlossen am {s.adopted.strftime('%d.%m.%Y')})" if s.adopted else ")"
    copyright_text = " · ".join(x for x in ((site.copyright or "").strip(), theme_text(status)) if x)
    theme: dict[str, Any] = {
        "name": "material",
        "custom_dir": THEME_DIR,  # rek's own small overrides: 404, print header, footer links, sitemap
        "language": "de",
        "font": False,
        "features": [
            "navigation.tabs",  # a menu on every page, the start page included
            "navigation.sections",
            "navigation.top",
            "navigation.footer",
            "search.highlight",
            "toc.follow",
        ],
        "palette": {"scheme": site.scheme, "primary": site.primary, "accent": site.accent},
    }
    if site.logo:
        theme["logo"] = IMAGES + site.logo
    extra: dict[str, Any] = {
        "generator": False,
        "strategy": {"version": theme_text(s.version), "status": s.status.value},
        "rek": _page_frame(project),
    }
    if versioned:
        extra["version"] = {"provider": "mike", "default": "latest"}
    config: dict[str, Any] = {
        "site_name": site.site_name or theme_text(s.title),
        "site_description": site.site_description or theme_text(s.short_title),
        "copyright": copyright_text,
        "docs_dir": "docs",
        "use_directory_urls": True,
        "theme": theme,
        "plugins": [{"search": search_settings(project)}],
        "markdown_extensions": [
            "tables",
            "admonition",
            "md_in_html",  # for rek's own catalogue wrapper; content may not contain HTML at all
            {"toc": {"permalink": False}},
            {"pymdownx.escapeall": {"hardbreak": False, "nbsp": False}},
        ],
        "extra_css": EXTRA_CSS,
        "extra_javascript": EXTRA_JS,
        "extra": extra,
        "not_in_nav": "/massnahme/\n",
        "validation": {"nav": {"omitted_files": "info"}, "links": {"not_found": "warn", "anchors": "info"}},
        "nav": nav,
    }
    for key in ("site_url", "site_author", "repo_url", "repo_name"):
        if getattr(site, key):
            config[key] = getattr(site, key)
    return config


_LETTERS = "a-zäöüß"
_WORDS = re.compile(rf"[{_LETTERS}]+", re.IGNORECASE)
_FUNCTION_WORDS = set(
    [
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "eines",
        "einem",
        "einen",
        "und",
        "oder",
        "aber",
        "mit",
        "für",
        "auf",
        "bei",
        "von",
        "vom",
        "zum",
        "zur",
        "im",
        "in",
        "am",
        "an",
        "aus",
        "als",
        "wie",
        "wer",
        "was",
        "wir",
        "sie",
        "ihr",
        "ihre",
        "sich",
        "alle",
        "auch",
        "nur",
        "noch",
        "nach",
        "vor",
        "über",
        "unter",
        "durch",
    ]
)
TAIL_LIMIT = 300  # compound parts in the separator (the regular expression stays small)


def compound_tails(texts: list[str]) -> list[str]:
    """Word parts that end a German compound and occur as words of their own in the strategy's texts
    ("Bus" in "Rufbus", "Plattform" in "Beteiligungsplattform"), longest first."""
    all_words = [w for t in texts for w in _WORDS.findall(t) if len(w) >= 3]
    words = {w.casefold() for w in all_words}
    # parts: nouns (capitalised in German), not the articles and pronouns that start a sentence
    nouns = {w.casefold() for w in all_words if w[0].isupper()} - _FUNCTION_WORDS
    found: set[str] = set()
    for word in words:
        for cut in range(3, len(word) - 2):
            tail = word[cut:]
            if tail in nouns:
                found.add(tail)
                break  # the longest part that is a word (Rufbushaltestelle: haltestelle, not stelle)
    return sorted(found, key=lambda t: (-len(t), t))[:TAIL_LIMIT]


def search_settings(project: Project) -> dict[str, Any]:
    """Material's search, offline in the browser: German stop words, and a separator that splits at
    spaces and hyphens and in front of a compound part that is a word of its own, so "Bus" finds "Rufbus".

    Not folded: umlauts. Only lunr's German stemmer folds ä, ö, ü, and with it in the pipeline
    ("stemmer") the search as you type finds less: Material searches the last word as a prefix
    ("mobilität*"), which skips the stemmer and misses the stemmed index ("mobilitat"); measured in
    Chromium, "Mobilität" and "Bürgerservice" then found nothing."""
    s = project.strategy
    texts = [s.title, s.short_title, *(g.term for g in s.glossary)]
    texts += [x for f in project.action_fields for x in (f.title, f.summary)]
    texts += [x for m in project.measures for x in (m.title, m.summary)]
    separator = r"[\s\-]+"
    tails = compound_tails(texts)
    if tails:
        # inside a word only ((?!\b), as Material's own camelCase example; no lookbehind for old Safari)
        separator += rf"|(?!\b)(?=(?:{'|'.join(tails)})(?![{_LETTERS}]))"
    return {"lang": "de", "separator": separator}


def _page_frame(project: Project) -> dict[str, Any]:
    """What every page shows besides its content: links in the footer, the print header."""
    s = project.strategy
    pages = {page.name for page in project.pages}
    if s.legal is not None:
        pages |= {"impressum", "datenschutz", "barrierefreiheit"}
    publisher: list[str] = []
    if s.legal is not None:
        who = s.legal.publisher
        # a line still „bitte ergänzen“ is left out here: the legal pages show it as a marked gap
        lines = [who.name + (f", {who.role}" if who.role else ""), *who.address]
        publisher = [line for line in lines if not PLACEHOLDER.search(line)]
    status_line = f"Version {s.version}, {s.status.value}"
    if s.adopted:
        status_line += f" am {s.adopted.strftime('%d.%m.%Y')}"
    elif s.status.value == "Entwurf":
        status_line += " (noch nicht beschlossen)"
    links = [{"title": title, "path": f"{name}/"} for name, title in FOOTER_PAGES if name in pages]
    feed = None
    if any(m.updates for m in project.measures):  # the Atom feed of updates (site/feed.py)
        feed = {"title": f"{s.title}: Sachstand der Maßnahmen", "path": "feed.xml"}
        links.append({"title": "Atom-Feed: Sachstand", "path": "feed.xml"})
    return {
        "status_line": status_line,
        "publisher": publisher,
        "links": links,
        "feed": feed,
    }


def dump(config: dict[str, Any]) -> str:
    header = "# Erzeugt von rek aus strategy/, measures/ und content/. Nicht von Hand bearbeiten.\n"
    return header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=120)
