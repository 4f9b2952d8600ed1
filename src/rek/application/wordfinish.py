"""The DOCX Pandoc wrote, finished so that it opens right in Word and in LibreOffice without updating fields.

Pandoc leaves three things to the word processor that not every reader does:

- **Contents.** Pandoc writes the table of contents as a field without a result; LibreOffice shows
  it empty and Word asks to update fields. rek fills the field's result with one paragraph per
  heading (styles ``toc 1``-``toc 3``: the heading's number by its numbering definition, a tab, the
  title, linked to the heading's bookmark). There are no page numbers, since only a layout engine
  knows them; the field stays, so Word's "Felder aktualisieren" (F9) replaces the result with one
  that has page numbers.
- **Tables.** Pandoc gives every column of a wide table the same share of the page (its widths come
  from the Markdown's dashes); in a narrow column LibreOffice and Word break an amount or a date in
  the middle. rek measures every cell's text with the metrics of Arial (= Liberation Sans) at the
  cell's font size and gives each column at least its widest unbreakable token; words without digits
  may still hyphenate when a table is too wide for every word. Rows never split across pages
  (``cantSplit``); the header row repeats (Pandoc marks it); cell text takes the reference's style
  "Table Text" (9 pt, as in the PDF) when the reference has it.
- **Figures.** A figure is scaled down so that it fits on a page with a caption and two headings
  (else the caption is left alone on the next page).

Only ``word/document.xml`` (and ``word/styles.xml`` when a reference lacks the contents styles) is
rewritten, with the standard library; every other part keeps its bytes, every part gets the fixed time
stamp ``refdoc.ZIP_TIME``, and nothing adds a relationship (internal bookmarks only).
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from ..refdoc import ZIP_TIME, parse_xml, read_package

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
XML_NS = "http://www.w3.org/XML/1998/namespace"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


VAL = w("val")
TWIPS_PER_CM = 566.93
EMU_PER_TWIP = 635
FIGURE_ROOM_CM = 6.0  # kept free beside a figure: its caption and two headings above it
TABLE_TEXT = "TableText"
SLACK = 1.03  # measured widths plus 3 %: kerning and rounding in the word processors

# advance widths of Arial / Liberation Sans (metric-compatible) in 1/1000 em, from the font's hmtx table
_ASCII = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 "
    "556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 "
    "722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 556 222 222 "
    "500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
_LATIN1 = (
    "278 333 556 556 556 556 260 556 333 737 370 556 584 333 737 552 400 549 333 333 333 576 537 333 333 "
    "333 365 556 834 834 834 611 667 667 667 667 667 667 1000 722 667 667 667 667 278 278 278 278 722 722 "
    "778 778 778 778 778 584 778 722 722 722 722 667 667 611 556 556 556 556 556 556 889 500 556 556 556 "
    "556 278 278 278 278 556 556 556 556 556 556 556 549 611 556 556 556 556 500 556 500"
)
WIDTHS: dict[str, int] = {
    **{chr(32 + i): int(v) for i, v in enumerate(_ASCII.split())},
    **{chr(160 + i): int(v) for i, v in enumerate(_LATIN1.split())},
    "\u2009": 200, "\u202f": 200, "\u2013": 556, "\u2014": 1000, "\u2018": 222, "\u2019": 222,
    "\u201a": 222, "\u201c": 333, "\u201d": 333, "\u201e": 333, "\u2026": 1000, "\u20ac": 556,
    "\u2022": 350, "\u2212": 584, "\t": 556,
}  # fmt: skip
BOLD = 1.1  # Arial Bold is at most 10 % wider than Arial (lower-case letters)


def text_width(text: str, size_pt: float, *, bold: bool = False) -> float:
    """Width of text in twips (1/20 pt) at the given size, without breaking."""
    units = sum(WIDTHS.get(char, 1000 if ord(char) > 0x2FFF else 600) for char in text)
    return units / 1000 * size_pt * 20 * (BOLD if bold else 1.0)


# --- XML in and out, keeping the prefixes Word expects ----------------------------------------------

_REGISTERED: set[tuple[str, str]] = set()
_LOCK = threading.Lock()
_DECLARATION = re.compile(r'\sxmlns:([A-Za-z_][\w.-]*)="([^"]*)"')


def _parse(part: str, raw: bytes) -> tuple[ET.Element, list[tuple[str, str]]]:
    text = raw.decode("utf-8-sig")
    start = re.search(r"<[A-Za-z_][^?!][^>]*>", text)
    declared = _DECLARATION.findall(start.group(0)) if start else []
    with _LOCK:
        for prefix, uri in declared:
            if (prefix, uri) not in _REGISTERED and not re.fullmatch(r"ns\d+", prefix):
                ET.register_namespace(prefix, uri)
                _REGISTERED.add((prefix, uri))
    return parse_xml(part, raw), declared


def _serialise(root: ET.Element, declared: list[tuple[str, str]]) -> bytes:
    text = ET.tostring(root, encoding="unicode")
    end = text.index(">")
    head = text[:end]
    present = {prefix for prefix, _ in _DECLARATION.findall(head)}
    missing = "".join(f' xmlns:{p}="{u}"' for p, u in declared if p not in present)
    if head.endswith("/"):
        head, tail = head[:-1], "/" + text[end:]
    else:
        tail = text[end:]
    body = head + missing + tail
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode("utf-8")


# --- styles ---------------------------------------------------------------------------------------


@dataclass
class Styles:
    """What the finishing needs to know of word/styles.xml: basedOn chains and a few properties."""

    root: ET.Element
    by_id: dict[str, ET.Element] = field(default_factory=dict)
    metrics: dict[str, tuple[float, bool, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for style in self.root.findall(w("style")):
            self.by_id[style.get(w("styleId"), "")] = style

    def chain(self, style_id: str | None) -> list[ET.Element]:
        found: list[ET.Element] = []
        while style_id and style_id in self.by_id and len(found) < 20:
            style = self.by_id[style_id]
            if style in found:
                break
            found.append(style)
            based = style.find(w("basedOn"))
            style_id = based.get(VAL) if based is not None else None
        return found

    def paragraph_property(self, style_id: str | None, name: str) -> ET.Element | None:
        for style in self.chain(style_id):
            ppr = style.find(w("pPr"))
            if ppr is not None and ppr.find(w(name)) is not None:
                return ppr.find(w(name))
        return None

    def run_property(self, style_id: str | None, name: str) -> ET.Element | None:
        for style in self.chain(style_id):
            rpr = style.find(w("rPr"))
            if rpr is not None and rpr.find(w(name)) is not None:
                return rpr.find(w(name))
        defaults = self.root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
        return defaults.find(w(name)) if defaults is not None else None

    def size_pt(self, style_id: str | None) -> float:
        size = self.run_property(style_id, "sz")
        try:
            return int(size.get(VAL, "20")) / 2 if size is not None else 10.0
        except ValueError:
            return 10.0

    def paragraph_metrics(self, style_id: str | None) -> tuple[float, bool, float]:
        """Font size (pt), bold, and spacing above plus below (twips) of a paragraph style; cached."""
        key = style_id or ""
        if key not in self.metrics:
            spacing = self.paragraph_property(style_id, "spacing")
            self.metrics[key] = (
                self.size_pt(style_id),
                _on(self.run_property(style_id, "b")),
                sum(_twips(spacing, side, 0) for side in ("before", "after")),
            )
        return self.metrics[key]

    def outline_level(self, style_id: str | None) -> int | None:
        level = self.paragraph_property(style_id, "outlineLvl")
        if level is None:
            return None
        try:
            return int(level.get(VAL, "9"))
        except ValueError:
            return None

    def ensure(self, style_id: str, xml: str) -> bool:
        """Add a style of rek's own when the reference lacks it; True if it is there now."""
        if style_id in self.by_id:
            return False
        style = ET.fromstring(f'<w:style xmlns:w="{W_NS}" {xml}</w:style>')
        self.root.append(style)
        self.by_id[style_id] = style
        return True


OWN_STYLES = {
    "TOC1": 'w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/><w:basedOn w:val="Normal"/>'
    '<w:uiPriority w:val="39"/><w:pPr><w:tabs><w:tab w:val="left" w:pos="567"/></w:tabs>'
    '<w:spacing w:before="0" w:after="60"/><w:ind w:left="567" w:hanging="567"/></w:pPr>',
    "TOC2": 'w:type="paragraph" w:styleId="TOC2"><w:name w:val="toc 2"/><w:basedOn w:val="Normal"/>'
    '<w:uiPriority w:val="39"/><w:pPr><w:tabs><w:tab w:val="left" w:pos="1418"/></w:tabs>'
    '<w:spacing w:before="0" w:after="60"/><w:ind w:left="1418" w:hanging="851"/></w:pPr>',
    "TOC3": 'w:type="paragraph" w:styleId="TOC3"><w:name w:val="toc 3"/><w:basedOn w:val="Normal"/>'
    '<w:uiPriority w:val="39"/><w:pPr><w:tabs><w:tab w:val="left" w:pos="2553"/></w:tabs>'
    '<w:spacing w:before="0" w:after="60"/><w:ind w:left="2553" w:hanging="1135"/></w:pPr>',
}


# --- numbering: the number Word and LibreOffice show before a heading -------------------------------


def _roman(number: int) -> str:
    out = ""
    for value, letters in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        while number >= value:
            out += letters
            number -= value
    return out


def _format(number: int, kind: str) -> str:
    if kind == "lowerLetter":
        return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)
    if kind == "upperLetter":
        return chr(ord("A") + (number - 1) % 26) * ((number - 1) // 26 + 1)
    if kind == "lowerRoman":
        return _roman(number)
    if kind == "upperRoman":
        return _roman(number).upper()
    if kind == "none":
        return ""
    return str(number)  # decimal and what rek does not know


class Numbering:
    """Counters of the lists headings use, as the word processor counts them (per list, per level)."""

    def __init__(self, root: ET.Element | None) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId -> ilvl -> (start, fmt, text)
        self.counters: dict[str, list[int]] = {}
        if root is None:
            return
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for element in root.findall(w("abstractNum")):
            levels = {}
            for lvl in element.findall(w("lvl")):
                try:
                    ilvl = int(lvl.get(w("ilvl"), "0"))
                    start = lvl.find(w("start"))
                    first = int(start.get(VAL, "1")) if start is not None else 1
                except ValueError:
                    continue
                kind = lvl.find(w("numFmt"))
                text = lvl.find(w("lvlText"))
                levels[ilvl] = (
                    first,
                    kind.get(VAL, "decimal") if kind is not None else "decimal",
                    text.get(VAL, "") if text is not None else "",
                )
            abstract.setdefault(element.get(w("abstractNumId"), ""), levels)  # the first wins, as in Word
        for num in root.findall(w("num")):
            ref = num.find(w("abstractNumId"))
            if ref is not None and ref.get(VAL) in abstract:
                self.levels[num.get(w("numId"), "")] = abstract[ref.get(VAL, "")]

    def next(self, num_id: str, ilvl: int) -> str:
        """Count a paragraph of list num_id at level ilvl; its number as shown (empty for bullets)."""
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [0] * 10)
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else levels[ilvl][0]
        for deeper in range(ilvl + 1, 10):
            counters[deeper] = 0
        start, kind, text = levels[ilvl]
        if kind == "bullet":
            return ""

        def level_text(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            if index > ilvl or index not in levels:
                return ""
            value = counters[index] or levels[index][0]
            return _format(value, levels[index][1])

        return re.sub(r"%([1-9])", level_text, text).strip()


def _num_pr(paragraph: ET.Element, styles: Styles) -> tuple[str, int] | None:
    ppr = paragraph.find(w("pPr"))
    style_id = _style_of(paragraph)
    own = ppr.find(w("numPr")) if ppr is not None else None
    from_style = styles.paragraph_property(style_id, "numPr")
    num_id = ilvl = None
    for source in (own, from_style):
        if source is None:
            continue
        if num_id is None and source.find(w("numId")) is not None:
            num_id = source.find(w("numId")).get(VAL)  # type: ignore[union-attr]
        if ilvl is None and source.find(w("ilvl")) is not None:
            ilvl = source.find(w("ilvl")).get(VAL)  # type: ignore[union-attr]
    if not num_id or num_id == "0":
        return None
    try:
        return num_id, int(ilvl or 0)
    except ValueError:
        return None


def _style_of(paragraph: ET.Element) -> str | None:
    style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
    return style.get(VAL) if style is not None else None


def _plain_text(element: ET.Element) -> str:
    """The visible text of a paragraph (tabs and breaks as spaces, field instructions left out)."""
    parts = []
    for run in element.iter(w("r")):
        for node in run:
            if node.tag == w("t") and node.text:
                parts.append(node.text)
            elif node.tag in (w("tab"), w("br"), w("cr")):
                parts.append(" ")
    return " ".join("".join(parts).split())


# --- the contents ---------------------------------------------------------------------------------


def _bookmark(paragraph: ET.Element, parents: dict[ET.Element, ET.Element]) -> str | None:
    """The heading's bookmark: inside the paragraph, or (Pandoc 3) right before it, around its section."""
    inside = paragraph.find(w("bookmarkStart"))
    if inside is not None:
        return inside.get(w("name"))
    parent = parents.get(paragraph)
    if parent is None:
        return None
    siblings = list(parent)
    index = siblings.index(paragraph) - 1
    while index >= 0 and siblings[index].tag == w("bookmarkStart"):
        name = siblings[index].get(w("name"))
        if name and not name.startswith("_"):
            return name
        index -= 1
    return None


def _levels(instruction: str) -> tuple[int, int]:
    match = re.search(r'\\o\s+"(\d)-(\d)"', instruction)
    return (int(match.group(1)), int(match.group(2))) if match else (1, 3)


def _run(text: str | None = None, *, tab: bool = False) -> ET.Element:
    run = ET.Element(w("r"))
    if tab:
        ET.SubElement(run, w("tab"))
    else:
        t = ET.SubElement(run, w("t"))
        t.text = text
        t.set(f"{{{XML_NS}}}space", "preserve")
    return run


def _field_run(kind: str) -> ET.Element:
    run = ET.Element(w("r"))
    ET.SubElement(run, w("fldChar"), {w("fldCharType"): kind})
    return run


def fill_contents(body: ET.Element, styles: Styles, numbering: Numbering) -> int:
    """Write the contents' entries into the result of Pandoc's TOC field; the number of entries."""
    field_paragraph = instruction = None
    container = None
    for sdt in body.iter(w("sdt")):
        gallery = sdt.find(f"{w('sdtPr')}/{w('docPartObj')}/{w('docPartGallery')}")
        if gallery is None or gallery.get(VAL) != "Table of Contents":
            continue
        container = sdt.find(w("sdtContent"))
        for paragraph in container.findall(w("p")) if container is not None else []:
            text = "".join(t.text or "" for t in paragraph.iter(w("instrText")))
            if text.strip().upper().startswith("TOC"):
                field_paragraph, instruction = paragraph, text
        break
    if container is None or field_paragraph is None or instruction is None:
        return 0
    if field_paragraph.find(f".//{w('hyperlink')}") is not None or len(container) > 2:
        return 0  # the result is filled already
    low, high = _levels(instruction)
    parents = {child: parent for parent in body.iter() for child in parent}
    entries: list[tuple[int, str, str, str | None]] = []  # level, number, title, bookmark
    for paragraph in body.iter(w("p")):
        style_id = _style_of(paragraph)
        numbered = _num_pr(paragraph, styles)
        number = numbering.next(*numbered) if numbered else ""
        level = styles.outline_level(style_id)
        outline = paragraph.find(f"{w('pPr')}/{w('outlineLvl')}")  # the paragraph's own outline level
        if outline is not None:
            try:
                level = int(outline.get(VAL, "9"))
            except ValueError:
                level = None
        if level is None or not (low - 1 <= level <= high - 1):
            continue
        title = _plain_text(paragraph)
        if not title:
            continue
        entries.append((level + 1, number, title, _bookmark(paragraph, parents)))
    if not entries:
        return 0
    for style_id, xml in OWN_STYLES.items():
        styles.ensure(style_id, xml)
    begin = next(iter(field_paragraph.iter(w("fldChar"))), None)
    if begin is not None:
        begin.attrib.pop(w("dirty"), None)  # the result is filled: Word need not ask to update it
    position = list(container).index(field_paragraph)
    container.remove(field_paragraph)
    paragraphs = []
    for index, (level, number, title, mark) in enumerate(entries):
        paragraph = ET.Element(w("p"))
        ppr = ET.SubElement(paragraph, w("pPr"))
        ET.SubElement(ppr, w("pStyle"), {VAL: f"TOC{min(level, 9)}"})
        if index == 0:
            paragraph.append(_field_run("begin"))
            run = ET.SubElement(paragraph, w("r"))
            instr = ET.SubElement(run, w("instrText"), {f"{{{XML_NS}}}space": "preserve"})
            instr.text = instruction
            paragraph.append(_field_run("separate"))
        holder = paragraph
        if mark:
            holder = ET.SubElement(paragraph, w("hyperlink"), {w("anchor"): mark, w("history"): "1"})
        if number:
            holder.append(_run(number))
            holder.append(_run(tab=True))
        holder.append(_run(title))
        if index == len(entries) - 1:
            paragraph.append(_field_run("end"))
        paragraphs.append(paragraph)
    for offset, paragraph in enumerate(paragraphs):
        container.insert(position + offset, paragraph)
    return len(entries)


# --- tables ---------------------------------------------------------------------------------------


@dataclass
class Column:
    hard: float = 0.0  # widest token with a digit (amount, date, id): never broken
    soft: float = 0.0  # widest token of all (a word may hyphenate if it must)
    full: float = 0.0  # widest cell text on one line
    lines: list[tuple[float, float, float]] = field(
        default_factory=list
    )  # (width, size, spacing) per paragraph


def _cell_measure(cell: ET.Element, styles: Styles, *, header: bool) -> Column:
    column = Column()
    for paragraph in cell.iter(w("p")):
        size, bold_style, spacing = styles.paragraph_metrics(_style_of(paragraph))
        line = token = 0.0
        tallest = size
        digit = False
        for run in paragraph.iter(w("r")):
            rpr = run.find(w("rPr"))
            run_size = size
            bold = header or bold_style
            if rpr is not None:
                sz = rpr.find(w("sz"))
                if sz is not None and (sz.get(VAL) or "").isdigit():
                    run_size = int(sz.get(VAL, "20")) / 2
                b = rpr.find(w("b"))
                if b is not None:
                    bold = _on(b)
            tallest = max(tallest, run_size)
            factor = run_size * 20 / 1000 * (BOLD if bold else 1.0)
            for node in run:
                if node.tag == w("tab"):
                    text = " "
                elif node.tag == w("t"):
                    text = node.text or ""
                else:
                    continue
                # a token may span runs: each character is measured at its own run's size
                for char in text:
                    if char in " \t\n":
                        line += WIDTHS[" "] * factor
                        _close(column, token, digit)
                        token, digit = 0.0, False
                    else:
                        width = WIDTHS.get(char, 1000 if ord(char) > 0x2FFF else 600) * factor
                        line += width
                        token += width
                        digit = digit or char.isdigit()
        _close(column, token, digit)
        column.full = max(column.full, line)
        column.lines.append((line, tallest, spacing))
    return column


def _close(column: Column, token: float, digit: bool) -> None:
    column.soft = max(column.soft, token)
    if digit:
        column.hard = max(column.hard, token)


def column_widths(columns: list[Column], available: float, margin: float) -> list[int]:
    """Widths (twips) that sum to ``available``: every column at least its widest unbreakable token."""
    pad = [margin + 20 for _ in columns]
    full = [c.full * SLACK + p for c, p in zip(columns, pad, strict=True)]
    soft = [c.soft * SLACK + p for c, p in zip(columns, pad, strict=True)]
    hard = [c.hard * SLACK + p for c, p in zip(columns, pad, strict=True)]
    if sum(full) <= available:
        base, grow = full, full
    elif sum(soft) <= available:
        base, grow = soft, [f - s for f, s in zip(full, soft, strict=True)]
    elif sum(hard) <= available:
        base, grow = hard, [s - h for s, h in zip(soft, hard, strict=True)]
    else:  # even the numbers do not fit: shrink in proportion
        base, grow = [h * available / sum(hard) for h in hard], [0.0 for _ in hard]
    spare = available - sum(base)
    total = sum(grow) or 1.0
    widths = [
        b + spare * g / total if sum(grow) else b + spare / len(base) for b, g in zip(base, grow, strict=True)
    ]
    rounded = [int(x) for x in widths]
    rounded[-1] += int(available) - sum(rounded)
    return rounded


def _margin(table: ET.Element, styles: Styles) -> float:
    """Left plus right cell margin of the table (its own, else its style's, else Word's 108 twips each)."""
    sources = [table.find(w("tblPr"))]
    style = table.find(f"{w('tblPr')}/{w('tblStyle')}")
    for element in styles.chain(style.get(VAL) if style is not None else None):
        sources.append(element.find(w("tblPr")))
    total = 0.0
    for side in ("left", "right"):
        value = 108.0
        for source in sources:
            found = source.find(f"{w('tblCellMar')}/{w(side)}") if source is not None else None
            if found is None:
                found = (
                    source.find(f"{w('tblCellMar')}/{w('start' if side == 'left' else 'end')}")
                    if source is not None
                    else None
                )
            if found is not None and (found.get(w("w")) or "").isdigit():
                value = float(found.get(w("w"), "108"))
                break
        total += value
    return total


def _child(parent: ET.Element, tag: str, before: tuple[str, ...] = (), *, first: bool = False) -> ET.Element:
    """parent's child tag, created in schema order: before any of the tags in ``before``."""
    found = parent.find(w(tag))
    if found is not None:
        return found
    element = ET.Element(w(tag))
    index = 0 if first else len(parent)
    for position, child in enumerate(parent):
        if child.tag in {w(t) for t in before}:
            index = position
            break
    parent.insert(index, element)
    return element


TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
               "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
               "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")  # fmt: skip
TRPR_AFTER_CANTSPLIT = ("trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden", "ins", "del", "trPrChange")


def _after(tag: str, order: tuple[str, ...]) -> tuple[str, ...]:
    return order[order.index(tag) + 1 :]


LONG_TABLE = 2 / 3  # of the page's text height: shorter tables stay whole (as header.typ does for the PDF)
LINE = 1.15  # line height of Arial in em
CELL_PADDING = 60  # twips: cell margins above and below and the borders
PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
             "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
             "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
             "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
             "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
             "sectPr", "pPrChange")  # fmt: skip


def lay_out_table(table: ET.Element, styles: Styles, available: float, page_height: float = 0.0) -> None:
    rows = table.findall(w("tr"))
    for row in rows:  # a row stays on one page; a page never holds a header and half a line
        trpr = _child(row, "trPr", ("tc", "sdt", "customXml"), first=True)
        if row.find(w("tblPrEx")) is not None and list(row).index(trpr) == 0:
            row.remove(trpr)
            row.insert(1, trpr)
        _child(trpr, "cantSplit", TRPR_AFTER_CANTSPLIT)
    text_style = TABLE_TEXT if TABLE_TEXT in styles.by_id else None
    for paragraph in table.iter(w("p")):
        style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
        if text_style and style is not None and style.get(VAL) == "Compact":
            style.set(VAL, text_style)
    grid = [row.findall(w("tc")) for row in rows]
    if not grid or not grid[0]:
        return
    count = len(grid[0])
    merged = any(
        cell.find(f"{w('tcPr')}/{w(t)}") is not None
        for r in grid
        for cell in r
        for t in ("gridSpan", "vMerge", "hMerge")
    )
    if merged or any(len(r) != count for r in grid) or any(table.iter(w("tbl"))) and _nested(table):
        return
    columns = [Column() for _ in range(count)]
    measures: list[list[Column]] = []
    for index, row in enumerate(rows):
        header = (
            row.find(f"{w('trPr')}/{w('tblHeader')}") is not None or index == 0 and _first_row_bold(table)
        )
        measures.append([_cell_measure(cell, styles, header=bool(header)) for cell in grid[index]])
        for column, measured in zip(columns, measures[-1], strict=True):
            column.hard = max(column.hard, measured.hard)
            column.soft = max(column.soft, measured.soft)
            column.full = max(column.full, measured.full)
    margin = _margin(table, styles)
    widths = column_widths(columns, available, margin)
    tblpr = _child(table, "tblPr", first=True)
    width = _child(tblpr, "tblW", _after("tblW", TBLPR_ORDER))
    width.attrib.clear()
    width.set(w("w"), str(sum(widths)))
    width.set(w("type"), "dxa")
    layout = _child(tblpr, "tblLayout", _after("tblLayout", TBLPR_ORDER))
    layout.attrib.clear()
    layout.set(w("type"), "fixed")
    tblgrid = table.find(w("tblGrid"))
    if tblgrid is None:
        tblgrid = ET.Element(w("tblGrid"))
        table.insert(list(table).index(tblpr) + 1, tblgrid)
    for old in list(tblgrid):
        tblgrid.remove(old)
    for value in widths:
        ET.SubElement(tblgrid, w("gridCol"), {w("w"): str(value)})
    for cells in grid:
        for value, cell in zip(widths, cells, strict=True):
            tcpr = _child(cell, "tcPr", first=True)
            tcw = _child(tcpr, "tcW", first=True)
            tcw.attrib.clear()
            tcw.set(w("w"), str(value))
            tcw.set(w("type"), "dxa")
    if page_height and _height(measures, widths, margin) > LONG_TABLE * page_height:
        # a long table may break between rows (as in the PDF): else the word processor moves it whole
        # to the next page and leaves the heading above it alone
        for row in rows:
            if row.find(f"{w('trPr')}/{w('tblHeader')}") is not None:
                continue
            for paragraph in row.iter(w("p")):
                ppr = _child(paragraph, "pPr", first=True)
                keep = _child(ppr, "keepNext", _after("keepNext", PPR_ORDER))
                keep.set(VAL, "0")


def _height(measures: list[list[Column]], widths: list[int], margin: float) -> float:
    """The table's height in twips, estimated from the measured text and the column widths."""
    total = 0.0
    for cells in measures:
        tallest = 0.0
        for measured, width in zip(cells, widths, strict=True):
            room = max(width - margin, 200)
            height = sum(
                max(1, -(-int(line * SLACK) // int(room))) * size * 20 * LINE + spacing
                for line, size, spacing in measured.lines
            )
            tallest = max(tallest, height + CELL_PADDING)
        total += tallest
    return total


def _nested(table: ET.Element) -> bool:
    return any(inner is not table for inner in table.iter(w("tbl")))


def _first_row_bold(table: ET.Element) -> bool:
    look = table.find(f"{w('tblPr')}/{w('tblLook')}")
    return look is not None and look.get(w("firstRow")) in ("1", "true", "on")


# --- figures --------------------------------------------------------------------------------------


def fit_figures(body: ET.Element, max_height_emu: int) -> int:
    """Scale inline images taller than max_height_emu down (aspect kept); how many were scaled."""
    scaled = 0
    for inline in body.iter(f"{{{WP_NS}}}inline"):
        extent = inline.find(f"{{{WP_NS}}}extent")
        if extent is None:
            continue
        try:
            cx, cy = int(extent.get("cx", "0")), int(extent.get("cy", "0"))
        except ValueError:
            continue
        if cy <= max_height_emu or cy <= 0:
            continue
        factor = max_height_emu / cy
        new = (str(int(cx * factor)), str(int(cy * factor)))
        extent.set("cx", new[0])
        extent.set("cy", new[1])
        for ext in inline.iter(f"{{{A_NS}}}ext"):
            if ext.get("cx") is not None and ext.get("cy") is not None:
                ext.set("cx", new[0])
                ext.set("cy", new[1])
        scaled += 1
    return scaled


# --- the package ----------------------------------------------------------------------------------


def _twips(element: ET.Element | None, name: str, default: float) -> float:
    value = element.get(w(name)) if element is not None else None
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def finish_document(document: ET.Element, styles: Styles, numbering: Numbering) -> dict[str, int]:
    body = document.find(w("body"))
    if body is None:
        return {}
    section = body.find(w("sectPr"))
    size = section.find(w("pgSz")) if section is not None else None
    margins = section.find(w("pgMar")) if section is not None else None
    text_width = _twips(size, "w", 11906) - _twips(margins, "left", 1417) - _twips(margins, "right", 1417)
    text_height = _twips(size, "h", 16838) - _twips(margins, "top", 1134) - _twips(margins, "bottom", 1134)
    counts = {"contents": fill_contents(body, styles, numbering), "tables": 0}
    if counts["contents"]:
        _page_after_contents(body, styles)
    for table in _outer_tables(body):
        lay_out_table(table, styles, max(text_width, 1440.0), text_height)
        counts["tables"] += 1
    _lead_ins(body)
    room = max(text_height - FIGURE_ROOM_CM * TWIPS_PER_CM, text_height / 2)
    counts["figures"] = fit_figures(body, int(room * EMU_PER_TWIP))
    return counts


def _on(element: ET.Element | None) -> bool:
    """A switch property (keepNext, pageBreakBefore, b, …) that is present and not turned off."""
    return element is not None and element.get(VAL, "1") not in ("0", "false", "off")


def _lead_ins(body: ET.Element) -> None:
    """A paragraph right before a table (its title or lead-in sentence) stays on the table's page."""
    children = list(body)
    for before, after in zip(children, children[1:], strict=False):
        if before.tag == w("p") and after.tag == w("tbl") and _plain_text(before):
            ppr = _child(before, "pPr", first=True)
            _child(ppr, "keepNext", _after("keepNext", PPR_ORDER))


def _page_after_contents(body: ET.Element, styles: Styles) -> None:
    """The contents on a page of their own, as the contents' title begins one (the long reference)."""
    children = list(body)
    sdt = next(
        (c for c in children if c.tag == w("sdt") and c.find(f".//{w('instrText')}") is not None), None
    )
    if sdt is None:
        return
    heading = next(iter(sdt.iter(w("p"))), None)
    if heading is None or not _on(styles.paragraph_property(_style_of(heading), "pageBreakBefore")):
        return
    following = children[children.index(sdt) + 1] if children.index(sdt) + 1 < len(children) else None
    if following is None:
        return
    first = following if following.tag == w("p") else next(following.iter(w("p")), None)
    if first is not None and _on(styles.paragraph_property(_style_of(first), "pageBreakBefore")):
        return  # the next chapter begins a page anyway
    if first is None:
        return
    ppr = _child(first, "pPr", first=True)
    _child(ppr, "pageBreakBefore", _after("pageBreakBefore", PPR_ORDER))


def _outer_tables(body: ET.Element) -> list[ET.Element]:
    outer: list[ET.Element] = []

    def walk(element: ET.Element) -> None:
        for child in element:
            if child.tag == w("tbl"):
                outer.append(child)
            else:
                walk(child)

    walk(body)
    return outer


def finish_docx(path: Path) -> dict[str, int]:
    """Rewrite the DOCX at path in place (see the module's description); counts of what was done."""
    data = path.read_bytes()
    parts = read_package(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        order = [info.filename for info in archive.infolist() if not info.is_dir()]
    if "word/document.xml" not in parts or "word/styles.xml" not in parts:
        return {}
    document, document_ns = _parse("word/document.xml", parts["word/document.xml"])
    styles_root, styles_ns = _parse("word/styles.xml", parts["word/styles.xml"])
    numbering_root = (
        parse_xml("word/numbering.xml", parts["word/numbering.xml"])
        if "word/numbering.xml" in parts
        else None
    )
    styles = Styles(styles_root)
    count_before = len(styles.by_id)
    counts = finish_document(document, styles, Numbering(numbering_root))
    parts["word/document.xml"] = _serialise(document, document_ns)
    if len(styles.by_id) != count_before:
        parts["word/styles.xml"] = _serialise(styles_root, styles_ns)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.create_system = 0
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, parts[name])
    path.write_bytes(buffer.getvalue())
    return counts
