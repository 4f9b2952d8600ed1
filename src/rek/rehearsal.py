"""The check stage of template overrides: render once what they feed, as the build would (``rek check``).

Loading only loads (``overrides.py`` reads and compiles); here ``rek check`` renders every output a
project's templates take part in — site pages, application, drafts, report — with the renderers' own
environments, sandbox and check of figures, and lets Typst set a ``header.typ`` once. So an error that
only shows while rendering is found by check as well, at the same ``templates/FILE:line`` as by build.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Any

from .application import export
from .application.document import render
from .application.drafts import render_drafts
from .diagnostics import Diagnostics, RekError
from .layout import TEMPLATES_DIR
from .plan import resolve
from .project import Project
from .report import render as render_report
from .site.pages import SitePages
from .summary import render as render_summary


def trial(project: Project, today: dt.date | None = None) -> Diagnostics:
    """Render what uses the project's overrides once, in memory (for rek check); errors as diagnostics.

    Every output a template kind feeds is rendered as ``rek build`` renders it — with the same sandbox
    and the same check of figures (``figures.py``) — and a header.typ is set once by Typst. Each output
    separately, so every error is reported at once. Nothing is written but Typst's probe in a temporary
    folder.
    """
    diags = Diagnostics()
    if not project.overrides:
        return diags
    plan = resolve(project, today=today)
    kinds = {name.split("/", 1)[0] for name in project.overrides if name.endswith(".j2")}
    steps: list[Any] = []
    if "site" in kinds:
        steps.append(lambda: list(SitePages(plan).files([])))
    if "application" in kinds and plan.call is not None:
        steps += [lambda: render(plan), lambda: render_drafts(plan)]
    if "report" in kinds:
        steps.append(lambda: render_report(plan, plan.today.year))
    if "summary" in kinds:
        steps.append(lambda: render_summary(plan))
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


def _probe_typst(header: str) -> tuple[int, int, str] | None:
    """Compile the header with a line of text, as the build will; (line, col, message) if Typst fails."""
    with tempfile.TemporaryDirectory(prefix="rek-typst-") as tmp:
        probe = Path(tmp) / "probe.typ"
        probe.write_text(header.rstrip("\n") + "\n\nProbe\n", encoding="utf-8")
        try:
            message = export.typst_compile(probe, Path(tmp) / "probe.pdf", Path(tmp), ua=False)
        except RekError as exc:
            return 1, 1, str(exc)
    if message is None:
        return None
    where = re.search(r" \(Zeile (\d+), Spalte (\d+)\)$", message)
    if where is None:
        return 1, 1, message
    return int(where.group(1)), int(where.group(2)), message[: where.start()]
