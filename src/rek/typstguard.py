"""What a ``header.typ`` override may do: set styles, not import, include, evaluate or read anything.

The header is contributor input that Typst runs while rek sets the PDF. Typst fetches packages
(``#import "@preview/…"``) from the network and reads files (``read``, ``image``, ``json`` …); ``eval``
runs a string as code, so a name can be put together at run time (``"@pre" + "view/…"``). A pattern for
"@preview" cannot see through that; but every way out needs one of a few names (``import``, ``eval``,
``read`` …), and Typst has no other way to reach a function than by its name. So every identifier of the
header — in code, markup, strings and comments alike — is compared with those names. A header needs none of them: page setup, fonts, ``#set`` and ``#show`` rules
and ``#let`` definitions stay allowed.
"""

from __future__ import annotations

import re

# names whose use leaves the document: packages and modules, evaluation, files and plugins
FORBIDDEN = {
    "import": "lädt Pakete oder Dateien",
    "include": "bindet Dateien ein",
    "eval": "wertet Text als Code aus",
    "read": "liest Dateien",
    "plugin": "lädt Programmcode",
    "image": "liest Bilddateien",
    "json": "liest Dateien",
    "csv": "liest Dateien",
    "yaml": "liest Dateien",
    "toml": "liest Dateien",
    "xml": "liest Dateien",
    "cbor": "liest Dateien",
    "bibliography": "liest Dateien",
}
_NAME = re.compile(r"(?<![\w-])(" + "|".join(FORBIDDEN) + r")(?![\w-])")


def problems(source: str) -> list[tuple[int, int, str]]:
    """(line, column, German message) for every forbidden name anywhere in a Typst source.

    Strings and comments are not skipped: in Typst markup a quote is text, not a string, so skipping
    "strings" could hide code behind a stray quote, and '//' inside a string would hide the rest of a
    line. A forbidden word in a comment is refused too; the message says which word and where.
    """
    found = []
    for match in _NAME.finditer(source):
        i, name = match.start(), match.group(1)
        line = source.count("\n", 0, i) + 1
        col = i - (source.rfind("\n", 0, i) + 1) + 1
        found.append(
            (
                line,
                col,
                f"'{name}' ist in templates/application/header.typ nicht erlaubt ({FORBIDDEN[name]}); "
                "erlaubt sind Einstellungen mit #set, #show und #let für Seiten, Schriften und Text",
            )
        )
    return found
