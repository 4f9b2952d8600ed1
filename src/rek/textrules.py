"""Rules for text taken from YAML: Markdown, but no raw HTML, no raw output blocks, no script links.

Text from a strategy ends up in a web page and in DOCX/PDF documents. Markdown renderers pass raw HTML
(and Pandoc passes raw ``{=typst}``/``{=openxml}`` blocks) straight through, so such text is refused
at ``rek check``; renderers escape plain-text fields on top of that.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from typing import Any

from .diagnostics import Diagnostics
from .validation import field_name
from .yamlsource import Loc, YamlDoc

_HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?][^>\n]*>?")
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^>\s]+>")
_RAW_ATTRIBUTE = re.compile(r"\{=\s*[A-Za-z0-9_-]+\s*\}")
_SCHEME = r"(?:javascript|vbscript|data|file|livescript|mocha)\s*:"
# inline links ](x), reference definitions [a]: x, autolinks <x>; checked on the text with entities decoded
_SCRIPT_LINK = re.compile(
    r"(?:\]\(\s*<?|^\s{0,3}\[[^\]]+\]:\s*<?|<)\s*" + _SCHEME, re.IGNORECASE | re.MULTILINE
)
# attribute lists ({: onclick=… }, { onerror=… }) set HTML attributes where attr_list is on
_ATTRIBUTE_LIST = re.compile(r"\{[:\s][^}\n]*\bon[a-z]+\s*=", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

RULES: list[tuple[re.Pattern[str], str, str]] = [
    (
        _HTML_TAG,
        "HTML ist in Texten nicht erlaubt (gefunden: {found})",
        "Schreiben Sie Markdown statt HTML; ein '<' vor einem Buchstaben wird als HTML gelesen, "
        "schreiben Sie sonst '&lt;' oder ein Leerzeichen dahinter.",
    ),
    (
        _RAW_ATTRIBUTE,
        "Rohe Ausgabeblöcke für Pandoc ({found}) sind in Texten nicht erlaubt",
        "Formatieren Sie mit Markdown; rek erzeugt DOCX und PDF selbst.",
    ),
    (
        _SCRIPT_LINK,
        "Links mit Skript- oder Daten-Adressen sind nicht erlaubt (gefunden: {found})",
        "Verlinken Sie nur auf https://…, mailto:… oder relative Seiten.",
    ),
    (
        _ATTRIBUTE_LIST,
        "Attributlisten mit Ereignissen ({found}) sind in Texten nicht erlaubt",
        "Entfernen Sie die geschweiften Klammern mit 'on…='.",
    ),
    (_CONTROL, "Steuerzeichen im Text (Code {code})", "Entfernen Sie das unsichtbare Zeichen."),
]


def _strings(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))


def check_text(doc: YamlDoc, diags: Diagnostics) -> None:
    """Check every string in a YAML document."""
    for loc, text in _strings(doc.data, ()):
        _check_string(text, diags, doc.display, lambda snippet, loc=loc: doc.find_text(loc, snippet), loc)


def check_markdown_file(display: str, text: str, diags: Diagnostics) -> None:
    """Check a hand-written Markdown page of content/."""
    lines = text.splitlines()

    def where(snippet: str) -> tuple[int, int]:
        for number, line in enumerate(lines, start=1):
            index = line.find(snippet)
            if index >= 0:
                return number, index + 1
        return 1, 1

    _check_string(text, diags, display, where, None)


def _check_string(
    text: str,
    diags: Diagnostics,
    display: str,
    where: Callable[[str], tuple[int, int]],
    loc: Loc | None,
) -> None:
    decoded = html.unescape(text)
    for pattern, message, hint in RULES:
        source = decoded if pattern is _SCRIPT_LINK else text
        for match in pattern.finditer(source):
            found = match.group(0)
            if pattern is _HTML_TAG and _AUTOLINK.match(source, match.start()):
                continue
            line, col = where(found if pattern is not _CONTROL else text[: match.start()][-20:] or found)
            prefix = f"Feld '{field_name(loc)}': " if loc is not None else ""
            diags.add(
                display,
                line,
                col,
                prefix + message.format(found=found[:40], code=f"0x{ord(found[0]):02x}"),
                hint=hint,
            )
            break
