"""A printable one-page profile per measure (steckbriefe/<id>.pdf), linked from the measure's page.

The same Typst pipeline as the application: rek's Markdown (every value escaped) → Pandoc's Typst writer
with the application's reader settings and the house style (``export.typst_header``) → ``export.typst_compile``.
One Pandoc run writes the Typst source of all profiles; it is cut at the level-1 headings into one source
per measure, each compiled on its own (tagged, PDF/UA-1 like the application; up to four at a time).
About a quarter of a second per measure: ``rek build`` writes them for up to AUTO_LIMIT measures unless
told otherwise (``--profiles``/``--no-profiles``).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .. import formatting as fmt
from .. import monitoring
from ..mdtext import table, text
from ..model import STATUS_LABELS, Measure

PROFILE_DIR = "steckbriefe"
AUTO_LIMIT = 100  # up to this many measures a build writes the profiles unless told otherwise
UPDATES_SHOWN = 2

# rek's own addition to the house style: a profile has one page, so no "Seite X von Y"
_HEADER = """// rek: a measure profile, one page (fixed text, no content)
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


def _typst_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write_profiles(plan: Any, folder: Path, work: Path) -> list[str]:
    from pypdf import PdfReader

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
    args = [
        "-f", export.READER, "-t", "typst", "--standalone",
        "-V", "papersize=a4", "-V", "region=DE", "-V", "lang=de",
        f"--metadata-file={meta}",
        f"--include-in-header={export.typst_header(p.root / 'templates', export.SHORT)}",
        f"--include-in-header={header}",
        "-o", str(typ), str(source_md),
    ]  # fmt: skip
    result = subprocess.run(
        [export.pandoc_path(), *export.SANDBOX, *args], cwd=work, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        return [f"Steckbriefe: Pandoc ist gescheitert ({result.stderr.strip()[:300]})"]
    # one Typst source per measure: the preamble (template and house style) and the measure's part
    source = typ.read_text(encoding="utf-8")
    parts = re.split(r"(?m)^(?== )", source)
    preamble, bodies = parts[0], parts[1:]
    if len(bodies) != len(p.measures):
        return [
            f"Steckbriefe: {len(bodies)} Abschnitte statt {len(p.measures)}, keine Steckbriefe geschrieben"
        ]
    target = folder / PROFILE_DIR
    target.mkdir(parents=True, exist_ok=True)

    def one(item: tuple[Measure, str]) -> list[str]:
        m, body = item
        title = f"#set document(title: {_typst_string(f'Steckbrief {m.id} {m.title}')})\n"
        src = work / f"{m.id}.typ"
        src.write_text(preamble + title + body, encoding="utf-8")
        pdf = target / f"{m.id}.pdf"
        failure = export.typst_compile(src, pdf, work, ua=True)  # tagged, PDF/UA-1 like the application
        found: list[str] = []
        if failure is not None:
            again = export.typst_compile(src, pdf, work, ua=False)
            if again is not None:
                return [f"Steckbrief {m.id}: Typst ist gescheitert ({again[:300]})"]
            found.append(f"Steckbrief {m.id} ist getaggt, erfüllt aber nicht PDF/UA-1 ({failure[:200]}).")
        pages = len(PdfReader(pdf).pages)
        if pages > 1:
            found.append(f"Steckbrief {m.id} ist {pages} Seiten lang statt einer.")
        return found

    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        return [w for found in pool.map(one, zip(p.measures, bodies, strict=True)) for w in found]
