"""Template overrides in the project's templates/ folder: loaded and compiled when the project is loaded.

A project may replace rek's own templates (templates/site/*.md.j2, templates/application/**/*.md.j2,
templates/report/*.md.j2) and the document styles (templates/application/reference.docx, header.typ).
Templates are contributor input: they run in rek's sandbox (``sandbox.py``: plain data only), cannot
change a figure (``figures.py``), and a header.typ may not import, evaluate or read (``typstguard.py``).
Loading only loads: every file is read without following links, every Jinja template is compiled (a
syntax error points into templates/FILE:line) and header.typ is read by the guard. Nothing is
rendered here: ``rehearsal.trial`` is the check stage, and ``templateerror`` maps an error raised while
rendering to ``templates/FILE:line`` for check and build alike.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import TemplateSyntaxError

from . import typstguard
from .diagnostics import Diagnostics
from .layout import MAX_TEMPLATE_BYTES, TEMPLATE_KINDS, TEMPLATES_DIR
from .locate import PACKAGE_DIR
from .mdtext import environment
from .textrules import hidden_character
from .yamlsource import read_limited, refuse_symlink

BUILT_IN = PACKAGE_DIR / "templates"


def _known() -> set[str]:
    names = {"application/reference.docx", "application/reference-short.docx", "application/header.typ"}
    for kind in TEMPLATE_KINDS:
        names |= {p.relative_to(BUILT_IN).as_posix() for p in (BUILT_IN / kind).rglob("*.j2")}
    return names


def load_overrides(root: Path, diags: Diagnostics) -> dict[str, str | None]:
    """Check every file of templates/; return the overridden names with the text of each Jinja template
    and header.typ (e.g. {'site/measure.md.j2': '…', 'application/reference.docx': None}).

    The renderers get their templates from here (``mdtext.environment``), not from the disk again.
    """
    folder = root / TEMPLATES_DIR
    if folder.is_symlink():
        refuse_symlink(folder, TEMPLATES_DIR, diags)
        return {}
    if not folder.is_dir():
        return {}
    known = _known()
    found: dict[str, str | None] = {}
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
            from .refdoc import check_reference

            if not raw.startswith(b"PK\x03\x04"):
                diags.add(display, 1, 1, "Ist keine Word-Datei (DOCX)")
            elif check_reference(raw, display, diags):  # styles only: nothing Word fetches or runs
                found[relative] = None
            continue
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError:
            diags.add(display, 1, 1, "Vorlage ist nicht UTF-8-kodiert")
            continue
        hidden = hidden_character(source)
        if hidden is not None:  # the one text rule holds for templates too
            index, message, hint = hidden
            line = source.count("\n", 0, index) + 1
            diags.add(display, line, index - source.rfind("\n", 0, index), message, hint=hint)
            continue
        if relative.endswith(".typ"):
            refused = typstguard.problems(source)
            for line, col, message in refused:
                diags.add(display, line, col, message)
            if not refused:
                found[relative] = source
            continue
        try:
            env.compile(source, relative, str(path))
        except TemplateSyntaxError as exc:
            diags.add(display, exc.lineno or 1, 1, f"Fehler in der Vorlage: {exc.message}")
            continue
        found[relative] = source
    return found
