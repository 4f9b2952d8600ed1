"""The output registry and the council summary (Kurzfassung), the output added through it."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import jinja2.meta
import pypdf
import pytest

from rek import formatting as fmt
from rek import outputs
from rek.layout import TEMPLATE_KINDS
from rek.mdtext import environment
from rek.money import whole_euro_column
from rek.plan import resolve
from rek.project import require_project
from rek.summary import TEMPLATES, SummaryContext, context, render


def test_every_output_names_a_known_template_kind_and_every_kind_an_output() -> None:
    kinds = {o.template_kind for o in outputs.OUTPUTS.values()}
    assert kinds == set(TEMPLATE_KINDS)
    for output in outputs.OUTPUTS.values():
        assert (Path(TEMPLATES).parent / output.template_kind).is_dir(), output.name


def test_one_refusal_policy(embedded: Path) -> None:
    """Money errors stop everything; a failed formal check stops what goes to the funding body only."""
    strategy = embedded / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    strategy.write_text(re.sub(r"(?m)^applicant: .*$", "applicant: hsw", text), encoding="utf-8")
    plan = resolve(require_project(embedded))
    formal = outputs.refusals(plan, [outputs.APPLICATION])
    assert formal, "a university as applicant fails the formal check of the MPSC call"
    assert outputs.refusals(plan, [outputs.APPLICATION], draft=True) == []
    assert outputs.refusals(plan, [outputs.SUMMARY]) == []
    assert outputs.refusals(plan, [outputs.REPORT, outputs.SITE]) == []


def test_the_summary_template_uses_only_the_names_of_its_context() -> None:
    env = environment(TEMPLATES)
    source = (TEMPLATES / "kurzfassung.md.j2").read_text(encoding="utf-8")
    used = jinja2.meta.find_undeclared_variables(env.parse(source))
    assert used <= {f.name for f in fields(SummaryContext)} | {"table"}


def test_the_summary_shows_the_plans_figures(embedded: Path) -> None:
    plan = resolve(require_project(embedded))
    ctx = context(plan)
    markdown = render(plan)
    parts, total = whole_euro_column([mp.money.cost for mp in plan.measures])
    assert ctx.measure_rows[-1][-1] == fmt.euro(total) and total == plan.strategy.total.cost.quantize(1)
    assert [row[-1] for row in ctx.measure_rows[:-1]] == [fmt.euro(p) for p in parts]
    assert ctx.year_rows[-1][1] == fmt.euro(total)
    own = plan.strategy.total.own.quantize(1)
    assert ctx.partner_rows[-1][1] == fmt.euro(own) == ctx.year_rows[-1][3]
    for mp in plan.measures:
        assert f"| {mp.id}\u00a0(\\*) |" in markdown  # every measure once, marked as an example
    assert f"Stand: {fmt.date(plan.today)}" in markdown
    assert all(g.title in markdown for g in plan.project.strategy.goals)


@pytest.mark.slow
@pytest.mark.documents
def test_rek_kurzfassung_writes_a_two_page_pdf_and_a_docx(embedded: Path, run, tmp_path: Path) -> None:
    out = tmp_path / "kf"
    result = run("kurzfassung", "--out", str(out), cwd=embedded)
    assert result.code == 0, result.err
    assert "Kurzfassung geschrieben" in result.out
    assert 1 <= len(pypdf.PdfReader(out / "kurzfassung.pdf").pages) <= 2
    assert (out / "kurzfassung.docx").stat().st_size > 5000
    assert "PDF/UA" not in result.err  # tagged and PDF/UA-1


def test_rek_kurzfassung_refuses_money_that_does_not_add_up(embedded: Path, run) -> None:
    measure = embedded / "measures" / "M07.yaml"
    text = measure.read_text(encoding="utf-8")
    measure.write_text(text.replace("    shg: 25\n", "    shg: 35\n", 1), encoding="utf-8")  # 110 %
    result = run("kurzfassung", "--out", str(embedded / "kf"), cwd=embedded)
    assert result.code == 1
    assert "measures/M07.yaml" in result.err and not (embedded / "kf").exists()


def test_a_summary_override_is_rendered_by_check(embedded: Path, run) -> None:
    target = embedded / "templates" / "summary" / "kurzfassung.md.j2"
    target.parent.mkdir(parents=True)
    target.write_text("# Kurz\n\nZuwendung: 9.999.999 €\n", encoding="utf-8")
    result = run("check", cwd=embedded)
    assert result.code == 1
    assert "templates/summary/kurzfassung.md.j2:3:1: error: Die Vorlage zeigt „9.999.999 €“" in result.err


def test_the_summary_context_is_documented_from_its_type() -> None:
    from conftest import ROOT

    readme = (ROOT / "templates" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Was die Kurzfassung bekommt", 1)[1]
    documented = re.findall(r"(?m)^\| `(\w+)` \|", section)
    assert documented == [f.name for f in fields(SummaryContext)]
