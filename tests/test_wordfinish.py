"""The DOCX as rek finishes it (application/wordfinish.py) and the reference documents rek ships.

Without a word processor: the XML says what LibreOffice and Word will show (tests/test_office.py
checks that with LibreOffice itself).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from rek import refdoc
from rek.application import export, wordfinish
from rek.application.wordfinish import Column, column_widths, text_width, w
from rek.diagnostics import Diagnostics

W = wordfinish.W_NS
MARKDOWN = """# Kosten

Die Tabelle zeigt die Kosten.

| Kostenart | 2022 | 2023 | 2024 | 2025 | 2026 | Summe |
| :--- | ---: | ---: | ---: | ---: | ---: | ---: |
| Personalausgaben | 428.000,00\u00a0€ | 668.000,00\u00a0€ | 698.000,00\u00a0€ | 698.000,00\u00a0€ | 613.000,00\u00a0€ | 3.105.000,00\u00a0€ |
| Summe | 823.000,00\u00a0€ | 2.261.000,00\u00a0€ | 1.720.000,00\u00a0€ | 1.300.000,00\u00a0€ | 859.000,00\u00a0€ | 6.963.000,00\u00a0€ |

## Finanzierung nach Jahr

Text.

# Anlagen

| Maßnahme | Beginn | Ende |
| --- | --- | --- |
| M03 Geschäftsstelle | 01.01.2022 | 31.12.2022 |
"""


def _docx(tmp_path: Path, options: export.DocumentOptions = export.LONG) -> dict[str, bytes]:
    markdown = tmp_path / "a.md"
    markdown.write_text(MARKDOWN, encoding="utf-8")
    target = tmp_path / "a.docx"
    export.to_docx(
        markdown,
        target,
        export.metadata_args("Titel", "Untertitel", "01.02.2026"),
        tmp_path / "templates",
        options=options,
    )
    return refdoc.read_package(target.read_bytes())


def _xml(parts: dict[str, bytes], name: str) -> ET.Element:
    return ET.fromstring(parts[name])


@pytest.mark.parametrize("name", ["reference.docx", "reference-short.docx"])
def test_shipped_references_name_fonts_every_reader_has(name: str) -> None:
    data = (export.ASSETS / name).read_bytes()
    assert refdoc.check_reference(data, name, Diagnostics())
    parts = refdoc.read_package(data)
    assert not any(
        b"Aptos" in body for body in parts.values()
    )  # Pandoc 3's theme font, missing in LibreOffice
    theme = parts["word/theme/theme1.xml"].decode()
    assert re.findall(r'<a:latin typeface="([^"]*)"', theme) == ["Arial", "Arial"]
    fonts = _xml(parts, "word/fontTable.xml")
    arial = next(f for f in fonts if f.get(w("name")) == "Arial")
    assert arial.find(w("altName")).get(w("val")) == "Liberation Sans"  # metric-compatible
    defaults = _xml(parts, "word/styles.xml").find(
        f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('rFonts')}"
    )
    assert defaults.get(w("ascii")) == "Arial" and defaults.get(w("asciiTheme")) is None
    cleaned = refdoc.clean_reference(data)
    assert refdoc.package_findings(refdoc.read_package(cleaned)) == []


@pytest.mark.documents
def test_headings_are_numbered_by_a_list_pandoc_keeps(tmp_path: Path) -> None:
    parts = _docx(tmp_path)
    styles = wordfinish.Styles(_xml(parts, "word/styles.xml"))
    numbering = _xml(parts, "word/numbering.xml")
    for level, style in enumerate(("Heading1", "Heading2", "Heading3")):
        num_pr = styles.paragraph_property(style, "numPr")
        num_id = num_pr.find(w("numId")).get(w("val"))
        num = next(n for n in numbering.findall(w("num")) if n.get(w("numId")) == num_id)
        abstract_id = num.find(w("abstractNumId")).get(w("val"))
        abstract = [
            a for a in numbering.findall(w("abstractNum")) if a.get(w("abstractNumId")) == abstract_id
        ]
        assert len(abstract) == 1  # Pandoc drops the reference's lists from id 990 on
        lvl = next(x for x in abstract[0].findall(w("lvl")) if x.get(w("ilvl")) == str(level))
        assert lvl.find(w("numFmt")).get(w("val")) == "decimal"
        assert lvl.find(w("pStyle")).get(w("val")) == style
    # the contents' title is not a chapter
    assert styles.paragraph_property("TOCHeading", "numPr").find(w("numId")).get(w("val")) == "0"


@pytest.mark.documents
def test_contents_field_holds_an_entry_per_heading(tmp_path: Path) -> None:
    parts = _docx(tmp_path)
    document = _xml(parts, "word/document.xml")
    sdt = next(document.iter(w("sdt")))
    paragraphs = sdt.find(w("sdtContent")).findall(w("p"))
    kinds = [f.get(w("fldCharType")) for f in sdt.iter(w("fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    assert all(f.get(w("dirty")) is None for f in sdt.iter(w("fldChar")))  # Word need not ask to update
    assert "".join(t.text for t in sdt.iter(w("instrText"))).strip().startswith("TOC")
    entries = [
        (p.find(f"{w('pPr')}/{w('pStyle')}").get(w("val")), wordfinish._plain_text(p)) for p in paragraphs[1:]
    ]
    assert entries == [("TOC1", "1 Kosten"), ("TOC2", "1.1 Finanzierung nach Jahr"), ("TOC1", "2 Anlagen")]
    marks = {b.get(w("name")) for b in document.iter(w("bookmarkStart"))}
    anchors = [h.get(w("anchor")) for h in sdt.iter(w("hyperlink"))]
    assert len(anchors) == 3 and set(anchors) <= marks  # internal links, no relationship
    rels = parts["word/_rels/document.xml.rels"].decode()
    assert "External" not in rels
    styles = wordfinish.Styles(_xml(parts, "word/styles.xml"))
    assert {"TOC1", "TOC2"} <= set(styles.by_id)


@pytest.mark.documents
def test_table_columns_hold_their_amounts_and_rows_stay_whole(tmp_path: Path) -> None:
    parts = _docx(tmp_path)
    document = _xml(parts, "word/document.xml")
    section = document.find(f"{w('body')}/{w('sectPr')}")
    size, margins = section.find(w("pgSz")), section.find(w("pgMar"))
    width = int(size.get(w("w"))) - int(margins.get(w("left"))) - int(margins.get(w("right")))
    costs, dates = document.iter(w("tbl"))
    for table in (costs, dates):
        grid = [int(c.get(w("w"))) for c in table.find(w("tblGrid"))]
        assert sum(grid) == width
        assert table.find(f"{w('tblPr')}/{w('tblLayout')}").get(w("type")) == "fixed"
        rows = table.findall(w("tr"))
        assert all(r.find(f"{w('trPr')}/{w('cantSplit')}") is not None for r in rows)
        assert rows[0].find(f"{w('trPr')}/{w('tblHeader')}") is not None
        styles = {p.find(f"{w('pPr')}/{w('pStyle')}").get(w("val")) for p in table.iter(w("p"))}
        assert styles == {"TableText"}
        for row in rows:
            for cell, column in zip(row.findall(w("tc")), grid, strict=True):
                assert int(cell.find(f"{w('tcPr')}/{w('tcW')}").get(w("w"))) == column
                text = wordfinish._plain_text(cell)
                for token in text.split(" "):
                    if any(ch.isdigit() for ch in token):
                        assert text_width(token, 9) + 2 * 57 < column, (token, column)
    # the paragraph that leads into the table stays on its page
    body = list(document.find(w("body")))
    lead = body[body.index(costs) - 1]
    assert lead.find(f"{w('pPr')}/{w('keepNext')}") is not None


@pytest.mark.documents
def test_finishing_is_deterministic_and_adds_nothing_external(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _docx(tmp_path / "a")
    second = _docx(tmp_path / "b")
    assert first == second
    assert refdoc.package_findings(first) == []
    with zipfile.ZipFile(tmp_path / "a" / "a.docx") as package:
        assert {info.date_time for info in package.infolist()} == {refdoc.ZIP_TIME}
    # the document keeps the namespace declarations Word reads prefixes from
    head = first["word/document.xml"][:1200].decode()
    for prefix in ("w", "r", "wp", "a", "pic"):
        assert f"xmlns:{prefix}=" in head


@pytest.mark.documents
def test_short_documents_have_no_contents_and_unnumbered_headings(tmp_path: Path) -> None:
    parts = _docx(tmp_path, export.SHORT)
    document = _xml(parts, "word/document.xml")
    assert next(document.iter(w("sdt")), None) is None
    styles = wordfinish.Styles(_xml(parts, "word/styles.xml"))
    assert styles.paragraph_property("Heading1", "numPr") is None


def test_column_widths() -> None:
    # everything fits on one line: each column its full width, the rest shared in proportion
    narrow, wide = column_widths([Column(0, 100, 1000), Column(0, 100, 3000)], 8000, 0)
    assert narrow + wide == 8000 and 2.9 < wide / narrow < 3.1
    # numbers never shrink below their width; words give way first
    wide = [Column(0, 4000, 20000), Column(1300, 1300, 1300), Column(1300, 1300, 1300)]
    widths = column_widths(wide, 5000, 0)
    assert sum(widths) == 5000 and min(widths[1:]) >= 1300
    # too little room even for the numbers: proportional, still summing up
    assert sum(column_widths([Column(3000, 3000, 3000)] * 3, 6000, 100)) == 6000


def test_a_figure_too_tall_for_a_page_with_its_caption_is_scaled() -> None:
    inline = (
        f'<w:body xmlns:w="{W}" xmlns:wp="{wordfinish.WP_NS}" xmlns:a="{wordfinish.A_NS}"><w:p><w:r><w:drawing>'
        '<wp:inline><wp:extent cx="5753100" cy="8001712"/><a:graphic><a:graphicData><a:ext cx="5753100" cy="8001712"/>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p></w:body>"
    )
    body = ET.fromstring(inline)
    assert wordfinish.fit_figures(body, 6_000_000) == 1
    extent = next(body.iter(f"{{{wordfinish.WP_NS}}}extent"))
    assert extent.get("cy") == "6000000" and extent.get("cx") == str(int(5753100 * 6_000_000 / 8001712))
    assert next(body.iter(f"{{{wordfinish.A_NS}}}ext")).get("cy") == "6000000"


def test_finishing_refuses_nothing_it_cannot_read(tmp_path: Path) -> None:
    """A package without a document part is left alone (Pandoc always writes one)."""
    path = tmp_path / "x.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/other.xml", "<x/>")
    path.write_bytes(buffer.getvalue())
    assert wordfinish.finish_docx(path) == {}
    assert path.read_bytes() == buffer.getvalue()
