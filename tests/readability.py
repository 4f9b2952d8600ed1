"""Readability of rek's own German sentences on the generated pages (the user's texts left out).

LIX (Björnsson): words per sentence + percentage of words longer than six letters; below 40 is easy, 40-50
medium, above 50 hard. The user's own texts are taken out of a page first: every string of the model, as
written and as rek re-emits it (escaped plain text, re-emitted Markdown at each heading level, line by
line), is replaced by a marker, and a sentence with a marker is not counted. Tables, headings, HTML and
link targets are not sentences.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+(?:[-·][A-Za-zÄÖÜäöüß]+)*")
MARK = "¤"


def user_strings(project: Any) -> list[str]:
    from rek import markup
    from rek.mdtext import text

    found: set[str] = set()

    def walk(x: Any) -> None:
        if isinstance(x, BaseModel):
            for key in type(x).model_fields:
                walk(getattr(x, key))
        elif isinstance(x, (list, tuple)):
            for item in x:
                walk(item)
        elif isinstance(x, dict):
            for k, v in x.items():
                walk(k)
                walk(v)
        elif isinstance(x, str) and len(x) > 3:
            found.add(x)

    walk(project.strategy)
    for item in (*project.action_fields, *project.measures):
        walk(item)
    found |= {page.markdown for page in project.pages}
    forms: set[str] = set()
    for value in found:
        variants = {value, text(value)}
        for level in range(4):
            with contextlib.suppress(
                Exception
            ):  # a string that is no Markdown field: its other forms suffice
                variants.add(markup.render(value, level, "assets/projekt/"))
        for v in list(variants):
            variants |= {re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line).strip() for line in v.splitlines()}
        forms |= {v for v in variants if len(v.strip()) > 3}
    return sorted(forms, key=len, reverse=True)


def own_sentences(markdown: str, users: Iterable[str]) -> list[str]:
    t = re.sub(r"(?s)\A---\n.*?\n---\n", "", markdown)
    t = re.sub(r"(?s)<svg.*?</svg>", "\n\n", t)
    t = re.sub(r"(?s)<pre.*?</pre>", "\n\n", t)
    for user in users:
        if user in t:
            t = t.replace(user, f" {MARK} ")
    t = re.sub(r"(?m)^\s*(?:\||#|!!!).*$", "\n", t)  # tables, headings, admonition titles
    t = re.sub(r"<[^>]+>", " ", t)
    t = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", t)
    t = t.replace("\\", "")
    t = re.sub(r"(?m)^\s*(?:[-*+]|\d+[.)])\s+", "\n\n", t)  # every list item on its own
    out = []
    for block in re.split(r"\n\s*\n", t):
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ])", " ".join(block.split())):
            if MARK in sentence or not sentence.endswith((".", "!", "?", ":")):
                continue
            if len(WORD.findall(sentence)) >= 4:
                out.append(sentence)
    return out


def lix(sentences: list[str]) -> float:
    words = [w for s in sentences for w in WORD.findall(s)]
    long = [w for w in words if len(w.replace("·", "").replace("-", "")) > 6]
    return len(words) / len(sentences) + 100 * len(long) / len(words)
