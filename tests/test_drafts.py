"""Drafts for councils and partners, read back from the DOCX files: the figures are the resolved plan's."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT, documented_names
from rek import formatting as fmt
from rek.application.drafts import council_partners, named, write_drafts
from rek.model import MUNICIPAL_KINDS
from rek.plan import resolve
from rek.project import require_project


@pytest.fixture(scope="module")
def plan():
    return resolve(require_project(ROOT))


@pytest.fixture(scope="module")
def drafts(plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("drafts") / "entwuerfe"
    write_drafts(plan, folder, documents=True)
    return folder


def _read(path: Path) -> tuple[str, list[list[list[str]]]]:
    from docx import Document

    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    return text, [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def _table(tables: list[list[list[str]]], header: list[str]) -> list[list[str]]:
    found = [t for t in tables if t[0] == header]
    assert len(found) == 1, [t[0] for t in tables]
    return found[0]


@pytest.mark.documents
def test_one_council_draft_per_municipal_partner(plan, drafts: Path) -> None:
    ids = sorted(
        p.name.removeprefix("beschlussvorlage-").removesuffix(".docx") for p in drafts.glob("beschluss*.docx")
    )
    assert ids == ["hm", "hol", "ni", "shg"]  # the four Landkreise, not the Hochschule
    assert [p.id for p in council_partners(plan)] == ["hm", "hol", "ni", "shg"]
    assert all(p.kind in MUNICIPAL_KINDS for p in council_partners(plan))


@pytest.mark.documents
@pytest.mark.parametrize("pid", ["hm", "hol", "ni", "shg"])
def test_council_draft_has_the_plans_own_share_per_budget_year(plan, drafts: Path, pid: str) -> None:
    budget = plan.application
    text, tables = _read(drafts / f"beschlussvorlage-{pid}.docx")
    expected = [[str(y), fmt.euro(budget.own_by_partner_year[(pid, y)], True)] for y in budget.years]
    total = budget.own_by_partner[pid]
    assert sum((budget.own_by_partner_year[(pid, y)] for y in budget.years), Decimal(0)) == total
    assert total > 0
    assert _table(tables, ["Haushaltsjahr", "Eigenanteil"])[1:] == [
        *expected,
        ["Summe", fmt.euro(total, True)],
    ]
    by_measure = _table(tables, ["Maßnahme", *map(str, budget.years), "Summe"])
    assert by_measure[-1] == ["Summe", *(row[1] for row in expected), fmt.euro(total, True)]
    for row in by_measure[1:-1]:
        mp = plan.by_id[row[0].split(" ", 1)[0]]
        assert row[-1] == fmt.euro(mp.own_of(pid), True)
    partner = plan.project.partners[pid]
    assert f"insgesamt {fmt.euro(total, True)} bereitgestellt" in text
    assert "ENTWURF" in text and "Der Kreistag beschließt:" in text
    for heading in ("Beschlussvorschlag", "Sachverhalt", "Finanzielle Auswirkungen", "Anlagen"):
        assert any(line.endswith(heading) for line in text.splitlines()), heading
    assert f"{named(partner)[0][0].upper()}{named(partner)[0][1:]} beteiligt sich" in text
    # every measure of the embedded strategy is marked as an example: the draft says so
    assert "Beispielzahlen:" in text and "(*)" in by_measure[1][0]


@pytest.mark.documents
def test_applicant_and_partner_drafts_differ(drafts: Path) -> None:
    applicant, _ = _read(drafts / "beschlussvorlage-hm.docx")
    partner, _ = _read(drafts / "beschlussvorlage-hol.docx")
    assert "als Antragsteller und federführende Gebietskörperschaft" in applicant
    assert "den Antrag zu stellen" in applicant
    assert "als Verbundpartner" in partner
    assert "gegenüber dem Landkreis Hameln-Pyrmont abzugeben" in partner


@pytest.mark.documents
def test_one_letter_of_intent_per_partner(plan, drafts: Path) -> None:
    budget = plan.application
    partners = plan.project.strategy.partners
    assert sorted(p.name for p in drafts.glob("absichtserklaerung-*.docx")) == sorted(
        f"absichtserklaerung-{p.id}.docx" for p in partners
    )
    for p in partners:
        text, tables = _read(drafts / f"absichtserklaerung-{p.id}.docx")
        assert p.name in text and "ENTWURF" in text
        own = budget.own_by_partner[p.id]
        if own:
            rows = _table(tables, ["Haushaltsjahr", "Eigenanteil"])
            assert rows[-1] == ["Summe", fmt.euro(own, True)]
            assert "Vorbehalt der Zustimmung des Kreistags" in text
        else:
            assert "Eigenanteil ist nach dem Kosten- und Finanzierungsplan nicht vorgesehen" in text
    hsw, _ = _read(drafts / "absichtserklaerung-hsw.docx")
    assert "als Verbundkoordination zu beteiligen" in hsw


@pytest.mark.documents
def test_annex_checklist_lists_every_required_annex_with_status(plan, drafts: Path) -> None:
    text, tables = _read(drafts / "anlagen-checkliste.docx")
    rows = _table(tables, ["Verlangt", "Partner", "Anlage der Strategie", "Status", "Datei"])[1:]
    assert [[r[0], r[1], r[3]] for r in rows] == [
        [st.required.title, st.partner.name if st.partner else "–", st.status] for st in plan.annexes
    ]
    assert {st.required.id for st in plan.annexes} == {a.id for a in plan.call.annexes}
    assert "7 vorhanden, 3 in Vorbereitung, 0 fehlend" in text
    for a in plan.call.annexes:
        assert a.title in text


def test_a_project_template_overrides_a_draft(embedded: Path, tmp_path: Path) -> None:
    custom = embedded / "templates" / "application" / "drafts"
    custom.mkdir(parents=True)
    (custom / "beschlussvorlage.md.j2").write_text(
        "# Vorlage {{ partner.name | text }}\n\n{{ table(['Jahr', 'Betrag'], year_rows) }}\n",
        encoding="utf-8",
    )
    plan = resolve(require_project(embedded))
    files = write_drafts(plan, tmp_path / "out", documents=False)
    council = [f for f in files if f.draft.kind == "beschlussvorlage"]
    assert [f.markdown.read_text(encoding="utf-8").splitlines()[0] for f in council] == [
        "# Vorlage Landkreis Hameln-Pyrmont",
        "# Vorlage Landkreis Holzminden",
        "# Vorlage Landkreis Nienburg/Weser",
        "# Vorlage Landkreis Schaumburg",
    ]
    letter = next(f for f in files if f.draft.kind == "absichtserklaerung")
    assert "# Absichtserklärung" in letter.markdown.read_text(encoding="utf-8")  # the others stay rek's own
    assert all(f.docx is None for f in files)


def test_the_application_folder_holds_every_draft_in_entwuerfe(plan, tmp_path: Path) -> None:
    from rek.application.build import write_application

    files = write_application(plan, tmp_path / "antrag", documents=False)
    folder = tmp_path / "antrag" / "entwuerfe"
    assert sorted(f.markdown.name for f in files.drafts) == sorted(p.name for p in folder.iterdir())
    assert len(files.drafts) == 4 + 5 + 1


def test_partners_are_named_with_their_article() -> None:
    project = require_project(ROOT)
    assert named(project.partners["hol"]) == ("der Landkreis Holzminden", "dem Landkreis Holzminden")
    assert named(project.partners["hsw"]) == ("die Hochschule Weserbergland", "der Hochschule Weserbergland")
    other = project.partners["hsw"].model_copy(update={"name": "HAWK"})
    assert named(other) == ("HAWK", "HAWK")


def test_a_municipal_partner_without_own_share_gets_a_draft_without_money(
    minimal: Path, tmp_path: Path
) -> None:
    from rek.call import Call

    strategy = minimal / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8").replace(
        "    role: Antragsteller\n",
        "    role: Antragsteller\n  - id: sg\n    name: Samtgemeinde Beispiel\n    kind: Samtgemeinde\n"
        "    role: Verbundpartner\n",
    )
    strategy.write_text(text, encoding="utf-8")
    project = require_project(minimal)
    call = require_project(ROOT).calls["mpsc-2021"]
    assert isinstance(call, Call)
    plan = resolve(project, call)
    files = write_drafts(plan, tmp_path / "entwuerfe", documents=False)
    assert [f.markdown.name for f in files if f.draft.kind == "beschlussvorlage"] == [
        "beschlussvorlage-lk.md",
        "beschlussvorlage-sg.md",
    ]
    council = (tmp_path / "entwuerfe" / "beschlussvorlage-sg.md").read_text(encoding="utf-8")
    assert "Der Samtgemeinderat beschließt:" in council
    assert "1. Die Samtgemeinde Beispiel beteiligt sich als Verbundpartner" in council
    assert "fällt kein Eigenanteil an" in council
    assert "| Summe | 0,00\u00a0€ |" in council
    assert "gegenüber dem Landkreis Muster abzugeben" in council
    applicant = (tmp_path / "entwuerfe" / "beschlussvorlage-lk.md").read_text(encoding="utf-8")
    assert "insgesamt **7.000,00\u00a0€** bereitgestellt" in applicant
    assert plan.application.own_by_partner["lk"] == Decimal("7000.00")


def test_the_draft_template_names_are_documented(plan, captured) -> None:
    import re

    from rek.application.drafts import render_drafts

    render_drafts(plan)
    given = {
        key
        for name, contexts in captured.items()
        if name.startswith("drafts/")
        for context, _ in contexts
        for key in context
    }
    readme = (ROOT / "templates" / "README.md").read_text(encoding="utf-8")
    section = "## Was die Entwürfe bekommen"
    shared = re.search(r"Alle drei: (.*?) wie oben", readme.split(section, 1)[1], re.S)
    assert shared, "the names the drafts share with the application's templates"
    documented = set(documented_names(readme, section)) | set(re.findall(r"`([a-z_]+)`", shared[1]))
    assert given - documented == set(), "undocumented draft template names"
    assert documented - given == set(), "documented draft template names no draft template gets"


@pytest.mark.parametrize("call_id", ["mpsc-2020", "mpsc-2021", "zrn-2021-2027"])
def test_every_council_draft_states_what_the_call_requires_of_the_resolution(
    call_id: str, tmp_path: Path
) -> None:
    project = require_project(ROOT)
    call = project.calls[call_id]
    plan = resolve(project, call)
    files = write_drafts(plan, tmp_path / "entwuerfe", documents=False)
    councils = [f for f in files if f.draft.kind == "beschlussvorlage"]
    assert len(councils) == 4
    for point in call.resolution_points:
        assert point.source.title and point.source.note  # every requirement cites where it comes from
    for f in councils:
        text = f.markdown.read_text(encoding="utf-8")
        name = named(f.draft.partner)[0]
        proposal = text.split("# Beschlussvorschlag", 1)[1].split("# Sachverhalt", 1)[0]
        for number, point in enumerate(call.resolution_points, 2):
            line = f"{number}. {name[0].upper()}{name[1:]} {point.text}."
            assert line in proposal.splitlines(), (f.markdown.name, line)
            assert f"- {point.text} (Quelle: {point.source.title}" in text
        numbers = [int(x.split(".", 1)[0]) for x in proposal.splitlines() if x[:1].isdigit()]
        assert numbers == list(
            range(1, len(call.resolution_points) + 4)
        )  # participation, points, money, mandate


def test_the_shipped_profiles_say_what_a_resolution_must_state() -> None:
    calls = require_project(ROOT).calls
    assert [p.id for p in calls["mpsc-2021"].resolution_points] == ["smart-city-charta", "eigenanteil"]
    assert [p.text for p in calls["mpsc-2021"].resolution_points] == [
        "ist bereit, Smart City gemäß der Smart City Charta umzusetzen",
        "ist bereit, den Eigenanteil an den Kosten des Vorhabens zu finanzieren",
    ]
    assert [p.id for p in calls["mpsc-2020"].resolution_points] == ["umsetzung"]
    zrn = calls["zrn-2021-2027"]
    assert zrn.resolution_points == [] and "keine Beschlusspunkte (`resolution`)" in " ".join(
        zrn.summary.split()
    )
