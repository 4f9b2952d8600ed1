"""End-to-end: the website built from the embedded strategy and from fixtures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from conftest import ROOT
from rek.project import require_project

EXTERNAL_RESOURCE = re.compile(
    r"""(?:src|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//|<link[^>]+href\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def html(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def test_every_page_type_exists_and_shows_its_content(built_embedded: Path) -> None:
    project = require_project(ROOT)
    site = built_embedded / "site"
    start = html(site, "index.html")
    assert project.strategy.title.split(" – ")[0] in start
    assert "Version 0.9" in start and "Entwurf" in start
    for field in project.action_fields:
        page = html(site, f"handlungsfelder/{field.id}/index.html")
        assert field.title.split(" / ")[0].split(" ")[0] in page
        for m in project.measures_in_field(field.id, primary_only=True):
            assert f"../../massnahme/{m.id}/" in page
    catalogue = html(site, "massnahmen/index.html")
    for m in project.measures:
        assert f">{m.id}<" in catalogue
        page = html(site, f"massnahme/{m.id}/index.html")
        assert m.id in page
        assert "Kosten" in page
    for p in project.strategy.partners:
        assert (site / "partner" / p.id / "index.html").is_file()
    for name in (
        "roadmap",
        "finanzen",
        "downloads",
        "aenderungen",
        "impressum",
        "datenschutz",
        "barrierefreiheit",
    ):
        assert (site / name / "index.html").is_file(), name


def test_dependencies_are_linked_both_ways(built_embedded: Path) -> None:
    project = require_project(ROOT)
    site = built_embedded / "site"
    pairs = [(m.id, d) for m in project.measures for d in m.dependencies]
    assert pairs, "the embedded strategy should have dependencies"
    for measure_id, dep in pairs:
        assert f"../{dep}/" in html(site, f"massnahme/{measure_id}/index.html")
        assert f"../{measure_id}/" in html(site, f"massnahme/{dep}/index.html")


def test_example_figures_are_marked_where_they_appear(built_embedded: Path) -> None:
    project = require_project(ROOT)
    site = built_embedded / "site"
    examples = [m for m in project.measures if m.example]
    assert examples
    for m in examples:
        assert "Beispielwerte" in html(site, f"massnahme/{m.id}/index.html")
    assert "Beispielzahlen" in html(site, "finanzen/index.html")


def test_no_resource_is_loaded_from_another_host(built_embedded: Path) -> None:
    site = built_embedded / "site"
    offenders = []
    for path in list(site.rglob("*.html")) + list(site.rglob("*.css")) + list(site.rglob("*.js")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in EXTERNAL_RESOURCE.finditer(text):
            offenders.append(f"{path.relative_to(site)}: {match.group(0)}")
    assert offenders == []
    config = yaml.safe_load((built_embedded / "mkdocs" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"]["font"] is False
    assert config["extra"]["generator"] is False


def test_measures_are_not_in_the_navigation(built_embedded: Path) -> None:
    config = yaml.safe_load((built_embedded / "mkdocs" / "mkdocs.yml").read_text(encoding="utf-8"))
    flat = json.dumps(config["nav"])
    assert "massnahme/" not in flat
    assert "massnahmen/index.md" in flat
    assert "plugins" in config and all(
        (p if isinstance(p, str) else next(iter(p))) == "search" for p in config["plugins"]
    )
    assert "hooks" not in config


def test_charts_have_text_alternatives_and_data_tables(built_embedded: Path) -> None:
    site = built_embedded / "site"
    for chart in ("timeline", "kosten-jahr", "kosten-handlungsfeld", "eigenanteil-partner"):
        for variant in (chart, f"{chart}-schmal"):
            svg = (site / "assets" / "charts" / f"{variant}.svg").read_text(encoding="utf-8")
            assert "<title" in svg and "<desc" in svg and 'role="img"' in svg
    finances = html(site, "finanzen/index.html")
    # inline, wide and narrow layout, each named by its title and description
    assert 'aria-labelledby="kosten-jahr-title kosten-jahr-desc"' in finances
    assert 'aria-labelledby="kosten-jahr-schmal-title kosten-jahr-schmal-desc"' in finances
    assert '<title id="kosten-jahr-title">Kosten nach Jahr</title>' in finances
    assert "<table>" in finances
    roadmap = html(site, "roadmap/index.html")
    assert "Meilenstein</text>" in roadmap  # the legend
    assert roadmap.count('class="rek-chart-narrow"') == 1


def test_open_data_downloads(built_embedded: Path) -> None:
    project = require_project(ROOT)
    downloads = built_embedded / "site" / "downloads"
    data = json.loads((downloads / "massnahmen.json").read_text(encoding="utf-8"))
    assert [m["id"] for m in data["massnahmen"]] == [m.id for m in project.measures]
    csv_lines = (downloads / "massnahmen.csv").read_text(encoding="utf-8").splitlines()
    assert len(csv_lines) == len(project.measures) + 1
    from openpyxl import load_workbook

    wb = load_workbook(downloads / "strategie.xlsx")
    assert wb["Maßnahmen"].max_row == len(project.measures) + 1
    assert (downloads / "measure.schema.json").is_file()
    assert (downloads / "antrag.docx").is_file() and (downloads / "antrag.pdf").is_file()


def test_search_index_is_german_and_local(built_embedded: Path) -> None:
    site = built_embedded / "site"
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["de"]
    assert any("Maßnahmenkatalog" in doc["title"] for doc in index["docs"])
    assert '<html lang="de"' in html(site, "index.html")
