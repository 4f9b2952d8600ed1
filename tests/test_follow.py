"""Follow, print, embed: an Atom feed per measure and per action field, a printable one-page profile per
measure (PDF), and a status card per measure to embed — all in the built embedded strategy."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from conftest import ROOT
from safety import scan_page

pytestmark = pytest.mark.documents


def _project():  # type: ignore[no-untyped-def]
    from rek.project import require_project

    return require_project(ROOT)


def _href(html: str, text: str) -> str:
    match = re.search(r'<a href="([^"]+)"[^>]*>' + re.escape(text), html)
    assert match, f"no link '{text}'"
    return match.group(1)


def _target(site: Path, page: str, href: str) -> Path:
    """The file a relative link of a page (its address below the site) points to."""
    url = urljoin(f"https://x.example/{page}", href)
    path = url.removeprefix("https://x.example/")
    return site / (path + "index.html" if path.endswith("/") or not path else path)


def test_every_measure_and_action_field_has_a_feed_that_feedparser_reads(built_embedded: Path) -> None:
    import feedparser

    site = built_embedded / "site"
    project = _project()
    for m in project.measures:
        feed = feedparser.parse((site / "feeds" / "massnahme" / f"{m.id}.xml").read_bytes())
        assert feed.bozo == 0, (m.id, feed.get("bozo_exception"))
        assert feed.version == "atom10" and feed.feed.language == "de"
        assert feed.feed.title.startswith(f"{m.id} ")
        assert sorted(e.updated[:10] for e in feed.entries) == sorted(u.date.isoformat() for u in m.updates)
        for entry in feed.entries:  # relative links, resolved against the feed's own address
            page = _target(site, f"feeds/massnahme/{m.id}.xml", entry.link)
            assert page == site / "massnahme" / m.id / "index.html" and page.is_file()
    with_updates = [m for m in project.measures if m.updates]
    assert len(with_updates) > 10
    for f in project.action_fields:
        feed = feedparser.parse((site / "feeds" / "handlungsfeld" / f"{f.id}.xml").read_bytes())
        assert feed.bozo == 0, (f.id, feed.get("bozo_exception"))
        expected = sum(len(m.updates) for m in project.measures_in_field(f.id))
        assert len(feed.entries) == expected
        assert {e.link.split("/")[-2] for e in feed.entries} <= {
            m.id for m in project.measures_in_field(f.id)
        }


def test_measure_and_action_field_pages_link_their_feed_profile_and_card(built_embedded: Path) -> None:
    site = built_embedded / "site"
    html = (site / "massnahme" / "M16" / "index.html").read_text(encoding="utf-8")
    assert _target(site, "massnahme/M16/", _href(html, "Folgen")) == site / "feeds" / "massnahme" / "M16.xml"
    pdf = _target(site, "massnahme/M16/", _href(html, "Steckbrief zum Drucken"))
    assert pdf == site / "steckbriefe" / "M16.pdf" and pdf.is_file()
    card = _target(site, "massnahme/M16/", _href(html, "Statuskarte zum Einbetten"))
    assert card == site / "einbetten" / "M16.html" and card.is_file()
    assert "&lt;iframe src=&quot;einbetten/M16.html&quot;" in html  # the code to copy, shown as text
    field = (site / "handlungsfelder" / "laendlicher-raum" / "index.html").read_text(encoding="utf-8")
    feed = _target(site, "handlungsfelder/laendlicher-raum/", _href(field, "Folgen"))
    assert feed == site / "feeds" / "handlungsfeld" / "laendlicher-raum.xml" and feed.is_file()


def test_status_card_is_a_small_page_without_navigation_or_script(built_embedded: Path) -> None:
    site = built_embedded / "site"
    project = _project()
    for m in project.measures:
        page = f"einbetten/{m.id}.html"
        html = (site / page).read_text(encoding="utf-8")
        assert scan_page(page, html) == []
        assert "<script" not in html and "<nav" not in html and "<link" not in html
        assert '<html lang="de">' in html and f"<h1>{m.id} " in html
        assert (
            _target(site, page, _href(html, "Mehr zu dieser Maßnahme"))
            == site / "massnahme" / m.id / "index.html"
        )
    m16 = (site / "einbetten" / "M16.html").read_text(encoding="utf-8")
    assert "Status: In Umsetzung" in m16
    assert "Telemedizin-Stützpunkte in Betrieb: 1 Stützpunkte (2025), Ziel 4 bis 2026" in m16
    assert "Die Zahlen sind Beispielwerte." in m16


def test_printable_profile_is_one_page_per_measure_with_its_facts(built_embedded: Path) -> None:
    import subprocess

    from pypdf import PdfReader

    site = built_embedded / "site"
    project = _project()
    for m in project.measures:
        reader = PdfReader(site / "steckbriefe" / f"{m.id}.pdf")
        assert len(reader.pages) == 1, m.id
        assert reader.metadata is not None and reader.metadata.title == f"Steckbrief {m.id} {m.title}"
        assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged, like the application's PDF
    text = subprocess.run(
        ["pdftotext", "-layout", str(site / "steckbriefe" / "M16.pdf"), "-"], capture_output=True, text=True
    ).stdout
    flat = re.sub(r"\s+", " ", text)
    for expected in (
        "M16 Telemedizin",
        "Landkreis Nienburg/Weser",
        "Sachstand",
        "Indikatoren",
        "Ansprechstelle",
    ):
        assert expected in flat, expected
    assert "Seite 1 von" not in flat  # no page count of the combined run


def test_downloads_page_carries_schema_org_dataset_markup(built_embedded: Path) -> None:
    import json

    site = built_embedded / "site"
    html = (site / "downloads" / "index.html").read_text(encoding="utf-8")
    assert scan_page("downloads/index.html", html) == []
    bodies = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(bodies) == 1
    data = json.loads(bodies[0])
    assert data["@type"] == "Dataset" and len(data["distribution"]) >= 10
    assert (site / "downloads" / "dcat.jsonld").is_file()
