"""Tables that become stacked cards on small screens (CSS in rek.css), as HTML with Markdown cells.

The table is written as HTML so that every cell carries its column name (``data-label``), which the
small-screen style shows before the value. The cells stay Markdown (``markdown="span"``, escaped by
``mdtext.cell``), so MkDocs still resolves the links in them. Explicit ARIA roles keep the table
semantics when the small-screen style changes the display of the table elements.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from html import escape
from typing import Any, cast

from ..mdtext import Md, MdLink, cell


def page_href(page: str, target: str) -> str | None:
    """The address of a link target (relative to the Markdown page) in the built site, relative to the
    page's own address, as MkDocs writes it with directory URLs; None for what is not a page or file."""
    if not target or "://" in target or target.startswith(("mailto:", "<", "#", "/")):
        return None

    def address(path: str) -> str:
        stem = path[:-3]
        if posixpath.basename(stem) == "index":
            stem = posixpath.dirname(stem)
        return stem or "."

    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), target))
    if resolved.startswith(".."):
        return None
    here = address(page) if page.endswith(".md") else "."
    if resolved.endswith(".md"):
        relative = posixpath.relpath(address(resolved), here)
        return "./" if relative == "." else relative + "/"
    return posixpath.relpath(resolved, here)


class RawHtml(Md):
    """A cell rek wrote as HTML from escaped parts (a status with its icon): written as it is."""

    __slots__ = ()


def _html_cell(value: Any, page: str) -> str | None:
    """A cell as HTML: escaped text, or rek's own link as an anchor; None when Markdown is needed."""
    if isinstance(value, RawHtml):
        return str(value)
    if isinstance(value, MdLink):
        href = page_href(page, value.target)
        return None if href is None else f'<a href="{escape(href)}">{escape(value.label)}</a>'
    if isinstance(value, Md):
        return None
    return escape("" if value is None else str(value))


def stack_table(
    headers: Iterable[str],
    rows: Iterable[Iterable[Any]],
    align: Iterable[str] | None = None,
    *,
    wide: bool = False,
    page: str | None = None,
    row_attrs: list[dict[str, str]] | None = None,
) -> str:
    """With ``page`` (the Markdown page's path) a table whose cells are text and rek's links is written
    as plain HTML with the links resolved here; Markdown (slow for MkDocs on long tables) only otherwise."""
    rows = [list(r) for r in rows]
    if page is not None:
        html_rows = [[_html_cell(v, page) for v in r] for r in rows]
        if all(c is not None for r in html_rows for c in r):  # then the rows hold text only: the cast
            cells = [
                [(value, not value.strip()) for value in row] for row in cast("list[list[str]]", html_rows)
            ]
            return _write(list(headers), cells, align, wide=wide, markdown=False, row_attrs=row_attrs)
    # Markdown cells: MkDocs resolves the links in them (markdown="span")
    cells = [[(cell(v), not str(v).strip()) for v in r] for r in rows]
    return _write(list(headers), cells, align, wide=wide, markdown=True, row_attrs=row_attrs)


def plain_stack_table(
    headers: Iterable[str], rows: Iterable[Iterable[Any]], align: Iterable[str] | None = None
) -> str:
    return _plain(list(headers), [[escape(str(v)) for v in r] for r in rows], align)


def _plain(
    headers: list[str], rows: list[list[str]], align: Iterable[str] | None = None, *, wide: bool = False
) -> str:
    """The table as pure HTML from cells that are already HTML (escaped text, rek's anchors).

    Markdown never looks inside it (no ``markdown`` attribute), which keeps pages with many such
    tables (catalogue, roadmap, partner pages, indicator series) cheap for MkDocs to render.
    """
    cells = [[(value, not value.strip()) for value in row] for row in rows]
    return _write(headers, cells, align, wide=wide, markdown=False)


def _write(
    heads: list[str],
    rows: list[list[tuple[str, bool]]],
    align: Iterable[str] | None,
    *,
    wide: bool,
    markdown: bool,
    row_attrs: list[dict[str, str]] | None = None,
) -> str:
    """One writer for both kinds: rows of (cell content, empty); ``markdown`` marks the elements for
    Python-Markdown's md_in_html, otherwise the HTML is left alone."""
    aligns = list(align) if align is not None else ["l"] * len(heads)
    md = ' markdown="1"' if markdown else ""

    def cls(index: int, empty: bool = False) -> str:
        names = ["rek-r"] if index < len(aligns) and aligns[index] == "r" else []
        if empty:
            names.append("rek-empty")  # hidden in the stacked layout
        return f' class="{" ".join(names)}"' if names else ""

    div = f'<div class="rek-stack{" rek-stack--wide" if wide else ""}"{md}>'
    table = f'<table role="table"{md}>'
    out = [div, table] if markdown else [div + table]
    out += [
        f'<thead role="rowgroup"{md}><tr role="row"{md}>'
        + "".join(
            f'<th role="columnheader" scope="col"{cls(i)}>{escape(h)}</th>' for i, h in enumerate(heads)
        )
        + "</tr></thead>",
        f'<tbody role="rowgroup"{md}>',
    ]
    span = ' markdown="span"' if markdown else ""
    for index, row in enumerate(rows):
        extra = row_attrs[index] if row_attrs and index < len(row_attrs) else {}
        attrs = "".join(f' {name}="{escape(value)}"' for name, value in extra.items())
        cells = "".join(
            f'<td role="cell" data-label="{escape(heads[i] if i < len(heads) else "")}"{cls(i, empty)}{span}>'
            f"{content}</td>"
            for i, (content, empty) in enumerate(row)
        )
        out.append(f'<tr role="row"{md}{attrs}>{cells}</tr>')
    out += ["</tbody>", "</table>", "</div>"] if markdown else ["</tbody>", "</table></div>"]
    return "\n".join(out)
