"""An error raised while a template renders, as a diagnostic at ``templates/<kind>/FILE:line`` in German.

Used by every rendering environment (``mdtext``): an error in a project's template — a syntax error, an
undefined name, an attempt the sandbox refuses — points into that file, for ``rek check`` and ``rek build``
alike.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import TracebackType

from jinja2 import TemplateError, TemplateSyntaxError

from .diagnostics import Diagnostics, RekError
from .layout import TEMPLATES_DIR


def template_error(exc: BaseException, tb: TracebackType | None, folder: Path) -> RekError | None:
    """A RekError at templates/<kind>/FILE:line if the error was raised in a template below folder."""
    folder = folder.resolve()
    prefix = f"{TEMPLATES_DIR}/{folder.name}"
    where: tuple[str, int] | None = None
    while tb is not None:
        relative = below(tb.tb_frame.f_code.co_filename, folder)
        if relative is not None:
            where = (f"{prefix}/{relative}", tb.tb_lineno)
        tb = tb.tb_next
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        relative = below(exc.filename, folder)
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


def below(filename: str, folder: Path) -> str | None:
    """A template's file name relative to a project's template folder, or None when it lies elsewhere."""
    try:
        return Path(filename).resolve().relative_to(folder.resolve()).as_posix()
    except (ValueError, OSError):
        return None
