"""Template overrides in the project's templates/ folder: loaded and compiled when the project is loaded.

A project may replace rek's own templates (templates/site/*.md.j2, templates/application/**/*.md.j2)
and the document styles (templates/application/reference.docx, header.typ). Every file is read
without following links, every Jinja template is compiled at load time (a syntax error points into
templates/FILE:line), and ``rek check`` renders the pages once when there are overrides, so an error
that only shows while rendering is found by check as well. ``template_error`` turns an error raised
while rendering into the same ``templates/FILE:line`` diagnostic for ``rek build``.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import TracebackType

from jinja2 import TemplateError, TemplateSyntaxError

from .diagnostics import Diagnostics, RekError
from .locate import PACKAGE_DIR
from .yamlsource import read_limited, refuse_symlink

TEMPLATES_DIR = "templates"
BUILT_IN = PACKAGE_DIR / "templates"
MAX_TEMPLATE_BYTES = 512 * 1024
_PACKAGE = re.compile(r'"@[a-z]+/')


def _known() -> set[str]:
    names = {"application/reference.docx", "application/reference-short.docx", "application/header.typ"}
    for kind in ("site", "application"):
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
            match = _PACKAGE.search(source)
            if match:
                line = source.count("\n", 0, match.start()) + 1
                diags.add(
                    display, line, 1, "Typst-Pakete ('@preview/…') werden nicht geladen; rek lädt nichts nach"
                )
                continue
            problem = _probe_typst(source)
            if problem is not None:
                diags.add(display, problem[0], problem[1], f"Typst: {problem[2]}")
                continue
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
    message = (
        exc.message if isinstance(exc, TemplateError) and exc.message else f"{type(exc).__name__}: {exc}"
    )
    diags.add(where[0], where[1], 1, f"Fehler beim Anwenden der Vorlage: {message}")
    return RekError(diags)


def _below(filename: str, folder: Path) -> str | None:
    try:
        return Path(filename).resolve().relative_to(folder).as_posix()
    except (ValueError, OSError):
        return None


def trial(project) -> Diagnostics:  # type: ignore[no-untyped-def]
    """Render what uses the project's overrides once, in memory; errors as diagnostics (for rek check)."""
    diags = Diagnostics()
    if not project.overrides:
        return diags
    from .plan import resolve

    try:
        plan = resolve(project)
        if any(name.startswith("site/") for name in project.overrides):
            from .site.pages import SitePages

            for _ in SitePages(plan).files([]):
                pass
        application = [n for n in project.overrides if n.startswith("application/") and n.endswith(".j2")]
        if plan.call is not None and application:
            from .application.document import render

            render(plan)
    except RekError as exc:
        diags.extend(exc.diagnostics)
    return diags
