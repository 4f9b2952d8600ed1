"""Requirements are data: every requirement of a shipped call is answered in the application (DOCX and PDF),
an unmet one is named where it should be answered, yearly shares stay in whole euros, and every rate the
documents state beside an amount is computed from the amounts it stands next to."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import GRANT_LINE, ROOT
from rek.application import document
from rek.application.drafts import write_drafts
from rek.call import RequirementKind
from rek.money import EURO, half_up
from rek.plan import resolve
from rek.project import require_project
from rek.requirements import judge
from rek.summary import render as render_summary

ZRN = "zrn-2021-2027"


def _zrn_variant(root: Path) -> Path:
    """The embedded strategy applying to the Land programme: its phases mapped to the programme's one phase,
    the programme's annexes listed, and an application dated before the first measure starts. The grants stay
    as written for the Smart Cities call (65 %): a grant above the programme's 40 % rate."""
    strategy = root / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    text = text.replace("\ncall: mpsc-2021\n", f"\ncall: {ZRN}\n")
    text = text.replace("call_phase: A\n", "call_phase: vorhaben\n").replace(
        "call_phase: B\n", "call_phase: vorhaben\n"
    )
    text = text.replace(
        "submissions:\n", f"submissions:\n  - {{call: {ZRN}, date: 2021-12-01, example: true}}\n", 1
    )
    text = text.replace(
        "  - id: kosten-und-finanzierungsplan\n",
        "  - {id: projektskizze, title: Projektskizze}\n"
        "  - {id: beschluss-steuerungsgruppe, title: Beschluss der Steuerungsgruppe}\n"
        "  - id: kosten-und-finanzierungsplan\n",
        1,
    )
    strategy.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def zrn_project(embedded: Path) -> Path:
    return _zrn_variant(embedded)


def _squeeze(text: str) -> str:
    """Text as a comparison sees it: no whitespace, no hyphen (line breaks and hyphenation differ)."""
    return re.sub(r"[\s\u00ad\-‐]+", "", text)


def _docx_text(path: Path) -> tuple[str, list[list[str]], list[str]]:
    from docx import Document

    doc = Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    return "\n".join(paragraphs + [" | ".join(r) for r in rows]), rows, headings


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def _answered_everywhere(folder: Path, project_dir: Path, call_id: str) -> None:
    """Every requirement of the call: its row in the checklist says 'erfüllt', and the place it names is in
    the DOCX and in the PDF (chapter heading, declaration text, annex, the representative under the
    signature line); every resolution point stands in the council drafts."""
    project = require_project(project_dir)
    plan = resolve(project, project.calls[call_id])
    statuses = judge(plan)
    assert statuses and all(st.met for st in statuses), [st.problem for st in statuses if not st.met]
    text, rows, headings = _docx_text(folder / "antrag.docx")
    pdf = _squeeze(_pdf_text(folder / "antrag.pdf"))
    assert any("Anforderungen und wo sie erfüllt sind" in h for h in headings)
    assert (
        "Anforderungen und wo sie erfüllt sind" in text
        and _squeeze("Anforderungen und wo sie erfüllt sind") in pdf
    )
    drafts = "\n".join(
        p.read_text(encoding="utf-8") for p in (folder / "entwuerfe").glob("beschlussvorlage-*.md")
    )
    for st in statuses:
        req = st.requirement
        row = next((r for r in rows if r[0] == req.title), None)
        assert row is not None, f"no checklist row for {req.id}"
        assert row[2] == st.where and row[3] == "erfüllt", row
        assert _squeeze(req.title) in pdf, req.id
        if req.kind in (RequirementKind.chapter, RequirementKind.declaration, RequirementKind.signature):
            chapter = st.where.removeprefix("Kapitel „").removesuffix("“")
            assert any(h.endswith(chapter) for h in headings), (req.id, chapter)
            assert _squeeze(chapter) in pdf
        if req.kind is RequirementKind.declaration:
            assert req.text and req.text in text and _squeeze(req.text) in pdf, req.id
        if req.kind is RequirementKind.signature:
            legal = plan.applicant.legal if plan.applicant else None
            assert legal is not None
            signature = next(r for r in rows if r[0] == "Gesetzliche Vertretung")
            assert signature[1] == legal.representative and _squeeze(legal.representative) in pdf
            place = next(r for r in rows if r[0] == "Ort, Datum")
            assert place[1].startswith("Hameln, ")
        if req.kind is RequirementKind.annex:
            annex = next(a for a in plan.call.annexes if a.id == req.answer)  # type: ignore[union-attr]
            assert annex.title in text and _squeeze(annex.title) in pdf
        if req.kind is RequirementKind.resolution:
            point = next(p for p in plan.call.resolution_points if p.id == req.answer)  # type: ignore[union-attr]
            assert point.text in drafts


@pytest.mark.documents
def test_every_requirement_of_mpsc_2021_is_answered_in_docx_and_pdf(built_embedded: Path) -> None:
    _answered_everywhere(built_embedded / "antrag", ROOT, "mpsc-2021")


@pytest.mark.documents
@pytest.mark.slow
def test_every_requirement_of_the_land_programme_is_answered_in_docx_and_pdf(
    zrn_project: Path, run, tmp_path: Path
) -> None:
    out = tmp_path / "antrag"
    result = run("application", "--draft", "--out", str(out), cwd=zrn_project)
    assert result.code == 0, result.err
    _answered_everywhere(out, zrn_project, ZRN)


def test_the_shipped_profiles_list_their_requirements_with_sources() -> None:
    calls = require_project(ROOT).calls
    for call_id in ("mpsc-2020", "mpsc-2021", ZRN):
        reqs = calls[call_id].requirements
        kinds = {r.kind for r in reqs}
        assert {RequirementKind.chapter, RequirementKind.annex, RequirementKind.declaration} <= kinds, call_id
        assert RequirementKind.signature in kinds, call_id
        assert all(r.source.title and r.source.note for r in reqs), call_id
        chapters = {r.answer for r in reqs if r.kind is RequirementKind.chapter}
        assert {"continuation", "organisation", "evaluation"} <= chapters, call_id
        declarations = [r for r in reqs if r.kind is RequirementKind.declaration and r.before_start]
        assert [r.text for r in declarations][0].startswith("Mit dem Vorhaben wurde noch nicht begonnen")
    resolution = [r.answer for r in calls["mpsc-2021"].requirements if r.kind is RequirementKind.resolution]
    assert resolution == ["smart-city-charta", "eigenanteil"]


def test_a_missing_chapter_is_named_at_the_field_it_belongs_to(embedded: Path, run) -> None:
    strategy = embedded / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    start = text.index("\ncontinuation:\n")
    end = text.index("\norganisation:\n")
    strategy.write_text(text[:start] + text[end:], encoding="utf-8")
    result = run("check", cwd=embedded)
    assert result.code == 1
    assert result.error_lines == [
        "strategy/strategy.yaml:2:1: error: Anforderung 'Verstetigung und Folgekosten' (Kapitel) ist nicht "
        "erfüllt: 'continuation' fehlt oder ist leer"
    ]
    assert (
        "    Hinweis: Tragen Sie in strategy.yaml auf oberster Ebene ein: continuation: {text: …, "
        "follow_on_costs: […]}\n    Regel: Anforderung 'verstetigung' (strategy/calls/mpsc-2021.yaml:"
        in result.err
    )
    assert "Pflichtabschnitt ist leer" not in result.err  # named once, at the field, not again at the profile


def test_a_false_not_yet_begun_declaration_is_refused_at_the_measure(embedded: Path, run) -> None:
    measure = embedded / "measures" / "M03.yaml"
    text = measure.read_text(encoding="utf-8")
    start = re.search(r"^start: (\S+)$", text, re.M)
    assert start is not None
    measure.write_text(text.replace(start[0], "start: 2021-03-01", 1), encoding="utf-8")
    line = text[: start.start()].count("\n") + 1
    result = run("check", cwd=embedded)
    assert (
        f"measures/M03.yaml:{line}:8: error: Anforderung 'Erklärung: mit dem Vorhaben wurde noch nicht begonnen' "
        "(Erklärung) ist nicht erfüllt: Maßnahme M03 beginnt vor dem Datum des Antrags (12.03.2021); die Erklärung "
        "„Mit dem "
        "Vorhaben wurde noch nicht begonnen;" in result.err
    )


# --- whole euros ------------------------------------------------------------------------------------
def test_whole_euro_inputs_give_whole_euro_shares_that_add_up() -> None:
    plan = resolve(require_project(ROOT))
    checked = 0
    for mp in plan.measures:
        inputs = [mp.money.grant, *(a for _, a in mp.third_parties), *(c.amount for c in mp.costs)]
        assert all(a == a.to_integral_value() for a in inputs), mp.id  # the embedded data is in whole euros
        for y, money in mp.by_year.items():
            for part in (money.grant, money.third_party, money.own):
                assert part == part.quantize(EURO), (mp.id, y, part)
        assert sum(m.grant for m in mp.by_year.values()) == mp.money.grant
        assert sum(m.third_party for m in mp.by_year.values()) == mp.money.third_party
        for _, _, euro in mp.own_shares:
            assert euro == euro.quantize(EURO), (mp.id, euro)
        for value in mp.own_by_partner_year.values():
            assert value == value.quantize(EURO), mp.id
        assert sum(e for _, _, e in mp.own_shares) == mp.money.own
        checked += 1
    assert checked == len(plan.measures) > 20


def test_amounts_with_cents_are_still_shared_to_the_cent(minimal: Path) -> None:
    measure = minimal / "measures" / "M01.yaml"
    text = measure.read_text(encoding="utf-8")
    text = text.replace(
        "    amount: 20000\n",
        "    amount: 20000\n  - year: 2028\n    category: services\n    amount: 10000.01\n",
    )
    text = text.replace("end: 2027-12-31", "end: 2028-12-31").replace(GRANT_LINE, "  grant: 13000.33")
    measure.write_text(text, encoding="utf-8")
    mp = resolve(require_project(minimal)).by_id["M01"]
    grants = [m.grant for m in mp.by_year.values()]
    assert sum(grants) == Decimal("13000.33") and any(g != g.quantize(EURO) for g in grants)


# --- rates computed from the amounts beside them ----------------------------------------------------
STATEMENT = re.compile(
    r"([\d.]+,\d\d)\u00a0€,? (?:\(|das sind )(\d+(?:,\d+)?)\u00a0% der förderfähigen Kosten von ([\d.]+,\d\d)\u00a0€"
)


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


def _grant_above_the_rate(root: Path) -> Path:
    """One measure asks for more than 65 %: the application's rate is then no longer a round 65 %."""
    first = resolve(require_project(root)).application.measures[0]
    measure = root / "measures" / f"{first.id}.yaml"
    text = measure.read_text(encoding="utf-8")
    assert "\n  grant:" not in text  # the grant is left out: the plan's rate × eligible cost
    computed = first.money.grant
    measure.write_text(
        text.replace("\nfunding:\n", f"\nfunding:\n  grant: {int(computed) + 46_000}\n", 1), encoding="utf-8"
    )
    return root


@pytest.mark.parametrize("case", ["mpsc-2021", "zrn", "zrn (grant above the rate)", "grant above the rate"])
def test_every_rate_statement_equals_the_rate_of_its_amounts(
    case: str, embedded: Path, tmp_path: Path
) -> None:
    root = _zrn_variant(embedded) if case.startswith("zrn") else embedded
    if case.endswith("grant above the rate)") or case == "grant above the rate":
        _grant_above_the_rate(root)
    project = require_project(root)
    plan = resolve(project)
    app = document.render(plan)
    drafts = write_drafts(plan, tmp_path / "entwuerfe", documents=False)
    texts = [app.markdown, *(d.markdown.read_text(encoding="utf-8") for d in drafts)]
    found = 0
    for text in texts:
        for grant, percent, eligible in STATEMENT.findall(text):
            rate = half_up(_amount(grant) * 100 / _amount(eligible), 2)
            assert _amount(percent) == rate, (grant, percent, eligible)
            found += 1
    assert found >= 4  # cover, cost plan and at least two council drafts
    total = plan.application.total
    stated = f"{total.grant_percent.normalize():f}".replace(".", ",")
    if case == "zrn":  # grants left out: the call's own rate, and the statement says so
        assert total.grant_percent == Decimal(str(plan.rate.percent)) == Decimal("40")  # type: ignore[union-attr]
    elif case != "mpsc-2021":
        assert total.grant_percent != Decimal(str(plan.rate.percent))  # type: ignore[union-attr]
        assert f"({stated}\u00a0% der förderfähigen Kosten" in app.markdown
    summary = render_summary(plan)
    strategy_rate = f"{plan.strategy.total.grant_percent.normalize():f}".replace(".", ",")
    assert f"Zuwendung ({strategy_rate}\u00a0%)" in summary


def test_the_zrn_draft_no_longer_puts_the_nominal_rate_beside_another_amount(
    zrn_project: Path, tmp_path: Path
) -> None:
    plan = resolve(require_project(zrn_project))
    files = write_drafts(plan, tmp_path / "entwuerfe", documents=False)
    council = next(f for f in files if f.draft.kind == "beschlussvorlage").markdown.read_text(
        encoding="utf-8"
    )
    total = plan.application.total
    assert total.grant_percent == Decimal("40.00")  # grants left out: the call's rate × eligible cost
    assert (
        "Beantragt wird eine Zuwendung von 2.416.000,00\u00a0€ (40\u00a0% der förderfähigen Kosten von "
        "6.040.000,00\u00a0€)" in council
    )
    assert "Fördersatz des Aufrufs" not in council  # named only where the computed rate differs


def test_third_party_funds_are_named_with_status_and_source() -> None:
    plan = resolve(require_project(ROOT))
    app = document.render(plan)
    funds = [(mp.id, t) for mp in plan.application.measures for t in mp.m.funding.third_parties]
    assert funds and all("(Annahme)" not in t.name and t.source is not None for _, t in funds)
    section = app.markdown.split("**Drittmittel nach Geldgeber und Stand**", 1)[1].split("##", 1)[0]
    for mid, t in funds:
        assert f"| {mid} | {t.name} | angenommen (Planungsannahme) |" in section


def test_assumed_third_party_funds_are_warned_about_at_the_fund(embedded: Path, run) -> None:
    result = run("check", cwd=embedded)
    assert result.code == 0, result.err
    assert (
        "measures/M12.yaml:88:7: warning: Drittmittel von „Regionale Verkehrsunternehmen“ (50.000,00\u00a0€) sind "
        "nur angenommen: weder zugesagt noch beantragt" in result.out
    )
    measure = embedded / "measures" / "M12.yaml"
    measure.write_text(
        measure.read_text(encoding="utf-8").replace("status: angenommen", "status: zugesagt"),
        encoding="utf-8",
    )
    assert "Regionale Verkehrsunternehmen" not in run("check", cwd=embedded).out


def test_an_indicator_without_a_method_is_warned_about_when_the_call_asks_for_evaluation(
    embedded: Path, run
) -> None:
    measure = embedded / "measures" / "M03.yaml"
    text = measure.read_text(encoding="utf-8")
    measure.write_text(text.replace('source: "Monitoring der Geschäftsstelle", ', ""), encoding="utf-8")
    out = run("check", cwd=embedded).out
    assert (
        "warning: Indikator „Von allen vier Kreistagen beschlossene Smart-Region-Strategie“: wie er erhoben "
        in out
    )


def test_the_new_chapters_are_markdown_held_to_the_same_rules(embedded: Path, run) -> None:
    strategy = embedded / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    marker = "  text: |\n    **Wirkungsmessung.**"
    assert marker in text
    strategy.write_text(
        text.replace(marker, '  text: |\n    <script>alert("x")</script>\n    **Wirkungsmessung.**'), "utf-8"
    )
    result = run("check", cwd=embedded)
    assert result.code == 1
    line = text[: text.index(marker)].count("\n") + 2
    assert any(e.startswith(f"strategy/strategy.yaml:{line}:") for e in result.error_lines), (
        result.error_lines
    )
