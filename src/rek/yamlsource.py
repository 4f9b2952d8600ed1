"""Reading one YAML file safely, with the line and column of every value.

The file is parsed by PyYAML (libyaml when available) into a node tree, which we turn into plain
Python data ourselves so that we can
- reject what a strategy file never needs and an attacker likes (aliases, deep nesting, huge files),
- catch duplicate keys, which PyYAML silently accepts,
- remember where each value and key stands, for error messages.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostics
from .layout import MAX_YAML_BYTES
from .locate import symlink_in

try:  # libyaml is much faster; PyYAML wheels ship it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = MAX_YAML_BYTES  # layout.py: one table of limits
MAX_DEPTH = 40
MAX_NODES = 200_000

Loc = tuple[str | int, ...]


@dataclass
class YamlDoc:
    """Data of one file plus where each value (and mapping key) stands (1-based line, col)."""

    path: Path
    display: str
    data: Any
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def find_text(self, loc: Loc, snippet: str) -> tuple[int, int]:
        """Where snippet (part of the string value at loc) stands in the file, else the value's start."""
        line, col = self.position(loc)
        for number in range(line, min(line + 2000, len(self.lines) + 1)):
            index = self.lines[number - 1].find(snippet, col - 1 if number == line else 0)
            if index >= 0:
                return number, index + 1
        return line, col

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Best position for loc: the key or value itself, else the nearest enclosing one."""
        table = self.keys if key else self.values
        probe = tuple(loc)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))


# Every problem libyaml (and PyYAML's pure-Python parser) can report, in German; matched as a prefix of
# the parser's text, in this order. tests/test_messages.py checks the list against libyaml's own strings.
_YAML_PROBLEMS_DE = {
    "exceeded maximum nesting depth": f"Zu tief verschachtelt: mehr als {MAX_DEPTH} Ebenen",
    "expected a single document": "Mehrere YAML-Dokumente in einer Datei ('---'): erwartet wird genau eines",
    "could not find expected ':'": "Ein Doppelpunkt ':' nach dem Schlüssel fehlt",
    "could not find expected directive name": "Nach '%' fehlt der Name einer Direktive",
    "mapping values are not allowed": "Hier darf kein 'Schlüssel: Wert' stehen",
    "mapping keys are not allowed": "Hier darf kein Schlüssel stehen",
    "block sequence entries are not allowed": "Hier darf kein Listeneintrag '- ' stehen",
    "sequence entries are not allowed": "Hier darf kein Listeneintrag '- ' stehen",
    "found character that cannot start any token": "Ein Zeichen, mit dem kein YAML-Element beginnen darf",
    "found character '\\t' that cannot start any token": "Ein Tabulator, wo ein Element beginnen müsste",
    "found unexpected end of stream": "Die Datei endet mitten in einem Element",
    "did not find expected key": "Ein Schlüssel wurde erwartet, ist aber nicht da (Einrückung prüfen)",
    "did not find expected node content": "Ein Wert wurde erwartet, ist aber nicht da",
    "did not find expected '-' indicator": "Ein Listeneintrag '- ' wurde erwartet",
    "did not find expected ',' or ']'": "In einer Liste in eckigen Klammern fehlt ',' oder die schließende ']'",
    "did not find expected ',' or '}'": (
        "In einer Zuordnung in geschweiften Klammern fehlt ',' oder die schließende '}'"
    ),
    "did not find expected <document start>": "Unerwarteter Inhalt nach dem Ende des Dokuments",
    "expected <document start>, but found": "Unerwarteter Inhalt nach dem Ende des Dokuments",
    "did not find expected <stream-start>": "Die Datei beginnt nicht wie ein YAML-Dokument",
    "did not find expected comment or line break": (
        "Nach dem Wert darf in dieser Zeile nur noch ein Kommentar (# …) stehen"
    ),
    "did not find expected whitespace or line break": "Ein Leerzeichen oder Zeilenende fehlt",
    "did not find expected whitespace": "Ein Leerzeichen fehlt",
    "did not find expected alphabetic or numeric character": (
        "Ein Anker- oder Aliasname braucht Buchstaben oder Ziffern"
    ),
    "did not find expected tag URI": "Ungültiger Typ-Tag ('!…')",
    "did not find URI escaped octet": "Ungültige %-Kodierung in einem Typ-Tag",
    "did not find expected '!'": "Ungültiger Typ-Tag: '!' fehlt",
    "did not find the expected '>'": "Ungültiger Typ-Tag: '>' fehlt",
    "did not find expected digit or '.' character": "Ungültige Versionsangabe in '%YAML'",
    "did not find expected version number": "Ungültige Versionsangabe in '%YAML'",
    "did not find expected hexdecimal number": "Ungültige Escape-Sequenz: Hexadezimalziffern erwartet",
    "found extremely long version number": "Ungültige Versionsangabe in '%YAML'",
    "found incompatible YAML document": "Nicht unterstützte YAML-Version",
    "found duplicate %YAML directive": "Die Direktive '%YAML' steht doppelt",
    "found duplicate %TAG directive": "Die Direktive '%TAG' steht doppelt",
    "duplicate %TAG directive": "Die Direktive '%TAG' steht doppelt",
    "found unknown directive name": "Unbekannte Direktive ('%…')",
    "found undefined tag handle": "Unbekannter Typ-Tag ('!…!')",
    "found undefined alias": "Ein Alias verweist auf einen unbekannten Anker",
    "found unknown escape character": "Unbekannte Escape-Sequenz in einem Text in Anführungszeichen",
    "found invalid Unicode character escape code": "Ungültige Unicode-Escape-Sequenz",
    "found unexpected ':'": "Unerwarteter Doppelpunkt",
    "found unexpected document indicator": "'---' oder '...' mitten in einem Text",
    "found unexpected non-alphabetical character": "Unerwartetes Zeichen in einer Direktive",
    "found a tab character that violates indentation": "Tabulator in der Einrückung",
    "found a tab character where an indentation space is expected": "Tabulator in der Einrückung",
    "found an indentation indicator equal to 0": "Die Einrückungsangabe eines Blocktexts darf nicht 0 sein",
    "found both indentation indicators": "Zwei Einrückungsangaben bei einem Blocktext",
    "expected indentation indicator": "Ungültige Einrückungsangabe bei einem Blocktext",
    "expected chomping or indentation indicators": "Ungültige Angabe nach '|' oder '>'",
    "found an incorrect leading UTF-8 octet": "Ungültiges UTF-8",
    "found an incorrect trailing UTF-8 octet": "Ungültiges UTF-8",
    "invalid leading UTF-8 octet": "Ungültiges UTF-8",
    "invalid trailing UTF-8 octet": "Ungültiges UTF-8",
    "invalid length of a UTF-8 sequence": "Ungültiges UTF-8",
    "incomplete UTF-8 octet sequence": "Unvollständiges UTF-8-Zeichen am Dateiende",
    "incomplete UTF-16": "Unvollständiges UTF-16-Zeichen",
    "unexpected low surrogate area": "Ungültiges UTF-16",
    "invalid Unicode character": "Ungültiges Unicode-Zeichen",
    "control characters are not allowed": "Steuerzeichen sind in YAML nicht erlaubt",
    "special characters are not allowed": "Steuerzeichen sind in YAML nicht erlaubt",
    "expected DOCUMENT-END": "Unerwarteter Inhalt nach dem Ende des Dokuments",
    "expected DOCUMENT-START or STREAM-END": "Unerwarteter Inhalt nach dem Ende des Dokuments",
    "expected SCALAR, SEQUENCE-START, MAPPING-START, or ALIAS": "Ein Wert wurde erwartet, ist aber nicht da",
    "expected STREAM-START": "Die Datei beginnt nicht wie ein YAML-Dokument",
    "expected nothing after STREAM-END": "Unerwarteter Inhalt nach dem Ende der Datei",
    "expected ',' or ']'": "In einer Liste in eckigen Klammern fehlt ',' oder die schließende ']'",
    "expected ',' or '}'": "In einer Zuordnung in geschweiften Klammern fehlt ',' oder die schließende '}'",
    "expected ':'": "Ein Doppelpunkt ':' nach dem Schlüssel fehlt",
    "expected '<document start>'": "Unerwarteter Inhalt nach dem Ende des Dokuments",
    "expected <block end>": "Die Einrückung passt nicht zur Ebene davor",
    "expected the node content": "Ein Wert wurde erwartet, ist aber nicht da",
    "expected alphabetic or numeric character": "Ein Anker- oder Aliasname braucht Buchstaben oder Ziffern",
    "expected a comment or a line break": "Nach dem Wert darf in dieser Zeile nur noch ein Kommentar (# …) stehen",
    "expected ' ', but found": "Ein Leerzeichen fehlt",
    "expected URI": "Ungültiger Typ-Tag ('!…')",
    "expected escape sequence": "Ungültige Escape-Sequenz",
    "found character": "Ein Zeichen, mit dem kein YAML-Element beginnen darf",
}
_YAML_CONTEXTS_DE = {
    "while scanning a quoted scalar": "Ein Text in Anführungszeichen wird nicht geschlossen",
    "while scanning a simple key": "Ein Doppelpunkt ':' nach dem Schlüssel fehlt",
    "while scanning a plain scalar": "Ein Text ohne Anführungszeichen enthält ein unerlaubtes Zeichen",
    "while scanning a block scalar": "Ein Blocktext ('|' oder '>') ist ungültig",
    "while scanning an anchor": "Ein Ankername ('&…') ist ungültig",
    "while scanning an alias": "Ein Aliasname ('*…') ist ungültig",
    "while scanning a tag": "Ein Typ-Tag ('!…') ist ungültig",
    "while scanning a directive": "Eine Direktive ('%…') ist ungültig",
}

_SYNTAX_HINT = (
    "Prüfen Sie die Einrückung (nur Leerzeichen, gleich tief für Geschwister), Doppelpunkte nach "
    "Schlüsseln und Anführungszeichen um Texte mit ':' oder '#'."
)


# characters YAML allows in a file (YAML 1.1, 5.1): everything else is refused by the reader
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


def translate_problem(problem: str, context: str | None = None) -> str | None:
    """The German text for a parser problem, or None if the table does not know it."""
    for english, german in _YAML_PROBLEMS_DE.items():
        if problem.startswith(english):
            return german
    for english, german in _YAML_CONTEXTS_DE.items():
        if context and context.startswith(english):
            return german
    return None


def _translate_problem(problem: str, context: str | None) -> str:
    german = translate_problem(problem, context)
    return f"YAML-Syntaxfehler: {german or 'Die Datei ist an dieser Stelle kein gültiges YAML'}"


def refuse_symlink(link: Path, display: str, diags: Diagnostics) -> None:
    diags.add(
        display,
        1,
        1,
        "Ist ein symbolischer Link oder liegt in einem verlinkten Ordner; rek folgt keinen Links, denn sie "
        "können aus dem Projekt hinausführen",
        hint="Legen Sie die Datei selbst in den Projektordner (kopieren statt verlinken).",
    )


def read_limited(
    path: Path, display: str, diags: Diagnostics, limit: int = MAX_BYTES, root: Path | None = None
) -> bytes | None:
    """The bytes of a regular file of at most limit bytes; FIFOs, devices and folders are refused.

    With root (the project folder), a file that is or lies under a symbolic link is refused, and the
    file is opened without following a link, so a link swapped in after the check is not read either.
    """
    link = symlink_in(path, root)
    if link is not None:
        refuse_symlink(link, display, diags)
        return None
    try:
        if not path.is_file():  # follows links: a link to /dev/zero or a FIFO is not a regular file
            what = "ein Ordner" if path.is_dir() else "keine normale Datei (Gerät, FIFO oder defekter Link)"
            diags.add(display, 1, 1, f"Kann nicht gelesen werden: ist {what}")
            return None
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        with os.fdopen(os.open(path, flags if root is not None else os.O_RDONLY), "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        diags.add(display, 1, 1, f"Datei kann nicht gelesen werden: {exc.strerror or exc}")
        return None
    if len(raw) > limit:
        _too_large(display, path.stat().st_size, limit, diags)
        return None
    return raw


def _too_large(display: str, size: int, limit: int, diags: Diagnostics) -> None:
    diags.add(
        display,
        1,
        1,
        f"Datei ist zu groß: {size:,} Bytes, erlaubt sind höchstens {limit:,} Bytes".replace(",", "."),
        hint="Eine Strategiedatei braucht nur wenige Kilobyte; teilen Sie große Inhalte auf.",
    )


def read_yaml(path: Path, display: str, diags: Diagnostics, root: Path | None = None) -> YamlDoc | None:
    """Read path (no symbolic links below root); on any problem add diagnostics and return None."""
    raw = read_limited(path, display, diags, root=root)
    if raw is None:
        return None
    return parse_yaml_bytes(raw, path, display, diags)


class _ParseCache:
    """For `rek serve`: a file whose bytes did not change is not parsed again (only valid files kept)."""

    entries: dict[str, tuple[bytes, YamlDoc]] | None = None


_cache = _ParseCache()


def enable_parse_cache() -> None:
    _cache.entries = {}


def parse_yaml_bytes(raw: bytes, path: Path, display: str, diags: Diagnostics) -> YamlDoc | None:
    entries = _cache.entries
    if entries is not None:
        hit = entries.get(str(path))
        if hit is not None and hit[0] == raw and hit[1].display == display:
            return hit[1]
    doc = _parse_yaml_bytes(raw, path, display, diags)
    if entries is not None and doc is not None:
        entries[str(path)] = (raw, doc)
    return doc


def _parse_yaml_bytes(raw: bytes, path: Path, display: str, diags: Diagnostics) -> YamlDoc | None:
    if len(raw) > MAX_BYTES:  # callers that pass bytes directly, not through read_limited
        _too_large(display, len(raw), MAX_BYTES, diags)
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        diags.add(
            display,
            1,
            1,
            "Datei beginnt mit einer Byte-Order-Markierung (BOM)",
            hint="Speichern Sie die Datei als 'UTF-8' ohne BOM.",
        )
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1  # in characters, like YAML
        diags.add(
            display,
            line,
            col,
            f"Datei ist nicht UTF-8-kodiert: ungültiges Byte 0x{raw[exc.start]:02x}",
            hint="Speichern Sie die Datei in der Kodierung UTF-8.",
        )
        return None
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        idx = bad.start()
        line = text.count("\n", 0, idx) + 1
        code = f"U+{ord(bad.group(0)):04X}"
        what = "ein Null-Zeichen (Binärdatei?)" if bad.group(0) == "\x00" else f"das Steuerzeichen {code}"
        diags.add(
            display,
            line,
            idx - text.rfind("\n", 0, idx),
            f"Datei enthält {what}; YAML erlaubt es nicht",
            hint="Entfernen Sie das unsichtbare Zeichen (oft aus kopiertem Text).",
        )
        return None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        diags.add(
            display, 1, 1, "Datei ist leer: erwartet wird eine Zuordnung (Schlüssel: Wert), gefunden: nichts"
        )
        return None
    for number, line_text in enumerate(text.splitlines(), start=1):
        stripped = line_text.lstrip(" ")
        if stripped.startswith("\t"):
            diags.add(
                display,
                number,
                len(line_text) - len(stripped) + 1,
                "Tabulator in der Einrückung: YAML erlaubt zum Einrücken nur Leerzeichen",
                hint="Ersetzen Sie Tabulatoren durch Leerzeichen (z. B. zwei je Ebene).",
            )
            return None
    if not _plainly_safe(text) and not _scan_events(text, display, diags):
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        _add_yaml_error(exc, display, diags, text)
        return None
    except yaml.YAMLError as exc:
        diags.add(display, 1, 1, _translate_problem(str(exc), None), hint=_SYNTAX_HINT)
        return None
    doc = YamlDoc(path=path, display=display, data=None, lines=text.splitlines())
    converter = _Converter(doc, diags)
    before = len(diags)
    doc.data = converter.convert(node, ())
    if len(diags) > before:
        return None
    return doc


def _open_quote(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, int, int] | None:
    """(line, column, closing line) of a quoted text that ran over its line into the error, if one did.

    A missing closing quote makes the parser read on to the next quote, often a line or more later, and
    then report a missing key or a wrong indentation there; the cause is where that quoted text began.
    """
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None
    culprit = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            start, end = token.start_mark, token.end_mark
            assert start is not None and end is not None  # the scanner marks every token
            if start.index >= mark.index:
                break
            quoted = isinstance(token, yaml.ScalarToken) and token.style in ('"', "'")
            # only a quoted text that ends on the error's line: a wanted multi-line one earlier is no cause
            if quoted and start.line < end.line == mark.line:
                culprit = (start.line + 1, start.column + 1, end.line + 1)
    except yaml.YAMLError:
        pass
    return culprit


def _add_yaml_error(
    exc: yaml.MarkedYAMLError, display: str, diags: Diagnostics, text: str | None = None
) -> None:
    mark = exc.problem_mark or exc.context_mark
    unclosed = any(p in (exc.problem or "") for p in ("end of stream", "document indicator"))
    opened = None if unclosed or text is None else _open_quote(text, exc)
    if opened is not None:
        line, col, closed = opened
        diags.add(
            display,
            line,
            col,
            "YAML-Syntaxfehler: Ein Text in Anführungszeichen wird in seiner Zeile nicht geschlossen",
            hint=f"Setzen Sie das schließende Anführungszeichen am Ende des Textes in Zeile {line}; so "
            f"liest YAML bis zum nächsten Anführungszeichen in Zeile {closed} weiter.",
        )
        return
    if exc.context and "quoted scalar" in exc.context and exc.context_mark and unclosed:
        mark = exc.context_mark
        line, col = mark.line + 1, mark.column + 1
        diags.add(
            display,
            line,
            col,
            "YAML-Syntaxfehler: Ein Text in Anführungszeichen wird nicht geschlossen",
            hint="Setzen Sie das schließende Anführungszeichen am Ende des Textes.",
        )
        return
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or ""
    hint = None if "nesting depth" in problem else _SYNTAX_HINT
    diags.add(display, line, col, _translate_problem(problem, exc.context), hint=hint)


_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[\{,])[&*][^\s*]", re.MULTILINE)
_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)(?:\s|$)", re.MULTILINE)


def _plainly_safe(text: str) -> bool:
    """A cheap proof that the event scan can find nothing: no anchor or alias, one document, shallow.

    Block nesting needs either more indentation or another '- ' per level (at most two levels per
    column), flow nesting a bracket per level; the bound below overestimates the depth.
    """
    if len(text) > 100_000 or _ANCHOR_OR_ALIAS.search(text) or _DOCUMENT_MARKER.search(text):
        return False
    widest = max((len(ln) - len(ln.lstrip(" ")) + 2 * ln.count("- ") for ln in text.splitlines()), default=0)
    return 2 * widest + text.count("[") + text.count("{") + 2 < MAX_DEPTH


def _scan_events(text: str, display: str, diags: Diagnostics) -> bool:
    """Walk the event stream (no recursion) to refuse aliases, deep nesting and too many nodes."""
    depth = 0
    count = 0
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            mark = event.start_mark
            assert mark is not None  # PyYAML's parsers (Python and C) give every event its start mark
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    diags.add(
                        display,
                        mark.line + 1,
                        mark.column + 1,
                        "Mehrere YAML-Dokumente in einer Datei ('---'): erwartet wird genau eines",
                    )
                    return False
            elif isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                diags.add(
                    display,
                    mark.line + 1,
                    mark.column + 1,
                    "Anker und Aliase (&name, *name) werden in Strategiedateien nicht unterstützt",
                    hint="Schreiben Sie den Wert an jeder Stelle aus.",
                )
                return False
            elif isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    diags.add(
                        display,
                        mark.line + 1,
                        mark.column + 1,
                        f"Zu tief verschachtelt: mehr als {MAX_DEPTH} Ebenen",
                    )
                    return False
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            count += 1
            if count > MAX_NODES:
                diags.add(display, mark.line + 1, mark.column + 1, "Zu viele Elemente in einer Datei")
                return False
    except yaml.MarkedYAMLError as exc:
        _add_yaml_error(exc, display, diags, text)
        return False
    except yaml.YAMLError as exc:
        diags.add(display, 1, 1, _translate_problem(str(exc), None), hint=_SYNTAX_HINT)
        return False
    return True


_TAG_HINT = "Strategiedateien brauchen keine YAML-Markierungen (!!…); schreiben Sie den Wert einfach aus."


def _tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _date_problem(message: str) -> str:
    if "day" in message:
        return "diesen Tag gibt es in dem Monat nicht"
    if "month" in message:
        return "den Monat gibt es nicht (1 bis 12)"
    return "kein gültiges Kalenderdatum"


_PLAIN_INT = re.compile(r"-?[1-9][0-9]{0,17}")
_PLAIN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Converter:
    def __init__(self, doc: YamlDoc, diags: Diagnostics) -> None:
        self.doc = doc
        self.diags = diags
        self.constructor = yaml.constructor.SafeConstructor()

    def convert(self, node: yaml.Node | None, loc: Loc) -> Any:
        if node is None:
            return None
        self.doc.values[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in (
            "tag:yaml.org,2002:map",
            "tag:yaml.org,2002:seq",
        ):
            self._error(node, f"YAML-Markierung '{_tag(node.tag)}' wird nicht unterstützt", _TAG_HINT)
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self._error(key_node, "Ein Schlüssel muss ein einfacher Text sein")
                    continue
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self._error(key_node, "Zusammenführen mit '<<' wird nicht unterstützt")
                    continue
                key = self._scalar(key_node)
                if not isinstance(key, str | int):
                    key = str(key)
                if key in result:
                    first = self.doc.keys.get((*loc, key), (0, 0))
                    self._error(
                        key_node,
                        f"Schlüssel '{key}' kommt doppelt vor (zuerst in Zeile {first[0]})",
                        hint="Jeder Schlüssel darf in einer Zuordnung nur einmal stehen.",
                    )
                    continue
                self.doc.keys[(*loc, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                result[key] = self.convert(value_node, (*loc, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*loc, i)) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        tag = node.tag
        # fast paths for what strategy files are made of (same results as PyYAML's constructor)
        if tag == "tag:yaml.org,2002:str":
            return node.value
        if tag == "tag:yaml.org,2002:int" and _PLAIN_INT.fullmatch(node.value):
            return int(node.value)
        if tag == "tag:yaml.org,2002:timestamp" and _PLAIN_DATE.fullmatch(node.value):
            try:
                return dt.date(int(node.value[:4]), int(node.value[5:7]), int(node.value[8:10]))
            except ValueError as exc:
                self._error(node, f"Ungültiges Datum '{node.value}': {_date_problem(str(exc))}")
                return None
        if tag not in _SCALAR_TAGS:
            self._error(node, f"YAML-Markierung '{_tag(node.tag)}' wird nicht unterstützt", _TAG_HINT)
            return None
        try:
            value = self.constructor.construct_object(node, deep=True)
            if isinstance(value, float) and value == value and abs(value) != float("inf"):
                # keep the digits as written: 45.000 is not 45.0 when it may be a thousands separator
                try:
                    return Decimal(str(node.value).replace("_", ""))
                except ArithmeticError:
                    return value
            return value
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            if node.tag == "tag:yaml.org,2002:timestamp":
                self._error(node, f"Ungültiges Datum '{node.value}': {_date_problem(str(exc))}")
            else:
                cause = "zu viele Ziffern" if "digits" in str(exc) else "kein gültiger Wert dieser Art"
                self._error(node, f"Wert kann nicht gelesen werden: '{str(node.value)[:40]}' ({cause})")
            return None

    def _error(self, node: yaml.Node, message: str, hint: str | None = None) -> None:
        self.diags.add(
            self.doc.display, node.start_mark.line + 1, node.start_mark.column + 1, message, hint=hint
        )
