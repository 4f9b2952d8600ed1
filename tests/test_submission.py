"""The application as submitted: cover, criteria, form texts, DOCX and PDF layout, read back from the files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import FIXTURES, ROOT
from rek.plan import resolve
from rek.project import require_project


@pytest.fixture(scope="module")
def plan():
    return resolve(require_project(ROOT))


@pytest.mark.documents
def test_cover_has_the_applicant_block(built_embedded: Path) -> None:
    markdown = (built_embedded / "antrag" / "antrag.md").read_text(encoding="utf-8")
    cover = markdown.split("\n# ", 1)[0]
    for line in (
        "| Antragsteller | Landkreis Hameln-Pyrmont (Landkreis) |",
        "| Amtlicher Regionalschlüssel | 032520000000 |",
        "| Gesetzliche Vertretung | Landrat des Landkreises Hameln-Pyrmont |",
        "| Verbundkoordination | Hochschule Weserbergland |",
        "| Beantragte Förderphase | Phase A: Entwicklung kommunaler Ziele, Strategien und erster Maßnahmen; "
        "Phase B: Umsetzung der Ziele, Strategien und Maßnahmen |",
    ):
        assert line in cover, line
    assert re.search(
        r"\| Ansprechstelle \| Landkreis Hameln-Pyrmont, Stabsstelle Digitalisierung, .*Süntelstraße 9", cover
    )
    assert "| Datum | " in cover


@pytest.mark.documents
def test_criteria_matrix_names_sections_and_measures(plan, built_embedded: Path) -> None:
    markdown = (built_embedded / "antrag" / "antrag.md").read_text(encoding="utf-8")
    assert "**Bewertungskriterien des Aufrufs und wo der Antrag sie beantwortet**" in markdown
    row = next(line for line in markdown.splitlines() if line.startswith("| Potenzial zur Lösung"))
    assert "Ausgangslage und Herausforderungen; Maßnahmensteckbriefe" in row
    assert "M08" in row and "M12" in row
    assert len(plan.criteria) == 9 and all(cp.answered for cp in plan.criteria)


def test_unanswered_criterion_and_passed_deadline_warn(minimal: Path, run) -> None:
    shutil.copytree(FIXTURES / "calls", minimal / "strategy" / "calls")
    call = minimal / "strategy" / "calls" / "test-call.yaml"
    text = call.read_text(encoding="utf-8").replace(
        "summary: Ein Aufruf nur für Tests.",
        "summary: Ein Aufruf nur für Tests.\ndeadline: 2020-01-31\ncriteria:\n"
        "  - id: wirkung\n    title: Wirkung in der Fläche\n    source: {title: Testrichtlinie, note: Nr. 9}",
    )
    call.write_text(text, encoding="utf-8")
    strategy = minimal / "strategy" / "strategy.yaml"
    strategy.write_text(
        strategy.read_text(encoding="utf-8").replace("# call: mpsc-2021", "call: test-call"), "utf-8"
    )
    result = run("check", cwd=minimal)
    assert (
        "strategy/calls/test-call.yaml:12:12: warning: Bewertungskriterium 'Wirkung in der Fläche' beantwortet kein "
        "Abschnitt und keine Maßnahme\n    Hinweis: Nennen Sie die Kennung unter 'criteria' eines Abschnitts im "
        "Profil oder einer Maßnahme: criteria: [wirkung]" in result.out
    )
    assert (
        "strategy/calls/test-call.yaml:9:11: warning: Die Bewerbungsfrist des Aufrufs 'Testaufruf' endete am 31.01.2020"
        in result.out
    )
    measure = minimal / "measures" / "M01.yaml"
    measure.write_text(measure.read_text(encoding="utf-8") + "criteria: [wirkng]\n", encoding="utf-8")
    typo = run("check", cwd=minimal)
    assert "measures/M01.yaml:25:12: error: Feld 'criteria[0]': unbekanntes Kriterium 'wirkng'" in typo.err


@pytest.mark.documents
def test_form_texts_count_exactly_the_text_below(plan, built_embedded: Path) -> None:
    text = (built_embedded / "antrag" / "projekttexte.txt").read_text(encoding="utf-8")
    blocks = re.split(r"^={72}\n", text, flags=re.M)[1:]
    assert len(blocks) == 2 * len(plan.sections)
    for head, body in zip(blocks[0::2], blocks[1::2], strict=True):
        title, count = head.rstrip("\n").split("\n")
        number = int(re.match(r"^([\d.]+) ", count).group(1).replace(".", ""))
        body = body.rstrip("\n")
        if body.startswith("(Dieser Abschnitt besteht aus Tabellen"):
            assert number == 0
        else:
            assert number == len(body), title
    summary = plan.sections[0]
    assert f"{summary.chars:,}".replace(",", ".") + " von 3.000 Zeichen" in text


def test_check_prints_the_counts(run) -> None:
    result = run("check", cwd=ROOT)
    assert "Zeichen je Abschnitt des Antrags:" in result.out
    assert re.search(r"^  Kurzbeschreibung des Vorhabens: [\d.]+ von 3\.000 Zeichen$", result.out, re.M)


@pytest.mark.documents
def test_docx_numbers_pages_and_headings_by_style_and_has_a_german_toc(built_embedded: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(str(built_embedded / "antrag" / "antrag.docx"))
    footer = doc.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "Seite " in footer and " von " in footer
    visible = " ".join(t.text or "" for t in doc.element.body.iter(qn("w:t")))
    assert "Inhaltsverzeichnis" in visible and "Table of Contents" not in visible
    heading = doc.styles["Heading 1"].element
    assert heading.find(qn("w:pPr")).find(qn("w:numPr")) is not None
    titles = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert titles and not any(re.match(r"^\d", t) for t in titles)  # no typed numbers


@pytest.mark.documents
def test_pdf_keeps_measure_tables_together(plan, built_embedded: Path) -> None:
    from pypdf import PdfReader

    pages = [p.extract_text() for p in PdfReader(str(built_embedded / "antrag" / "antrag.pdf")).pages]
    assert all(f"Seite {i} von {len(pages)}" in text for i, text in enumerate(pages, 1))
    text = ""
    page_of: list[int] = []
    for number, page in enumerate(pages):
        text += page + "\n"
        page_of += [number] * (len(page) + 1)
    for mp in plan.application.measures:
        heading = re.search(rf"(?m)^(\d+\.\d+ )?{mp.id} ", text)
        assert heading, mp.id
        first = text.index("Handlungsfeld", heading.start())
        money = text.index("Finanzierung", first)
        # the profile table from its first row to its money rows (rows 1 to 8) on one page
        assert page_of[first] == page_of[money], (mp.id, page_of[first] + 1, page_of[money] + 1)


@pytest.mark.documents
def test_application_timeline_has_a_legend_and_full_labels(plan, built_embedded: Path) -> None:
    svg = (built_embedded / "antrag" / "zeitplan.svg").read_text(encoding="utf-8")
    texts = [t.text for t in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    used = {mp.field.id for mp in plan.application.measures}
    legend = [f.title for f in plan.project.action_fields if f.id in used]
    # the legend first: every action field of the application with its whole title, then the milestone key
    assert legend and texts[: len(legend) + 1] == [*legend, "Meilenstein"]
    assert "M05 E-Formulare und Online-Antragsstrecken – Pilot im Verbund" in svg


@pytest.mark.documents
def test_docx_charts_are_png_and_pdf_keeps_vectors(built_embedded: Path) -> None:
    import zipfile

    with zipfile.ZipFile(built_embedded / "antrag" / "antrag.docx") as docx:
        media = [n for n in docx.namelist() if n.startswith("word/media/")]
        assert len(media) == 2 and all(n.endswith(".png") for n in media)
        assert all(docx.read(n)[:8] == b"\x89PNG\r\n\x1a\n" for n in media)
    typst_source = (built_embedded / "antrag" / "antrag.typ").read_text(encoding="utf-8")
    assert 'image("zeitplan.svg"' in typst_source
