"""Template overrides in the project's templates/ folder: loaded and compiled when the project is loaded.

A project may replace rek's own templates (templates/site/*.md.j2, templates/application/**/*.md.j2,
templates/report/*.md.j2) and the document styles (templates/application/reference.docx, header.typ).
Templates are contributor input: they run in rek's sandbox (``sandbox.py``: plain data only), cannot
change a figure (``figures.py``), and a header.typ may not import, evaluate or read (``typstguard.py``).
Loading only loads: every file is read without following links, every Jinja template is compiled (a
syntax error points into templates/FILE:line) and header.typ is read by the guard. ``trial`` is the
check stage: ``rek check`` renders every output an override feeds, as ``rek build`` does, and lets Typst
set the header once, so an error that only shows while rendering is found by check as well.
``template_error`` turns an error raised while rendering into the same ``templates/FILE:line``
diagnostic for ``rek build``.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError

from . import typstguard
from .diagnostics import Diagnostics, RekError
from .locate import PACKAGE_DIR
from .yamlsource import read_limited, refuse_symlink

TEMPLATES_DIR = "templates"
BUILT_IN = PACKAGE_DIR / "templates"
MAX_TEMPLATE_BYTES = 512 * 1024
TEMPLATE_KINDS = ("site", "application", "report")  # templates/<kind>/: one per renderer


def _known() -> set[str]:
    names = {"application/reference.docx", "application/reference-short.docx", "application/header.typ"}
    for kind in TEMPLATE_KINDS:
        names |= {p.relative_to(BUILT_IN).as_posix() for p in (BUILT_IN / kind).rglob("*.j2")}
    return names


def load_overrides(root: Path, diags: Diagnostics) -> list[str]:
    """Check every file of templates/; return the overridden names (e.g. 'site/measure.md.j2')."""
    from .mdtext import environment

    folder = root / TEMPLATES_DIR
    if folder.is_symlink():
        refuse_symlink(folder, TEMPLATES_DIR, diags)
        return []
    if not folder.is_dir():
        return []
    known = _known()
    found: list[str] = []
    env = environment()
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        display = f"{TEMPLATES_DIR}/{relative}"
        if any(part.startswith(".") for part in path.relative_to(folder).parts) or path.name.startswith(
            "README"
        ):
            continue
        if path.is_symlink():
            refuse_symlink(path, display, diags)
            continue
        if path.is_dir():
            continue
        if relative not in known:
            diags.add(
                display,
                1,
                1,
                "Unbekannte Vorlage: rek verwendet diese Datei nicht",
                hint="Vorlagen ersetzen gleichnamige Dateien von rek, z. B. templates/site/measure.md.j2.",
                severity="warning",
            )
            continue
        raw = read_limited(path, display, diags, MAX_TEMPLATE_BYTES, root=root)
        if raw is None:
            continue
        if relative.endswith(".docx"):
            from .application.refdoc import check_reference

            if not raw.startswith(b"PK\x03\x04"):
                diags.add(display, 1, 1, "Ist keine Word-Datei (DOCX)")
            elif check_reference(raw, display, diags):  # styles only: nothing Word fetches or runs
                found.append(relative)
            continue
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError:
            diags.add(display, 1, 1, "Vorlage ist nicht UTF-8-kodiert")
            continue
        if relative.endswith(".typ"):
            refused = typstguard.problems(source)
            for line, col, message in refused:
                diags.add(display, line, col, message)
            if not refused:
                found.append(relative)
            continue
        try:
            env.compile(source, relative, str(path))
        except TemplateSyntaxError as exc:
            diags.add(display, exc.lineno or 1, 1, f"Fehler in der Vorlage: {exc.message}")
            continue
        found.append(relative)
    return found


def _probe_typst(header: str) -> tuple[int, int, str] | None:
    """Compile the header with a line of text, as the build will; (line, col, message) if Typst fails."""
    import tempfile

    from .application.export import typst_compile

    with tempfile.TemporaryDirectory(prefix="rek-typst-") as tmp:
        probe = Path(tmp) / "probe.typ"
        probe.write_text(header.rstrip("\n") + "\n\nProbe\n", encoding="utf-8")
        try:
            message = typst_compile(probe, Path(tmp) / "probe.pdf", Path(tmp), ua=False)
        except RekError as exc:
            return 1, 1, str(exc)
    if message is None:
        return None
    where = re.search(r" \(Zeile (\d+), Spalte (\d+)\)$", message)
    if where is None:
        return 1, 1, message
    return int(where.group(1)), int(where.group(2)), message[: where.start()]


def template_error(exc: BaseException, tb: TracebackType | None, folder: Path) -> RekError | None:
    """A RekError at templates/<kind>/FILE:line if the error was raised in a template below folder."""
    folder = folder.resolve()
    prefix = f"{TEMPLATES_DIR}/{folder.name}"
    where: tuple[str, int] | None = None
    while tb is not None:
        relative = _below(tb.tb_frame.f_code.co_filename, folder)
        if relative is not None:
            where = (f"{prefix}/{relative}", tb.tb_lineno)
        tb = tb.tb_next
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        relative = _below(exc.filename, folder)
        if relative is not None:
            where = (f"{prefix}/{relative}", exc.lineno or 1)
    if where is None:
        return None
    diags = Diagnostics()
    message = german_message(
        exc.message if isinstance(exc, TemplateError) and exc.message else f"{type(exc).__name__}: {exc}"
    )
    diags.add(where[0], where[1], 1, f"Fehler beim Anwenden der Vorlage: {message}")
    return RekError(diags)


_UNDEFINED = re.compile(r"^'([^']+)' is undefined$")
_NO_ATTRIBUTE = re.compile(r"^'(.+?)(?: object)?' has no attribute '([^']+)'$")
_RANGE = re.compile(
    r"^(?:OverflowError: )?Range too big\. The sandbox blocks ranges larger than MAX_RANGE \((\d+)\)\.$"
)


def german_message(message: str) -> str:
    """Jinja's English messages for the usual mistakes in a template, in German."""
    if match := _UNDEFINED.match(message):
        return f"'{match.group(1)}' gibt es in dieser Vorlage nicht (siehe templates/README.md)"
    if match := _NO_ATTRIBUTE.match(message):
        return f"'{match.group(1)}' hat kein Feld '{match.group(2)}'"
    if match := _RANGE.match(message):
        return f"range() ist in Vorlagen auf {int(match.group(1)):,} Werte begrenzt".replace(",", ".")
    return message


def _below(filename: str, folder: Path) -> str | None:
    try:
        return Path(filename).resolve().relative_to(folder).as_posix()
    except (ValueError, OSError):
        return None


def trial(project, today=None) -> Diagnostics:  # type: ignore[no-untyped-def]
    """Render what uses the project's overrides once, in memory (for rek check); errors as diagnostics.

    Every output a template kind feeds is rendered as ``rek build`` renders it — with the same sandbox
    and the same check of figures (``figures.py``) — and a header.typ is set once by Typst. Each output
    separately, so every error is reported at once. Nothing is written but Typst's probe in a temporary
    folder.
    """
    diags = Diagnostics()
    if not project.overrides:
        return diags
    from .application.document import render
    from .application.drafts import render_drafts
    from .plan import resolve
    from .report import render as render_report
    from .site.pages import SitePages

    plan = resolve(project, today=today)
    kinds = {name.split("/", 1)[0] for name in project.overrides if name.endswith(".j2")}
    steps: list[Any] = []
    if "site" in kinds:
        steps.append(lambda: list(SitePages(plan).files([])))
    if "application" in kinds and plan.call is not None:
        steps += [lambda: render(plan), lambda: render_drafts(plan)]
    if "report" in kinds:
        steps.append(lambda: render_report(plan, plan.today.year))
    for step in steps:
        try:
            step()
        except RekError as exc:
            diags.extend(exc.diagnostics)
    if "application/header.typ" in project.overrides:
        header = project.root / TEMPLATES_DIR / "application" / "header.typ"
        problem = _probe_typst(header.read_text(encoding="utf-8"))
        if problem is not None:
            diags.add(
                f"{TEMPLATES_DIR}/application/header.typ", problem[0], problem[1], f"Typst: {problem[2]}"
            )
    return diags
