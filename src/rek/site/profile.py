"""A printable one-page profile per measure (steckbriefe/<id>.pdf), linked from the measure's page.

The same Typst pipeline as the application: rek's Markdown (every value escaped) → Pandoc's Typst writer
with the application's reader settings and the house style (``export.typst_header``) → ``export.typst_compile``.
All profiles are set in one run (one Pandoc and one Typst process, each measure from a new page) and split
into one PDF per measure along the document outline (pypdf): 1,000 separate runs would cost minutes.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .. import formatting as fmt
from .. import monitoring
from ..mdtext import table, text
from ..model import STATUS_LABELS, Measure

PROFILE_DIR = "steckbriefe"
AUTO_LIMIT = 200  # up to this many measures a build writes the profiles unless told otherwise
UPDATES_SHOWN = 2

# rek's own addition to the house style: each profile starts a page; no "Seite X von Y" of the whole run
_HEADER = """// rek: measure profiles, one page each (fixed text, no content)
#show heading.where(level: 1): it => { pagebreak(weak: true); it }
#set page(footer: none)
"""


def profile_path(measure_id: str) -> str:
    return f"{PROFILE_DIR}/{measure_id}.pdf"


def wanted(plan: Any, profiles: bool | None) -> bool:
    """Profiles on request, off on request, else for strategies of up to AUTO_LIMIT measures."""
    return profiles if profiles is not None else len(plan.project.measures) <= AUTO_LIMIT


def profile_markdown(plan: Any, m: Measure, site_url: str | None) -> str:
    p = plan.project
    mp = plan.by_id[m.id]
    example = " (Beispielwert)" if m.example else ""
    rows = [
        ["Handlungsfeld", p.fields[m.action_field].title],
        ["Federführung", p.partners[m.lead].name],
        ["Beteiligt", ", ".join(p.partners[x].name for x in m.partners) or "–"],
        ["Status", STATUS_LABELS[m.status]],
        ["Laufzeit", f"{fmt.date(m.start)} bis {fmt.date(m.end)}"],
        ["Kosten", fmt.euro(mp.money.cost) + example],
        ["Zuwendung", fmt.euro(mp.money.grant) + example],
    ]
    delays = monitoring.delay_reasons(m, plan.today)
    if delays:
        rows.append(["Im Verzug", "; ".join(delays)])
    out = [
        f"# {text(m.id)} {text(m.title)}",
        "",
        text(m.summary),
        "",
        table(["Steckbrief", "Angabe"], rows),
        "",
    ]
    if m.updates:
        out += ["## Sachstand", ""]
        for u in m.timeline[:UPDATES_SHOWN]:
            mark = " (Beispieleintrag)" if u.example else ""
            out += [f"- {fmt.date(u.date)}: {text(u.text)}{mark}"]
        out.append("")
    if m.indicators:
        ind_rows = []
        for ind in m.indicators:
            last = ind.series[-1] if ind.series else None
            ind_rows.append(
                [
                    ind.name + (" (Beispielwerte)" if ind.example else ""),
                    f"{fmt.plain(last.value)} ({monitoring.when(last)})" if last else "–",
                    f"{fmt.plain(ind.target)} {ind.unit} bis {ind.target_year}",
                    monitoring.state(ind, plan.today),
                ]
            )
        out += ["## Indikatoren", "", table(["Indikator", "Zuletzt", "Ziel", "Stand"], ind_rows), ""]
    if m.contact:
        c = m.contact
        parts = [c.role, c.office, *c.address]
        parts += [f"E-Mail: {c.email}"] if c.email else []
        parts += [f"Telefon: {c.phone}"] if c.phone else []
        parts += ["(Beispielangabe)"] if c.example else []
        out += ["## Ansprechstelle", "", text(", ".join(parts)), ""]
    where = f"{site_url.rstrip('/')}/massnahme/{m.id}/" if site_url else f"die Seite der Maßnahme {m.id}"
    out += [text(f"Stand: {fmt.date(plan.today)}. Mehr dazu: {where}."), ""]
    return "\n".join(out)


def write_profiles(plan: Any, folder: Path) -> list[str]:
    """Write steckbriefe/<id>.pdf below folder; returns warnings."""
    with tempfile.TemporaryDirectory(prefix="rek-steckbriefe-") as scratch:
        return _write_profiles(plan, folder, Path(scratch))


def _write_profiles(plan: Any, folder: Path, work: Path) -> list[str]:
    from pypdf import PdfReader, PdfWriter

    from ..application import export

    p = plan.project
    if not p.measures:
        return []
    work.mkdir(parents=True, exist_ok=True)
    source_md = work / "steckbriefe.md"
    source_md.write_text(
        "\n".join(profile_markdown(plan, m, p.site.site_url or None) for m in p.measures), encoding="utf-8"
    )
    meta = work / "typst-meta.yaml"
    meta.write_text("margin:\n  x: 2cm\n  y: 1.8cm\n", encoding="utf-8")
    header = work / "steckbrief.typ"
    header.write_text(_HEADER, encoding="utf-8")
    typ = work / "steckbriefe.typ"
    pdf = work / "steckbriefe.pdf"
    args = [
        "-f", export.READER, "-t", "typst", "--standalone",
        "-V", "papersize=a4", "-V", "region=DE", "-V", "lang=de",
        f"--metadata-file={meta}",
        "--metadata", "title=Steckbriefe der Maßnahmen",  # PDF/UA needs a title: a page of its own, left out
        f"--include-in-header={export.typst_header(p.root / 'templates', export.SHORT)}",
        f"--include-in-header={header}",
        "-o", str(typ), str(source_md),
    ]  # fmt: skip
    result = subprocess.run(
        [export.pandoc_path(), *export.SANDBOX, *args], cwd=work, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        return [f"Steckbriefe: Pandoc ist gescheitert ({result.stderr.strip()[:300]})"]
    warnings: list[str] = []
    failure = export.typst_compile(typ, pdf, work, ua=True)
    if failure is not None:
        again = export.typst_compile(typ, pdf, work, ua=False)
        if again is not None:
            return [f"Steckbriefe: Typst ist gescheitert ({again[:300]})"]
        warnings.append(f"Die Steckbriefe sind getaggt, erfüllen aber nicht PDF/UA-1 ({failure[:200]}).")
    reader = PdfReader(pdf)
    found = [
        reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)
    ]
    starts = [page for page in found if page is not None]
    if len(starts) != len(p.measures):
        return [
            *warnings,
            f"Steckbriefe: {len(starts)} Abschnitte statt {len(p.measures)} im PDF, nicht geteilt",
        ]
    target = folder / PROFILE_DIR
    target.mkdir(parents=True, exist_ok=True)
    ends = [*starts[1:], len(reader.pages)]
    for m, start, end in zip(p.measures, starts, ends, strict=True):
        writer = PdfWriter()
        for index in range(start, end):
            writer.add_page(reader.pages[index])
        writer.add_metadata({"/Title": f"Steckbrief {m.id} {m.title}"})
        with (target / f"{m.id}.pdf").open("wb") as out:
            writer.write(out)
        if end - start > 1:
            warnings.append(f"Steckbrief {m.id} ist {end - start} Seiten lang statt einer.")
    return warnings
