"""The portal's "Projekttexte": one plain-text block per form field, the application's sections in its order.

Funding portals take the texts of an application in form fields with a character limit. This file has
one block per section of the call, in the order of the PDF and the Word document, ready to paste: the
section as the application prints it (headings, paragraphs, lists, notes), its tables as readable
lines (a key/value table as "Schlüssel: Wert", any other table as one line per row, "Spalte Wert"
after its first cell: the work plan as a line per measure with its dates and milestones, the risks with
title, rating and response, the financing with its totals). Each block is headed by "N von M Zeichen",
where N is the length of exactly the text below it and M the section's limit in the call.

The text is read from the section's Markdown as rendered for the documents, so nothing the documents
print is missing here and the order is theirs; figures (charts) are left out, their figures stand in the
tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .. import formatting as fmt
from ..diagnostics import Diagnostic
from ..plan import Plan, SectionPlan
from .document import Application

RULE = "=" * 72
NO_TEXT = "(Dieser Abschnitt enthält keinen Text.)"
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2011": "-"})


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


@dataclass(frozen=True)
class FormField:
    """One form field: the section of the call, its text as pasted, and the section's limit."""

    plan: SectionPlan
    text: str
    limit: int | None

    @property
    def chars(self) -> int:
        """Characters with spaces of the field, as the portal counts them (a line break counts one)."""
        return len(self.text)


def limit_line(chars: int, limit: int | None) -> str:
    if limit is None:
        return f"{fmt.number(chars)} Zeichen (keine Grenze im Aufruf)"
    over = " – zu lang" if chars > limit else ""
    return f"{fmt.number(chars)} von {fmt.number(limit)} Zeichen{over}"


def count_line(sp: SectionPlan, chars_per_page: int) -> str:
    """The prose of a section (the strategy's own texts, as the formal check counts them) against its limit."""
    return limit_line(sp.chars, sp.limit(chars_per_page))


def _inline(token: Token) -> str:
    """The text of an inline token as a reader sees it (emphasis marks, link targets and images left out)."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).translate(_SPACES).split())


def _table_lines(header: list[str], rows: list[list[str]]) -> list[str]:
    """A table as lines: "key: value" for a key/value table, else one line per row with its column names."""
    lines = []
    for row in rows:
        first, rest = row[0], row[1:]
        if not any(header):
            lines.append(f"{first}: {', '.join(cell for cell in rest if cell)}" if rest else first)
            continue
        named = [f"{name} {cell}".strip() for name, cell in zip(header[1:], rest, strict=False) if cell]
        lines.append(f"{first}: {', '.join(named)}" if named else first)
    return lines


def section_text(markdown: str) -> str:
    """The plain text of one section's Markdown for its form field (without the section's own title)."""
    tokens = _parser().parse(markdown)
    out: list[str] = []
    depth_list: list[str] = []  # the open lists: bullet marks
    header: list[str] = []
    rows: list[list[str]] = []
    in_head = False
    first_heading = True
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind == "heading_open":
            text = _inline(tokens[i + 1])
            if not (first_heading and token.tag == "h1"):
                out.append(text)
            first_heading = False
            i += 3
            continue
        first_heading = False
        if kind in ("bullet_list_open", "ordered_list_open"):
            depth_list.append("•" if kind == "bullet_list_open" else "1.")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth_list.pop()
        elif kind == "inline" and not header and not rows and not in_head:
            text = _inline(token)
            if text:
                inside_item = any(t.type == "list_item_open" for t in tokens[max(i - 2, 0) : i])
                if depth_list and inside_item:
                    indent = "  " * (len(depth_list) - 1)
                    out.append(f"{indent}{'•' if depth_list[-1] == '•' else '–'} {text}")
                else:
                    out.append(("  " * len(depth_list)) + text if depth_list else text)
        elif kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            if not in_head:
                rows.append([])
        elif kind in ("th_open", "td_open"):
            cell = _inline(tokens[i + 1])
            if in_head:
                header.append(cell)
            else:
                rows[-1].append(cell)
            i += 3
            continue
        elif kind == "table_close":
            out.extend(_table_lines(header, rows))
            header, rows = [], []
        elif kind in ("fence", "code_block"):
            out.append(token.content.rstrip("\n"))
        i += 1
    return "\n".join(line for line in out if line.strip())


def form_fields(app: Application) -> list[FormField]:
    """One field per section of the call, in the application's order."""
    call = app.call
    return [
        FormField(sp, section_text(rendered.markdown), sp.limit(call.chars_per_page))
        for sp, rendered in zip(app.plan.sections, app.sections, strict=True)
    ]


def field_findings(app: Application, fields: list[FormField] | None = None) -> list[Diagnostic]:
    """A warning for each form field longer than its section's limit once its tables are text.

    The formal check (``checks.py``) counts the strategy's own prose of a section and refuses a section
    whose prose alone is too long; this is the field as pasted into the portal, tables included, at the
    section's limit in the call file.
    """
    call = app.call
    project = app.plan.project
    found = []
    for field in fields if fields is not None else form_fields(app):
        sp, limit = field.plan, field.limit
        if limit is None or field.chars <= limit or sp.chars > limit:
            continue  # no limit, short enough, or already an error of the formal check
        key = "max_chars" if limit == sp.section.max_chars else "max_pages"
        path, line, col = project.position("call", call.id, ("sections", sp.index, key))
        found.append(
            Diagnostic(
                path,
                line,
                col,
                f"Abschnitt '{sp.section.title}': das Formularfeld (Text und Tabellen als Zeilen, wie in "
                f"projekttexte.txt) hat {fmt.number(field.chars)} Zeichen, erlaubt sind {fmt.number(limit)}",
                "warning",
                hint=f"Der Fließtext allein hat {fmt.number(sp.chars)} Zeichen; kürzen Sie um "
                f"{fmt.number(field.chars - limit)} Zeichen oder reichen Sie die Tabellen als Anlage ein, "
                "wenn der Aufruf das erlaubt.",
            )
        )
    return found


def form_texts(app: Application, fields: list[FormField] | None = None) -> str:
    plan: Plan = app.plan
    call = app.call
    fields = fields if fields is not None else form_fields(app)
    out = [
        f"Projekttexte für das Bewerbungsformular: {plan.project.strategy.title}",
        f"Förderaufruf: {call.name}",
        "Ein Block je Formularfeld, in der Reihenfolge des Antrags (PDF und Word-Dokument); Tabellen als "
        "Zeilen. Die Zählung gilt für genau den Text darunter (Zeichen mit Leerzeichen, jeder "
        "Zeilenumbruch zählt als ein Zeichen).",
        f"Insgesamt {fmt.number(sum(f.chars for f in fields))} Zeichen in {len(fields)} Feldern.",
        "",
    ]
    for number, field in enumerate(fields, start=1):
        out += [RULE, f"{number}. {field.plan.section.title}", limit_line(field.chars, field.limit), RULE]
        out.append(field.text or NO_TEXT)
        out.append("")
    return "\n".join(out)


def write_form_texts(app: Application, path: Path, fields: list[FormField] | None = None) -> None:
    path.write_text(form_texts(app, fields), encoding="utf-8")
