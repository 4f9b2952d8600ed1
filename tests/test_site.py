"""End-to-end: the website built from the embedded strategy and from fixtures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from rek.project import require_project

EXTERNAL_RESOURCE = re.compile(
    r"""(?:src|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//|<link[^>]+href\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def html(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


@pytest.mark.documents
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


@pytest.mark.documents
def test_dependencies_are_linked_both_ways(built_embedded: Path) -> None:
    project = require_project(ROOT)
    site = built_embedded / "site"
    pairs = [(m.id, d) for m in project.measures for d in m.dependencies]
    assert pairs, "the embedded strategy should have dependencies"
    for measure_id, dep in pairs:
        assert f"../{dep}/" in html(site, f"massnahme/{measure_id}/index.html")
        assert f"../{measure_id}/" in html(site, f"massnahme/{dep}/index.html")


@pytest.mark.documents
def test_example_figures_are_marked_where_they_appear(built_embedded: Path) -> None:
    project = require_project(ROOT)
    site = built_embedded / "site"
    examples = [m for m in project.measures if m.example]
    assert examples
    for m in examples:
        assert "Beispielwerte" in html(site, f"massnahme/{m.id}/index.html")
    assert "Beispielzahlen" in html(site, "finanzen/index.html")


@pytest.mark.documents
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


@pytest.mark.documents
def test_measures_are_not_in_the_navigation(built_embedded: Path) -> None:
    config = yaml.safe_load((built_embedded / "mkdocs" / "mkdocs.yml").read_text(encoding="utf-8"))
    flat = json.dumps(config["nav"])
    assert "massnahme/" not in flat
    assert "massnahmen/index.md" in flat
    assert "plugins" in config and all(
        (p if isinstance(p, str) else next(iter(p))) == "search" for p in config["plugins"]
    )
    assert "hooks" not in config


@pytest.mark.documents
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


@pytest.mark.documents
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


def test_open_data_workbook_is_reproducible_values_only(tmp_path: Path, monkeypatch) -> None:
    """strategie.xlsx (XlsxWriter): the same bytes for the same sources with SOURCE_DATE_EPOCH, created at
    that time; four sheets of plain values (no formula), numbers as numbers, flags as booleans."""
    import datetime as dt

    from openpyxl import load_workbook

    from rek.plan import resolve
    from rek.site.opendata import COST_COLUMNS, MEASURE_COLUMNS, write_workbook

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    plan = resolve(require_project(ROOT))
    write_workbook(plan, tmp_path / "a.xlsx")
    write_workbook(plan, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    book = load_workbook(tmp_path / "a.xlsx")
    assert book.properties.created == dt.datetime(2023, 11, 14, 22, 13, 20)
    assert book.sheetnames == ["Maßnahmen", "Kosten", "Finanzierung", "Legende"]
    rows = list(book["Maßnahmen"].iter_rows(values_only=True))
    assert list(rows[0]) == MEASURE_COLUMNS and len(rows) == len(plan.measures) + 1
    assert list(next(book["Kosten"].iter_rows(values_only=True))) == COST_COLUMNS
    first = dict(zip(MEASURE_COLUMNS, rows[1], strict=True))
    assert isinstance(first["kosten_eur"], int | float) and isinstance(first["im_antrag"], bool)
    assert not any(c.data_type == "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)


@pytest.mark.documents
def test_search_index_is_german_and_local(built_embedded: Path) -> None:
    site = built_embedded / "site"
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["de"]
    assert any("Maßnahmenkatalog" in doc["title"] for doc in index["docs"])
    assert '<html lang="de"' in html(site, "index.html")


@pytest.mark.documents
def test_sitemap_lists_addresses_with_site_url_and_is_left_out_without(
    embedded: Path, tmp_path: Path
) -> None:
    from rek.build import build

    assert not (tmp_path / "none").exists()
    build(require_project(embedded), tmp_path / "none", application=False)
    assert not (tmp_path / "none" / "site" / "sitemap.xml").exists()  # no addresses to list
    config = embedded / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + "site_url: https://example.org/strategie/\n", encoding="utf-8"
    )
    build(require_project(embedded), tmp_path / "with", application=False)
    sitemap = html(tmp_path / "with" / "site", "sitemap.xml")
    assert "<loc>https://example.org/strategie/</loc>" in sitemap
    assert "<loc>https://example.org/strategie/massnahme/M01/</loc>" in sitemap
    assert "<loc>https://example.org/strategie/impressum/</loc>" in sitemap
    # with site_url the 404 page links absolutely below the site's path, so it works at any depth
    not_found = html(tmp_path / "with" / "site", "404.html")
    assert 'href="/strategie/assets/rek/rek.css"' in not_found
    # the print header names the page's address
    assert "Adresse dieser Seite: https://example.org/strategie/massnahme/M01/" in html(
        tmp_path / "with" / "site", "massnahme/M01/index.html"
    )


@pytest.mark.documents
def test_legal_pages_come_from_the_data(built_embedded: Path) -> None:
    project = require_project(ROOT)
    legal = project.strategy.legal
    assert legal is not None
    site = built_embedded / "site"
    imprint = html(site, "impressum/index.html")
    assert "Angaben nach § 5 Digitale-Dienste-Gesetz (DDG)" in imprint
    assert legal.publisher.name in imprint and "31785 Hameln" in imprint
    statement = html(site, "barrierefreiheit/index.html")
    assert (
        "Schlichtungsstelle nach § 9d NBGG bei der Landesbeauftragten für Menschen mit Behinderungen"
        in statement
    )
    assert f'href="{legal.enforcement.url}"' in statement
    privacy = html(site, "datenschutz/index.html")
    assert "Die Landesbeauftragte für den Datenschutz Niedersachsen" in privacy
    # one licence statement, the same on the downloads page
    licence = "Creative Commons Namensnennung 4.0 International (CC BY 4.0)"
    assert licence in imprint and licence in html(site, "downloads/index.html")
    data = json.loads((site / "downloads" / "massnahmen.json").read_text(encoding="utf-8"))
    assert data["lizenz"]["name"] == "CC BY 4.0"
    assert "Leichte Sprache" in html(site, "leichte-sprache/index.html")
    # the print header names the publisher; an address line still to be filled is left out there
    header = re.search(r'<div class="rek-print-header">(.*?)</div>', html(site, "index.html"), re.S)
    assert header and f"Herausgegeben von {legal.publisher.name}" in header.group(1)
    assert "31785 Hameln" in header.group(1) and "ergänzen" not in header.group(1)


def test_a_content_page_replaces_the_generated_legal_page(embedded: Path) -> None:
    from rek.site.pages import SitePages

    (embedded / "content" / "impressum.md").write_text("# Impressum\n\nEigener Text.\n", encoding="utf-8")
    pages = SitePages(require_project(embedded))
    files = [name for name, _ in pages.files()]
    assert files.count("impressum.md") == 1
    assert dict(pages.files())["impressum.md"] == "# Impressum\n\nEigener Text.\n"
    about = pages.nav()[-1]["Über diese Website"]
    assert {"Impressum": "impressum.md"} in about and {"Datenschutzerklärung": "datenschutz.md"} in about


@pytest.mark.documents
def test_every_relative_link_of_the_built_site_resolves(built_embedded: Path) -> None:
    """rek writes the links of its stacked tables as HTML itself: each one must reach a page or file."""
    import posixpath
    import re as _re

    site = built_embedded / "site"
    broken = []
    checked = 0
    for page in site.rglob("*.html"):
        folder = page.parent
        for href in _re.findall(r'<a href="([^"#?]+)"', page.read_text(encoding="utf-8")):
            if "://" in href or href.startswith(("mailto:", "/", "data:")):
                continue
            target = Path(posixpath.normpath(str(folder / href)))
            if href.endswith("/"):
                target = target / "index.html"
            checked += 1
            if not target.exists():
                broken.append((str(page.relative_to(site)), href))
    assert checked > 500 and broken == []


def test_an_adopted_strategy_without_site_url_is_warned_about(embedded: Path, run) -> None:
    """Published without site_url, the 404 page and the feed assume the root of the server: check says so."""
    strategy = embedded / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    assert "\nstatus: Entwurf\n" in text
    strategy.write_text(
        text.replace("\nstatus: Entwurf\n", "\nstatus: beschlossen\nadopted: 2026-01-15\n"), "utf-8"
    )
    warning = "mkdocs.yml:1:1: warning: Feld 'site_url' fehlt"
    assert warning in run("check", cwd=embedded).out
    config = embedded / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "site_url: https://example.org/strategie/\n", "utf-8")
    assert "site_url" not in run("check", cwd=embedded).out


# --- the finance page: chart labels, tables and the application's totals ------------------------------
def _finance_sections(project_dir: Path) -> tuple[dict[str, str], object]:
    from rek.plan import resolve
    from rek.site.pages import SitePages

    plan = resolve(require_project(project_dir))
    pages = SitePages(plan)
    pages.page = "finanzen.md"
    parts = re.split(r"^(#{2,3} .+)$", pages.finances(), flags=re.M)
    return {parts[i][2:].lstrip("# ").strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}, plan


def _euro_cells(html_text: str, label: str) -> list[str]:
    return re.findall(rf'<td role="cell" data-label="{re.escape(label)}"[^>]*>([^<]*)</td>', html_text)


def _svg_labels(html_text: str) -> list[list[str]]:
    """The euro labels of each chart in the text (wide and narrow layout), in bar order."""
    return [
        re.findall(r"<text[^>]*>(-?[0-9.]+\u00a0€)</text>", svg)
        for svg in re.findall(r"<svg.*?</svg>", html_text, flags=re.S)
    ]


@pytest.mark.parametrize(
    ("section", "column"),
    [
        ("Kosten nach Jahr", "Kosten"),
        ("Kosten nach Handlungsfeld", "Kosten"),
        ("Eigenanteile nach Partner", "Eigenanteil"),
    ],
)
def test_finance_chart_labels_are_the_figures_of_the_table_beside_them(section: str, column: str) -> None:
    sections, _ = _finance_sections(ROOT)
    text = sections[section]
    cells = _euro_cells(text, column)
    assert cells[-1] != "" and len(cells) >= 3
    body = cells[:-1]  # the last row is the sum
    charts = _svg_labels(text)
    assert len(charts) == 2  # wide and narrow
    for labels in charts:
        assert labels == body
    # the text alternative names the same figures
    for desc in re.findall(r"<desc[^>]*>([^<]*)</desc>", text):
        for value in body:
            assert value in desc


def test_finance_page_states_the_application_s_totals_and_reconciles_them_with_the_strategy() -> None:
    from decimal import Decimal

    sections, plan = _finance_sections(ROOT)
    text = sections["Der Förderantrag"]
    app, strategy = plan.application.total, plan.strategy.total

    def amount(cell: str) -> Decimal:
        return Decimal(cell.replace("\u00a0€", "").replace(".", "").replace(",", "."))

    headers = re.findall(r'<th role="columnheader"[^>]*>([^<]*)</th>', text)
    assert headers[:4] == [
        "Betrag",
        "Antrag (22 Maßnahmen)",
        "nicht im Antrag (2)",
        "Strategie (24 Maßnahmen)",
    ]
    labels = re.findall(r'data-label="Betrag">([^<]*)</td>', text)
    columns = [[amount(c) for c in _euro_cells(text, h)] for h in headers[1:4]]
    attrs = {
        "Kosten": "cost",
        "davon förderfähig": "eligible",
        "davon nicht förderfähig": "ineligible",
        "Zuwendung (Förderung)": "grant",
        "Drittmittel": "third_party",
        "Eigenanteil der Partner": "own",
    }
    assert labels == list(attrs)
    for row, label in enumerate(labels):
        applied, outside, whole = (column[row] for column in columns)
        assert applied == getattr(app, attrs[label])
        assert whole == getattr(strategy, attrs[label])
        assert applied + outside == whole, label
    assert app.grant + app.third_party + app.own == app.cost
    # the measures outside the application are named with their cost and reason, adding up to the column
    outside = [amount(c) for c in _euro_cells(text, "Kosten")]
    assert outside == [plan.by_id["M01"].money.cost, plan.by_id["M02"].money.cost]
    assert sum(outside, Decimal(0)) == columns[1][0]
    assert "Förderzeitraum des Aufrufs" in text and 'href="../massnahme/M01/"' in text


def test_glossary_links_the_first_occurrence_only_in_running_text() -> None:
    from types import SimpleNamespace

    from rek.site.glossary import Linker

    term = SimpleNamespace(term="Rufbus", explanation="Ein Bus auf Bestellung.", synonyms=["Rufbusse"])
    odd = SimpleNamespace(term="A[b](c)", explanation="x", synonyms=[])
    linker = Linker(SimpleNamespace(glossary=[term, odd]))
    page = "\n".join(
        [
            "# Der Rufbus",
            "",
            "| Rufbus | 3 |",
            "",
            '<p class="x">Rufbus</p>',
            "",
            "Ein [Rufbus im Kreis](https://example.org) und `Rufbus`.",
            "Die Rufbusse fahren; der Rufbus auch. A[b](c) bleibt.",
        ]
    )
    out = linker.link("massnahme/M01.md", page).splitlines()
    assert out[:6] == page.splitlines()[:6]  # heading, table and HTML untouched
    assert out[6] == "Ein [Rufbus im Kreis](https://example.org) und `Rufbus`."
    assert out[7] == "Die [Rufbusse](../begriffe.md#begriff-rufbus) fahren; der Rufbus auch. A[b](c) bleibt."


def test_printable_profiles_are_written_for_small_strategies_unless_told_otherwise() -> None:
    from types import SimpleNamespace

    from rek.site.profile import AUTO_LIMIT, wanted

    def plan(n: int) -> SimpleNamespace:
        return SimpleNamespace(project=SimpleNamespace(measures=[object()] * n))

    assert wanted(plan(24), None) and not wanted(plan(AUTO_LIMIT + 1), None)
    assert wanted(plan(AUTO_LIMIT + 1), True) and not wanted(plan(24), False)


@pytest.mark.documents
def test_places_feedback_gaps_and_status_reach_the_built_site(built_embedded: Path) -> None:
    """Where, who and how far (issue 22): place pages, the place keys in the open data, marked gaps on the
    legal pages, a feedback section and the status at a glance on every measure page, today on the roadmap."""
    site = built_embedded / "site"
    place = html(site, "ort/lk-holzminden/index.html")
    assert "Kreisschlüssel: 03255" in place
    assert "../../massnahme/M16/" in place and "../../massnahme/M14/" not in place  # M14: not in Holzminden
    catalogue = html(site, "massnahmen/index.html")
    assert re.search(r'<tr[^>]*data-places="[^"]*\blk-holzminden\b[^"]*"[^>]*>\s*<td[^>]*>M16<', catalogue)
    assert 'data-place="lk-holzminden"' in catalogue
    places_csv = (site / "downloads" / "orte.csv").read_text(encoding="utf-8").splitlines()
    assert places_csv[0] == "id,name,art,ags,kreisschluessel,massnahmen"
    assert any(line.startswith("lk-holzminden,Holzminden,Landkreis,03255,03255,M01 ") for line in places_csv)
    measures_csv = (site / "downloads" / "massnahmen.csv").read_text(encoding="utf-8").splitlines()
    assert measures_csv[0].endswith(",orte_ags,stand")
    m16 = next(line for line in measures_csv if line.startswith("M16,"))
    assert m16.endswith(",03256 03257 03255,verzögert")
    for name in ("impressum", "datenschutz", "barrierefreiheit"):
        text = re.sub(r"<[^>]+>", "", html(site, f"{name}/index.html"))
        assert not re.search(r"\b(am|durch:|nach spätestens) bitte ergänzen", text), name
        assert "rek-gap" in html(site, f"{name}/index.html"), name
    for m in require_project(ROOT).measures:
        page = html(site, f"massnahme/{m.id}/index.html")
        assert "Rückmeldung geben" in page and 'class="rek-state rek-state--' in page, m.id
    assert "heute" in html(site, "roadmap/index.html")


def test_roadmap_shows_what_is_ahead_and_folds_what_is_reached() -> None:
    """A phone reader sees the overdue and open milestones first; the reached ones and the timeline's
    data table are one tap away (the page was 30,000 px long at 390 px with everything open)."""
    from rek.site.pages import SitePages

    pages = SitePages(require_project(ROOT))
    roadmap = pages.roadmap()
    ahead, reached = roadmap.split("### Überfällig und offen", 1)[1].split("<summary>Erreicht: ", 1)
    states = [pages.milestone_state(m, ms) for m in pages.p.measures for ms in m.milestones]
    assert reached.startswith(f"{states.count('erreicht')} Meilensteine</summary>")
    badge = "</span> {}</span>".format  # the word after the state's icon
    assert ahead.count(badge("überfällig")) == states.count("überfällig") > 0
    assert ahead.count(badge("offen")) == states.count("offen") > 0 and badge("erreicht") not in ahead
    assert reached.count(badge("erreicht")) == states.count("erreicht")
    assert "<summary>Zeitplan als Tabelle: 24 Maßnahmen" in roadmap.split("## Meilensteine", 1)[0]
