"""Characters a reader cannot see, and text normalised the way a reader sees it.

One rule for every string of a strategy (YAML values and keys, content pages, front matter): control
characters, bidirectional controls and invisible or format characters are refused, each named with its
code point. Allowed on purpose:

- the soft hyphen U+00AD (legitimate in German typesetting; it never hides a placeholder, see below);
- the zero-width joiner U+200D between two emoji (family, profession and flag sequences such as 👩‍💻),
  and the variation selectors U+FE0E/U+FE0F directly after an emoji (or after 0-9, # or * in a keycap
  sequence before U+20E3). Everywhere else they are refused;
- visible format characters (Arabic number signs and the like), which render as a glyph.

Refused besides the control characters (C0 without tab and line breaks, DEL, C1) and the bidirectional
controls: U+200B–U+200D, U+2060–U+2064 and U+206A–U+206F, U+FEFF (a BOM inside text), U+180E,
U+2028/U+2029, the interlinear annotation characters U+FFF9–U+FFFB, the Unicode tag characters
U+E0000–U+E007F (also in subdivision flags: they can carry hidden ASCII), variation selectors
U+FE00–U+FE0F, U+E0100–U+E01EF and U+180B–U+180D/U+180F outside emoji, the combining grapheme joiner
U+034F, the Hangul fillers U+115F, U+1160, U+3164, U+FFA0, the other invisible format controls
(U+13430–U+1343F, U+1BCA0–U+1BCA3, U+1D173–U+1D17A) and lone surrogates.

``normalise`` is what placeholder detection reads: NFKC, every invisible or format character removed
(the soft hyphen included), YAML escapes and HTML character references decoded, Markdown emphasis
markers left out; each character of the result keeps the offset of the character it came from.
"""

from __future__ import annotations

import html
import re
import unicodedata

# C0 controls except tab, line feed and carriage return; DEL; C1 controls
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# bidirectional controls reorder what a reader sees (Trojan Source, CVE-2021-42574)
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")

_NAMES: tuple[tuple[int, int, str], ...] = (
    (0x034F, 0x034F, "unsichtbares Verbindungszeichen"),
    (0x115F, 0x1160, "Hangul-Füllzeichen (unsichtbar)"),
    (0x180B, 0x180D, "Variantenselektor"),
    (0x180E, 0x180E, "mongolisches Vokaltrennzeichen (unsichtbar)"),
    (0x180F, 0x180F, "Variantenselektor"),
    (0x200B, 0x200B, "Leerzeichen ohne Breite"),
    (0x200C, 0x200C, "Bindehemmer ohne Breite"),
    (0x200D, 0x200D, "Verbinder ohne Breite außerhalb einer Emoji-Folge"),
    (0x2028, 0x2028, "Zeilentrenner"),
    (0x2029, 0x2029, "Absatztrenner"),
    (0x2060, 0x2060, "Wortverbinder"),
    (0x2061, 0x2064, "unsichtbarer Rechenoperator"),
    (0x206A, 0x206F, "veraltetes Formatzeichen"),
    (0x3164, 0x3164, "Hangul-Füllzeichen (unsichtbar)"),
    (0xD800, 0xDFFF, "einzelnes Ersatzzeichen (Surrogat)"),
    (0xFE00, 0xFE0F, "Variantenselektor außerhalb eines Emojis"),
    (0xFEFF, 0xFEFF, "Byte-Order-Markierung (BOM) im Text"),
    (0xFFA0, 0xFFA0, "Hangul-Füllzeichen (unsichtbar)"),
    (0xFFF9, 0xFFFB, "Zeichen für Interlinearanmerkungen"),
    (0x13430, 0x1343F, "unsichtbares Formatzeichen"),
    (0x1BCA0, 0x1BCA3, "unsichtbares Formatzeichen"),
    (0x1D173, 0x1D17A, "unsichtbares Formatzeichen"),
    (0xE0000, 0xE007F, "Tag-Zeichen"),
    (0xE0100, 0xE01EF, "Variantenselektor"),
)


def _class(ranges: tuple[tuple[int, int, str], ...]) -> str:
    def char(code: int) -> str:
        return f"\\U{code:08x}"

    return "".join(char(a) if a == b else f"{char(a)}-{char(b)}" for a, b, _ in ranges)


INVISIBLE = re.compile(f"[{_class(_NAMES)}]")
_SUSPECT = re.compile(f"{CONTROL.pattern}|{BIDI.pattern}|{INVISIBLE.pattern}")

# Extended_Pictographic, approximately (Python's unicodedata has no emoji properties)
EMOJI = re.compile(
    "[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u23cf"
    "\u23e9-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u27bf\u2934\u2935\u2b05-\u2b07"
    "\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299\U0001f000-\U0001faff]"
)
_KEYCAP_BASE = "0123456789#*"

ALLOWED = (
    "sichtbare Zeichen, Leerzeichen, Tabulatoren und Zeilenumbrüche, das weiche Trennzeichen (U+00AD) sowie "
    "Emoji mit ihrem Verbinder (U+200D) und Variantenselektor (U+FE0F)"
)
CONTROL_HINT = "Entfernen Sie das unsichtbare Zeichen."
BIDI_HINT = (
    "Steuerzeichen für die Schreibrichtung können Text anders zeigen, als er gespeichert ist; "
    "entfernen Sie das unsichtbare Zeichen."
)
INVISIBLE_HINT = f"Erlaubt sind {ALLOWED}; entfernen Sie das unsichtbare Zeichen."


def name(char: str) -> str:
    code = ord(char)
    for first, last, label in _NAMES:
        if first <= code <= last:
            return label
    return "unsichtbares Zeichen"


def _emoji_allows(text: str, index: int) -> bool:
    """Whether the joiner or variation selector at index belongs to an emoji sequence."""
    char = text[index]
    before = text[index - 1] if index else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if char in "\ufe0e\ufe0f":
        return bool(EMOJI.match(before)) or (before in _KEYCAP_BASE and before != "" and after == "\u20e3")
    if char == "\u200d":
        if before == "\ufe0f" and index >= 2:
            before = text[index - 2]
        return bool(EMOJI.match(before)) and bool(EMOJI.match(after))
    return False


def find_hidden(text: str, start: int = 0) -> tuple[int, str, str] | None:
    """(index, message, hint) of the first refused character in text from start, or None."""
    for match in _SUSPECT.finditer(text, start):
        char = match.group(0)
        index = match.start()
        code = f"(Code U+{ord(char):04X})"
        if CONTROL.match(char):
            return index, f"Steuerzeichen im Text {code}", CONTROL_HINT
        if BIDI.match(char):
            return index, f"Steuerzeichen für die Schreibrichtung (Trojan Source) im Text {code}", BIDI_HINT
        if char in "\u200d\ufe0e\ufe0f" and _emoji_allows(text, index):
            continue
        return index, f"Unsichtbares Zeichen im Text: {name(char)} {code}", INVISIBLE_HINT
    return None


def all_hidden(text: str) -> list[tuple[int, str, str]]:
    """Every refused character of text (index, message, hint), in order."""
    found = []
    start = 0
    while (hit := find_hidden(text, start)) is not None:
        found.append(hit)
        start = hit[0] + 1
    return found


# --- normalised text ------------------------------------------------------------------------------

# removed before matching: everything invisible, the soft hyphen, bidi and other format characters
_IGNORABLE = re.compile(f"[\u00ad{_class(_NAMES)}\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# decoded before matching, each mapped to its first character: YAML escapes in double-quoted text,
# HTML character references (Markdown decodes them), and Markdown emphasis markers (left out)
_CODED = re.compile(
    r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[_NLP \t])"
    r"|&(?:#[xX][0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});"
    r"|[*_]"
)
_YAML_SPECIAL = {"_": "\u00a0", "N": "\x85", "L": "\u2028", "P": "\u2029", " ": " ", "\t": "\t"}


def _decode(token: str) -> str:
    if token in "*_":
        return ""
    if token.startswith("&"):
        return html.unescape(token)
    if token[1] in _YAML_SPECIAL:
        return _YAML_SPECIAL[token[1]]
    try:
        return chr(int(token[2:], 16))
    except (ValueError, OverflowError):
        return token


_SPECIAL = re.compile(f"(?:{_CODED.pattern}|[^\t\n\r\x20-\x7e])+")


def normalise(text: str) -> tuple[str, list[int]]:
    """(text as a reader sees it, offset in text of each of its characters): see the module docstring."""
    out: list[str] = []
    offsets: list[int] = []
    position = 0
    for run in _SPECIAL.finditer(text):
        out.append(text[position : run.start()])  # plain ASCII stays as it is
        offsets.extend(range(position, run.start()))
        _normalise_run(text, run.start(), run.end(), out, offsets)
        position = run.end()
    out.append(text[position:])
    offsets.extend(range(position, len(text)))
    return "".join(out), offsets


def _normalise_run(text: str, start: int, end: int, out: list[str], offsets: list[int]) -> None:
    chars: list[tuple[str, int]] = []
    position = start
    for match in _CODED.finditer(text, start, end):
        chars.extend((text[i], i) for i in range(position, match.start()))
        chars.extend((char, match.start()) for char in _decode(match.group(0)))
        position = match.end()
    chars.extend((text[i], i) for i in range(position, end))
    cluster: list[str] = []
    cluster_at = 0
    if chars and unicodedata.combining(chars[0][0]) and out and out[-1]:
        last = out[-1]  # a combining mark composes with the plain letter before it (a + U+0308 = ä)
        out[-1] = last[:-1]
        cluster, cluster_at = [last[-1]], offsets.pop()

    def flush() -> None:
        if cluster:
            composed = unicodedata.normalize("NFKC", "".join(cluster))
            out.append(composed)
            offsets.extend([cluster_at] * len(composed))
            cluster.clear()

    for char, offset in chars:
        if _IGNORABLE.match(char):
            continue
        if cluster and unicodedata.combining(char):
            cluster.append(char)
            continue
        flush()
        cluster.append(char)
        cluster_at = offset
    flush()


PLACEHOLDER = re.compile(r"bitte\s+ergänzen", re.IGNORECASE)
# a value that is only a placeholder, optionally with a note: "bitte ergänzen (Telefon der Zentrale)"
_ONLY_PLACEHOLDER = re.compile(r"\s*bitte\s+ergänzen(?:\s*\([^()@]{0,200}\))?\s*", re.IGNORECASE)


def is_placeholder(value: str) -> bool:
    """Whether value is the placeholder „bitte ergänzen“ (normalised), with at most a note in brackets."""
    return _ONLY_PLACEHOLDER.fullmatch(normalise(value)[0]) is not None
