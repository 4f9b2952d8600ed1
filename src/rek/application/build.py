"""Writing the application files: Markdown, DOCX, PDF, cost plan XLSX and the timeline chart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .. import charts
from .. import formatting as fmt
from ..call import Call
from ..project import Project
from .costplan import write_costplan
from .document import Application, render
from .export import metadata_args, to_docx, to_pdf


@dataclass
class ApplicationFiles:
    app: Application
    markdown: Path
    docx: Path | None
    pdf: Path | None
    xlsx: Path
    warnings: list[str] = field(default_factory=list)


def timeline_svg(app: Application, project: Project) -> str:
    spans = charts.measure_spans(app.measures, project.action_fields)
    return charts.timeline("antrag-timeline", "Zeitplan der Maßnahmen des Antrags", spans)


def write_application(
    project: Project, call: Call, folder: Path, *, documents: bool = True
) -> ApplicationFiles:
    folder.mkdir(parents=True, exist_ok=True)
    app = render(project, call, timeline_image="zeitplan.svg")
    (folder / "zeitplan.svg").write_text(timeline_svg(app, project), encoding="utf-8")
    (folder / "kosten-jahr.svg").write_text(
        charts.cost_by_year("antrag-kosten-jahr", app.fin), encoding="utf-8"
    )
    markdown = folder / "antrag.md"
    markdown.write_text(app.markdown, encoding="utf-8")
    xlsx = folder / "kosten-und-finanzierungsplan.xlsx"
    from ..build import signals_held

    with signals_held():  # an interrupt inside openpyxl's zip writer would print a traceback from __del__
        write_costplan(project, app, xlsx)
    docx = pdf = None
    warnings: list[str] = []
    if documents:
        s = project.strategy
        meta = metadata_args(s.title, f"Antrag im Förderaufruf {call.name}", fmt.date(dt.date.today()))
        templates = project.root / "templates"
        docx = folder / "antrag.docx"
        to_docx(markdown, docx, meta, templates)
        pdf = folder / "antrag.pdf"
        warning = to_pdf(markdown, pdf, meta, templates)
        if warning:
            warnings.append(warning)
    return ApplicationFiles(app, markdown, docx, pdf, xlsx, warnings)
