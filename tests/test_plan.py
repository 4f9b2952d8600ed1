"""The resolved plan: figures computed once, and every output shows the same figures to the cent."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, ROOT
from rek import formatting as fmt
from rek.plan import allocate, resolve, whole_euros
from rek.project import require_project

SRC = ROOT / "src" / "rek"
MONEY_ATTRS = {
    "amount",
    "grant",
    "cost",
    "eligible",
    "third_party",
    "own",
    "own_funds",
    "covered",
    "financing",
    "spent",
    "planned",
}


# --- allocation --------------------------------------------------------------------------------------
@given(
    total=st.decimals(min_value=0, max_value=10**9, places=2),
    weights=st.lists(st.decimals(min_value=0, max_value=100, places=3), min_size=1, max_size=8),
)
def test_allocation_adds_up_exactly_and_stays_close(total: Decimal, weights: list[Decimal]) -> None:
    parts = allocate(total, weights)
    assert sum(parts, Decimal(0)) == total
    weight_sum = sum(weights, Decimal(0))
    for part, weight in zip(parts, weights, strict=True):
        exact = total * weight / weight_sum if weight_sum else total / len(weights)
        assert abs(part - exact) < Decimal("0.01")


def test_largest_remainder_gives_the_cent_to_the_largest_rest() -> None:
    assert allocate(Decimal("100.00"), [Decimal(1), Decimal(1), Decimal(1)]) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert whole_euros([Decimal("0.4"), Decimal("0.4"), Decimal("0.4")]) == [
        Decimal(1),
        Decimal(0),
        Decimal(0),
    ]


# --- no money is computed outside the plan ---------------------------------------------------------------
def _money_arithmetic(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
            for side in (node.left, node.right):
                if isinstance(side, ast.Attribute) and side.attr in MONEY_ATTRS:
                    lines.append(node.lineno)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "sum":
            names = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
            if names & MONEY_ATTRS:
                lines.append(node.lineno)
    return lines


def test_no_module_but_the_plan_adds_up_money() -> None:
    offenders = {}
    for path in SRC.rglob("*.py"):
        if path.name == "plan.py":
            continue
        found = _money_arithmetic(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            offenders[str(path.relative_to(SRC))] = found
    assert offenders == {}, "money computed outside plan.py"


def test_the_lint_rule_sees_money_arithmetic() -> None:
    assert sorted(
        set(_money_arithmetic(ast.parse("x = m.grant + m.third_party\ny = sum(c.amount for c in cs)")))
    ) == [1, 2]


# --- cases of the issue, each with its exact message ---------------------------------------------------
def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_german_thousands_separator_is_an_error(minimal: Path, run) -> None:
    edit(minimal / "measures/M01.yaml", "amount: 20000", "amount: 20.000")
    edit(minimal / "measures/M01.yaml", "grant: 13000", "grant: 13.000")
    result = run("check", cwd=minimal)
    assert result.code == 1
    assert (
        "measures/M01.yaml:19:13: error: Feld 'costs[0].amount': erwartet: einen Betrag in Euro mit höchstens zwei "
        "Nachkommastellen; der Punkt wird hier als Dezimalzeichen gelesen (meinten Sie 20000? Schreiben Sie "
        "Tausender ohne Punkt)" in result.err
    )
    assert (
        "measures/M01.yaml:21:10: error: Feld 'funding.grant'" in result.err
        and "meinten Sie 13000?" in result.err
    )


def test_two_decimals_are_fine_three_are_not(minimal: Path, run) -> None:
    edit(minimal / "measures/M01.yaml", "amount: 20000", "amount: 20000.50")
    edit(minimal / "measures/M01.yaml", "grant: 13000", "grant: 13000.33")
    assert run("check", cwd=minimal).code == 0
    edit(minimal / "measures/M01.yaml", "amount: 20000.50", "amount: 20000.505")
    result = run("check", cwd=minimal)
    assert (
        "Feld 'costs[0].amount': erwartet: einen Betrag in Euro mit höchstens zwei Nachkommastellen; "
        "gefunden: Zahl 20000.505" in result.err
    )


def test_budget_emergency_of_a_university_is_an_error(minimal: Path, run) -> None:
    text = (minimal / "strategy/strategy.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "goals:\n",
        "  - id: hs\n    name: Hochschule Muster\n    kind: Hochschule\n    role: Koordination\n"
        "    budget_emergency: true\ngoals:\n",
        1,
    )
    (minimal / "strategy/strategy.yaml").write_text(text, encoding="utf-8")
    result = run("check", cwd=minimal)
    assert result.code == 1
    assert (
        "strategy/strategy.yaml:42:23: error: Feld 'partners[1].budget_emergency': eine Haushaltsnotlage nach "
        "Landesrecht gibt es nur für Kommunen (Gebietskörperschaften); gefunden: Hochschule" in result.err
    )


def test_excluded_measure_needs_a_reason_and_is_listed(minimal: Path, run, tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "calls", minimal / "strategy" / "calls")
    edit(minimal / "strategy/strategy.yaml", "# call: mpsc-2021", "call: test-call")
    edit(
        minimal / "strategy/strategy.yaml",
        "    role: Antragsteller\n",
        "    role: Antragsteller\n    own_funds: 9000\n",
    )
    m02 = (minimal / "measures/M01.yaml").read_text(encoding="utf-8").replace("id: M01", "id: M02")
    m02 = m02.replace("phase: phase-a\n", "application: false\ndependencies: []\n")
    (minimal / "measures/M02.yaml").write_text(m02, encoding="utf-8")
    result = run("check", cwd=minimal)
    assert (
        "measures/M02.yaml:13:14: error: Feld 'application_note': der Grund fehlt, warum die Maßnahme nicht im "
        "Antrag steht" in result.err
    )
    edit(
        minimal / "measures/M02.yaml",
        "application: false\n",
        "application: false\napplication_note: aus Landesmitteln gefördert\n",
    )
    project = require_project(minimal)
    plan = resolve(project)
    assert [mp.id for mp in plan.application.measures] == ["M01"]
    assert plan.by_id["M02"].exclusion == "aus Landesmitteln gefördert"
    from rek.application.document import render

    markdown = render(plan).markdown
    assert "| M02 Online-Terminvergabe im Bürgerbüro | aus Landesmitteln gefördert |" in markdown


def test_build_refuses_a_failing_application_and_draft_marks_every_page(
    minimal: Path, run, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    shutil.copytree(FIXTURES / "calls", minimal / "strategy" / "calls")
    edit(minimal / "strategy/strategy.yaml", "# call: mpsc-2021", "call: test-call")
    out = tmp_path / "out"
    result = run("build", "--out", str(out), cwd=minimal)
    assert result.code == 1 and not out.exists()
    assert "error: Regel 'Eigenanteil gedeckt'" in result.err
    app = run("application", "--out", str(tmp_path / "a"), cwd=minimal)
    assert app.code == 1 and "Kein Antrag geschrieben" in app.err and not (tmp_path / "a").exists()
    draft = run("application", "--draft", "--out", str(tmp_path / "a"), cwd=minimal)
    assert draft.code == 0, draft.err
    assert "Entwurf geschrieben" in draft.out
    reader = PdfReader(str(tmp_path / "a" / "antrag.pdf"))
    for page in reader.pages:
        assert "Entwurf – formale Prüfung nicht bestanden" in page.extract_text()
    assert (
        (tmp_path / "a" / "antrag.md")
        .read_text(encoding="utf-8")
        .startswith("> **Entwurf – formale Prüfung nicht bestanden.**")
    )


def test_embedded_applicant_and_coordinator() -> None:
    plan = resolve(require_project(ROOT))
    assert plan.applicant is not None and plan.applicant.name == "Landkreis Hameln-Pyrmont"
    assert plan.coordinator is not None and plan.coordinator.name == "Hochschule Weserbergland"
    assert plan.rate_percent == 65
    excluded = {mp.id: mp.exclusion for mp in plan.excluded}
    assert set(excluded) == {"M01", "M02"} and all("keiner Förderphase" in r for r in excluded.values())


# --- every output equals the plan, to the cent -------------------------------------------------------------
def _cents(text: str) -> Decimal:
    return Decimal(text.replace("\u00a0€", "").replace(".", "").replace(",", "."))


def _xlsx_values(path: Path) -> dict[str, dict[str, object]]:
    """Formulas evaluated from the cells' own inputs (SUM, ROUND, + - * /, cross-sheet references)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    cache: dict[tuple[str, str], object] = {}

    def value(sheet: str, ref: str) -> object:
        key = (sheet, ref.replace("$", ""))
        if key not in cache:
            raw = wb[sheet][key[1]].value
            cache[key] = evaluate(sheet, raw[1:]) if isinstance(raw, str) and raw.startswith("=") else raw
        return cache[key]

    def evaluate(sheet: str, formula: str) -> Decimal:
        from openpyxl.utils import range_boundaries

        def rng(match: re.Match[str]) -> str:
            s = match.group(1) or sheet
            c1, r1, c2, r2 = range_boundaries(match.group(2).replace("$", ""))
            from openpyxl.utils import get_column_letter

            cells = [
                value(s, f"{get_column_letter(c)}{r}") for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
            ]
            return str(
                sum((Decimal(str(v)) for v in cells if isinstance(v, int | float | Decimal)), Decimal(0))
            )

        expr = re.sub(r"SUM\((?:(\w+)!)?(\$?[A-Z]+\$?\d+:\$?[A-Z]+\$?\d+)\)", rng, formula)
        expr = re.sub(r"IF\(([^,]+)=0,0,([^)]+)\)", r"(0 if \1==0 else \2)", expr)
        expr = re.sub(
            r"(?:(\w+)!)?(\$?[A-Z]+\$?\d+)",
            lambda m: f"D('{value(m.group(1) or sheet, m.group(2))}')",
            expr,
        )
        expr = re.sub(r"(?<![\w'.])(\d+(?:\.\d+)?)", r"D('\1')", expr)
        expr = expr.replace("ROUND(", "R(")
        return eval(  # noqa: S307 - test-only evaluation of the spreadsheet's own formulas
            expr, {"D": Decimal, "R": lambda v, n: v.quantize(Decimal(1).scaleb(-int(n)), "ROUND_HALF_UP")}
        )

    result: dict[str, dict[str, object]] = {}
    for ws in wb.worksheets:
        result[ws.title] = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    result[ws.title][cell.coordinate] = value(ws.title, cell.coordinate)
    return result


def _assert_outputs_match(project_dir: Path, tmp_path: Path) -> None:
    from rek.application.build import write_application
    from rek.site.opendata import write_downloads
    from rek.site.pages import SitePages

    plan = resolve(require_project(project_dir))
    budget, everything = plan.application, plan.strategy
    # site: the finance page's sum rows
    pages = dict(SitePages(plan).files())
    finance_page = pages["finanzen.md"]
    assert f"| Gesamtkosten | {fmt.euro(everything.total.cost)} |" in finance_page
    for line in finance_page.splitlines():
        if line.startswith("| Summe |") and "Betrag" not in line:
            cells = [c.strip() for c in line.strip("|").split("|")][1:]
            rounded = {
                getattr(everything.total, a).quantize(Decimal(1), "ROUND_HALF_UP")
                for a in ("cost", "grant", "third_party", "own")
            }
            assert all(_cents(c) in rounded for c in cells), line
    # downloads: CSV and JSON
    downloads = tmp_path / "downloads"
    write_downloads(plan, downloads)
    rows = list(csv.DictReader(io.StringIO((downloads / "massnahmen.csv").read_text(encoding="utf-8"))))
    for column, attr in (("kosten_eur", "cost"), ("zuwendung_eur", "grant"), ("eigenanteil_eur", "own")):
        assert sum((Decimal(r[column]) for r in rows), Decimal(0)) == getattr(everything.total, attr)
    data = json.loads((downloads / "massnahmen.json").read_text(encoding="utf-8"))
    assert Decimal(data["summen"]["zuwendung_eur"]) == everything.total.grant
    # application: Markdown, XLSX (formulas evaluated, cached values), and, once, DOCX/PDF
    if plan.call is None:
        return
    folder = tmp_path / "antrag"
    files = write_application(plan, folder, documents=False)
    markdown = files.markdown.read_text(encoding="utf-8")
    for label, attr in (
        ("Zuwendung (beantragt)", "grant"),
        ("Drittmittel", "third_party"),
        ("Eigenanteile der Partner", "own"),
    ):
        assert f"| {label} | {fmt.euro(getattr(budget.total, attr), True)} |" in markdown
    values = _xlsx_values(files.xlsx)
    sheet = values["Maßnahmen"]
    total_row = next(k[1:] for k, v in sheet.items() if k.startswith("A") and v == "Summe")
    for col, attr in (("D", "cost"), ("F", "grant"), ("G", "third_party"), ("H", "own")):
        assert Decimal(str(sheet[f"{col}{total_row}"])) == getattr(budget.total, attr), col
    from openpyxl import load_workbook

    cached = load_workbook(files.xlsx, data_only=True)["Maßnahmen"]
    assert Decimal(str(cached[f"F{total_row}"].value)).quantize(Decimal("0.01")) == budget.total.grant
    for name in ("Kostenplan", "Finanzierung"):
        checks = [
            v
            for k, v in values[name].items()
            if k.startswith("B") and values[name].get("A" + k[1:], "").startswith("Abgleich")
        ]
        assert checks and all(Decimal(str(v)) == 0 for v in checks)


AMOUNTS = st.integers(min_value=0, max_value=2_000_000).map(lambda c: Decimal(c) / 100)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    costs=st.lists(st.tuples(st.sampled_from([2027]), AMOUNTS, st.booleans()), min_size=1, max_size=4),
    third=AMOUNTS,
    shares=st.sampled_from([(100,), (50, 50), (33.33, 33.33, 33.34), (70, 20, 10)]),
)
def test_random_projects_show_the_plan_everywhere(tmp_path_factory, costs, third, shares) -> None:
    from conftest import INIT_TEMPLATE

    minimal = tmp_path_factory.mktemp("random") / "region"
    shutil.copytree(INIT_TEMPLATE, minimal)
    shutil.copytree(FIXTURES / "calls", minimal / "strategy" / "calls")
    strategy = (minimal / "strategy/strategy.yaml").read_text(encoding="utf-8")
    strategy = strategy.replace("# call: mpsc-2021", "call: test-call").replace(
        "    role: Antragsteller\n", "    role: Antragsteller\n    own_funds: 100000000\n"
    )
    extra = "".join(
        f"  - id: p{i}\n    name: Gemeinde {i}\n    kind: Gemeinde\n    role: Partner\n    own_funds: 100000000\n"
        for i in range(1, len(shares))
    )
    strategy = strategy.replace("goals:\n", extra + "goals:\n", 1)
    strategy += (
        "risks:\n  - title: Verzug\n    likelihood: low\n    impact: medium\n    mitigation: Puffer.\n"
        "annexes:\n  - id: ratsbeschluss\n    title: Beschluss\n"
        + "".join(
            f"  - id: absichtserklaerung\n    title: LoI\n    partner: {p}\n"
            for p in ["lk", *[f"p{i}" for i in range(1, len(shares))]]
        )
    )
    (minimal / "strategy/strategy.yaml").write_text(strategy, encoding="utf-8")
    eligible = sum((a for _, a, e in costs if e), Decimal(0))
    total = sum((a for _, a, _ in costs), Decimal(0))
    grant = (eligible * Decimal("0.65")).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    third = min(third, total - grant)
    partner_ids = ["lk", *[f"p{i}" for i in range(1, len(shares))]]
    measure = (minimal / "measures/M01.yaml").read_text(encoding="utf-8")
    head = measure.split("costs:")[0].replace(
        "lead: lk\n", "lead: lk\npartners: [" + ", ".join(partner_ids[1:]) + "]\n"
    )
    body = "costs:\n" + "".join(
        f"  - year: {y}\n    category: services\n    amount: {a}\n    eligible: {str(e).lower()}\n"
        for y, a, e in costs
    )
    body += (
        f"funding:\n  grant: {grant}\n  third_parties: [{{name: Land, amount: {third}}}]\n  own_shares: {{"
    )
    body += ", ".join(f"{p}: {s}" for p, s in zip(partner_ids, shares, strict=True)) + "}\n"
    (minimal / "measures/M01.yaml").write_text(head + body, encoding="utf-8")
    project = require_project(minimal)
    plan = resolve(project)
    assert plan.call is not None
    assert sum((e for _, _, e in plan.by_id["M01"].own_shares), Decimal(0)) == plan.by_id["M01"].money.own
    _assert_outputs_match(minimal, tmp_path_factory.mktemp("out"))


def test_embedded_outputs_show_the_plan(tmp_path: Path) -> None:
    _assert_outputs_match(ROOT, tmp_path)


@pytest.mark.slow
def test_embedded_docx_and_pdf_totals_equal_the_plan(built_embedded: Path) -> None:
    from docx import Document
    from pypdf import PdfReader

    budget = resolve(require_project(ROOT)).application
    doc = Document(str(built_embedded / "antrag" / "antrag.docx"))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    funding = next(t for t in tables if t[0][0] == "Finanzierungsquelle")
    assert funding[1][1] == fmt.euro(budget.total.grant, True)
    assert funding[-1][1] == fmt.euro(budget.total.cost, True)
    text = " ".join(p.extract_text() for p in PdfReader(str(built_embedded / "antrag" / "antrag.pdf")).pages)
    assert fmt.euro(budget.total.grant, True).replace("\u00a0", " ") in text.replace("\u00a0", " ")


# --- the template contract ---------------------------------------------------------------------------------
def test_template_context_is_documented_and_every_shipped_template_renders() -> None:
    from rek.application.document import TEMPLATES, build_context, template_environment

    plan = resolve(require_project(ROOT))
    context = build_context(plan, "zeitplan.svg")
    readme = (ROOT / "templates" / "README.md").read_text(encoding="utf-8")
    documented = set(
        re.findall(r"`([a-z_]+)`", readme.split("## Was die Vorlagen des Antrags bekommen", 1)[1])
    )
    assert set(context) - documented == set(), "undocumented template names"
    env = template_environment()
    shipped = sorted(
        p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.md.j2") if "drafts" not in p.parts
    )
    assert "cover.md.j2" in shipped and "blocks/cost_plan.md.j2" in shipped
    for name in shipped:
        if name == "section.md.j2":
            out = env.get_template(name).render(context, section=plan.call.sections[0])
        else:
            out = env.get_template(name).render(context)
        assert out.strip(), name
