"""Figures are not overridable: what an override template shows as money or a rate comes from the plan.

A project may replace rek's templates (``templates/``), and a pull request may change them. An override
can leave a figure out or place it elsewhere, but it cannot show a figure that rek's own template would
not show for the same data: every amount (``1.234,56 €``, ``1.234 Euro``, a number with thousands
separators) and every percentage in the rendered output must also be in the output of rek's own template
with the same context. An invented grant ("1.000.000,00 €") while ``rek check`` reports the plan's grant
is refused at the template, by ``rek check`` and ``rek build`` alike (both render through
``mdtext.render_checked``).
"""

from __future__ import annotations

import re
import unicodedata

# an amount with a currency, a number with thousands separators, a percentage
_FIGURE = re.compile(
    r"(?<![\d.,])(?:"
    r"\d+(?:\.\d{3})*(?:,\d+)?\s*(?:€|Euro\b|EUR\b|Mio\b|Mrd\b|Tsd\b|%|Prozent\b)"
    r"|\d{1,3}(?:\.\d{3})+(?:,\d+)?"
    r")",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]#|~^$.%-])")


def _normal(text: str) -> str:
    """NFKC (no-break and thin spaces become spaces), Markdown escapes removed."""
    return _ESCAPE.sub(r"\1", unicodedata.normalize("NFKC", text))


def figures(text: str) -> set[str]:
    """Every figure in a rendered text, spaces normalised ('4.427.150,00 €', '65 %')."""
    return {_SPACE.sub(" ", m.group(0)).strip() for m in _FIGURE.finditer(_normal(text))}


def unbacked(rendered: str, reference: str) -> list[str]:
    """The figures of ``rendered`` that ``reference`` (rek's own template, same data) does not show."""
    known = figures(reference)
    return sorted(f for f in figures(rendered) if f not in known)


def written_at(source: str, figure: str) -> int | None:
    """The line of a template where a figure is written literally; None: composed by the template."""
    normal = _normal(source)
    pattern = r"(?<![\d.,])" + r"\s*".join(re.escape(part) for part in figure.split(" "))
    match = re.search(pattern, normal, re.IGNORECASE)
    return None if match is None else normal.count("\n", 0, match.start()) + 1
