"""The MkDocs configuration rek writes into the generated tree (no custom plugins or hooks)."""

from __future__ import annotations

from typing import Any

import yaml

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
        "plugins": [{"search": {"lang": "de"}}],
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


def _page_frame(project: Project) -> dict[str, Any]:
    """What every page shows besides its content: links in the footer, the print header."""
    s = project.strategy
    pages = {page.name for page in project.pages}
    if s.legal is not None:
        pages |= {"impressum", "datenschutz", "barrierefreiheit"}
    publisher: list[str] = []
    if s.legal is not None:
        who = s.legal.publisher
        publisher = [who.name + (f", {who.role}" if who.role else ""), *who.address]
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
