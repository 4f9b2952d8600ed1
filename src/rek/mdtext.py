"""Putting model text into Markdown safely, and the Jinja environment both renderers use.

Plain-text fields (titles, names) are escaped so that no character of theirs acts as Markdown or HTML;
Markdown fields (descriptions) are re-emitted from their parsed tokens (``markup.render``), after
``rek check`` refused everything outside the allow-list, with their headings pushed below the page's own. Templates run in Jinja's sandbox and content is
only ever passed as data, never compiled as a template.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NoReturn

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, StrictUndefined, Template, TemplateNotFound

from . import figures, markup
from . import formatting as fmt
from .diagnostics import Diagnostics, RekError
from .sandbox import TemplateSandbox
from .templateerror import below, template_error

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~^$])")
# anything text() would change: special characters, whitespace to fold, a marker at the start
_NEEDS_ESCAPE = re.compile(r"[\\`*_{}\[\]#|~^$&<>\t\r\n\f\v]|  |^\s|\s$|^(?:[-+=>]|\d+[.)])(?:\s|$)")
_WS = re.compile(r"[ \t\r\n\f\v]+")  # not str.split(): no-break spaces must stay
_LINE_START = re.compile(r"^(\s*)([-+=>](?=\s|$)|\d+[.)](?=\s|$))")


class Md(str):
    """Markdown made by rek itself (e.g. a link with an escaped title): table cells keep it as it is."""

    __slots__ = ()


class MdLink(Md):
    """A link made by rek: the Markdown text, plus its label and target for writers of HTML."""

    __slots__ = ("label", "target")
    label: str
    target: str

    def __new__(cls, label: str, target: str) -> MdLink:
        made = super().__new__(cls, f"[{text(label)}]({target})")
        made.label, made.target = label, target
        return made


def link(label: str, target: str) -> Md:
    """A Markdown link with an escaped label; targets are built from validated ids only."""
    return MdLink(label, target)


def text(value: Any) -> str:
    """Escape plain text for Markdown (inline): no emphasis, links, HTML or table breaks."""
    raw = "" if value is None else str(value)
    if not _NEEDS_ESCAPE.search(raw):  # most titles and names: nothing to do
        return raw
    raw = raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    raw = _MD_SPECIAL.sub(r"\\\1", _WS.sub(" ", raw).strip())
    # what would start a list, quote or setext heading at the start of a line
    return _LINE_START.sub(
        lambda m: (
            m.group(1) + "\\" + m.group(2)
            if len(m.group(2)) == 1
            else m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1]
        ),
        raw,
    )


def theme_text(value: str) -> str:
    """Text from the strategy for a place where MkDocs or the theme insert it unescaped (also attributes).

    Titles and names (``Text``) never hold '<' or '>'; a straight double quote becomes a typographic one.
    """
    return str(value).replace('"', "\u201d")


def cell(value: Any) -> str:
    """Plain text for a table cell: escaped and on one line (rek's own Markdown kept as is)."""
    if isinstance(value, Md):
        return _WS.sub(" ", value).strip() or " "
    return text(value) or " "


def block(value: Any, level: int = 2) -> str:
    """A Markdown field as re-emitted from its parsed tokens, headings pushed down so the top one is ``level + 1``."""
    raw = "" if value is None else str(value).strip()
    return markup.render(raw, level) if raw else ""


def table(
    headers: Iterable[str],
    rows: Iterable[Iterable[Any]],
    align: Iterable[str] | None = None,
    widths: Iterable[int] | None = None,
) -> str:
    """A pipe table; cells are escaped; align is 'l' or 'r' per column.

    widths (relative, e.g. [3, 1, 1]) become the dash counts of the rule line, which Pandoc reads as
    relative column widths once a line of the table is longer than its line length.
    """
    heads = list(headers)
    aligns = list(align) if align is not None else ["l"] * len(heads)
    dashes = [max(3, w * 8) for w in widths] if widths is not None else [3] * len(heads)
    out = ["| " + " | ".join(cell(h) for h in heads) + " |"]
    out.append(
        "| "
        + " | ".join(
            ("-" * d + ":") if a == "r" else (":" + "-" * d) for a, d in zip(aligns, dashes, strict=False)
        )
        + " |"
    )
    for row in rows:
        out.append("| " + " | ".join(cell(c) for c in row) + " |")
    return "\n".join(out)


class Environment(TemplateSandbox):
    """rek's template sandbox (plain data only, ``sandbox.py``); an error raised in a project template becomes a diagnostic at templates/FILE:line."""

    project_dir: Path | None = None  # the project's templates/<kind> folder (for messages)
    sources: dict[str, str]  # the project's templates as loaded (name -> text)
    reference: Environment | None = None  # rek's own templates, same filters and helpers
    used: set[str]  # the project's templates loaded since the last render_checked

    def _load_template(self, name: str, globals: Any) -> Template:  # noqa: A002
        template = super()._load_template(name, globals)
        if self.project_dir is not None and template.filename:
            relative = below(template.filename, self.project_dir)
            if relative is not None:
                self.used.add(relative)
        return template

    def render_checked(self, name: str, *args: Any, **context: Any) -> str:
        """Render a template; where the project's templates took part, every figure must be rek's own.

        The same template of rek with the same context is the reference (``figures.py``): an override may
        leave a figure out, not show one that rek would not. A difference is a RekError at the override.
        """
        self.used = set()
        rendered = self.get_template(name).render(*args, **context)
        used, self.used = sorted(self.used), set()
        if not used or self.reference is None or self.project_dir is None:
            return rendered
        expected = self.reference.get_template(name).render(*args, **context)
        missing = figures.unbacked(rendered, expected)
        if missing:
            raise RekError(_figure_diagnostics(self.project_dir, self.sources, used, missing))
        return rendered

    def handle_exception(self, source: str | None = None) -> NoReturn:
        try:
            super().handle_exception(source)
        except Exception as exc:
            mapped = template_error(exc, exc.__traceback__, self.project_dir) if self.project_dir else None
            if mapped is None:
                raise
            raise mapped from None


class _ProjectLoader(BaseLoader):
    """A project's template overrides as read and compiled at load (``Project.templates``), not read again."""

    def __init__(self, sources: Mapping[str, str], folder: Path) -> None:
        self.sources, self.folder = dict(sources), folder

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        if template not in self.sources:
            raise TemplateNotFound(template)
        return self.sources[template], str(self.folder / template), lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.sources)


def environment(
    builtin: Path | None = None, *, overrides: Mapping[str, str] | None = None, folder: Path | None = None
) -> Environment:
    """rek's templates from ``builtin``; a project's ``overrides`` (name -> text, as loaded from ``folder``,
    the project's templates/<kind>) come first. Every renderer and the load-time compile use this."""
    loaders: list[BaseLoader] = []
    if overrides and folder is not None:
        loaders.append(_ProjectLoader(overrides, folder))
    if builtin is not None:
        loaders.append(FileSystemLoader(str(builtin)))
    env = Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,  # output is Markdown; escaping is done by the filters above
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        text=text,
        cell=cell,
        block=block,
        euro=fmt.euro,
        euro_cents=lambda v: fmt.euro(v, True),
        number=fmt.plain,
        percent=fmt.percent,
        date=fmt.date,
        capitalize_first=lambda v: v[:1].upper() + v[1:],
    )
    env.helper("table", table)
    env.used = set()
    env.sources = dict(overrides or {})
    env.project_dir = folder
    if env.sources and builtin is not None:
        reference = environment(builtin)
        reference.globals = env.globals  # the same helpers (chart, table, …), registered on either
        env.reference = reference
    return env


def _figure_diagnostics(
    folder: Path, sources: Mapping[str, str], used: list[str], missing: list[str]
) -> Diagnostics:
    """Each figure at the override that writes it (or at every override that took part)."""
    diags = Diagnostics()
    for figure in missing:
        lines = {name: figures.written_at(sources[name], figure) for name in used}
        literal = [name for name in used if lines[name] is not None]
        for name in literal or used:
            diags.add(
                f"templates/{folder.name}/{name}",
                lines[name] or 1,
                1,
                f"Die Vorlage zeigt „{figure}“, eine Zahl, die rek mit denselben Daten nicht zeigt; Beträge und "
                "Sätze kommen aus dem Plan und lassen sich in eigenen Vorlagen weglassen oder umstellen, nicht "
                "ändern oder erfinden",
                hint="Zeigen Sie Zahlen mit den Feldern und Filtern von rek, z. B. {{ total.grant | euro_cents }}.",
            )
    return diags
