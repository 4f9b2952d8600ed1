"""The application as submitted: cover, criteria, form texts, DOCX and PDF layout, read back from the files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import APPLICATION_DELIVERABLES, FIXTURES, ROOT, with_call
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


def test_unanswered_criterion_warns_and_a_passed_deadline_is_an_error(minimal: Path, run) -> None:
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
        "strategy/strategy.yaml:7:7: warning: Bewertungskriterium 'Wirkung in der Fläche' beantwortet kein "
        "Abschnitt und keine Maßnahme\n    Hinweis: Nennen Sie die Kennung im Feld 'criteria' der Maßnahme, die "
        "das Kriterium beantwortet (measures/…yaml): criteria: [wirkung]" in result.out
    )
    assert (
        "strategy/calls/test-call.yaml:9:11: error: Die Bewerbungsfrist des Aufrufs 'Testaufruf' endete am "
        "31.01.2020; ein Antrag vom 25.11.2026 (Stichtag) käme zu spät" in result.err
    )
    assert result.code == 1
    measure = minimal / "measures" / "M01.yaml"
    measure.write_text(measure.read_text(encoding="utf-8") + "criteria: [wirkng]\n", encoding="utf-8")
    typo = run("check", cwd=minimal)
    assert "measures/M01.yaml:25:12: error: Feld 'criteria[0]': unbekanntes Kriterium 'wirkng'" in typo.err


@pytest.mark.documents
def test_form_texts_count_exactly_the_text_below(plan, built_embedded: Path) -> None:
    from rek.application.formtexts import NO_TEXT

    text = (built_embedded / "antrag" / "projekttexte.txt").read_text(encoding="utf-8")
    blocks = re.split(r"^={72}\n", text, flags=re.M)[1:]
    assert len(blocks) == 2 * len(plan.sections)
    for head, body in zip(blocks[0::2], blocks[1::2], strict=True):
        title, count = head.rstrip("\n").split("\n")
        number = int(re.match(r"^([\d.]+) ", count).group(1).replace(".", ""))
        body = body.rstrip("\n")
        assert number == (0 if body == NO_TEXT else len(body)), title
    assert re.search(r"^1\. Kurzbeschreibung des Vorhabens\n[\d.]+ von 3\.000 Zeichen$", text, re.M)


def test_check_prints_the_counts(run) -> None:
    result = run("check", cwd=ROOT)
    assert "Zeichen je Formularfeld des Antrags (wie in projekttexte.txt):" in result.out
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


def test_application_timeline_has_a_legend_and_full_labels(plan) -> None:
    from rek.application.build import timeline_svg
    from rek.application.document import render

    svg = timeline_svg(render(plan))
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
    from pypdf import PdfReader

    # the PDF draws the SVG charts as vectors: no page holds a raster image
    for page in PdfReader(str(built_embedded / "antrag" / "antrag.pdf")).pages:
        objects = page.get("/Resources", {}).get("/XObject", {}) or {}
        assert all(x.get_object().get("/Subtype") != "/Image" for x in objects.values())


# --- issue 20: an application the funding body accepts ----------------------------------------------


def test_the_cover_names_the_applicants_own_key_and_representative(embedded: Path) -> None:
    from rek.application.document import render

    strategy = embedded / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    assert "\napplicant: hm " in text
    strategy.write_text(text.replace("\napplicant: hm ", "\napplicant: shg "), encoding="utf-8")
    cover = render(resolve(require_project(embedded))).cover
    for line in (
        "| Antragsteller | Landkreis Schaumburg (Landkreis) |",
        "| Amtlicher Regionalschlüssel | 032570000000 |",
        "| Gesetzliche Vertretung | Landrat des Landkreises Schaumburg |",
    ):
        assert line in cover, line
    assert "032520000000" not in cover and "Landrat des Landkreises Hameln-Pyrmont" not in cover


def test_old_applicant_details_are_refused_with_the_place_they_moved_to(minimal: Path, run) -> None:
    strategy = minimal / "strategy" / "strategy.yaml"
    lines = strategy.read_text(encoding="utf-8").count("\n")
    strategy.write_text(
        strategy.read_text(encoding="utf-8")
        + 'applicant_details:\n  regional_key: "032520000000"\n  representative: Landrat\n',
        encoding="utf-8",
    )
    result = run("check", cwd=minimal)
    assert result.code == 1
    assert (
        f"strategy/strategy.yaml:{lines + 1}:1: error: Feld 'applicant_details' gibt es nicht mehr: "
        "Regionalschlüssel, gesetzliche Vertretung und Ansprechstelle gehören jetzt zum Partner, der den Antrag "
        "stellt (partners[…].legal), damit das Deckblatt nie die Angaben eines anderen Partners nennt\n"
        "    Hinweis: Verschieben Sie den Block als 'legal:' unter den Partner, den 'applicant' nennt (gleiche "
        "Felder: regional_key, representative, contact, deputy, example, sources; neu: address)."
        in result.err
    )


def test_an_applicant_without_legal_data_is_warned_about(minimal: Path, run) -> None:
    with_call(minimal)
    strategy = minimal / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    start = text.index("    legal:")
    text = text[:start] + text[text.index("goals:\n", start) :]
    strategy.write_text(text, encoding="utf-8")
    result = run("check", cwd=minimal)
    assert result.code == 0, result.err
    assert (
        "strategy/strategy.yaml:28:9: warning: Feld 'partners[0].legal' fehlt: das Deckblatt des Antrags nennt "
        "ohne die rechtlichen Angaben des Antragstellers (Landkreis Testheim) keinen Regionalschlüssel und keine "
        "gesetzliche Vertretung" in result.out
    )


@pytest.mark.documents
def test_the_application_states_the_plan_not_the_progress(built_embedded: Path) -> None:
    from rek.model import STATUS_LABELS

    markdown = (built_embedded / "antrag" / "antrag.md").read_text(encoding="utf-8")
    assert "| Priorität | Hoch |" in markdown
    assert "Status, Priorität" not in markdown  # the annex table keeps its 'Status' (vorhanden, …)
    for label in STATUS_LABELS.values():
        assert f"| {label}" not in markdown and f"{label}, " not in markdown, label
    # dated on the submission day of strategy.yaml (an example), not on the reference day of the build
    assert "| Datum | 12.03.2021 (Beispielangabe) |" in markdown
    assert "25.11.2026" not in markdown
    council = (built_embedded / "antrag" / "entwuerfe" / "beschlussvorlage-hol.md").read_text(
        encoding="utf-8"
    )
    assert "Beschlussvorlage** zum Antrag vom 12.03.2021" in council


@pytest.mark.documents
def test_a_submission_after_the_deadline_is_refused_unless_draft(minimal: Path, run, tmp_path: Path) -> None:
    with_call(minimal)
    strategy = minimal / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    at = text.rindex("date: 2021-03-12}")  # the entry with_call added (the template has one in a comment)
    strategy.write_text(text[:at] + "date: 2021-03-15}" + text[at + 17 :], encoding="utf-8")
    line = text[: text.rindex("date: 2021-03-12}")].count("\n") + 1
    expected = (
        f"strategy/strategy.yaml:{line}:29: error: Feld 'submissions[0].date': der Antrag ist auf den 15.03.2021 "
        "datiert; die Bewerbungsfrist des Aufrufs 'Modellprojekte Smart Cities 2021 (Staffel 3): „Gemeinsam aus "
        "der Krise: Raum für Zukunft“' endete am 14.03.2021\n"
        "    Hinweis: Ein Antrag nach der Frist wird nicht angenommen; mit --draft entsteht ein Entwurf, der auf "
        "jeder Seite so markiert ist.\n    Regel: Bewerbungsfrist (strategy/calls/mpsc-2021.yaml:7:11)"
    )
    checked = run("check", cwd=minimal)
    assert checked.code == 1 and expected in checked.err
    refused = run("application", "--out", str(tmp_path / "antrag"), cwd=minimal)
    assert refused.code == 1 and expected in refused.err
    assert "Kein Antrag geschrieben: die formale Prüfung ist nicht bestanden." in refused.err
    assert not (tmp_path / "antrag").exists()
    draft = run("application", "--draft", "--out", str(tmp_path / "entwurf"), cwd=minimal)
    assert draft.code == 0, draft.err
    assert "Entwurf geschrieben:" in draft.out
    markdown = (tmp_path / "entwurf" / "antrag.md").read_text(encoding="utf-8")
    assert markdown.startswith("> **Entwurf – formale Prüfung nicht bestanden.**")
    assert "| Datum | 15.03.2021 |" in markdown
    readme = (tmp_path / "entwurf" / "LIESMICH.txt").read_text(encoding="utf-8")
    assert "ENTWURF – FORMALE PRÜFUNG NICHT BESTANDEN: diese Fassung nicht einreichen" in readme


def test_a_submission_names_a_known_call_once(minimal: Path, run) -> None:
    strategy = minimal / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    lines = text.count("\n")
    strategy.write_text(text + "submissions:\n  - {call: mpsc-2022, date: 2022-01-01}\n", encoding="utf-8")
    result = run("check", cwd=minimal)
    assert result.code == 1
    assert (
        f"strategy/strategy.yaml:{lines + 2}:12: error: Feld 'submissions[0].call': unbekannter Förderaufruf "
        "'mpsc-2022'" in result.err
    )


@pytest.mark.documents
def test_the_application_folder_holds_deliverables_and_says_what_each_is_for(built_embedded: Path) -> None:
    folder = built_embedded / "antrag"
    names = sorted(p.name for p in folder.iterdir() if p.name != ".rek-build")  # the marker of rek's output
    assert names == APPLICATION_DELIVERABLES
    assert all(p.suffix in (".md", ".docx") for p in (folder / "entwuerfe").iterdir())
    readme = (folder / "LIESMICH.txt").read_text(encoding="utf-8")
    assert readme.startswith(
        "Antrag „Smart Region REK Weserberglandplus“ im Förderaufruf Modellprojekte Smart Cities 2021 (Staffel 3)"
    )
    assert "Datum des Antrags: 12.03.2021." in readme
    for name in names:
        assert f"\n{name}" in readme or f"\n{name}/" in readme, name
    assert "antrag.pdf                         der Antrag zum Einreichen" in readme
    markdown = (folder / "antrag.md").read_text(encoding="utf-8")
    assert ".svg)" not in markdown
    assert "*Abbildung (im PDF und im Word-Dokument): Zeitplan aller Maßnahmen des Antrags" in markdown
