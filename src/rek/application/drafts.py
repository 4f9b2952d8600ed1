"""Drafts for councils and partners: a council resolution draft (Beschlussvorlage) per municipal partner,
a letter of intent (Absichtserklärung) per partner and the annex checklist.

Each is Markdown from a Jinja template (``templates/application/drafts/*.md.j2``; a project overrides one
by putting a file of the same name under its own ``templates/application/drafts/``) and becomes a DOCX
through the application's Pandoc path. Every figure comes from the resolved plan; nothing is added up here.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import formatting as fmt
from ..call import document_date
from ..mdtext import Md, cell
from ..model import MUNICIPAL_KINDS, Partner, PartnerKind
from ..money import ZERO
from ..plan import MeasurePlan, Plan
from .document import template_environment
from .export import SHORT, clean_reference_docx, metadata_args, to_docx

FOLDER = "entwuerfe"
EXAMPLE_MARK = " (\\*)"

# the body that decides on the own share, by kind of municipal partner (Niedersachsen and common usage)
COUNCILS = {
    PartnerKind.district: ("der", "Kreistag"),
    PartnerKind.district_nrw: ("der", "Kreistag"),
    PartnerKind.region: ("die", "Regionsversammlung"),
    PartnerKind.city: ("der", "Rat"),
    PartnerKind.county_free_city: ("der", "Rat"),
    PartnerKind.municipality: ("der", "Rat"),
    PartnerKind.joint_municipality: ("der", "Samtgemeinderat"),
    PartnerKind.association_municipality: ("der", "Verbandsgemeinderat"),
    PartnerKind.amt: ("der", "Amtsausschuss"),
}


_MASCULINE = {"Landkreis", "Kreis", "Zweckverband", "Verein", "Bund"}
_NEUTER = {"Amt", "Land", "Unternehmen"}


def named(partner: Partner) -> tuple[str, str]:
    """Nominative and dative of the partner's name, with an article where the name starts with its kind.

    'Landkreis Holzminden' -> ('der Landkreis Holzminden', 'dem Landkreis Holzminden'); other names as written.
    """
    first = partner.name.split(" ", 1)[0]
    words = {w for w in partner.kind.value.split()} | {partner.kind.value}
    if first not in words:
        return partner.name, partner.name
    if first in _MASCULINE:
        return f"der {partner.name}", f"dem {partner.name}"
    if first in _NEUTER:
        return f"das {partner.name}", f"dem {partner.name}"
    return f"die {partner.name}", f"der {partner.name}"


@dataclass(frozen=True)
class Draft:
    kind: str  # 'beschlussvorlage', 'absichtserklaerung' or 'anlagen'
    partner: Partner | None
    stem: str  # file name without suffix
    title: str
    markdown: str


@dataclass(frozen=True)
class DraftFile:
    draft: Draft
    markdown: Path
    docx: Path | None


def council_partners(plan: Plan) -> list[Partner]:
    """The partners whose council decides on an own share: the municipal ones, in strategy order."""
    return [p for p in plan.project.strategy.partners if p.kind in MUNICIPAL_KINDS]


def _genitive(article: str, council: str) -> str:
    """'des Kreistags', 'des Amtsausschusses', 'der Regionsversammlung'."""
    if article != "der":
        return f"der {council}"
    return f"des {council}{'es' if council.endswith('s') else 's'}"


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "partner"


def _involved(plan: Plan, partner: Partner) -> list[MeasurePlan]:
    """Measures of the application the partner leads, works in or pays an own share for."""
    return [
        mp
        for mp in plan.application.measures
        if partner in mp.partners or any(pid == partner.id for pid, *_ in mp.own_shares)
    ]


def _partner_context(plan: Plan, partner: Partner) -> dict[str, Any]:
    budget = plan.application
    years = budget.years
    measures = _involved(plan, partner)
    examples = [mp for mp in measures if mp.m.example]
    year_rows = [
        [str(y), fmt.euro(budget.own_by_partner_year.get((partner.id, y), ZERO), True)] for y in years
    ]
    own = budget.own_by_partner.get(partner.id, ZERO)
    year_rows.append(["Summe", fmt.euro(own, True)])
    measure_rows = [
        [
            Md(cell(mp.id) + (EXAMPLE_MARK if mp.m.example else "")),
            *(fmt.euro(mp.own_by_partner_year.get((partner.id, y), ZERO), True) for y in years),
            fmt.euro(mp.own_of(partner.id), True),
        ]
        for mp in measures
    ]
    measure_rows.append(
        [
            "Summe",
            *(fmt.euro(budget.own_by_partner_year.get((partner.id, y), ZERO), True) for y in years),
            fmt.euro(own, True),
        ]
    )
    nominative, dative = named(partner)
    return {
        "partner": partner,
        "name_nom": nominative,
        "name_dat": dative,
        "council": COUNCILS.get(partner.kind, ("", ""))[1],
        "council_article": COUNCILS.get(partner.kind, ("", ""))[0],
        "council_genitive": _genitive(*COUNCILS.get(partner.kind, ("", ""))),
        "municipal": partner.kind in MUNICIPAL_KINDS,
        "letter_file": f"absichtserklaerung-{_slug(partner.id)}.docx",
        "is_applicant": plan.applicant is partner,
        "is_coordinator": plan.coordinator is partner,
        "own": own,
        "has_own": own != ZERO,
        "measures": measures,
        "example_measures": examples,
        "year_rows": year_rows,
        "measure_headers": ["Maßnahme", *map(str, years), "Summe"],
        "measure_align": "l" + "r" * (len(years) + 1),
        "measure_rows": measure_rows,
    }


def build_context(plan: Plan) -> dict[str, Any]:
    """What every draft shows: strategy, call, applicant, totals and the annexes the call requires."""
    project = plan.project
    call = plan.call
    assert call is not None
    budget = plan.application
    years = budget.years
    annex_rows = [
        [
            st.required.title,
            st.partner.name if st.partner else "–",
            st.annex.title if st.annex else "–",
            st.status,
            st.annex.file if st.annex and st.annex.file else "–",
        ]
        for st in plan.annexes
    ]
    statuses = [st.status for st in plan.annexes]
    return {
        "s": project.strategy,
        "call": call,
        "application_measures": plan.application.measures,
        "rate": plan.rate,
        "applicant": plan.applicant,
        "applicant_dat": named(plan.applicant)[1] if plan.applicant else "dem Antragsteller",
        "applicant_nom": named(plan.applicant)[0] if plan.applicant else "",
        "coordinator": plan.coordinator,
        "coordinator_nom": named(plan.coordinator)[0] if plan.coordinator else "",
        "date": document_date(project.strategy, call, plan.today),
        "total": budget.total,
        "years": [str(y) for y in years],
        "first_year": str(years[0]) if years else "",
        "last_year": str(years[-1]) if years else "",
        "examples": budget.examples,
        "required_annexes": call.annexes,
        "resolution_points": call.resolution_points,
        "annex_rows": annex_rows,
        "annex_counts": {k: statuses.count(k) for k in ("vorhanden", "in Vorbereitung", "fehlt")},
    }


def render_drafts(plan: Plan) -> list[Draft]:
    """The council drafts (municipal partners), letters of intent (every partner) and the annex checklist."""
    project = plan.project
    env = template_environment(project)
    base = build_context(plan)
    drafts: list[Draft] = []
    for p in council_partners(plan):
        context = {**base, **_partner_context(plan, p)}
        drafts.append(
            Draft(
                "beschlussvorlage",
                p,
                f"beschlussvorlage-{_slug(p.id)}",
                f"Beschlussvorlage (Entwurf) – {p.name}",
                env.render_checked("drafts/beschlussvorlage.md.j2", context),
            )
        )
    for p in project.strategy.partners:
        context = {**base, **_partner_context(plan, p)}
        drafts.append(
            Draft(
                "absichtserklaerung",
                p,
                f"absichtserklaerung-{_slug(p.id)}",
                f"Absichtserklärung (Entwurf) – {p.name}",
                env.render_checked("drafts/absichtserklaerung.md.j2", context),
            )
        )
    names = [f"{d.stem}.docx" for d in drafts]
    drafts.append(
        Draft(
            "anlagen",
            None,
            "anlagen-checkliste",
            "Checkliste der Anlagen",
            env.render_checked("drafts/anlagen.md.j2", base, draft_files=names),
        )
    )
    return drafts


def write_drafts(plan: Plan, folder: Path, *, documents: bool = True) -> list[DraftFile]:
    """Write every draft as Markdown into ``folder`` and, with ``documents``, as DOCX beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    project = plan.project
    templates = project.root / "templates"
    date = fmt.date(document_date(project.strategy, plan.call, plan.today))
    files: list[DraftFile] = []
    for d in render_drafts(plan):
        markdown = folder / f"{d.stem}.md"
        markdown.write_text(d.markdown, encoding="utf-8")
        files.append(DraftFile(d, markdown, folder / f"{d.stem}.docx" if documents else None))
    if documents:
        # Pandoc runs as a subprocess per file: two at a time keep the export fast on small machines;
        # the drafts share one cleaned reference document (their styles are the same)
        reference = clean_reference_docx(templates, folder, short=True)
        try:
            with ThreadPoolExecutor(max_workers=2) as pool:
                jobs = []
                for f in files:
                    assert f.docx is not None  # with documents every draft file has its DOCX (above)
                    jobs.append(
                        pool.submit(
                            to_docx,
                            f.markdown,
                            f.docx,
                            metadata_args(f.draft.title, project.strategy.short_title, date),
                            templates,
                            options=SHORT,  # a short draft: no table of contents, no page breaks
                            reference=reference,
                        )
                    )
                for job in jobs:
                    job.result()
        finally:
            reference.unlink(missing_ok=True)
    return files
