"""Make src/rek/application/assets/reference.docx: Pandoc's default styles, A4 page, German language.

Fonts every reader has: Arial (LibreOffice shows the metric-compatible Liberation Sans) instead of
Pandoc 3's theme font Aptos, which LibreOffice and Word before 2023 lack; their wider substitute broke
amounts and dates inside table cells. Headings 1-3 numbered by a list definition Pandoc keeps (ids
below 990: Pandoc drops a reference's lists from 990 on and reuses those ids for its own); tables with
a visible grid and 9 pt text (style "Table Text"); styles for the entries of the contents (toc 1-3).

Run once when the house style changes: `python scripts/make_reference_docx.py`. The result is committed.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pypandoc
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TARGET = Path(__file__).resolve().parents[1] / "src" / "rek" / "application" / "assets" / "reference.docx"


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in a paragraph, with a placeholder result Word updates."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run._r.append(sep)
    paragraph.add_run("1")
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _page_numbers(doc) -> None:  # type: ignore[no-untyped-def]
    """Footer 'Seite X von Y' on every page."""
    for section in doc.sections:
        footer = section.footer
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.text = ""
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("Seite ")
        _field(paragraph, "PAGE")
        paragraph.add_run(" von ")
        _field(paragraph, "NUMPAGES")


def _heading_numbers(doc) -> None:  # type: ignore[no-untyped-def]
    """Headings 1-3 numbered by their style (1, 1.1, 1.1.1), not by typed numbers."""
    numbering = doc.part.numbering_part.element
    abstract_id, num_id = "10", "10"  # below 990: Pandoc keeps the reference's lists only there
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), abstract_id)
    multi = OxmlElement("w:multiLevelType")
    multi.set(qn("w:val"), "multilevel")
    abstract.append(multi)
    for level in range(3):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(level))
        for tag, value in (
            ("w:start", "1"),
            ("w:numFmt", "decimal"),
            ("w:pStyle", f"Heading{level + 1}"),
            ("w:lvlText", ".".join(f"%{i + 1}" for i in range(level + 1))),
            ("w:lvlJc", "left"),
        ):
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            lvl.append(element)
        ppr = OxmlElement("w:pPr")
        ind = OxmlElement("w:ind")
        ind.set(qn("w:left"), str(567 + 284 * level))
        ind.set(qn("w:hanging"), str(567 + 284 * level))
        ppr.append(ind)
        lvl.append(ppr)
        abstract.append(lvl)
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), num_id)
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), abstract_id)
    num.append(ref)
    numbering.append(num)
    for level in range(3):
        style = doc.styles[f"Heading {level + 1}"]
        numpr = style.element.get_or_add_pPr().get_or_add_numPr()  # in schema order (Word checks it)
        numpr.get_or_add_ilvl().val = level
        numpr.get_or_add_numId().val = int(num_id)


FONT = "Arial"  # on every Windows and macOS; LibreOffice maps it to the metric-compatible Liberation Sans
FONT_TABLE_ENTRY = (
    f'<w:font w:name="{FONT}"><w:altName w:val="Liberation Sans"/><w:panose1 w:val="020B0604020202020204"/>'
    '<w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>'
)


def _element(tag: str, **attributes: str):  # type: ignore[no-untyped-def]
    element = OxmlElement(tag)
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _fonts(doc) -> None:  # type: ignore[no-untyped-def]
    """Arial named in every font slot of the defaults and of each style (theme fonts kept as a second name)."""
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for holder in [defaults, *(st.element.find(qn("w:rPr")) for st in doc.styles)]:
        if holder is None:
            continue
        fonts = holder.find(qn("w:rFonts"))
        if fonts is None:
            continue
        for key in ("asciiTheme", "hAnsiTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{key}"), None)
        for key in ("ascii", "hAnsi", "cs"):
            fonts.set(qn(f"w:{key}"), FONT)


def _tables(doc) -> None:  # type: ignore[no-untyped-def]
    """A visible grid, narrow cell margins, and 9 pt cell text (Table Text) as in the PDF."""
    table = doc.styles["Table"].element
    tbl_pr = table.find(qn("w:tblPr"))
    borders = _element("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_element(f"w:{side}", val="single", sz="4", space="0", color="A6A6A6"))
    tbl_pr.insert(1, borders)
    margins = tbl_pr.find(qn("w:tblCellMar"))
    for side in ("left", "right"):
        margins.find(qn(f"w:{side}")).set(qn("w:w"), "57")  # 1 mm: room for amounts
    for side in ("top", "bottom"):
        margins.find(qn(f"w:{side}")).set(qn("w:w"), "28")
    first = table.find(qn("w:tblStylePr"))
    bottom = first.find(qn("w:tcPr")).find(qn("w:tcBorders")).find(qn("w:bottom"))
    bottom.set(qn("w:sz"), "8")
    bottom.set(qn("w:color"), "404040")
    style = doc.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Compact"]
    style.font.size = Pt(9)
    style.paragraph_format.space_before = Pt(1)
    style.paragraph_format.space_after = Pt(1)
    style.element.set(qn("w:customStyle"), "1")


def _contents_entries(doc) -> None:  # type: ignore[no-untyped-def]
    """toc 1-3: the entries rek writes into the contents field (number, tab, title), as Word names them."""
    for level in (1, 2, 3):
        style = doc.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        element = style.element
        element.set(qn("w:styleId"), f"TOC{level}")
        element.attrib.pop(qn("w:customStyle"), None)  # a built-in style of Word's, not a custom one
        number = 567 + 284 * (level - 1)  # as wide as the heading numbers (1, 1.1, 1.1.1)
        left = sum(567 + 284 * i for i in range(level))
        style.priority = 39
        ppr = element.get_or_add_pPr()
        ppr.get_or_add_tabs().append(_element("w:tab", val="left", pos=str(left)))
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.space_after = Pt(3)
        ind = ppr.get_or_add_ind()
        ind.set(qn("w:left"), str(left))
        ind.set(qn("w:hanging"), str(number))


def _theme_and_font_table(data: bytes) -> bytes:
    """The saved package with Arial as the theme's fonts and in the font table (Aptos gone)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "word/theme/theme1.xml":
                text = body.decode("utf-8")
                text = re.sub(
                    r'<a:latin typeface="[^"]*"( panose="[^"]*")?', f'<a:latin typeface="{FONT}"', text
                )
                body = text.encode("utf-8")
            elif info.filename == "word/fontTable.xml":
                text = body.decode("utf-8")
                text = re.sub(r'<w:font w:name="Aptos[^"]*">.*?</w:font>\s*', "", text, flags=re.S)
                text = text.replace("</w:fonts>", FONT_TABLE_ENTRY + "</w:fonts>")
                body = text.encode("utf-8")
            out.writestr(
                zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED
            )
    return buffer.getvalue()


def _save(doc, target: Path) -> None:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    doc.save(buffer)
    target.write_bytes(_theme_and_font_table(buffer.getvalue()))


def _unnumbered(doc, name: str) -> None:  # type: ignore[no-untyped-def]
    """A style based on a numbered heading that carries no number itself (the contents' title)."""
    numpr = doc.styles[name].element.get_or_add_pPr().get_or_add_numPr()
    numpr.get_or_add_ilvl().val = 0
    numpr.get_or_add_numId().val = 0


def _base(raw: Path):  # type: ignore[no-untyped-def]
    """Pandoc's default reference with the house style both documents share."""
    doc = Document(str(raw))
    for section in doc.sections:
        section.page_width = Cm(21.0)
        section.page_height = Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.0)
    for style in doc.styles:
        if style.type not in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            continue
        rpr = style.element.get_or_add_rPr()
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = rpr.makeelement(qn("w:lang"), {})
            rpr.append(lang)
        lang.set(qn("w:val"), "de-DE")
    doc.styles["Normal"].font.size = Pt(11)
    _page_numbers(doc)
    _unnumbered(doc, "TOC Heading")
    _fonts(doc)
    _tables(doc)
    _contents_entries(doc)
    # table cells (Pandoc's "Compact" style) keep with the next row: a short table stays on one page
    # (Word still breaks a table longer than a page); headings keep with what follows
    names = [st.name for st in doc.styles]
    if "Compact" in names:
        doc.styles["Compact"].paragraph_format.keep_with_next = True
    return doc


def _compact(doc) -> None:  # type: ignore[no-untyped-def]
    """Short documents: a smaller title block, 10 pt text, headings with little space, as their PDF
    (header-short.typ) sets them; the council summary fits two pages in Word and LibreOffice."""
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = section.bottom_margin = Cm(1.8)
    sizes = {"Normal": 10, "Title": 18, "Subtitle": 12, "Date": 10, "Heading 1": 13, "Heading 2": 11.5}
    names = [st.name for st in doc.styles]
    for name, size in sizes.items():
        if name in names:
            style = doc.styles[name]
            style.font.size = Pt(size)
            rpr = style.element.get_or_add_rPr()
            complex_size = rpr.find(qn("w:szCs"))
            if complex_size is not None:
                complex_size.set(qn("w:val"), str(int(size * 2)))
    for name, before, after in (("Heading 1", 9, 3), ("Heading 2", 6, 2), ("Body Text", 3, 3)):
        if name in names:
            doc.styles[name].paragraph_format.space_before = Pt(before)
            doc.styles[name].paragraph_format.space_after = Pt(after)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "reference.docx"
        with raw.open("wb") as handle:
            subprocess.run(
                [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
                stdout=handle,
                check=True,
            )
        # short documents (council drafts, letters, the council summary) keep chapters on the same page
        # and have unnumbered headings, as their PDF (DocumentOptions.numbered)
        short = _base(raw)
        _compact(short)
        _save(short, TARGET.with_name("reference-short.docx"))
        # the application and the report: numbered headings, the contents on their own page after the
        # title, every chapter on a new page
        doc = _base(raw)
        _heading_numbers(doc)
        for name in ("TOC Heading", "Heading 1"):
            if name in [st.name for st in doc.styles]:
                doc.styles[name].paragraph_format.page_break_before = True
        # hyphenation on for the whole document
        settings = doc.settings.element
        auto = settings.find(qn("w:autoHyphenation"))
        if auto is None:
            auto = settings.makeelement(qn("w:autoHyphenation"), {})
            settings.insert(0, auto)
        auto.set(qn("w:val"), "true")
        _save(doc, TARGET)
    print(f"written {TARGET}")


if __name__ == "__main__":
    main()
