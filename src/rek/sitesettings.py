"""The project's mkdocs.yml as a typed, allow-listed set of site settings.

MkDocs and Material put settings into pages without escaping them (the site name into attributes,
the copyright into the footer), so every value is checked here: plain text without '<', '>', '"' or
character references, URLs with https (the site address also http), the logo as an image from
assets/, palette colours from Material's own lists. Every other key is left out with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .diagnostics import Diagnostics
from .yamlsource import YamlDoc

# Material for MkDocs' palette colour names: accents are the first 16 primaries (no greys, black, white)
ACCENT = [
    "red", "pink", "purple", "deep-purple", "indigo", "blue", "light-blue", "cyan", "teal", "green",
    "light-green", "lime", "yellow", "amber", "orange", "deep-orange",
]  # fmt: skip
PRIMARY = [*ACCENT, "brown", "grey", "blue-grey", "black", "white"]
SCHEMES = ("default", "slate")
TEXT_KEYS = ("site_name", "site_description", "site_author", "copyright", "repo_name")
URL_KEYS = ("site_url", "repo_url", "feedback_url")  # feedback_url: the region's own feedback form
KEYS = (*TEXT_KEYS, *URL_KEYS, "theme")
THEME_KEYS = ("logo", "palette")
PALETTE_KEYS = ("scheme", "primary", "accent")

_URL = re.compile(r"https://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?")
_SITE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?")
_CHAR_REF = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
MAX_TEXT = 300


def text_problem(value: Any, max_length: int = MAX_TEXT) -> str | None:
    """Why value is not plain text that a theme may show unescaped, or None."""
    if not isinstance(value, str):
        return "erwartet: Text"
    if not value.strip():
        return "darf nicht leer sein"
    if len(value) > max_length:
        return f"Text zu lang: erlaubt sind höchstens {max_length} Zeichen, gefunden: {len(value)} Zeichen"
    bad = next((c for c in value if c in '<>"`'), None)
    if bad:
        return f"Zeichen {bad!r} ist hier nicht erlaubt (das Theme setzt den Text unverändert in die Seite)"
    if _CHAR_REF.search(value):
        return "HTML-Zeichenreferenzen wie '&amp;' sind hier nicht erlaubt; schreiben Sie das Zeichen selbst"
    return None


@dataclass(frozen=True)
class SiteSettings:
    site_name: str | None = None
    site_description: str | None = None
    site_author: str | None = None
    copyright: str | None = None
    repo_name: str | None = None
    site_url: str | None = None
    repo_url: str | None = None
    feedback_url: str | None = None  # "Rückmeldung geben" leads here (with ?massnahme=ID) instead of a mail
    logo: str | None = None  # path below assets/
    scheme: str = "default"
    primary: str = "indigo"
    accent: str = "indigo"


def load_settings(doc: YamlDoc, images: dict[str, Any], diags: Diagnostics) -> SiteSettings:
    """Check every setting of the document; unknown keys are warned about and left out."""
    values: dict[str, Any] = {}
    data = doc.data

    def error(loc: tuple[Any, ...], message: str, hint: str | None = None) -> None:
        line, col = doc.position(loc)
        diags.add(doc.display, line, col, f"Feld '{'.'.join(map(str, loc))}': {message}", hint=hint)

    def unknown(loc: tuple[Any, ...], allowed: tuple[str, ...]) -> None:
        line, col = doc.position(loc, key=True)
        diags.add(
            doc.display,
            line,
            col,
            f"Feld '{'.'.join(map(str, loc))}' wird von rek erzeugt oder nicht unterstützt und ignoriert",
            hint="Erlaubt sind: " + ", ".join(allowed),
            severity="warning",
        )

    for key, value in data.items():
        if key not in KEYS:
            unknown((key,), KEYS)
        elif value is None:
            continue
        elif key in TEXT_KEYS:
            problem = text_problem(value)
            if problem:
                error((key,), problem)
            else:
                values[key] = value.strip()
        elif key in URL_KEYS:
            pattern = _URL if key == "repo_url" else _SITE_URL
            if not isinstance(value, str) or not pattern.fullmatch(value.strip()):
                scheme = "https://" if key == "repo_url" else "https:// oder http://"
                error(
                    (key,), f"erwartet: eine Adresse, die mit {scheme} beginnt, ohne Leerzeichen und '<>\"'"
                )
            else:
                values[key] = value.strip()
        elif key == "theme":
            if not isinstance(value, dict):
                error((key,), "erwartet: eine Zuordnung (Schlüssel: Wert)")
                continue
            _theme(value, images, values, error, unknown)
    return SiteSettings(**values)


def _theme(
    theme: dict[str, Any], images: dict[str, Any], values: dict[str, Any], error: Any, unknown: Any
) -> None:
    for key, value in theme.items():
        if key not in THEME_KEYS:
            unknown(("theme", key), THEME_KEYS)
        elif key == "logo":
            relative = (
                value[len("assets/") :] if isinstance(value, str) and value.startswith("assets/") else None
            )
            if relative is None or relative not in images:
                error(
                    ("theme", "logo"),
                    "erwartet: ein Bild aus dem Projektordner assets/ (PNG oder JPEG), z. B. 'assets/logo.png'",
                )
            else:
                values["logo"] = relative
        elif key == "palette":
            if not isinstance(value, dict):
                error(("theme", "palette"), "erwartet: eine Zuordnung mit scheme, primary und accent")
                continue
            for name, colour in value.items():
                allowed = {"scheme": SCHEMES, "primary": PRIMARY, "accent": ACCENT}.get(name)
                if allowed is None:
                    unknown(("theme", "palette", name), PALETTE_KEYS)
                    continue
                normal = colour.strip().lower().replace(" ", "-") if isinstance(colour, str) else None
                if normal not in allowed:
                    error(
                        ("theme", "palette", name),
                        f"erwartet: einer der Werte {', '.join(allowed)}; gefunden: {str(colour)[:40]!r}",
                    )
                else:
                    values[name] = normal


def warn_missing_site_url(display: str, diags: Diagnostics) -> None:
    """An adopted strategy is published: without site_url the 404 page assumes the server's root."""
    diags.add(
        display,
        1,
        1,
        "Feld 'site_url' fehlt: ohne die Adresse der Website findet die Fehlerseite (404) ihre Links und "
        "Dateien nur, wenn die Website in der Wurzel ihres Servers liegt, und Sitemap und Atom-Feed haben "
        "keine vollständigen Adressen",
        hint="Tragen Sie in mkdocs.yml die Adresse ein, unter der die Website veröffentlicht wird, "
        "z. B. 'site_url: https://www.landkreis-muster.de/strategie/'.",
        severity="warning",
    )
