"""Writing the application files: Markdown, DOCX, PDF, cost plan XLSX and the timeline chart."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .. import charts
from .. import formatting as fmt
from ..call import document_date
from ..plan import Plan, call_phases
from .costplan import write_costplan
from .document import Application, render
from .drafts import FOLDER as DRAFTS_FOLDER
from .drafts import DraftFile, write_drafts
from .export import metadata_args, rasterise_svgs, to_docx, to_pdf
from .formtexts import field_findings, form_fields, write_form_texts

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
    """The Gantt chart of the application: full titles above the bars, a legend of the action fields,
    the call's funding phases shaded behind the bars."""
    fields = app.plan.project.action_fields
    derived = call_phases(app.plan.project, app.plan.call)  # given in strategy.yaml or from the dates
    bands = [
        charts.Band(f"Phase {derived[phase.id][0]}", phase.start, phase.end)
        for phase in app.plan.project.strategy.phases
        if derived.get(phase.id, (None, None))[0]
    ]
    spans = charts.measure_spans([mp.m for mp in app.measures], fields)
    used = sorted({s.color for s in spans})
    legend = [charts.Key(fields[i].title, i) for i in used if i < len(fields)]
    return charts.timeline(
        "antrag-timeline",
        "Zeitplan der Maßnahmen des Antrags",
        spans,
        legend=legend,
        today=document_date(app.plan.project.strategy, app.plan.call, app.plan.today),
        labels_above=True,
        bands=bands,
    )


STAGING = ".satz"  # charts, Word copy and Typst source while the documents are set; removed afterwards
_FIGURE = re.compile(r"^!\[((?:\\.|[^\]\\\n])*)\]\(([a-z0-9-]+)\.svg\)$", re.M)


def without_figures(markdown: str) -> str:
    """The delivered Markdown: a figure (an image of rek's own charts, which stay out of the output
    folder) becomes a line saying where it is shown."""
    return _FIGURE.sub(lambda m: f"*Abbildung (im PDF und im Word-Dokument): {m.group(1)}*", markdown)


@contextmanager
def staging(folder: Path) -> Iterator[Path]:
    """A work folder inside ``folder`` for what Pandoc and Typst need besides the deliverables
    (charts, their PNG copies, the Typst source and settings); it is removed when the documents are set."""
    work = folder / STAGING
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def readme_text(plan: Plan, *, draft: bool, documents: bool) -> str:
    """LIESMICH.txt: what each file of the application folder is for (German, plain text)."""
    call = plan.call
    assert call is not None
    s = plan.project.strategy
    day = fmt.date(document_date(s, call, plan.today))
    lines = [
        f"Antrag „{s.short_title}“ im Förderaufruf {call.name}",
        f"Datum des Antrags: {day}. Erzeugt von rek aus der Strategie (Version {s.version}, {s.status.value}).",
        "",
    ]
    if draft:
        lines += [f"{DRAFT_MARK.upper()}: diese Fassung nicht einreichen; 'rek check' nennt die Gründe.", ""]
    files = (
        [
            ("antrag.pdf", "der Antrag zum Einreichen (PDF, getaggt für Screenreader)"),
            ("antrag.docx", "der Antrag als Word-Dokument, zum Abstimmen und Überarbeiten"),
        ]
        if documents
        else []
    )
    files += [
        (
            "antrag.md",
            "der Text des Antrags als Markdown, zum Vergleichen zweier Fassungen; die Abbildungen stehen nur "
            "in PDF und Word-Dokument",
        ),
        (
            "kosten-und-finanzierungsplan.xlsx",
            "Kosten- und Finanzierungsplan mit Formeln (Anlage der Bewerbung)",
        ),
        (
            "projekttexte.txt",
            "der Antrag je Formularfeld (Tabellen als Zeilen) mit Zeichenzahl und Grenze, zum Einfügen in das "
            "Online-Formular",
        ),
        (
            f"{DRAFTS_FOLDER}/",
            "Entwürfe: Beschlussvorlage je kommunalem Partner, Absichtserklärung je Partner und Checkliste der "
            "Anlagen" + (" (Word und Markdown)" if documents else " (Markdown)"),
        ),
        ("LIESMICH.txt", "diese Übersicht"),
    ]
    width = max(len(name) for name, _ in files) + 2
    lines += [f"{name.ljust(width)}{what}" for name, what in files]
    lines += [
        "",
        "Alle Beträge stammen aus den Maßnahmensteckbriefen; geändert wird dort, nicht in diesen Dateien.",
    ]
    return "\n".join(lines) + "\n"


def write_application(
    plan: Plan, folder: Path, *, documents: bool = True, draft: bool = False
) -> ApplicationFiles:
    """Write the application of ``plan.call``; ``draft`` marks every page as not formally checked.

    The folder gets only deliverables (see LIESMICH.txt); charts and the Typst source are made in a
    staging folder inside it and removed once PDF and DOCX are set."""
    project = plan.project
    call = plan.call
    assert call is not None
    folder.mkdir(parents=True, exist_ok=True)
    app = render(plan, timeline_image="zeitplan.svg")
    banner = f"> **{DRAFT_MARK}.** Diese Fassung darf so nicht eingereicht werden; `rek check` nennt die Gründe.\n\n"
    text = (banner if draft else "") + app.markdown
    markdown = folder / "antrag.md"
    markdown.write_text(without_figures(text), encoding="utf-8")
    fields = form_fields(app)  # the portal's fields: written out and held to their limits
    write_form_texts(app, folder / "projekttexte.txt", fields)
    xlsx = folder / "kosten-und-finanzierungsplan.xlsx"
    write_costplan(plan, xlsx)
    docx = pdf = None
    # a form field longer than its limit once its tables are text (rek check says the same)
    warnings = [f"{d.path}:{d.line}:{d.col}: {d.message}" for d in field_findings(app, fields)]
    if documents:
        s = project.strategy
        meta = metadata_args(
            s.title, f"Antrag im Förderaufruf {call.name}", fmt.date(document_date(s, call, plan.today))
        )
        templates = project.root / "templates"
        with staging(folder) as work:
            (work / "zeitplan.svg").write_text(timeline_svg(app), encoding="utf-8")
            (work / "kosten-jahr.svg").write_text(
                charts.cost_by_year("antrag-kosten-jahr", app.budget), encoding="utf-8"
            )
            source = work / "antrag.md"
            source.write_text(text, encoding="utf-8")
            # Word gets the charts as PNG (older Word shows no SVG); the PDF keeps the vector SVG
            word = work / "antrag-word.md"
            rasterise_svgs([work / "zeitplan.svg", work / "kosten-jahr.svg"])
            for chart in ("zeitplan.svg", "kosten-jahr.svg"):
                text = text.replace(f"]({chart})", f"]({chart[:-4]}.png)")
            word.write_text(text, encoding="utf-8")
            # Word, PDF and the drafts are separate files from separate programs (Pandoc, Typst): made side
            # by side, the application takes the time of the slowest, not of all three
            with ThreadPoolExecutor(max_workers=3) as pool:
                # the PDF first: Pandoc and then Typst, the longest of the three
                pdf_done = pool.submit(to_pdf, source, work / "antrag.pdf", meta, templates, draft=draft)
                word_done = pool.submit(
                    to_docx,
                    word,
                    work / "antrag.docx",
                    meta,
                    templates,
                    images=("zeitplan.png", "kosten-jahr.png"),
                )
                drafts_done = pool.submit(write_drafts, plan, folder / DRAFTS_FOLDER, documents=documents)
                word_done.result()
                warning = pdf_done.result()
                drafts = drafts_done.result()
            if warning:
                warnings.append(warning)
            docx, pdf = folder / "antrag.docx", folder / "antrag.pdf"
            os.replace(work / "antrag.docx", docx)
            os.replace(work / "antrag.pdf", pdf)
    else:
        drafts = write_drafts(plan, folder / DRAFTS_FOLDER, documents=documents)
    (folder / "LIESMICH.txt").write_text(
        readme_text(plan, draft=draft, documents=documents), encoding="utf-8"
    )
    return ApplicationFiles(app, markdown, docx, pdf, xlsx, warnings, drafts)
