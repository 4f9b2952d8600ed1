"""Application Markdown -> DOCX (Pandoc, styled by reference.docx) and PDF (Pandoc's Typst writer + typst)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import refdoc
from ..diagnostics import Diagnostics, RekError
from ..layout import MAX_TEMPLATE_BYTES
from ..locate import PACKAGE_DIR
from . import wordfinish

ASSETS = PACKAGE_DIR / "application" / "assets"
# Markdown as rek writes it: no metadata blocks, citations, title blocks, raw HTML/TeX or raw blocks, so
# text can't set template variables or smuggle output code. --sandbox: Pandoc reads no file or URL
# besides those on its command line (rek's own images reach the DOCX by a Lua filter, see image_args).
READER = (
    "markdown-yaml_metadata_block-pandoc_title_block-citations-raw_html-raw_tex-raw_attribute"
    "-tex_math_dollars-tex_math_single_backslash"
)
SANDBOX = ["--sandbox"]
TYPST_SECONDS = 300
TYPST_MEMORY = 4 * 1024**3  # address space of the Typst child process


@dataclass(frozen=True)
class DocumentOptions:
    """How a Markdown output becomes DOCX and PDF; each entry of the output registry (``outputs.py``) says it."""

    contents: bool = True  # a table of contents (a field in the DOCX, a page in the PDF)
    numbered: bool = True  # numbered headings in the PDF (the DOCX: by its reference document's styles)
    short: bool = False  # reference-short.docx: chapters without a page break (drafts, summaries)


LONG = DocumentOptions()  # the application and the report
SHORT = DocumentOptions(contents=False, numbered=False, short=True)  # drafts and the council summary


def pandoc_path() -> str:
    import pypandoc

    try:
        return pypandoc.get_pandoc_path()
    except OSError as exc:  # pragma: no cover - the wheel ships pandoc
        raise RekError(f"Pandoc nicht gefunden ({exc}); installieren Sie rek mit 'pip install rek'.") from exc


def _pandoc(args: list[str], cwd: Path) -> None:
    try:
        result = subprocess.run(
            [pandoc_path(), *SANDBOX, *args], cwd=cwd, capture_output=True, text=True, timeout=600
        )
    except subprocess.TimeoutExpired:
        raise RekError("Pandoc hat nach 600 Sekunden nicht geantwortet und wurde abgebrochen.") from None
    if result.returncode != 0:
        target = args[args.index("-o") + 1] if "-o" in args else "?"
        raise RekError(
            f"Pandoc ist gescheitert (Code {result.returncode}) beim Schreiben von {Path(target).name}: "
            f"{result.stderr.strip()[:2000]}"
        )


_IMAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.(?:svg|png|jpe?g)$")
IMAGES_FILTER = ASSETS / "images.lua"
# the PDF's page layout: headings kept with their tables, the contents after the cover (see the file)
LAYOUT_FILTER = ASSETS / "typst-layout.lua"


def image_args(folder: Path, images: Sequence[str]) -> list[str]:
    """Pandoc options that embed rek's own images (files rek wrote into folder) and nothing else.

    The Lua filter puts exactly these files into Pandoc's media bag; Pandoc embeds an Image element
    whose target is one of the names (once, however often it occurs). Text that only looks like an
    image, e.g. in a code span, is never touched, and the sandbox reads no other file.
    """
    names = [
        name
        for name in images
        if _IMAGE_NAME.match(name) and (folder / name).is_file() and not (folder / name).is_symlink()
    ]
    if not names:
        return []
    return [f"--lua-filter={IMAGES_FILTER}", *(arg for name in names for arg in ("-M", f"rek-images={name}"))]


def metadata_args(title: str, subtitle: str, date: str) -> list[str]:
    return [
        "-M", f"title={title}", "-M", f"subtitle={subtitle}", "-M", f"date={date}", "-M", "lang=de-DE",
        "-M", "toc-title=Inhaltsverzeichnis",
    ]  # fmt: skip


def reference_docx(project_templates: Path, *, short: bool = False) -> Path:
    """Word styles: the application's (chapters on new pages), or for short documents such as drafts."""
    name = "reference-short.docx" if short else "reference.docx"
    custom = project_templates / "application" / name
    return custom if custom.is_file() else ASSETS / name


def clean_reference_docx(project_templates: Path, folder: Path, *, short: bool = False) -> Path:
    """The reference document Pandoc gets, written into folder: rebuilt from styles only (refdoc.py).

    The project's file is read again without following links and checked as ``rek check`` does;
    what Word would fetch or run is refused, and Pandoc never sees the file itself.
    """
    from ..yamlsource import read_limited

    name = "reference-short.docx" if short else "reference.docx"
    own = (ASSETS / name).read_bytes()
    source = reference_docx(project_templates, short=short)
    data = own
    if source != ASSETS / name:
        display = f"templates/application/{name}"
        diags = Diagnostics()
        raw = read_limited(source, display, diags, MAX_TEMPLATE_BYTES, root=project_templates.parent)
        if raw is None or not refdoc.check_reference(raw, display, diags):
            raise RekError(diags)
        data = raw
    try:
        cleaned = refdoc.clean_reference(data, fallback=own)
    except refdoc.PackageError as exc:
        diags = Diagnostics()
        diags.add(f"templates/application/{name}", 1, 1, f"Word-Vorlage {exc}")
        raise RekError(diags) from None
    handle, path = tempfile.mkstemp(prefix=".reference-", suffix=".docx", dir=folder)
    with os.fdopen(handle, "wb") as out:
        out.write(cleaned)
    return Path(path)


def typst_header(project_templates: Path, options: DocumentOptions = LONG) -> Path:
    """The project's header.typ (its house style for every document), else rek's own for the kind."""
    custom = project_templates / "application" / "header.typ"
    if custom.is_file():
        return custom
    return ASSETS / ("header-short.typ" if options.short else "header.typ")


def to_docx(
    markdown: Path,
    target: Path,
    meta: list[str],
    project_templates: Path,
    *,
    options: DocumentOptions = LONG,
    images: Sequence[str] = (),
    reference: Path | None = None,
) -> None:
    """Write the DOCX; ``images`` names the image files rek wrote beside the Markdown (embedded).
    ``reference``: a reference document already cleaned for ``options`` (several files of one kind
    share it), else it is made here."""
    if reference is not None:
        _docx(markdown, target, meta, reference, toc=options.contents, images=images)
        return
    reference = clean_reference_docx(project_templates, markdown.parent, short=options.short)
    try:
        _docx(markdown, target, meta, reference, toc=options.contents, images=images)
    finally:
        reference.unlink(missing_ok=True)


def _docx(
    markdown: Path, target: Path, meta: list[str], reference: Path, *, toc: bool, images: Sequence[str]
) -> None:
    _pandoc(
        [
            "-f",
            READER,
            "-t",
            "docx",
            *(["--toc"] if toc else []),
            # headings are numbered by their styles in reference.docx, not by typed numbers
            f"--reference-doc={reference}",
            *image_args(markdown.parent, images),
            *meta,
            "-o",
            str(target),
            str(markdown),
        ],  # fmt: skip
        markdown.parent,
    )
    wordfinish.finish_docx(target)


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
    markdown: Path,
    target: Path,
    meta: list[str],
    project_templates: Path,
    *,
    options: DocumentOptions = LONG,
    draft: bool = False,
) -> str | None:
    """Write the PDF: tagged and PDF/UA-1 where Typst can prove it; returns a warning otherwise."""
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
            f"--lua-filter={LAYOUT_FILTER}",
            # the contents: placed by the layout filter after the cover, not by Pandoc before it
            *(["-M", "rek-contents=2"] if options.contents else []),
            *(["--number-sections"] if options.numbered else []),
            "-V",
            "papersize=a4",
            "-V",
            "region=DE",
            f"--metadata-file={_typst_meta(markdown.parent)}",
            "-V",
            "page-numbering=1",
            "-V",
            "toc-depth=2",
            f"--include-in-header={typst_header(project_templates, options)}",
            *extra,
            *meta,
            "-o",
            str(source),
            str(markdown),
        ],  # fmt: skip
        markdown.parent,
    )
    source.write_text(with_alt_texts(source.read_text(encoding="utf-8")), encoding="utf-8")
    reason = typst_compile(source, target, markdown.parent, ua=True)
    if reason is None:
        return None
    failure = typst_compile(source, target, markdown.parent, ua=False)
    if failure is not None:
        raise typst_failure(failure, source, typst_header(project_templates, options))
    return f"Das PDF ist getaggt, erfüllt aber nicht PDF/UA-1 ({reason})."


_LINE = re.compile(r" \(Zeile (\d+), Spalte (\d+)\)$")


def typst_failure(message: str, source: Path, header: Path) -> RekError:
    """Typst's failure as a diagnostic: in the project's header.typ if the line is one of its lines."""
    where = _LINE.search(message)
    text = _LINE.sub("", message)
    if where and not header.resolve().is_relative_to(ASSETS.resolve()):
        line, col = int(where.group(1)), int(where.group(2))
        generated = source.read_text(encoding="utf-8").split("\n")
        own = header.read_text(encoding="utf-8").rstrip("\n").split("\n")
        for start in range(len(generated) - len(own) + 1):
            if generated[start : start + len(own)] == own and start < line <= start + len(own):
                diags = Diagnostics()
                diags.add(f"templates/application/{header.name}", line - start, col, f"Typst: {text}")
                return RekError(diags)
    place = f" ({source.name}:{where.group(1)}:{where.group(2)})" if where else ""
    return RekError(f"Typst konnte das PDF nicht setzen: {text}{place}")


_PACKAGE = re.compile(r'#\s*import\s*"@|"@[a-z]+/')


def typst_compile(
    source: Path, target: Path, root: Path, *, ua: bool, png_ppi: int | None = None
) -> str | None:
    """Compile in a child process: file reads confined to root, no packages, bounded in time and memory.

    Returns None on success, else Typst's message (mapped to the source line where Typst names one).
    """
    text = source.read_text(encoding="utf-8")
    if _PACKAGE.search(text):
        raise RekError(
            "Typst-Pakete ('@preview/…') werden nicht geladen; entfernen Sie den Import aus "
            "templates/application/header.typ."
        )
    empty = root / ".typst-packages"
    empty.mkdir(exist_ok=True)
    job = {
        "input": str(source),
        "output": str(target),
        "root": str(root),
        "packages": str(empty),
        "ua": ua,
        "memory": TYPST_MEMORY,
        **({"format": "png", "ppi": png_ppi} if png_ppi else {}),
    }
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(
        HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9", ALL_PROXY="http://127.0.0.1:9"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", _CHILD, json.dumps(job)],
            capture_output=True,
            text=True,
            timeout=TYPST_SECONDS,
            env=env,
            cwd=root,
        )
    except subprocess.TimeoutExpired:
        raise RekError(
            f"Typst hat das PDF nicht in {TYPST_SECONDS} Sekunden gesetzt und wurde abgebrochen."
        ) from None
    finally:
        with contextlib.suppress(OSError):
            empty.rmdir()
    if result.returncode == 0:
        return None
    message = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"Code {result.returncode}"
    if result.returncode < 0 or "MemoryError" in message or "memory allocation" in message:
        raise RekError(
            f"Typst hat beim Setzen des PDFs die Grenze von {TYPST_MEMORY // 1024**2} MB Speicher "
            "überschritten und wurde abgebrochen."
        )
    return message[:2000]


# the child: limit its own address space, then compile; errors go to stderr as one line
_CHILD = """
import json, os, resource, sys
job = json.loads(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (job["memory"], job["memory"]))
import typst
extra = {"pdf_standards": ["ua-1"]} if job["ua"] else {}
if job.get("format") == "png":
    extra = {"format": "png", "ppi": job.get("ppi", 150)}
if os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit():  # reproducible PDFs (clock.source_date_epoch)
    extra["timestamp"] = int(os.environ["SOURCE_DATE_EPOCH"])
try:
    typst.compile(job["input"], output=job["output"], root=job["root"], package_path=job["packages"],
                  package_cache_path=job["packages"], **extra)
except Exception as exc:
    import re
    where = re.search(r"\\S+\\.typ:(\\d+):(\\d+)", getattr(exc, "diagnostic", "") or "")
    place = f" (Zeile {where.group(1)}, Spalte {where.group(2)})" if where else ""
    sys.stderr.write(" ".join(str(exc).split()) + place + "\\n")
    sys.exit(1)
"""


def rasterise_svg(svg: Path, width_cm: float = 16.0, ppi: int = 150) -> Path:
    """A PNG of one of rek's own SVG charts (for Word, which may not show SVG): Typst, in its sandbox."""
    return rasterise_svgs([svg], width_cm, ppi)[0]


def rasterise_svgs(svgs: Sequence[Path], width_cm: float = 16.0, ppi: int = 150) -> list[Path]:
    """PNGs of rek's own SVG charts in one folder, one page each, set by one Typst child process."""
    if not svgs:
        return []
    folder = svgs[0].parent
    if any(svg.parent != folder for svg in svgs):
        raise ValueError("charts to rasterise must share a folder")
    source = folder / ".rek-charts-png.typ"
    pages = "#pagebreak()\n".join(f'#image("{svg.name}", width: {width_cm}cm)\n' for svg in svgs)
    source.write_text(
        "#set page(width: auto, height: auto, margin: 4pt, fill: white)\n" + pages, encoding="utf-8"
    )
    template = folder / ".rek-chart-{p}.png"
    try:
        problem = typst_compile(source, template, folder, ua=False, png_ppi=ppi)
    finally:
        source.unlink(missing_ok=True)
    if problem:
        names = ", ".join(svg.name for svg in svgs)
        raise RekError(f"Typst konnte die Diagramme ({names}) nicht als PNG setzen: {problem}")
    targets = []
    for number, svg in enumerate(svgs, start=1):
        page = folder / f".rek-chart-{number}.png"  # Typst's {p}: the page number, not padded
        target = svg.with_suffix(".png")
        page.replace(target)
        targets.append(target)
    return targets
