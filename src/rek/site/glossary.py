"""The glossary of the strategy's terms (strategy.yaml 'glossary'): a page "Begriffe" and a link from the
first occurrence of each term on every generated page to its explanation.

Links are only set in running text of rek's Markdown: never in headings, tables, raw HTML, code, or inside
an existing link, so the page's structure and the user's own links stay as they are. A link's text is the
term itself, so a screen reader announces it as a link to the term; the explanation is a description
list (dt/dd) on the glossary page.
"""

from __future__ import annotations

import posixpath
import re
from functools import cached_property
from html import escape
from typing import Any

GLOSSARY_PAGE = "begriffe.md"
_LINKABLE = re.compile(r"[\w .,·'’/+-]+")
# what must stay as it is within a line: inline code, links and images, autolinks, HTML tags
_PROTECTED = re.compile(r"`[^`]*`|!?\[[^\]]*\]\([^)]*\)|<[^>]*>|\[[^\]]*\]")


def anchor(term: str) -> str:
    return "begriff-" + re.sub(r"[^a-z0-9äöüß]+", "-", term.casefold()).strip("-")


def page(strategy: Any) -> str:
    terms = sorted(strategy.glossary, key=lambda g: g.term.casefold())
    out = [
        "# Begriffe",
        "",
        "Hier stehen schwere Wörter aus der Strategie. Jedes Wort hat eine kurze Erklärung. Auf den "
        "anderen Seiten führt das Wort selbst als Verweis hierher.",
        "",
        '<dl class="rek-glossary">',
    ]
    for g in terms:
        also = f" (auch: {escape(', '.join(g.synonyms))})" if g.synonyms else ""
        out += [
            f'<dt id="{anchor(g.term)}">{escape(g.term)}</dt>',
            f"<dd>{escape(g.explanation)}{also}</dd>",
        ]
    out += ["</dl>", ""]
    return "\n".join(out)


class Linker:
    """Links the first occurrence of every glossary term on a page (terms and their other spellings)."""

    def __init__(self, strategy: Any) -> None:
        self.forms: dict[str, str] = {}  # spelling -> anchor
        for g in strategy.glossary:
            for form in (g.term, *g.synonyms):
                if _LINKABLE.fullmatch(form):  # no Markdown syntax in a link text rek writes
                    self.forms.setdefault(form, anchor(g.term))

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        if not self.forms:
            return None
        alternatives = "|".join(re.escape(f) for f in sorted(self.forms, key=len, reverse=True))
        return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])")

    def link(self, relative: str, markdown: str) -> str:
        """The page's Markdown with the first occurrence of each term linked to the glossary."""
        if self.pattern is None or relative == GLOSSARY_PAGE:
            return markdown
        target = posixpath.relpath(GLOSSARY_PAGE, posixpath.dirname(relative) or ".")
        done: set[str] = set()
        lines = markdown.split("\n")
        fence = html = False
        front = lines[:1] == ["---"]
        for i, line in enumerate(lines):
            stripped = line.lstrip()
            if front:  # YAML front matter of a content page
                front = not (i > 0 and line == "---")
                continue
            if stripped.startswith(("```", "~~~")):
                fence = not fence
            if not stripped:
                html = False  # a raw HTML block ends at a blank line
                continue
            if stripped.startswith("<"):
                html = True
            if fence or html or stripped.startswith(("#", "|", "!!!", "`")) or line.startswith("    "):
                continue
            lines[i] = self._line(line, target, done)
        return "\n".join(lines)

    def _line(self, line: str, target: str, done: set[str]) -> str:
        assert self.pattern is not None
        out, last = [], 0
        for match in _PROTECTED.finditer(line):
            out.append(self._gap(line[last : match.start()], target, done))
            out.append(match.group(0))
            last = match.end()
        out.append(self._gap(line[last:], target, done))
        return "".join(out)

    def _gap(self, text: str, target: str, done: set[str]) -> str:
        assert self.pattern is not None

        def replace(match: re.Match[str]) -> str:
            key = self.forms[match.group(1)]
            if key in done:
                return match.group(0)
            done.add(key)
            return f"[{match.group(1)}]({target}#{key})"

        return self.pattern.sub(replace, text)
