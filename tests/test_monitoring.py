"""Monitoring: warnings of `rek check` (fixtures with exact messages), indicator states, spending against plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import FIXTURES, overlay

MONITORING = sorted(p for p in (FIXTURES / "monitoring").iterdir() if p.is_dir())


def _warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": warning: " in line and "Platzhalter" not in line]


@pytest.mark.parametrize("fixture", MONITORING, ids=[p.name for p in MONITORING])
def test_monitoring_fixture_warns_exactly(fixture: Path, minimal: Path, run, golden) -> None:
    overlay(fixture, minimal)
    result = run("check", cwd=minimal)
    assert result.code == 0, result.err
    golden.lines(fixture / "expected.txt", _warnings(result.out))


def test_the_minimal_project_has_no_monitoring_warning(minimal: Path, run) -> None:
    assert _warnings(run("check", cwd=minimal).out) == []


def test_the_embedded_strategy_warns_only_where_the_example_data_says_why(embedded: Path, run) -> None:
    """No stale status is left; one late milestone (M16) and three missed targets (M04, M17) are
    deliberate example values that their updates explain, so that the demo shows each state; the two
    third-party funds (M12, M16) are planning assumptions, neither promised nor applied for."""
    result = run("check", cwd=embedded)
    assert result.code == 0, result.err
    found = [
        line.split(": warning: ")[0]
        for line in _warnings(result.out)
        if line.startswith(("measures/", "strategy/action-fields/"))
    ]
    assert found == [
        "measures/M04.yaml:73:13",
        "measures/M12.yaml:88:7",
        "measures/M16.yaml:39:11",
        "measures/M16.yaml:80:7",
        "measures/M17.yaml:83:13",
        "measures/M17.yaml:94:13",
    ]


def _indicator(**extra):
    from rek.model import Indicator

    data = {"name": "Termine", "unit": "je Monat", "baseline": 100, "baseline_year": 2022, "target": 300}
    return Indicator.model_validate({**data, "target_year": 2026, **extra})


def test_indicator_states() -> None:
    from rek import monitoring as mon

    on = dt.date(2025, 6, 1)
    assert mon.state(_indicator(), on) == mon.NO_DATA
    # the straight line from 100 (2022) to 300 (2026) is at 200 by the end of 2024
    assert mon.state(_indicator(measurements=[{"date": 2024, "value": 210}]), on) == mon.ON_TRACK
    assert mon.state(_indicator(measurements=[{"date": 2024, "value": 150}]), on) == mon.OFF_TRACK
    assert mon.state(_indicator(measurements=[{"date": 2024, "value": 300}]), on) == mon.REACHED
    assert (
        mon.state(_indicator(measurements=[{"date": 2024, "value": 150}]), dt.date(2027, 1, 2)) == mon.MISSED
    )
    # a falling target: fewer is better
    falling = _indicator(baseline=50, target=10, measurements=[{"date": 2024, "value": 25}])
    assert mon.state(falling, on) == mon.ON_TRACK


def test_spending_against_plan_per_measure_year_and_field(embedded: Path) -> None:
    from rek.plan import resolve
    from rek.project import require_project

    plan = resolve(require_project(embedded))
    reporting = [mp for mp in plan.measures if mp.m.spending]
    assert len(reporting) >= 8
    for mp in reporting:
        for row in mp.spending:
            planned = mp.by_year[row.key].cost if row.key in mp.by_year else Decimal(0)
            assert row.planned == planned
            reported = [s.amount for s in mp.m.spending if s.year == row.key]
            assert row.spent == (sum(reported, Decimal(0)) if reported else None)
    total = plan.strategy.spending_total
    assert total.spent == sum((mp.spent for mp in reporting), Decimal(0))
    assert total.spent == sum(
        (r.spent for r in plan.strategy.spending_by_field.values() if r.spent), Decimal(0)
    )
    by_year = plan.strategy.spending_by_year
    assert sum((r.spent for r in by_year if r.spent), Decimal(0)) == total.spent


@pytest.mark.documents
def test_report_2025_opens_as_docx_and_pdf_with_the_year_s_updates(embedded: Path, run, tmp_path) -> None:
    import docx
    import pypdf

    out = tmp_path / "bericht"
    result = run("report", "--year", "2025", "--out", str(out), cwd=embedded)
    assert result.code == 0, result.err
    document = docx.Document(str(out / "umsetzungsbericht-2025.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Sachstand 2025" in text and "Ausgaben: Soll und Ist" in text
    # an update of 2025 is in, one of 2026 is not
    assert "Die Fahrgastzahlen steigen" in text
    assert "Betriebsmodell nach Förderende beschlossen; die Plattform geht 2027" not in text
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["30.06.2025", "Erste vier Mobilstationen in Betrieb", "M14", "erreicht"] in rows
    # M17 is paused: its open milestone of 2025 is open, not overdue
    assert ["30.06.2025", "Fünf Coworking-Räume eröffnet", "M17", "offen"] in rows
    reader = pypdf.PdfReader(str(out / "umsetzungsbericht-2025.pdf"))
    pdf_text = " ".join(page.extract_text() for page in reader.pages)
    assert "Umsetzungsbericht 2025" in pdf_text and "Meilensteine 2025" in pdf_text
    assert len(reader.pages) >= 3


def test_report_status_is_the_status_of_the_year(embedded: Path) -> None:
    from rek import monitoring
    from rek.project import require_project

    project = require_project(embedded)
    m13 = project.measures_by_id["M13"]  # done at the end of 2025
    assert monitoring.status_on(m13, dt.date(2024, 12, 31)).value == "in_progress"
    assert monitoring.status_on(m13, dt.date(2025, 12, 31)).value == "done"


@pytest.mark.documents
def test_atom_feed_parses_and_carries_every_update(built_embedded: Path) -> None:
    import feedparser

    from conftest import ROOT
    from rek.project import require_project

    project = require_project(ROOT)
    updates = sorted(((u.date, m.id) for m in project.measures for u in m.updates), reverse=True)
    feed = feedparser.parse((built_embedded / "site" / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.language == "de"
    assert len(feed.entries) == len(updates) > 20
    first = feed.entries[0]
    assert first.updated.startswith(updates[0][0].isoformat())
    assert first.title.startswith(updates[0][1] + " ")
    assert first.link.endswith(f"massnahme/{updates[0][1]}/")
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    # every page links to the feed in its head
    index = (built_embedded / "site" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate feed" type="application/atom+xml"' in index


@pytest.mark.documents
def test_data_package_describes_every_download_and_validates(built_embedded: Path) -> None:
    import json

    from frictionless import validate

    downloads = built_embedded / "site" / "downloads"
    package = json.loads((downloads / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["path"] for r in package["resources"]}
    present = {p.name for p in downloads.iterdir() if p.is_file()} - {
        "datapackage.json",
        "dcat.jsonld",
        "index.html",
    }  # the two catalogue descriptions
    assert described == present
    report = validate(str(downloads / "datapackage.json"))
    assert report.valid, [e.message for task in report.tasks for e in task.errors][:5]


@pytest.mark.documents
def test_indicator_csv_has_one_row_per_measurement(built_embedded: Path) -> None:
    import csv

    from conftest import ROOT
    from rek import monitoring
    from rek.plan import resolve
    from rek.project import require_project

    plan = resolve(require_project(ROOT))
    expected = sum(
        len(r.indicator.measurements) + sum(len(x.breakdown) for x in r.indicator.measurements)
        for r in monitoring.indicators(plan)
    )
    with (built_embedded / "site" / "downloads" / "indikatoren.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == expected > 50
    m12 = [r for r in rows if r["indikator"] == "M12-1"]
    assert [(r["jahr"], r["wert"], r["vorlaeufig"]) for r in m12] == [
        ("2023", "8200", "False"),
        ("2024", "16400", "False"),
        ("2025", "24600", "True"),
    ]


def _series_block(measurements: list[dict], **extra) -> str:
    from conftest import ROOT
    from rek import monitoring
    from rek.plan import resolve
    from rek.project import require_project
    from rek.site.pages import SitePages

    plan = resolve(require_project(ROOT))
    ind = _indicator(measurements=measurements, **extra)
    return SitePages(plan).indicator_chart(monitoring.IndicatorRef("measure", "M99", 0, ind))


def test_series_table_says_once_what_every_value_shares() -> None:
    html = _series_block(
        [
            {"date": 2023, "value": 150, "source": "Terminstatistik", "example": True},
            {"date": 2024, "value": 210, "source": "Terminstatistik", "example": True},
        ]
    )
    # the status at a glance with icon, word and reason; then what every value shares, once
    assert (
        '<p>Stand: <span class="rek-state rek-state--im-plan"><span class="rek-state-icon" aria-hidden="true">'
        "➜</span> im Plan</span> 210 je Monat (2024) liegt im Plan (Plan zu diesem Zeitpunkt: 200); Ziel 300 "
        "je Monat bis 2026. · Quelle: Terminstatistik · Beispielwerte</p>"
    ) in html
    assert '<th scope="col">Wert (je Monat)</th></tr>' in html  # two columns: nothing differs per row
    assert "Anmerkung" not in html
    rows = html.split("<tbody>")[1].split("</tbody>")[0]
    assert rows == (
        "<tr><td>Ausgangswert 2022</td><td>100</td></tr>"
        "<tr><td>2023</td><td>150</td></tr>"
        "<tr><td>2024</td><td>210</td></tr>"
        "<tr><td>Ziel 2026</td><td>300</td></tr>"
    )


def test_series_table_notes_what_differs_from_row_to_row() -> None:
    html = _series_block(
        [
            {
                "date": 2023,
                "value": 150,
                "source": "Terminstatistik",
                "breakdown": {"Hameln": 90, "Rinteln": 60},
            },
            {
                "date": "2024-06-30",
                "value": 210,
                "source": "Umfrage & Zählung",
                "provisional": True,
                "example": True,
            },
            {"date": 2025, "value": 230, "note": "neue Zählweise"},
        ]
    )
    about = html.split("<p>")[1].split("</p>")[0]
    assert about.startswith('Stand: <span class="rek-state rek-state--gefaehrdet">')
    assert "liegt hinter dem Plan" in about and "Quelle" not in about and "Beispielwerte" not in about
    assert '<th scope="col">Anmerkung</th>' in html
    rows = html.split("<tbody>")[1].split("</tbody>")[0]
    assert rows == (
        "<tr><td>Ausgangswert 2022</td><td>100</td><td></td></tr>"
        "<tr><td>2023</td><td>150</td><td>Terminstatistik, Hameln: 90; Rinteln: 60</td></tr>"
        "<tr><td>30.06.2024</td><td>210</td><td>vorläufig, Umfrage &amp; Zählung, Beispielwert</td></tr>"
        "<tr><td>2025</td><td>230</td><td>neue Zählweise</td></tr>"
        "<tr><td>Ziel 2026</td><td>300</td><td></td></tr>"
    )


@pytest.mark.documents
def test_each_indicator_appears_once_on_its_measure_page(built_embedded: Path) -> None:
    """An indicator with measured values has its own block (heading, chart, table with baseline and
    target); the overview table lists only the indicators without values."""
    site = built_embedded / "site" / "massnahme"
    m01 = (site / "M01" / "index.html").read_text(encoding="utf-8")
    assert "Zieljahr" in m01 and 'class="rek-indicator"' not in m01  # no values yet: the table
    m12 = (site / "M12" / "index.html").read_text(encoding="utf-8")
    section = m12.split('id="indikatoren"')[1].split("<h2")[0]
    assert "Zieljahr" not in section and section.count('class="rek-indicator"') == 2
    assert "Fahrgäste im Rufbus je Jahr (Beispielwert)</h3>" in section
    assert (
        "<td>Ausgangswert 2022</td><td>0</td>" in section and "<td>Ziel 2026</td><td>40.000</td>" in section
    )
    assert '<th scope="col">Wert (Fahrgäste)</th>' in section


@pytest.mark.documents
def test_build_prints_the_monitoring_warnings_of_check(embedded: Path, run, tmp_path) -> None:
    """What check warns of is named by `rek build` too, at the same place: late, missed, only assumed, a
    missing annex. (The form-field lengths come with the application, which this build leaves out.)"""
    checked = [
        line for line in _warnings(run("check", cwd=embedded).out) if not line.startswith("strategy/calls/")
    ]
    assert any("Drittmittel" in line for line in checked) and any("Meilenstein" in line for line in checked)
    result = run("build", "--no-application", "--out", str(tmp_path / "out"), cwd=embedded)
    assert result.code == 0, result.err
    built = [line for line in result.err.splitlines() if ": warning: " in line]
    assert checked and built == checked


@pytest.mark.documents
def test_the_loaded_strategy_is_collectable_again_after_a_command(embedded: Path, run, tmp_path) -> None:
    """One-shot commands keep the loaded strategy out of later garbage collections, and hand it back
    when the command ends (several commands in one process, as here, do not pile it up)."""
    import gc

    from rek.project import require_project

    require_project(embedded)
    assert gc.get_freeze_count() > 0  # settled
    gc.unfreeze()
    assert run("build", "--no-application", "--out", str(tmp_path / "out"), cwd=embedded).code == 0
    assert gc.get_freeze_count() == 0


def test_line_chart_labels_the_target_year_when_it_skips_years() -> None:
    import re

    from rek import charts

    points = [
        charts.Point(2022.0, Decimal(20), "2022", False),
        charts.Point(2025.0, Decimal(52), "2025", True),
    ]
    for narrow in (True, False):
        svg = charts.line_chart(
            "t", "Termine", points, unit="je Monat", baseline=(2021.0, Decimal(0)), target=(2026, Decimal(60)),
            narrow=narrow,
        )  # fmt: skip
        years = re.findall(r'text-anchor="middle">(\d{4})</text>', svg)
        assert years[0] == "2026" and (narrow is False or len(years) < 6)  # the narrow one skips years
