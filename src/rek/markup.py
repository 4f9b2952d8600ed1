"""What a text is: one CommonMark parser, an allow-list of constructs, and Markdown re-emitted from tokens.

Every Markdown field and every page of content/ is parsed once with markdown-it-py (CommonMark plus
pipe tables). ``problems`` lists every construct outside the allow-list (raw HTML, images outside
assets/, links to other schemes, link titles, …) with its line in the text. ``render`` writes the
accepted tokens back as plain Markdown that Python-Markdown (MkDocs) and Pandoc read the same way:
text escaped character by character, one line per paragraph, four-space indentation in lists. So
nothing that the check did not see can reach an engine.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED = (
    "Absätze, *kursiv*, **fett**, Listen mit '-' oder '1.', Überschriften mit '#', `Code`, "
    "Tabellen mit '|', Zitate mit '>' und Links auf https://…, http://…, mailto:… oder relative Seiten"
)
LINK_SCHEMES = ("https", "http", "mailto")
IMAGE_FOLDER = "assets/"


class _Markdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        return True  # every link becomes a token; rek decides below what is allowed


_md = _Markdown("commonmark", {"html": True}).enable("table")


class MarkdownText:
    """Marker in the metadata of the model's ``Markdown`` type: such a field is parsed and re-emitted here."""


MARKDOWN = MarkdownText()


@dataclass(frozen=True)
class Problem:
    line: int  # 0-based line in the text
    snippet: str  # text to look for on that line, for the column
    message: str


@dataclass(frozen=True)
class Parsed:
    tokens: tuple[Token, ...]
    references: tuple[tuple[str, str, int], ...]  # label, destination, line


@lru_cache(maxsize=16384)
def parse(text: str) -> Parsed:
    env: dict = {}
    tokens = _md.parse(text, env)
    refs = tuple(
        (label, str(ref.get("href", "")), int((ref.get("map") or [0])[0]))
        for label, ref in (env.get("references") or {}).items()
    )
    return Parsed(tuple(tokens), refs)


# --- destinations ---------------------------------------------------------------------------------

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def plain_destination(url: str) -> str:
    """The destination as a browser would see it: percent and entity decoded, no whitespace, lower case."""
    text = url
    for _ in range(3):
        decoded = html.unescape(urllib.parse.unquote(text))
        if decoded == text:
            break
        text = decoded
    return _INVISIBLE.sub("", text).lower()


# an e-mail address as a mailto: link may carry it: one '@', no '?', '&', '%', '=' or spaces (no
# headers such as ?cc= or ?body=), a domain name with a dot and a top-level domain of letters
EMAIL_RE = re.compile(
    r"(?=.{6,254}$)(?=[^@]{1,64}@)[A-Za-z0-9+_-]+(?:\.[A-Za-z0-9+_-]+)*"
    r"@(?:[^\W_](?:[^\W_]|-){0,62}\.)+[^\W\d_]{2,63}"
)


def is_email(value: str) -> bool:
    """Whether value is an e-mail address that a mailto: link may be built from."""
    return EMAIL_RE.fullmatch(value) is not None


def link_problem(url: str) -> str | None:
    """Why a link destination is refused, or None."""
    plain = plain_destination(url)
    scheme = _SCHEME.match(plain)
    if scheme:
        if scheme.group(1) not in LINK_SCHEMES:
            return f"Links mit der Adressart '{scheme.group(1)}:' sind nicht erlaubt"
        raw = url.strip()[len("mailto:") :]  # as written, too: no '%20' or '&#64;' the decoding removed
        if scheme.group(1) == "mailto" and not (is_email(plain[len("mailto:") :]) and is_email(raw)):
            return (
                "Links mit mailto: nur auf genau eine E-Mail-Adresse wie 'mailto:poststelle@landkreis-muster.de' "
                "(ohne '?', '&', '%', '=' und Leerzeichen, also ohne Zusätze wie ?subject= oder ?cc=)"
            )
        if scheme.group(1) != "mailto" and not re.match(r"^https?://[^/?#\\]", plain):
            return "Link ohne Rechnername nach https://"
        return None
    if plain.startswith(("//", "\\", "/\\")) or "\\" in plain:
        return "Links auf andere Rechner brauchen https:// (gefunden: eine Adresse ohne Adressart)"
    if ":" in plain.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return "Links mit unbekannter Adressart sind nicht erlaubt"
    return None


def image_problem(src: str, images: Callable[[str], str | None] | None) -> str | None:
    plain = plain_destination(src)
    if images is None:
        return (
            "Bilder sind nur auf Seiten in content/ erlaubt (aus dem Ordner assets/); in YAML-Texten "
            "sind sie nicht erlaubt"
        )
    if not re.fullmatch(r"assets/(?:[a-z0-9_][a-z0-9._-]*/)*[a-z0-9_][a-z0-9._-]*", plain) or ".." in plain:
        return f"Bilder nur aus dem Projektordner assets/ (z. B. 'assets/karte.png'); gefunden: '{src[:60]}'"
    return images(urllib.parse.unquote(src))


# --- the check ------------------------------------------------------------------------------------

_BLOCKS = {
    "paragraph_open",
    "paragraph_close",
    "inline",
    "heading_open",
    "heading_close",
    "bullet_list_open",
    "bullet_list_close",
    "ordered_list_open",
    "ordered_list_close",
    "list_item_open",
    "list_item_close",
    "blockquote_open",
    "blockquote_close",
    "hr",
    "table_open",
    "table_close",
    "thead_open",
    "thead_close",
    "tbody_open",
    "tbody_close",
    "tr_open",
    "tr_close",
    "th_open",
    "th_close",
    "td_open",
    "td_close",
}
_INLINES = {
    "text",
    "softbreak",
    "hardbreak",
    "em_open",
    "em_close",
    "strong_open",
    "strong_close",
    "code_inline",
    "link_open",
    "link_close",
    "image",
}


# every refused construct needs one of these: '<' (HTML, autolinks), '[' or ']' (links, images,
# definitions), a fence, an indented line (code blocks), or a code span in a table
_NEEDS_PARSE = re.compile(r"[<\[\]]|```|~~~|^(?: {0,3}\t| {4})", re.M)


def problems(text: str, *, images: Callable[[str], str | None] | None = None) -> list[Problem]:
    """Every construct of text outside the allow-list (images: checker for assets/ paths, None: none)."""
    if not _NEEDS_PARSE.search(text) and not ("`" in text and "|" in text):
        return []  # nothing in it can be refused (the property tests compare with the full parse)
    return full_problems(text, images=images)


def full_problems(text: str, *, images: Callable[[str], str | None] | None = None) -> list[Problem]:
    """``problems`` without the shortcut: always parse."""
    parsed = parse(text)
    found: list[Problem] = []
    line = 0
    in_table = 0
    for token in parsed.tokens:
        if token.map:
            line = token.map[0]
        if token.type == "table_open":
            in_table += 1
        elif token.type == "table_close":
            in_table -= 1
        if token.type not in _BLOCKS:
            if token.type in ("code_block", "fence"):
                found.append(
                    Problem(
                        line,
                        token.markup if token.type == "fence" else "",
                        "Codeblöcke (eingerückt oder mit ``` ) sind in Texten nicht erlaubt; schreiben Sie Code "
                        "mit `Backticks` im Satz, und rücken Sie Absätze nicht mit vier Leerzeichen ein",
                    )
                )
            elif token.type == "html_block":
                snippet = token.content.strip().splitlines()[0][:40] if token.content.strip() else "<"
                found.append(
                    Problem(line, snippet, f"HTML ist in Texten nicht erlaubt (gefunden: {snippet})")
                )
            else:
                found.append(Problem(line, "", f"Nicht erlaubter Baustein '{token.type}'"))
            continue
        if token.type == "inline":
            found.extend(_inline_problems(token.children or [], line, images, in_table > 0))
    for label, href, ref_line in parsed.references:
        reason = link_problem(href)
        if reason:
            found.append(Problem(ref_line, label[:40], f"Linkdefinition [{label[:40]}]: {reason}"))
    return found


def _inline_problems(
    children: list[Token], line: int, images: Callable[[str], str | None] | None, in_table: bool
) -> list[Problem]:
    found: list[Problem] = []
    for child in children:
        if child.type == "html_inline":
            if child.content.startswith("</") and any(p.message.startswith("HTML") for p in found):
                continue  # the opening tag was reported already
            found.append(
                Problem(
                    line,
                    child.content[:40],
                    f"HTML ist in Texten nicht erlaubt (gefunden: {child.content[:40]})",
                )
            )
        elif child.type not in _INLINES:
            found.append(Problem(line, child.content[:40], f"Nicht erlaubter Baustein '{child.type}'"))
        elif child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            reason = link_problem(href)
            if reason:
                snippet = "<" if child.markup == "autolink" else "]("
                found.append(Problem(line, snippet, f"{reason} (gefunden: {href[:40]})"))
            if child.attrs.get("title"):
                found.append(
                    Problem(
                        line,
                        str(child.attrs["title"])[:40],
                        "Linktitel in Anführungszeichen sind nicht erlaubt",
                    )
                )
        elif child.type == "image":
            src = str(child.attrs.get("src", ""))
            reason = image_problem(src, images)
            if reason:
                found.append(Problem(line, "![", reason))
            if child.attrs.get("title"):
                found.append(Problem(line, "![", "Bildtitel in Anführungszeichen sind nicht erlaubt"))
        elif child.type == "code_inline" and in_table and "|" in child.content:
            found.append(
                Problem(line, "`", "In Tabellenzellen darf Code keinen senkrechten Strich '|' enthalten")
            )
    return found


# --- re-emitting ----------------------------------------------------------------------------------

_ESCAPE = re.compile(r"([\\`*_{}\[\]#|~^$!@])")
_WS = re.compile(r"[ \t\r\n\f\v]+")
_LINE_START = re.compile(r"^(?:([-+=>:%(])|([A-Za-z]{1,6}|\d{1,9})([.)])(?=\s|$))")
_URL_SAFE = "/:?#@!$&'*+,;=%-._~"


def escape(text: str) -> str:
    """Plain text for inline Markdown: every character with a meaning escaped, whitespace folded."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _ESCAPE.sub(r"\\\1", _WS.sub(" ", text))


def _line_start(line: str) -> str:
    """Escape what would make a line a list, quote, heading, div or title block in one of the engines."""
    match = _LINE_START.match(line)
    if not match:
        return line
    if match.group(1):
        return "\\" + line
    cut = match.end(2)
    return line[:cut] + "\\" + line[cut:]


def _url(url: str) -> str:
    encoded = urllib.parse.quote(url, safe=_URL_SAFE)
    return encoded.replace("&", "&amp;") if html.unescape(encoded) != encoded else encoded


def _code(content: str) -> str:
    runs = [len(r) for r in re.findall(r"`+", content)]
    fence = "`" * (max(runs, default=0) + 1)
    # CommonMark strips one space at each end when both ends have one (and not everything is space)
    edge = content.startswith("`") or content.endswith("`")
    spaced = content.startswith(" ") and content.endswith(" ") and content.strip(" ") != ""
    pad = " " if edge or spaced else ""
    return f"{fence}{pad}{content}{pad}{fence}"


def _inline(children: list[Token], image_prefix: str, one_line: bool = False) -> str:
    out: list[str] = []
    for child in children:
        kind = child.type
        if kind == "text":
            out.append(escape(child.content))
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            # a break at the start, after another break or at the end would become an empty line, i.e. a
            # new paragraph, when read again: only a break between two pieces of text is kept
            if out and out[-1] not in (" ", "  \n"):
                out.append(" " if one_line else "  \n")
        elif kind in ("em_open", "em_close"):
            out.append("*")
        elif kind in ("strong_open", "strong_close"):
            out.append("**")
        elif kind == "code_inline":
            out.append(_code(child.content))
        elif kind == "link_open":
            out.append("[")
            href = str(child.attrs.get("href", ""))
            out_href = _url(href)
        elif kind == "link_close":
            out.append(f"]({out_href})")
        elif kind == "image":
            alt = escape("".join(c.content for c in child.children or []))
            src = urllib.parse.unquote(str(child.attrs.get("src", "")))
            out.append(f"![{alt}]({_url(image_prefix + src[len(IMAGE_FOLDER) :])})")
    while out and out[-1] == "  \n":
        out.pop()
    lines = "".join(out).split("\n")
    return "\n".join(_line_start(ln.lstrip(" ")) for ln in lines)


def render(text: str, level: int = 0, image_prefix: str = "") -> str:
    """The accepted text as safe Markdown; ATX headings pushed down by ``level`` (at most h6).

    Only call on text that ``problems`` accepted; anything outside the allow-list is left out here.
    """
    return _render(text, level, image_prefix)


@lru_cache(maxsize=16384)
def _render(text: str, level: int, image_prefix: str) -> str:
    tokens = list(parse(text).tokens)
    blocks, _ = _blocks(tokens, 0, None, level, image_prefix)
    return "\n\n".join(blocks)


def _blocks(
    tokens: list[Token], start: int, until: str | None, level: int, image_prefix: str
) -> tuple[list[str], int]:
    """Render block tokens from start until the closing token type; return the blocks and the next index."""
    blocks: list[str] = []
    i = start
    last, alternate = "", False
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind not in ("bullet_list_open", "ordered_list_open"):
            last = kind
        if until is not None and kind == until:
            return blocks, i + 1
        if kind == "paragraph_open":
            blocks.append(_inline(tokens[i + 1].children or [], image_prefix))
            i += 3
        elif kind == "heading_open":
            depth = min(6, int(token.tag[1]) + level)
            blocks.append("#" * depth + " " + _inline(tokens[i + 1].children or [], image_prefix, True))
            i += 3
        elif kind in ("bullet_list_open", "ordered_list_open"):
            # two lists in a row stay two lists: the second one takes the other marker
            alternate = kind == last and not alternate
            text, i = _list(tokens, i, level, image_prefix, alternate)
            blocks.append(text)
            last = kind
        elif kind == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, "blockquote_close", level, image_prefix)
            body = "\n\n".join(inner)
            blocks.append("\n".join(("> " + ln) if ln else ">" for ln in body.split("\n")))
        elif kind == "hr":
            blocks.append("* * *")
            i += 1
        elif kind == "table_open":
            text, i = _table(tokens, i, image_prefix)
            blocks.append(text)
        else:  # refused by problems(); never emitted
            i += 1
    return [b for b in blocks if b], i


def _list(
    tokens: list[Token], i: int, level: int, image_prefix: str, alternate: bool = False
) -> tuple[str, int]:
    opener = tokens[i]
    ordered = opener.type == "ordered_list_open"
    close = "ordered_list_close" if ordered else "bullet_list_close"
    number = int(opener.attrs.get("start", 1) or 1) if ordered else 0
    tight = False
    items: list[str] = []
    i += 1
    while tokens[i].type != close:
        # list_item_open
        if i + 1 < len(tokens) and tokens[i + 1].type == "paragraph_open" and tokens[i + 1].hidden:
            tight = True
        inner, i = _blocks(tokens, i + 1, "list_item_close", level, image_prefix)
        if ordered:
            marker = f"{number}{')' if alternate else '.'}" + " " * max(1, 3 - len(str(number)))
        else:
            marker = "*   " if alternate else "-   "
        number += 1
        body = ("\n" if tight else "\n\n").join(inner) if inner else ""
        lines = body.split("\n")
        item = marker + lines[0] + "".join("\n" + ("    " + ln if ln else "") for ln in lines[1:])
        items.append(item.rstrip())
    return ("\n" if tight else "\n\n").join(items), i + 1


def _table(tokens: list[Token], i: int, image_prefix: str) -> tuple[str, int]:
    rows: list[list[str]] = []
    aligns: list[str] = []
    head = True
    i += 1
    row: list[str] = []
    while tokens[i].type != "table_close":
        kind = tokens[i].type
        if kind in ("th_open", "td_open"):
            if head:
                aligns.append(str(tokens[i].attrs.get("style", "")))
            cell = _inline(tokens[i + 1].children or [], image_prefix, True)
            row.append(cell.strip() or " ")
            i += 3
            continue
        if kind == "tr_close":
            rows.append(row)
            row = []
        elif kind == "thead_close":
            head = False
        i += 1
    rule = []
    for style in aligns:
        if "center" in style:
            rule.append(":---:")
        elif "right" in style:
            rule.append("---:")
        elif "left" in style:
            rule.append(":---")
        else:
            rule.append("---")
    width = len(aligns)
    lines = ["| " + " | ".join((r + [" "] * width)[:width]) + " |" for r in rows]
    lines.insert(1, "| " + " | ".join(rule) + " |")
    return "\n".join(lines), i + 1


def heading_text(text: str) -> str | None:
    """The plain text of the first level-1 heading (the page title), or None."""
    tokens = parse(text).tokens
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            return "".join(
                c.content for c in (tokens[index + 1].children or []) if c.type in ("text", "code_inline")
            ).strip()
    return None
