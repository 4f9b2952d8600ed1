"""Overrides: rek's own templates as overrides change nothing; an override cannot change a figure."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from rek.application.document import render
from rek.application.drafts import render_drafts
from rek.layout import TEMPLATE_KINDS
from rek.plan import resolve
from rek.project import require_project
from rek.report import render as render_report
from rek.site.pages import SitePages
from rek.summary import render as render_summary
from test_hardening import assert_clean_refusal

TEMPLATES = ROOT / "src" / "rek" / "templates"


def rendered(project_dir: Path) -> dict[str, str]:
    plan = resolve(require_project(project_dir))
    found = {f"site/{name}": text for name, text in SitePages(plan).files()}
    found["antrag.md"] = render(plan).markdown
    found.update({f"entwuerfe/{d.stem}.md": d.markdown for d in render_drafts(plan)})
    found["bericht.md"] = render_report(plan, 2025)[0]
    found["kurzfassung.md"] = render_summary(plan)
    return found


@pytest.mark.slow
@pytest.mark.documents
def test_every_shipped_template_as_an_unchanged_override_changes_nothing(embedded: Path, run) -> None:
    before = rendered(embedded)
    for kind in TEMPLATE_KINDS:
        shutil.copytree(TEMPLATES / kind, embedded / "templates" / kind, dirs_exist_ok=True)
    from rek.application.export import ASSETS

    shutil.copy(ASSETS / "header.typ", embedded / "templates" / "application" / "header.typ")
    copied = sorted(p.relative_to(embedded).as_posix() for p in (embedded / "templates").rglob("*.j2"))
    assert len(copied) == sum(len(list((TEMPLATES / kind).rglob("*.j2"))) for kind in TEMPLATE_KINDS)
    result = run("check", cwd=embedded)
    assert result.code == 0, result.err
    assert "Unbekannte Vorlage" not in result.out + result.err
    assert rendered(embedded) == before
    built = run("-q", "build", "--out", str(embedded / "out"), cwd=embedded)
    assert built.code == 0, built.err
    shutil.rmtree(embedded / "templates")
    again = run("-q", "build", "--out", str(embedded / "plain"), cwd=embedded)
    assert again.code == 0, again.err
    for part in ("mkdocs/docs", "antrag"):
        ours = {
            p.relative_to(embedded / "out"): p.read_bytes() for p in (embedded / "out" / part).rglob("*.md")
        }
        plain = {
            p.relative_to(embedded / "plain"): p.read_bytes()
            for p in (embedded / "plain" / part).rglob("*.md")
        }
        assert ours and ours == plain, part


INVENTED = {
    # the round-3 attack: the cost plan block prints a grant of its own
    "literal-amount": ("application/blocks/cost_plan.md.j2", "Zuwendung: 1.000.000,00 €", "1.000.000,00 €"),
    "literal-rate": ("application/cover.md.j2", "Fördersatz: 90 %", "90 %"),
    "literal-in-words": ("application/cover.md.j2", "Zuwendung 3 Mio. Euro", "3 Mio"),
    "computed": (
        "application/cover.md.j2",
        "Zuwendung {{ (total.grant * 2) | euro_cents }}",
        "8.854.300,00 €",
    ),
    "composed": ("application/cover.md.j2", "Zuwendung {{ '1.000' ~ '.000' }},00 €", "1.000.000,00 €"),
    "draft-own-share": (
        "application/drafts/beschlussvorlage.md.j2",
        "Eigenanteil: 123.456,78 €",
        "123.456,78 €",
    ),
    "site-partner": ("site/partner.md.j2", "Eigenanteil 12.345 €", "12.345 €"),
}


@pytest.mark.documents
@pytest.mark.parametrize("name", list(INVENTED))
def test_an_override_cannot_show_a_figure_the_plan_does_not_give(name: str, embedded: Path, run) -> None:
    relative, line, figure = INVENTED[name]
    target = embedded / "templates" / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shipped = (TEMPLATES / relative).read_text(encoding="utf-8")
    target.write_text(shipped + "\n" + line + "\n", encoding="utf-8")
    result = run("check", cwd=embedded)
    matches = assert_clean_refusal(result, f"templates/{relative}")
    assert any(figure in m["message"] and "nicht ändern oder erfinden" in m["message"] for m in matches), (
        result.err
    )
    if name.startswith("literal"):
        assert any(int(m["line"]) == shipped.count("\n") + 2 for m in matches), result.err
    built = run("build", "--out", str(embedded / "out"), cwd=embedded)
    assert built.code == 1 and f"templates/{relative}" in built.err, built.err
    assert not (embedded / "out").exists()


def test_an_override_may_leave_out_and_rearrange_figures(embedded: Path, run) -> None:
    target = embedded / "templates" / "application" / "blocks" / "cost_plan.md.j2"
    target.parent.mkdir(parents=True)
    target.write_text(
        "Kurz: beantragt werden {{ total.grant | euro_cents }} bei Kosten von {{ total.cost | euro_cents }}"
        " ({{ rate.percent | percent }}).\n",
        encoding="utf-8",
    )
    result = run("check", cwd=embedded)
    assert result.code == 0, result.err


# --- header.typ: styles, not imports, evaluation or file reads -------------------------------------
HEADERS = {
    "computed-package": ('#import ("@pre" + "view/cetz:0.2.0"): *', 1, 2, "'import'"),
    "eval": ('#eval("#import \\"@preview/x:0.1.0\\"")', 1, 2, "'eval'"),
    "std-read": ('#let t = std.read("/etc/hostname")', 1, 14, "'read'"),
    "alias": ('#let r = read\n#r("/etc/hostname")', 1, 10, "'read'"),
    "include": ('#include "secret.typ"', 1, 2, "'include'"),
    "after-markup-quote": ('Text " #import "@preview/x:0.1.0"', 1, 9, "'import'"),
    "after-url-in-string": ('#let u = "https://x"; #import "@preview/x:0.1.0"', 1, 24, "'import'"),
    "image": ('#image("logo.png")', 1, 2, "'image'"),
    "plugin": ('#let p = plugin("x.wasm")', 1, 10, "'plugin'"),
}


@pytest.mark.parametrize("name", list(HEADERS))
def test_a_header_that_imports_evaluates_or_reads_is_refused_before_typst_runs(
    name: str, minimal: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rek import rehearsal

    source, line, col, word = HEADERS[name]
    (minimal / "templates" / "application").mkdir(parents=True)
    (minimal / "templates" / "application" / "header.typ").write_text(
        '#set text(lang: "de")\n' + source + "\n", encoding="utf-8"
    )
    monkeypatch.setattr(rehearsal, "_probe_typst", lambda *_: pytest.fail("Typst ran on a refused header"))
    result = run("check", cwd=minimal)
    matches = assert_clean_refusal(result, "templates/application/header.typ")
    assert (int(matches[0]["line"]), int(matches[0]["col"])) == (line + 1, col), result.err
    assert word in matches[0]["message"] and "erlaubt sind Einstellungen mit #set" in matches[0]["message"]


def test_rek_s_own_header_passes_the_guard() -> None:
    from rek import typstguard
    from rek.application.export import ASSETS

    assert typstguard.problems((ASSETS / "header.typ").read_text(encoding="utf-8")) == []
