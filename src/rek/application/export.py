"""Application Markdown -> DOCX (Pandoc, styled by reference.docx) and PDF (Pandoc's Typst writer + typst)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from ..diagnostics import RekError
from ..locate import PACKAGE_DIR

ASSETS = PACKAGE_DIR / "application" / "assets"
# Markdown as rek writes it; raw HTML/TeX and raw blocks are off, so text can't smuggle output code.
READER = "markdown-raw_html-raw_tex-raw_attribute-tex_math_dollars-tex_math_single_backslash"


def pandoc_path() -> str:
    import pypandoc

    try:
        return pypandoc.get_pandoc_path()
    except OSError as exc:  # pragma: no cover - the wheel ships pandoc
        raise RekError(f"Pandoc nicht gefunden ({exc}); installieren Sie rek mit 'pip install rek'.") from exc


def _pandoc(args: list[str], cwd: Path) -> None:
    result = subprocess.run([pandoc_path(), *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RekError(f"Pandoc ist gescheitert (Code {result.returncode}): {result.stderr.strip()[:2000]}")


def metadata_args(title: str, subtitle: str, date: str) -> list[str]:
    return ["-M", f"title={title}", "-M", f"subtitle={subtitle}", "-M", f"date={date}", "-M", "lang=de-DE"]


def reference_docx(project_templates: Path) -> Path:
    custom = project_templates / "application" / "reference.docx"
    return custom if custom.is_file() else ASSETS / "reference.docx"


def typst_header(project_templates: Path) -> Path:
    custom = project_templates / "application" / "header.typ"
    return custom if custom.is_file() else ASSETS / "header.typ"


def to_docx(markdown: Path, target: Path, meta: list[str], project_templates: Path) -> None:
    _pandoc(
        [
            "-f",
            READER,
            "-t",
            "docx",
            "--toc",
            "--number-sections",
            f"--reference-doc={reference_docx(project_templates)}",
            *meta,
            "-o",
            str(target),
            str(markdown),
        ],  # fmt: skip
        markdown.parent,
    )


def _typst_meta(folder: Path) -> Path:
    path = folder / "typst-meta.yaml"
    path.write_text("margin:\n  x: 2.2cm\n  y: 2.2cm\n", encoding="utf-8")
    return path


_FIGURE = re.compile(r'#figure\(image\("([^"\\]+)"\),\n(\s*)caption: \[\n(.*?)\n\s*\]', re.S)


def with_alt_texts(typst_source: str) -> str:
    """Give every figure image its caption as alt text (Pandoc's Typst writer leaves alt out)."""

    def add(match: re.Match[str]) -> str:
        caption = " ".join(match.group(3).split())
        plain = re.sub(r"\\(.)", r"\1", caption).replace("\\", "\\\\").replace('"', '\\"')
        indent = match.group(2)
        return f'#figure(image("{match.group(1)}", alt: "{plain}"),\n{indent}caption: [\n{match.group(3)}\n{indent}]'

    return _FIGURE.sub(add, typst_source)


DRAFT_TYP = (
    "// rek: the application failed the formal check; every page says so\n"
    "#set page(background: rotate(-40deg, text(size: 30pt, fill: rgb(200, 0, 0, 70))"
    "[Entwurf – formale Prüfung nicht bestanden]))\n"
)


def to_pdf(
    markdown: Path, target: Path, meta: list[str], project_templates: Path, *, draft: bool = False
) -> str | None:
    """Write the PDF: tagged and PDF/UA-1 where Typst can prove it; returns a warning otherwise."""
    import typst

    source = target.with_suffix(".typ")
    extra: list[str] = []
    if draft:  # a fixed text of rek's own, never content
        mark = markdown.parent / "entwurf.typ"
        mark.write_text(DRAFT_TYP, encoding="utf-8")
        extra = [f"--include-in-header={mark}"]
    _pandoc(
        [
            "-f",
            READER,
            "-t",
            "typst",
            "--standalone",
            "--toc",
            "--number-sections",
            "-V",
            "papersize=a4",
            "-V",
            "region=DE",
            f"--metadata-file={_typst_meta(markdown.parent)}",
            "-V",
            "page-numbering=1",
            "-V",
            "toc-depth=2",
            f"--include-in-header={typst_header(project_templates)}",
            *extra,
            *meta,
            "-o",
            str(source),
            str(markdown),
        ],  # fmt: skip
        markdown.parent,
    )
    source.write_text(with_alt_texts(source.read_text(encoding="utf-8")), encoding="utf-8")
    try:
        typst.compile(str(source), output=str(target), root=str(markdown.parent), pdf_standards=["ua-1"])
        return None
    except Exception as exc:  # typst raises its own error types; fall back to a tagged PDF
        reason = str(exc)
    try:
        typst.compile(str(source), output=str(target), root=str(markdown.parent))
    except Exception as exc:
        raise RekError(f"Typst konnte das PDF nicht setzen: {exc}") from exc
    return f"Das PDF ist getaggt, erfüllt aber nicht PDF/UA-1 ({reason})."
