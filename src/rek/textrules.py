"""Rules for text taken from YAML and content/: what a Markdown text may contain, and no hidden characters.

Every string is checked for control characters, bidirectional controls (Trojan Source) and invisible or
format characters (``invisible``: one rule, with the emoji joiners and the soft hyphen allowed); in
Markdown, character references such as ``&#x202E;`` are held to the same rule. Fields typed
``Markdown`` in the model, and the pages of content/, are parsed with the one parser of ``markup``;
everything outside its allow-list is refused here, at ``rek check``, with its line and column. Renderers
write only what ``markup.render`` re-emits from the parsed tokens, and escape plain-text fields.
"""

from __future__ import annotations

import functools
import html
import re
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel

from . import invisible, markup
from .diagnostics import Diagnostics
from .validation import field_name
from .yamlsource import Loc, YamlDoc

# one rule for every string: control, bidirectional and invisible characters (see ``invisible``)
BIDI = invisible.BIDI
CONTROL_HINT = invisible.CONTROL_HINT
BIDI_HINT = invisible.BIDI_HINT


def _strings(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield loc, key
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))


def hidden_character(text: str) -> tuple[int, str, str] | None:
    """(index, message, hint) of the first control, bidirectional or invisible character in text, or None."""
    return invisible.find_hidden(text)


_REFERENCE = re.compile(r"&(?:#[xX][0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});")


def hidden_reference(text: str) -> tuple[int, str, str, str] | None:
    """(index, reference, message, hint) of the first character reference (&#x202E;) that stands for a
    refused character: Markdown decodes references, so they are held to the same rule."""
    if "&" not in text:
        return None
    for match in _REFERENCE.finditer(text):
        decoded = html.unescape(match.group(0))
        if decoded == match.group(0):
            continue
        found = invisible.find_hidden(decoded)
        if found:
            return match.start(), match.group(0), found[1], found[2]
    return None


_BREAKS = re.compile("[\n\r\x85\u2028\u2029]")


def _locate(doc: YamlDoc, loc: Loc, text: str, index: int) -> tuple[int, int]:
    """Line and column of text[index] in the file: the character itself where it stands literally,
    else (an escape such as \\u200b) the start of the text before it."""
    line, col = doc.position(loc)
    char = text[index]
    prefix = _BREAKS.split(text[:index])[-1][-20:]
    last = min(line + 2000, len(doc.lines) + 1)
    for snippet, shift in ((prefix + char, len(prefix)), (char, 0)):
        if not snippet or _BREAKS.match(char):
            continue
        for number in range(line, last):
            found = doc.lines[number - 1].find(snippet, col - 1 if number == line else 0)
            if found >= 0:
                return number, found + shift + 1
    if _BREAKS.match(char) and prefix:  # a line separator ends its line in the file
        for number in range(line, last):
            text_line = doc.lines[number - 1]
            if text_line.endswith(prefix):
                return number, len(text_line) + 1
    return doc.find_text(loc, text[max(0, index - 20) : index] or text[index : index + 1])


def _is_markdown(annotation: Any) -> bool:
    return typing.get_origin(annotation) is typing.Annotated and any(
        isinstance(meta, markup.MarkdownText) for meta in annotation.__metadata__
    )


def _arms(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Annotated:
        return [typing.get_args(annotation)[0]] if not _is_markdown(annotation) else [annotation]
    return [annotation]


@functools.cache
def _has_markdown(annotation: Any) -> bool:
    """Whether a Markdown field can occur anywhere below a type (so the walk can skip the rest)."""
    for arm in _arms(annotation):
        if _is_markdown(arm):
            return True
        if isinstance(arm, type) and issubclass(arm, BaseModel):
            if any(
                _field_is_markdown(info) or _has_markdown(info.annotation)  # type: ignore[arg-type]  # mypy takes a class for unhashable (python/mypy#20409)
                for info in arm.model_fields.values()
            ):
                return True
        elif typing.get_origin(arm) in (list, dict) and any(_has_markdown(a) for a in typing.get_args(arm)):
            return True
    return False


def _field_is_markdown(info: Any) -> bool:
    return any(isinstance(meta, markup.MarkdownText) for meta in info.metadata)


def markdown_fields(annotation: Any, data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """(loc, text) of every value in raw YAML data that the model types as Markdown."""
    if not _has_markdown(annotation):
        return
    for arm in _arms(annotation):
        if _is_markdown(arm):
            if isinstance(data, str):
                yield loc, data
            continue
        origin = typing.get_origin(arm)
        if isinstance(arm, type) and issubclass(arm, BaseModel) and isinstance(data, dict):
            for name, info in arm.model_fields.items():
                key = info.alias or name
                if key not in data:
                    continue
                if _field_is_markdown(info):
                    if isinstance(data[key], str):
                        yield (*loc, key), data[key]
                    continue
                yield from markdown_fields(info.annotation, data[key], (*loc, key))
            return
        if origin is list and isinstance(data, list):
            (inner,) = typing.get_args(arm) or (Any,)
            for index, item in enumerate(data):
                yield from markdown_fields(inner, item, (*loc, index))
            return
        if origin is dict and isinstance(data, dict):
            inner = typing.get_args(arm)[1]
            for key, item in data.items():
                yield from markdown_fields(inner, item, (*loc, key))
            return


def check_text(doc: YamlDoc, diags: Diagnostics, model: Any = None) -> None:
    """Check every string of a YAML document; with a model, parse its Markdown fields too."""
    for loc, text in _strings(doc.data, ()):
        found = hidden_character(text)
        if found:
            index, message, hint = found
            line, col = _locate(doc, loc, text, index)
            diags.add(doc.display, line, col, f"Feld '{field_name(loc)}': {message}", hint=hint)
    if model is None:
        return
    for loc, text in markdown_fields(model, doc.data):
        reference = hidden_reference(text)
        if reference:
            index, ref, message, hint = reference
            line, col = doc.find_text(loc, ref)
            diags.add(
                doc.display,
                line,
                col,
                f"Feld '{field_name(loc)}': Zeichenreferenz '{ref}': {message}",
                hint=hint,
            )
        start_line, start_col = doc.position(loc)
        head = doc.lines[start_line - 1][start_col - 1 :] if 0 < start_line <= len(doc.lines) else ""
        if head[:1] in ("|", ">"):  # a block scalar: its text starts on the next line
            start_line += 1
        for problem in markup.problems(text):
            line, col = _find(doc.lines, start_line + problem.line, problem.snippet, start_line)
            diags.add(
                doc.display,
                line,
                col,
                f"Feld '{field_name(loc)}': {problem.message}",
                hint="Erlaubt sind " + markup.ALLOWED + ".",
            )


def _find(lines: list[str], guess: int, snippet: str, floor: int) -> tuple[int, int]:
    """Line and column of snippet near the guessed line (1-based), else the guessed line's first text."""
    candidates = [guess, *range(guess + 1, min(guess + 40, len(lines) + 1)), *range(guess - 1, floor - 1, -1)]
    if snippet:
        for number in candidates:
            if 1 <= number <= len(lines):
                index = lines[number - 1].lower().find(snippet.lower())
                if index >= 0:
                    return number, index + 1
    number = min(max(guess, 1), max(len(lines), 1))
    text = lines[number - 1] if lines else ""
    return number, len(text) - len(text.lstrip()) + 1


def check_markdown_file(
    display: str, text: str, diags: Diagnostics, images: Callable[[str], str | None] | None = None
) -> None:
    """Check a hand-written Markdown page of content/ (text without its front matter)."""
    lines = text.splitlines()
    # lines counted by line feeds here: splitlines() would also split at U+2028 and hide it
    reported = 0
    for index, message, hint in invisible.all_hidden(text):
        number = text.count("\n", 0, index) + 1
        if number != reported:  # the first on each line
            diags.add(display, number, index - text.rfind("\n", 0, index), message, hint=hint)
            reported = number
    start = 0
    while (reference := hidden_reference(text[start:])) is not None:
        index, ref, message, hint = reference
        index += start
        number = text.count("\n", 0, index) + 1
        col = index - text.rfind("\n", 0, index)
        diags.add(display, number, col, f"Zeichenreferenz '{ref}': {message}", hint=hint)
        start = index + len(ref)
    for problem in markup.problems(text, images=images):
        line, col = _find(lines, problem.line + 1, problem.snippet, 1)
        diags.add(display, line, col, problem.message, hint="Erlaubt sind " + markup.ALLOWED + ".")
