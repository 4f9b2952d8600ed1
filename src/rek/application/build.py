"""Writing the application files: Markdown, DOCX, PDF, cost plan XLSX and the timeline chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import charts
from .. import formatting as fmt
from ..plan import Plan
from .costplan import write_costplan
from .document import Application, render
from .drafts import FOLDER as DRAFTS_FOLDER
from .drafts import DraftFile, write_drafts
from .export import metadata_args, rasterise_svgs, to_docx, to_pdf
from .formtexts import write_form_texts

DRAFT_MARK = "Entwurf – formale Prüfung nicht bestanden"


@dataclass
class ApplicationFiles:
    app: Application
    markdown: Path
    docx: Path | None
    pdf: Path | None
    xlsx: Path
    warnings: list[str] = field(default_factory=list)
    # council drafts, letters of intent and the annex checklist, in entwuerfe/
    drafts: list[DraftFile] = field(default_factory=list)


def timeline_svg(app: Application) -> str:
    """The Gantt chart of the application: full titles above the bars, a legend of the action fields."""
    fields = app.plan.project.action_fields
    spans = charts.measure_spans([mp.m for mp in app.measures], fields)
    used = sorted({s.color for s in spans})
    legend = [charts.Key(fields[i].title, i) for i in used if i < len(fields)]
    return charts.timeline(
        "antrag-timeline",
        "Zeitplan der Maßnahmen des Antrags",
        spans,
        legend=legend,
        today=app.plan.today,
        labels_above=True,
    )


def write_application(
    plan: Plan, folder: Path, *, documents: bool = True, draft: bool = False
) -> ApplicationFiles:
    """Write the application of ``plan.call``; ``draft`` marks every page as not formally checked."""
    project = plan.project
    call = plan.call
    assert call is not None
    folder.mkdir(parents=True, exist_ok=True)
    app = render(plan, timeline_image="zeitplan.svg")
    (folder / "zeitplan.svg").write_text(timeline_svg(app), encoding="utf-8")
    (folder / "kosten-jahr.svg").write_text(
        charts.cost_by_year("antrag-kosten-jahr", app.budget), encoding="utf-8"
    )
    markdown = folder / "antrag.md"
    banner = f"> **{DRAFT_MARK}.** Diese Fassung darf so nicht eingereicht werden; `rek check` nennt die Gründe.\n\n"
    markdown.write_text((banner if draft else "") + app.markdown, encoding="utf-8")
    write_form_texts(plan, folder / "projekttexte.txt")
    xlsx = folder / "kosten-und-finanzierungsplan.xlsx"
    write_costplan(plan, xlsx)
    docx = pdf = None
    warnings: list[str] = []
    if documents:
        s = project.strategy
        meta = metadata_args(s.title, f"Antrag im Förderaufruf {call.name}", fmt.date(plan.today))
        templates = project.root / "templates"
        docx = folder / "antrag.docx"
        # Word gets the charts as PNG (older Word shows no SVG); the PDF keeps the vector SVG
        word = folder / ".antrag-word.md"
        text = markdown.read_text(encoding="utf-8")
        rasterise_svgs([folder / "zeitplan.svg", folder / "kosten-jahr.svg"])
        for chart in ("zeitplan.svg", "kosten-jahr.svg"):
            text = text.replace(f"]({chart})", f"]({chart[:-4]}.png)")
        word.write_text(text, encoding="utf-8")
        try:
            to_docx(word, docx, meta, templates, images=("zeitplan.png", "kosten-jahr.png"))
        finally:
            word.unlink(missing_ok=True)
        pdf = folder / "antrag.pdf"
        warning = to_pdf(markdown, pdf, meta, templates, draft=draft)
        if warning:
            warnings.append(warning)
    drafts = write_drafts(plan, folder / DRAFTS_FOLDER, documents=documents)
    return ApplicationFiles(app, markdown, docx, pdf, xlsx, warnings, drafts)
