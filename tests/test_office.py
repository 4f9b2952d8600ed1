"""The DOCX files in the real client: LibreOffice converts the application, a council draft and the report
to PDF, and pdftotext reads them back as a reviewer would see them.

Checked: the contents page lists the chapter titles with their numbers (the TOC field carries entries,
LibreOffice does not update fields); headings carry numbers; no amount (1.234,56 €) and no date
(01.02.2025) of the Markdown is broken across lines; no page is nearly empty (a lone heading, a
table header with one line, a caption without its figure), the end of a chapter before the next
chapter's page excepted.

LibreOffice is for these tests only, never for the build. Without ``soffice`` and poppler-utils the
tests skip; in CI (``REK_REQUIRE_OFFICE=1``, set by ``.ci/run``) they are required.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftotext") and shutil.which("pdfimages")
REQUIRED = os.environ.get("REK_REQUIRE_OFFICE") == "1"

if not (SOFFICE and POPPLER):
    if REQUIRED:
        raise RuntimeError("Office tests required but LibreOffice (soffice) or poppler-utils is missing")
    pytest.skip(
        "LibreOffice or poppler-utils not installed (make test installs them)", allow_module_level=True
    )

pytestmark = [pytest.mark.office, pytest.mark.slow]

AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})*(?:,\d{2})?[ \u00a0]€")
DATE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")
FOOTER = re.compile(r"^\s*Seite \d+ von \d+\s*$")
NEARLY_EMPTY = 3  # content lines on a page that is not the end of a chapter


@dataclass
class Rendered:
    markdown: str
    pages: list[list[str]]  # content lines per page (footer left out)
    images: set[int]  # pages (1-based) with an image

    @property
    def text(self) -> str:
        return "\n".join("\n".join(page) for page in self.pages)


def convert(files: list[Path], folder: Path) -> dict[str, Rendered]:
    """PDFs of the DOCX files by LibreOffice (own profile), read back by poppler."""
    profile = folder / "profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), *map(str, files)],
        env={**os.environ, "HOME": str(folder)}, capture_output=True, timeout=600, check=True,
    )  # fmt: skip
    rendered = {}
    for docx in files:
        pdf = folder / f"{docx.stem}.pdf"
        assert pdf.is_file(), f"LibreOffice wrote no PDF for {docx.name}"
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        listing = subprocess.run(
            ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        pages = [
            [
                line.replace("\u00a0", " ")
                for line in page.splitlines()
                if line.strip() and not FOOTER.match(line)
            ]
            for page in text.split("\f")
        ]
        while pages and not pages[-1]:
            pages.pop()
        rendered[docx.stem] = Rendered(
            docx.with_suffix(".md").read_text(encoding="utf-8"),
            pages,
            {int(row.split()[0]) for row in listing if row.split()},
        )
    return rendered


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    from rek.cli import main

    work = tmp_path_factory.mktemp("office")
    project = work / "weserbergland"
    project.mkdir()
    for name in ("strategy", "measures", "content"):
        shutil.copytree(ROOT / name, project / name)
    for command in (
        ["application", "--out", str(work / "antrag")],
        ["report", "--year", "2025", "--out", str(work / "bericht")],
    ):
        try:
            main(["-q", "-C", str(project), *command])
        except SystemExit as exc:
            assert not exc.code, command
    files = [
        work / "antrag" / "antrag.docx",
        work / "antrag" / "entwuerfe" / "beschlussvorlage-hm.docx",
        work / "bericht" / "umsetzungsbericht-2025.docx",
    ]
    return convert(files, work / "pdf")


def _chapters(markdown: str) -> list[str]:
    return [
        re.sub(r"\\(.)", r"\1", line[2:].strip()) for line in markdown.splitlines() if line.startswith("# ")
    ]


def _headings(markdown: str) -> tuple[set[str], set[str]]:
    """Lines a heading may show as (numbered as the long reference numbers them, or plain): all, chapters."""
    every: set[str] = set()
    chapters: set[str] = set()
    numbers = [0, 0, 0]
    for line in markdown.splitlines():
        match = re.match(r"^(#{1,3}) (.+)$", line)
        if not match:
            continue
        level = len(match.group(1)) - 1
        numbers[level] += 1
        numbers[level + 1 :] = [0] * (2 - level)
        title = re.sub(r"\\(.)", r"\1", match.group(2).strip())
        shown = {title, ".".join(str(n) for n in numbers[: level + 1]) + " " + title}
        every |= shown
        if level == 0:
            chapters |= shown
    return every, chapters


@pytest.mark.parametrize("name", ["antrag", "umsetzungsbericht-2025"])
def test_contents_list_the_numbered_chapters_without_updating_fields(office, name: str) -> None:
    doc = office[name]
    start = next(i for i, page in enumerate(doc.pages) if page and page[0].strip() == "Inhaltsverzeichnis")
    contents = "\n".join("\n".join(page) for page in doc.pages[start : start + 3])
    chapters = _chapters(doc.markdown)
    assert len(chapters) >= 5
    for number, title in enumerate(chapters, 1):
        assert re.search(rf"(?m)^\s*{number}\s+{re.escape(title)}\s*$", contents), (number, title)


@pytest.mark.parametrize("name", ["antrag", "umsetzungsbericht-2025"])
def test_chapters_carry_their_numbers(office, name: str) -> None:
    doc = office[name]
    firsts = [page[0].strip() for page in doc.pages if page]  # every chapter begins a page
    for number, title in enumerate(_chapters(doc.markdown), 1):
        assert f"{number} {title}" in firsts, (number, title)


@pytest.mark.parametrize("name", ["antrag", "beschlussvorlage-hm", "umsetzungsbericht-2025"])
def test_no_amount_or_date_is_broken_across_lines(office, name: str) -> None:
    doc = office[name]
    text = re.sub(r"[ ]+", " ", doc.text)
    wanted = {m.replace("\u00a0", " ") for m in AMOUNT.findall(doc.markdown) + DATE.findall(doc.markdown)}
    assert len(wanted) > 5
    missing = sorted(value for value in wanted if value not in text)
    assert not missing, f"{len(missing)} of {len(wanted)} amounts and dates broken, e.g. {missing[:5]}"


@pytest.mark.parametrize("name", ["antrag", "beschlussvorlage-hm", "umsetzungsbericht-2025"])
def test_no_page_is_nearly_empty(office, name: str) -> None:
    doc = office[name]
    headings, chapters = _headings(doc.markdown)
    problems = []
    for number, page in enumerate(doc.pages, 1):
        following = doc.pages[number] if number < len(doc.pages) else None
        if not page or following is None:
            continue
        if page[-1].strip() in headings and number != 1:
            problems.append((number, "heading at the foot", page[-1].strip()))
        ends_chapter = bool(following) and following[0].strip() in chapters
        if number not in doc.images and len(page) <= NEARLY_EMPTY and not ends_chapter:
            problems.append((number, "nearly empty", page))
    assert not problems, problems
