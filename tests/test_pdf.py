"""The application's PDF as a reviewer reads it: a cover with the key facts, headings kept with what they
introduce, whole labels and figures in the finance tables, a Gantt chart whose labels are never cut."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from conftest import ROOT
from rek import charts
from rek import formatting as fmt
from rek.application.build import timeline_svg
from rek.application.document import render
from rek.call import document_date
from rek.model import COST_CATEGORY_LABELS, CostCategory
from rek.plan import Plan, call_phases, resolve
from rek.project import require_project

FOOTER = re.compile(r"^Seite \d+ von \d+$")


@pytest.fixture(scope="module")
def plan() -> Plan:
    return resolve(require_project(ROOT))


@pytest.fixture(scope="module")
def pages(built_embedded: Path) -> list[list[str]]:
    """The lines of each page of antrag.pdf (without the page footer)."""
    from pypdf import PdfReader

    reader = PdfReader(str(built_embedded / "antrag" / "antrag.pdf"))
    return [
        [
            line.strip()
            for line in page.extract_text().splitlines()
            if line.strip() and not FOOTER.match(line.strip())
        ]
        for page in reader.pages
    ]


def flat(text: str) -> str:
    return " ".join(text.split())


def is_contents(page: list[str]) -> bool:
    return any(". . ." in line for line in page)


def headings(markdown: str) -> list[str]:
    """Every heading of the Markdown and every run-in heading (a paragraph of bold text only)."""
    found = []
    for line in markdown.splitlines():
        if re.match(r"#{1,4} ", line):
            found.append(line.lstrip("#").strip())
        elif re.fullmatch(r"\*\*[^*]+\*\*", line.strip()):
            found.append(line.strip().strip("*"))
    return [flat(re.sub(r"\\(.)", r"\1", h)) for h in found]


@pytest.mark.documents
def test_cover_page_has_applicant_partners_call_phases_sums_contact_and_date(plan: Plan, pages) -> None:
    cover = flat(" ".join(pages[0]))
    s, call, total = plan.project.strategy, plan.call, plan.application.total
    assert call is not None and plan.applicant is not None
    assert s.title.split(" – ")[0] in cover
    assert f"Antragsteller {plan.applicant.name}" in cover
    for partner in s.partners:
        assert partner.name in cover, partner.name
    assert flat(call.name) in cover
    for key, money in plan.application.by_phase.items():
        assert f"Phase {key} " in cover
        assert flat(f"Kosten {fmt.euro(money.cost, True)}, Zuwendung {fmt.euro(money.grant, True)}") in cover
    for label, value in (
        ("Gesamtkosten", total.cost),
        ("Beantragte Zuwendung", total.grant),
        ("Drittmittel", total.third_party),
        ("Eigenanteil", total.own),
    ):
        assert flat(f"{label} {fmt.euro(value, True)}") in cover, label
    legal = plan.applicant.legal
    assert legal is not None and legal.contact is not None
    assert f"Ansprechstelle {legal.contact.name}" in cover
    assert fmt.date(document_date(s, call, plan.today)) in cover
    # the contents follow the cover on a page of their own
    assert not is_contents(pages[0]) and pages[1][0] == "Inhaltsverzeichnis"


@pytest.mark.documents
def test_no_heading_is_the_last_line_of_a_page(built_embedded: Path, pages) -> None:
    titles = headings((built_embedded / "antrag" / "antrag.md").read_text(encoding="utf-8"))
    assert len(titles) > 40
    orphans = []
    for number, page in enumerate(pages, start=1):
        if not page or is_contents(page):
            continue
        last = re.sub(r"^\d+(\.\d+)* ", "", page[-1])
        if len(last) >= 8 and any(title.startswith(last) for title in titles):
            orphans.append((number, page[-1]))
    assert orphans == []


@pytest.mark.documents
def test_every_measure_heading_stands_on_the_page_of_its_profile(plan: Plan, pages) -> None:
    apart = []
    for mp in plan.application.measures:
        heading = re.compile(rf"^\d+\.\d+ {mp.id} ")
        number, page = next(
            (n, p) for n, p in enumerate(pages) if not is_contents(p) and any(heading.match(x) for x in p)
        )
        start = next(i for i, line in enumerate(page) if heading.match(line))
        if not any(line.startswith("Handlungsfeld ") for line in page[start:]):
            apart.append((mp.id, number + 1))
    assert len(plan.application.measures) > 10 and apart == []


@pytest.mark.documents
def test_finance_tables_keep_labels_and_figures_whole(plan: Plan, pages) -> None:
    start = next(
        n
        for n, p in enumerate(pages)
        if not is_contents(p) and any(x.endswith(" Kosten nach Jahr und Kostenart") for x in p)
    )
    end = next(
        n
        for n, p in enumerate(pages)
        if n > start and any(x.endswith("Risiken und Gegenmaßnahmen") for x in p)
    )
    text = "\n".join(line for page in pages[start:end] for line in page)
    budget = plan.application
    words = [COST_CATEGORY_LABELS[CostCategory(c)] for c in budget.categories]
    words += ["förderfähig", "Zuwendung", "Drittmittel", "Eigenanteil", "Eigenanteile der Partner"]
    words += [p.name for p in plan.project.strategy.partners]
    for word in words:  # a label may wrap at a space, never inside a word ("Personalaus-\ngaben")
        assert word in flat(text), word
    figures = [fmt.euro(m.cost, True) for m in budget.by_year.values()]
    figures += [fmt.euro(v, True) for v in budget.by_year_category.values()]
    figures += [fmt.euro(budget.total.cost, True), fmt.euro(budget.total.grant, True)]
    for figure in figures:  # whole, on one line (the space before € does not break)
        assert figure in text, figure


def label_lines(svg: str) -> list[str]:
    return [unescape(t) for t in re.findall(r"<text [^>]*>([^<]*)</text>", svg)]


def test_gantt_labels_of_the_application_are_never_cut(plan: Plan) -> None:
    app = render(plan, timeline_image="zeitplan.svg")
    svg = timeline_svg(app)
    text = label_lines(svg)
    assert not any("…" in line for line in text)
    joined = " ".join(text)
    for mp in app.measures:
        assert f"{mp.id} {mp.title}" in joined, mp.id  # wrapped over lines, every word kept
    longest = max(app.measures, key=lambda mp: len(mp.title))
    assert (
        len(f"{longest.id} {longest.title}") * 13 * charts.CHAR > charts.WIDE
    )  # one label does need a break
    # the funding phases as bands named above the years
    derived = call_phases(plan.project, plan.call)  # the embedded strategy names none: from the dates
    applied = [(derived[p.id][0], p) for p in plan.project.strategy.phases if derived[p.id][0]]
    assert [key for key, _ in applied] == ["A", "B"]
    for key, phase in applied:
        assert f"Phase {key}" in text
        assert f"Phase {key}: {fmt.date(phase.start)} bis {fmt.date(phase.end)}" in svg
    bands = re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"', svg)
    assert sum(fill in charts.BAND_FILLS for fill in bands) == len(applied)


def test_a_label_longer_than_a_line_and_a_word_longer_than_a_line_are_wrapped_not_shortened() -> None:
    import datetime as dt

    word = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenhersteller" * 2
    spans = [
        charts.Span(
            "M01 " + " ".join(["Bedarfsverkehr"] * 12), dt.date(2024, 1, 1), dt.date(2025, 6, 30), []
        ),
        charts.Span(word, dt.date(2024, 3, 1), dt.date(2024, 9, 30), []),
    ]
    for narrow in (False, True):
        svg = charts.timeline(
            "t", "Zeitplan", spans, today=dt.date(2024, 1, 1), narrow=narrow, labels_above=True
        )
        lines = label_lines(svg)
        assert not any("…" in line for line in lines)
        assert "".join(lines).replace(" ", "").count(word) == 1
        assert " ".join(lines).count("Bedarfsverkehr") == 12
        height = int(re.search(r'height="(\d+)"', svg).group(1))
        assert max(float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)"', svg)) < height


@pytest.mark.documents
@pytest.mark.office
@pytest.mark.slow
def test_council_summary_docx_fits_two_pages_in_libreoffice(embedded: Path, run, tmp_path: Path) -> None:
    """The council summary (rek kurzfassung) is two pages in LibreOffice, as its PDF is."""
    import os
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("REK_REQUIRE_OFFICE") == "1":
            raise RuntimeError("LibreOffice (soffice) required but missing")
        pytest.skip("LibreOffice not installed (make test installs it)")
    from pypdf import PdfReader

    out = tmp_path / "kurz"
    assert run("kurzfassung", "--out", str(out), cwd=embedded).code == 0
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "lo"), str(out / "kurzfassung.docx")],
        env={**os.environ, "HOME": str(tmp_path)}, capture_output=True, timeout=600, check=True,
    )  # fmt: skip
    office = PdfReader(str(tmp_path / "lo" / "kurzfassung.pdf"))
    typst = PdfReader(str(out / "kurzfassung.pdf"))
    assert len(office.pages) == len(typst.pages) == 2
    assert "Eigenanteile der Partner" in office.pages[1].extract_text()  # the last table, complete


def _rules(pgm: bytes) -> list[tuple[int, int]]:
    """(row, darkest grey) of each horizontal rule in a greyscale page (a long unbroken run of grey)."""
    header, _, rest = pgm.partition(b"\n")
    assert header == b"P5"
    size, _, rest = rest.partition(b"\n")
    _maxval, _, pixels = rest.partition(b"\n")
    width, height = map(int, size.split())
    found: list[tuple[int, int]] = []
    for y in range(height):
        row = pixels[y * width : (y + 1) * width]
        run = longest = 0
        for value in row:
            run = run + 1 if value < 250 else 0
            longest = max(longest, run)
        if longest > width // 8:  # a line across a table, longer than any stroke of a letter
            if found and found[-1][0] >= y - 1:  # one rule drawn over two pixel rows
                found[-1] = (y, min(found[-1][1], min(row)))
            else:
                found.append((y, min(row)))
    return found


@pytest.mark.documents
def test_only_a_real_header_row_is_ruled_as_a_header(tmp_path: Path) -> None:
    """A key/value table (empty header) has the same light rule under its first row as under the others;
    a table with a header has a dark rule under the header."""
    import shutil
    import subprocess

    from rek.application.export import SHORT, metadata_args, to_pdf

    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils not installed (make test installs them)")
    markdown = tmp_path / "t.md"
    markdown.write_text(
        "| | |\n| :-- | :-- |\n| Antragsteller | Landkreis |\n| Partner | Landkreise |\n| Datum | 01.01.2026 |\n\n"
        "Text zwischen den Tabellen.\n\n"
        "| Haushaltsjahr der Maßnahme | Kosten im Jahr |\n| :-- | --: |\n| 2025 | 1.000,00 € |\n| 2026 | 2.000,00 € |\n",
        encoding="utf-8",
    )
    to_pdf(markdown, tmp_path / "t.pdf", metadata_args("T", "U", "01.01.2026"), tmp_path, options=SHORT)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-gray",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "t.pdf"),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    rules = _rules(next(tmp_path.glob("p*.pgm")).read_bytes())
    key_value, with_header = rules[:3], rules[3:]
    assert len(key_value) == 3 and len(with_header) == 3, rules
    assert all(grey > 150 for _, grey in key_value), key_value  # light rules only: no header styling
    assert with_header[0][1] < 100 < with_header[1][1], with_header  # dark under the header, light below


@pytest.mark.documents
def test_text_kept_with_its_table_stays_text(tmp_path: Path) -> None:
    """The layout filter wraps a paragraph in a block of its own; brackets and Typst code in it stay text."""
    from pypdf import PdfReader

    from rek.application.export import SHORT, metadata_args, to_pdf

    hostile = 'Vorsicht ] #read("/etc/passwd") ) [ #pagebreak() \\*'
    markdown = tmp_path / "t.md"
    markdown.write_text(
        f"## Überschrift\n\n{hostile}\n\n| a | b |\n| :-- | :-- |\n| c | d |\n\n**{hostile}**\n\n| e | f |\n| :-- | :-- |\n| g | h |\n",
        encoding="utf-8",
    )
    to_pdf(markdown, tmp_path / "t.pdf", metadata_args("T", "U", "01.01.2026"), tmp_path, options=SHORT)
    source = (tmp_path / "t.typ").read_text(encoding="utf-8")
    assert source.count("#block(sticky: true)[") == 2  # both kept with their table
    reader = PdfReader(str(tmp_path / "t.pdf"))
    assert len(reader.pages) == 1
    text = flat(reader.pages[0].extract_text())  # Typst sets German quotation marks
    assert text.count("Vorsicht ] #read(„/etc/passwd“) ) [ #pagebreak() *") == 2
