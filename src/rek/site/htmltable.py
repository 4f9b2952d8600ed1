"""Tables that become stacked cards on small screens (CSS in rek.css), as HTML with Markdown cells.

The table is written as HTML so that every cell carries its column name (``data-label``), which the
small-screen style shows before the value. The cells stay Markdown (``markdown="span"``, escaped by
``mdtext.cell``), so MkDocs still resolves the links in them. Explicit ARIA roles keep the table
semantics when the small-screen style changes the display of the table elements.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from ..mdtext import cell


def stack_table(
    headers: Iterable[str],
    rows: Iterable[Iterable[Any]],
    align: Iterable[str] | None = None,
    *,
    wide: bool = False,
) -> str:
    heads = list(headers)
    aligns = list(align) if align is not None else ["l"] * len(heads)

    def cls(index: int, value: Any = "x") -> str:
        names = ["rek-r"] if index < len(aligns) and aligns[index] == "r" else []
        if not str(value).strip():
            names.append("rek-empty")  # hidden in the stacked layout
        return f' class="{" ".join(names)}"' if names else ""

    out = [
        f'<div class="rek-stack{" rek-stack--wide" if wide else ""}" markdown="1">',
        '<table role="table" markdown="1">',
        '<thead role="rowgroup" markdown="1"><tr role="row" markdown="1">'
        + "".join(
            f'<th role="columnheader" scope="col"{cls(i)}>{escape(h)}</th>' for i, h in enumerate(heads)
        )
        + "</tr></thead>",
        '<tbody role="rowgroup" markdown="1">',
    ]
    for row in rows:
        cells = "".join(
            f'<td role="cell" data-label="{escape(heads[i] if i < len(heads) else "")}"{cls(i, value)} markdown="span">'
            f"{cell(value)}</td>"
            for i, value in enumerate(row)
        )
        out.append(f'<tr role="row" markdown="1">{cells}</tr>')
    out += ["</tbody>", "</table>", "</div>"]
    return "\n".join(out)


def plain_stack_table(
    headers: Iterable[str], rows: Iterable[Iterable[Any]], align: Iterable[str] | None = None
) -> str:
    """Like ``stack_table`` for plain-text cells (no links): pure HTML, every value escaped.

    Markdown never looks inside it (no ``markdown`` attribute), which keeps pages with many such
    tables (indicator series, spending per year) cheap for MkDocs to render.
    """
    heads = list(headers)
    aligns = list(align) if align is not None else ["l"] * len(heads)

    def cls(index: int, value: Any = "x") -> str:
        names = ["rek-r"] if index < len(aligns) and aligns[index] == "r" else []
        if not str(value).strip():
            names.append("rek-empty")
        return f' class="{" ".join(names)}"' if names else ""

    out = [
        '<div class="rek-stack"><table role="table">',
        '<thead role="rowgroup"><tr role="row">'
        + "".join(
            f'<th role="columnheader" scope="col"{cls(i)}>{escape(h)}</th>' for i, h in enumerate(heads)
        )
        + "</tr></thead>",
        '<tbody role="rowgroup">',
    ]
    for row in rows:
        out.append(
            '<tr role="row">'
            + "".join(
                f'<td role="cell" data-label="{escape(heads[i] if i < len(heads) else "")}"{cls(i, value)}>'
                f"{escape(str(value))}</td>"
                for i, value in enumerate(row)
            )
            + "</tr>"
        )
    out += ["</tbody>", "</table></div>"]
    return "\n".join(out)
