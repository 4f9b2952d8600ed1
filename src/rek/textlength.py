"""How long a Markdown text is for a reader: characters with spaces, markup left out.

Funding portals count the characters of a form field as typed; rek counts the text a reader sees
(CommonMark parsed by markdown-it-py, so emphasis marks, link targets and list bullets do not count).
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt

_WS = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def plain_text(markdown: str) -> str:
    """The text of a Markdown string as a reader sees it, paragraphs separated by blank lines."""
    blocks: list[str] = []
    current: list[str] = []
    for token in _parser().parse(markdown or ""):
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    current.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    current.append(" ")
        elif token.type in ("code_block", "fence"):
            current.append(token.content)
        elif token.type in (
            "paragraph_close",
            "heading_close",
            "code_block",
            "fence",
            "th_close",
            "td_close",
        ):
            text = _WS.sub(" ", "".join(current)).strip()
            if text:
                blocks.append(text)
            current = []
    rest = _WS.sub(" ", "".join(current)).strip()
    if rest:
        blocks.append(rest)
    return "\n\n".join(blocks)


def visible_chars(markdown: str) -> int:
    """Characters with spaces as counted in a form: paragraphs joined by one line break."""
    return len(plain_text(markdown).replace("\n\n", "\n"))
