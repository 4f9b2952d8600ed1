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
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TARGET = Path(__file__).resolve().parents[1] / "src" / "rek" / "application" / "assets" / "reference.docx"


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
