"""Make src/rek/application/assets/reference.docx: Pandoc's default styles, A4 page, German language.

Run once when the house style changes: `python scripts/make_reference_docx.py`. The result is committed.
"""

from __future__ import annotations

import subprocess
import tempfile
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
    abstract_id, num_id = "990", "990"
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
        ppr = style.element.get_or_add_pPr()
        numpr = OxmlElement("w:numPr")
        ilvl = OxmlElement("w:ilvl")
        ilvl.set(qn("w:val"), str(level))
        nid = OxmlElement("w:numId")
        nid.set(qn("w:val"), num_id)
        numpr.append(ilvl)
        numpr.append(nid)
        ppr.insert(0, numpr)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "reference.docx"
        with raw.open("wb") as handle:
            subprocess.run(
                [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
                stdout=handle,
                check=True,
            )
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
        _heading_numbers(doc)
        # table cells (Pandoc's "Compact" style) keep with the next row: a short table stays on one page
        # (Word still breaks a table longer than a page); headings keep with what follows
        names = [st.name for st in doc.styles]
        if "Compact" in names:
            doc.styles["Compact"].paragraph_format.keep_with_next = True
        # short documents (council drafts, letters) keep chapters on the same page
        doc.save(str(TARGET.with_name("reference-short.docx")))
        # the application: the contents on their own page after the title, every chapter on a new page
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
        doc.save(str(TARGET))
    print(f"written {TARGET}")


if __name__ == "__main__":
    main()
