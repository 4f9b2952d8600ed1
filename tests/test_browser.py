"""The built site in headless Chromium: pages work, filters and search work, no external request,
no console error, and axe-core finds no WCAG 2.1 AA violation on any page type."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from conftest import REFERENCE_DAY, ROOT
from rek.model import PRIORITY_LABELS, STATUS_LABELS, Priority, Status
from rek.plan import resolve
from rek.project import require_project
from served import Quiet, serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"
REQUIRED = os.environ.get("REK_REQUIRE_BROWSER") == "1"

if not (Path(CHROMIUM).exists() and AXE.exists()):
    if REQUIRED:
        raise RuntimeError(f"Browser tests required but Chromium ({CHROMIUM}) or axe-core ({AXE}) is missing")
    pytest.skip("Chromium or axe-core not installed (make test installs them)", allow_module_level=True)

pytestmark = pytest.mark.browser
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


_Quiet = Quiet


@pytest.fixture(scope="module")
def base_url(built_embedded: Path) -> Iterator[str]:
    with serving(built_embedded / "site") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


SETTLED = "*, *::before, *::after { transition: none !important; animation: none !important; }"


class Visit:
    """One page with every request and console error recorded (width: the viewport in CSS pixels)."""

    def __init__(self, browser, url: str, width: int | None = None) -> None:  # type: ignore[no-untyped-def]
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        viewport = {"viewport": {"width": width, "height": 900}} if width else {}
        self.context = browser.new_context(locale="de-DE", **viewport)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("response", lambda r: self.failed.append(r.url) if r.status >= 400 else None)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url, wait_until="networkidle")

    def external(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlparse(u).hostname not in ("127.0.0.1", None) and not u.startswith("data:")
        ]

    def axe(self) -> list[dict]:
        # judge every element in its settled state: without this, axe may read a colour halfway through a
        # transition (Material fades the menu tabs out when the page is scrolled) and the result would
        # depend on timing
        self.page.add_style_tag(content=SETTLED)
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        return [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]

    def close(self) -> None:
        self.context.close()


PAGES = {
    "start": "/",
    "progress": "/fortschritt/",
    "action field": "/handlungsfelder/verwaltung/",
    "catalogue": "/massnahmen/",
    "measure": "/massnahme/M01/",
    "partner": "/partner/hm/",
    "place": "/ort/lk-holzminden/",
    "places": "/ort/",
    "finances": "/finanzen/",
    "roadmap": "/roadmap/",
    "downloads": "/downloads/",
    "changes": "/aenderungen/",
    "guide": "/leitfaden/",
    "plain language": "/leichte-sprache/",
    "legal notice": "/impressum/",
    "privacy": "/datenschutz/",
    "accessibility statement": "/barrierefreiheit/",
    "not found": "/404.html",
}
WIDTHS = [1366, 390]  # a laptop and a phone


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_clean_and_accessible(name: str, width: int, browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    visit = Visit(browser, base_url + PAGES[name], width)
    try:
        assert visit.page.locator("h1").count() >= 1
        assert visit.external() == []
        assert visit.failed == []
        assert visit.errors == []
        assert visit.axe() == []
        assert visit.external() == []
        # nothing sideways: the page is never wider than the screen
        assert visit.page.evaluate("document.documentElement.scrollWidth") <= width
        # every page links to the plain-language page and the legal pages
        footer = visit.page.locator(".rek-footer-links a").all_inner_texts()
        assert footer == [
            "Leichte Sprache",
            "Barrierefreiheit",
            "Datenschutz",
            "Impressum",
            "Atom-Feed: Sachstand",
        ]
    finally:
        visit.close()


KEY_TABLE_PAGES = ["catalogue", "measure", "action field", "partner", "roadmap", "downloads", "finances"]


@pytest.mark.parametrize("name", KEY_TABLE_PAGES)
def test_key_tables_fit_a_phone_screen(name: str, browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    visit = Visit(browser, base_url + PAGES[name], 390)
    try:
        boxes = visit.page.evaluate(
            """() => Array.from(document.querySelectorAll('.rek-stack td, .rek-stack th'))
                 .filter(e => e.checkVisibility())
                 .map(e => { const r = e.getBoundingClientRect(); return [e.textContent.trim().slice(0, 30), r.left, r.right]; })"""
        )
        assert len(boxes) >= 4
        outside = [b for b in boxes if b[1] < -0.5 or b[2] > 390.5]
        assert outside == []
        # each value shows its column name on a phone
        label = visit.page.evaluate(
            "getComputedStyle(document.querySelector('.rek-stack td:not(.rek-empty)'), '::before').content"
        )
        assert label not in ("none", "normal", "")
    finally:
        visit.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["finances", "roadmap"])
def test_chart_text_is_at_least_12_px(name: str, width: int, browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """Measured from the rendered SVG: font size times the scale at which the chart is drawn."""
    visit = Visit(browser, base_url + PAGES[name], width)
    try:
        sizes = visit.page.evaluate(
            """() => Array.from(document.querySelectorAll('.rek-chart svg text'))
                 .filter(t => t.checkVisibility() && t.getBoundingClientRect().width > 0)
                 .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""
        )
        assert len(sizes) >= 5
        assert min(sizes) >= 12, f"smallest chart text {min(sizes):.1f} px"
        # one layout is shown, the other is out of the accessibility tree
        shown = visit.page.evaluate(
            "Array.from(document.querySelectorAll('.rek-chart svg')).filter(s => s.checkVisibility()).length"
        )
        assert shown == visit.page.locator(".rek-chart").count()
    finally:
        visit.close()


FOCUS = """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
  return {tag: e.tagName, text: (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40),
          left: r.left, right: r.right, width: r.width, height: r.height,
          visible: e.checkVisibility({visibilityProperty: true})}; }"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["start", "catalogue", "finances", "measure"])
def test_tab_order_has_no_invisible_stops(name: str, width: int, browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    visit = Visit(browser, base_url + PAGES[name], width)
    page = visit.page
    try:
        stops = []
        for _ in range(400):
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS)
            if focus["tag"] == "BODY":
                break
            stops.append(focus)
        assert len(stops) >= 5
        invisible = [
            f for f in stops if not f["visible"] or f["width"] == 0 or f["right"] <= 0 or f["left"] >= width
        ]
        assert invisible == []
    finally:
        visit.close()


def test_menu_opens_with_the_keyboard_on_a_phone(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    visit = Visit(browser, base_url + "/", 390)
    page = visit.page
    try:
        menu = page.get_by_role("button", name="Menü")
        assert menu.get_attribute("aria-expanded") == "false"
        menu.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("document.activeElement.closest('.md-sidebar--primary') !== null")
        assert menu.get_attribute("aria-expanded") == "true"
        page.wait_for_function("document.activeElement.getBoundingClientRect().left >= 0")  # slid in
        focus = page.evaluate(FOCUS)
        assert focus["visible"] and focus["left"] >= 0
        page.keyboard.press("Escape")
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Menü"
        assert visit.axe() == []
    finally:
        visit.close()


def test_catalogue_filters_and_sorts(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    visit = Visit(browser, base_url + "/massnahmen/")
    page = visit.page
    try:
        rows = page.locator(".rek-catalogue tbody tr")
        total = rows.count()
        assert total >= 20
        status = page.get_by_label("Status")
        options = [o for o in status.locator("option").all_inner_texts() if o != "alle"]
        assert options
        status.select_option(options[0])
        visible = page.locator(".rek-catalogue tbody tr:not([hidden])")
        shown = visible.count()
        assert 0 < shown < total
        for text in visible.locator("td:nth-child(6)").all_inner_texts():
            assert text == options[0]
        assert page.locator(".rek-count").inner_text() == f"{shown} von {total} Maßnahmen angezeigt"
        page.get_by_role("button", name="Filter zurücksetzen").click()
        assert page.locator(".rek-catalogue tbody tr:not([hidden])").count() == total
        page.get_by_role("button", name="Kennung").click()
        page.get_by_role("button", name="Kennung").click()
        first = page.locator(".rek-catalogue tbody tr").first.locator("td").first.inner_text()
        ids = sorted(
            page.locator(".rek-catalogue tbody td:first-child").all_inner_texts(), key=lambda s: int(s[1:])
        )
        assert first == ids[-1]
        assert visit.errors == [] and visit.external() == []
        assert visit.axe() == []
    finally:
        visit.close()


def test_catalogue_filter_state_is_restored_from_the_address(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    project = require_project(ROOT)
    plan = resolve(project)
    planned = [m for m in project.measures if m.status == Status.in_progress]
    query = urlencode({"status": STATUS_LABELS[Status.in_progress], "sortierung": "kosten-ab"})
    visit = Visit(browser, f"{base_url}/massnahmen/?{query}")
    page = visit.page
    try:
        assert page.get_by_label("Status").input_value() == STATUS_LABELS[Status.in_progress]
        assert page.get_by_label("Sortieren nach").input_value() == "kosten-ab"
        visible = page.locator(".rek-catalogue tbody tr:not([hidden])")
        assert visible.count() == len(planned)
        ids = visible.locator("td:first-child").all_inner_texts()
        cost = {m.id: plan.by_id[m.id].money.cost for m in planned}
        assert ids == [m.id for m in sorted(planned, key=lambda m: (-cost[m.id], project.measures.index(m)))]
        assert page.locator("th[aria-sort=descending]").inner_text() == "Kosten"
        # a change is written back into the address, so the view can be shared
        page.get_by_label("Priorität").select_option("Hoch")
        params = parse_qs(urlparse(page.url).query)
        assert params == {
            "status": [STATUS_LABELS[Status.in_progress]],
            "prioritaet": ["Hoch"],
            "sortierung": ["kosten-ab"],
        }
        page.get_by_role("button", name="Filter zurücksetzen").click()
        assert parse_qs(urlparse(page.url).query) == {"sortierung": ["kosten-ab"]}
        assert visit.errors == []
    finally:
        visit.close()


def test_catalogue_says_when_no_measure_matches(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    project = require_project(ROOT)
    present = {(m.status, m.priority) for m in project.measures}
    status, priority = next(
        (s, p) for s in {m.status for m in project.measures} for p in Priority if (s, p) not in present
    )
    query = urlencode({"status": STATUS_LABELS[status], "prioritaet": PRIORITY_LABELS[priority]})
    visit = Visit(browser, f"{base_url}/massnahmen/?{query}")
    page = visit.page
    try:
        assert page.locator(".rek-catalogue tbody tr:not([hidden])").count() == 0
        message = page.get_by_role("status")
        assert message.inner_text() == (
            "Keine Maßnahme passt zu dieser Auswahl. Ändern Sie einen Filter oder setzen Sie die Filter "
            f"zurück, um alle {len(project.measures)} Maßnahmen zu sehen."
        )
        assert message.get_attribute("aria-live") == "polite"
        assert visit.axe() == []
    finally:
        visit.close()


def test_catalogue_without_javascript_promises_no_filters(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(base_url + "/massnahmen/")
        text = page.locator("article").inner_text()
        assert "filter" not in text.lower() and "Auswahlfeld" not in text
        assert page.locator(".rek-catalogue tbody tr").count() >= 20
    finally:
        context.close()


class _NotFound(_Quiet):
    """Like a web host: a missing address gets the site's 404.html (at that address, status 404)."""

    root = "."

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / self.root / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serving_not_found(folder: Path, root: str = ".") -> contextlib.AbstractContextManager[str]:
    return serving(folder, type("Handler", (_NotFound,), {"root": root}))


def _check_not_found(visit: Visit, css: str, home: str) -> None:
    page = visit.page
    assert page.locator("h1").inner_text() == "Seite nicht gefunden"
    assert page.title().startswith("Seite nicht gefunden")
    # the only failed request is the missing page itself (which the browser logs as an error)
    assert [u for u in visit.failed if not u.endswith(("/M99/", "/gibt-es-nicht/"))] == []
    assert [e for e in visit.errors if "status of 404" not in e] == [] and visit.external() == []
    assert len(visit.errors) <= 1
    assert any(u.endswith(css) for u in visit.requests)
    # styled: every logo stays small (unstyled, an image fills the screen), the page fits the screen
    logos = page.evaluate(
        "Array.from(document.querySelectorAll('.md-logo img, .md-logo svg')).map(e => e.getBoundingClientRect().height)"
    )
    assert logos and max(logos) <= 48
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="Zur Startseite").click()
    page.wait_for_load_state()
    assert urlparse(page.url).path == home
    assert page.locator("h1").count() == 1 and "nicht gefunden" not in page.title()


@pytest.mark.parametrize("address", ["/gibt-es-nicht/", "/massnahme/M99/"])
def test_not_found_page_works_at_any_depth(
    address: str, browser, base_url: str, built_embedded: Path
) -> None:  # type: ignore[no-untyped-def]
    """Without site_url the 404 page's links and files start at the server's root, so the page works at
    whatever address a host shows it."""
    with serving_not_found(built_embedded / "site") as url:
        visit = Visit(browser, url + address, 390)
        try:
            _check_not_found(visit, "/assets/rek/rek.css", "/")
            assert visit.axe() == []
        finally:
            visit.close()


def test_not_found_page_works_under_a_sub_path(browser, embedded: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Under a sub-path the site needs site_url; then its 404 page works at any depth below it."""
    from rek.build import build

    config = embedded / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "site_url: https://example.org/strategie/\n", "utf-8")
    build(require_project(embedded), tmp_path / "out", application=False)
    root = tmp_path / "server"
    shutil.copytree(tmp_path / "out" / "site", root / "strategie")
    with serving_not_found(root, "strategie") as url:
        for address in ("/strategie/404.html", "/strategie/massnahme/M99/"):
            visit = Visit(browser, url + address, 390)
            try:
                _check_not_found(visit, "/strategie/assets/rek/rek.css", "/strategie/")
            finally:
                visit.close()


def test_printout_carries_address_version_status_and_link_targets(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    visit = Visit(browser, base_url + "/partner/hm/")
    page = visit.page
    try:
        assert not page.locator(".rek-print-header").is_visible()
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        page.emulate_media(media="print")
        header = page.locator(".rek-print-header")
        assert header.is_visible()
        text = header.inner_text()
        assert "Version 0.9, Entwurf (noch nicht beschlossen)" in text
        assert "Hochschule Weserbergland (HSW)" in text and "31785 Hameln" in text
        assert "Adresse dieser Seite: " + base_url + "/partner/hm/" in text
        after = page.evaluate(
            "getComputedStyle(document.querySelector('.md-typeset a[href^=\"http\"]'), '::after').content"
        )
        assert "https://www.hameln-pyrmont.de/" in after
    finally:
        visit.close()


def test_search_finds_a_measure(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    visit = Visit(browser, base_url + "/")
    page = visit.page
    try:
        page.keyboard.press("s")  # Material's search shortcut
        box = page.locator("input.md-search__input")
        box.press_sequentially("Bürgerservice", delay=20)
        results = page.locator(".md-search-result__item")
        results.first.wait_for(timeout=10_000)
        assert results.count() >= 1
        assert "Bürgerservice" in page.locator(".md-search-result").inner_text()
        assert visit.errors == [] and visit.external() == []
        assert visit.axe() == []
    finally:
        visit.close()


def test_published_versions_have_an_accessible_version_selector(
    browser, minimal: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The site as 'rek publish' deploys it with mike: version selector, versions.json, still clean."""
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="t@example.invalid",
    )

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(minimal), *args], check=True, capture_output=True, env=env)

    rek = str(Path(sys.executable).parent / "rek")
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "v0.1")
    git("tag", "v0.1")
    subprocess.run([rek, "publish"], cwd=minimal, check=True, capture_output=True, env=env)
    pages = tmp_path / "pages"
    pages.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(minimal), "archive", "gh-pages"], check=True, capture_output=True
    )
    subprocess.run(["tar", "-x", "-C", str(pages)], input=archive.stdout, check=True)
    with serving(pages) as url:
        visit = Visit(browser, url + "/v0.1/")
        try:
            assert any(u.endswith("/versions.json") for u in visit.requests)
            assert visit.page.locator(".md-version").count() == 1
            assert "v0.1 (Entwurf)" in visit.page.locator(".md-version").inner_text()
            assert visit.errors == [] and visit.external() == []
            assert visit.axe() == []
        finally:
            visit.close()


def test_serve_shows_validation_errors_as_a_banner(browser, minimal: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """rek serve: after a broken edit every page carries a banner naming file, line and problem."""
    import json
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    rek = str(Path(sys.executable).parent / "rek")
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen([rek, "serve", "--port", str(port)], cwd=minimal, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"

    def status() -> dict:
        with urllib.request.urlopen(base + "/assets/rek/vorschau.json", timeout=5) as response:
            return json.loads(response.read())

    def wait(check, what: str) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(OSError, ValueError):
                if check():
                    return
            assert process.poll() is None and time.monotonic() < deadline, what
            time.sleep(0.1)

    try:
        wait(lambda: status()["errors"] == [], "the preview")
        measure = minimal / "measures" / "M01.yaml"
        measure.write_text(measure.read_text("utf-8").replace("status: idea", "status: geplant"), "utf-8")
        wait(lambda: status()["errors"], "the error status")
        context = browser.new_context(locale="de-DE", viewport={"width": 1366, "height": 800})
        page = context.new_page()
        try:
            page.goto(base + "/massnahme/M01/", wait_until="load")
            banner = page.locator("#rek-vorschau-fehler[role=alert]")
            banner.wait_for(timeout=30_000)
            shown = banner.inner_text()
            assert "1 Fehler in 1 Datei gefunden. Die Vorschau zeigt den letzten gültigen Stand." in shown
            assert "measures/M01.yaml:11:9: Feld 'status'" in shown
            assert "Online-Terminvergabe" in page.locator("h1").inner_text()  # the last good page below it
            page.screenshot(path=str(tmp_path / "banner.png"))
        finally:
            context.close()
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


# --- monitoring (issue 12) ---------------------------------------------------------------------------
@pytest.mark.parametrize("width", WIDTHS)
def test_progress_overview_indicator_chart_and_feed_link(width: int, browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    for path in ("/", "/handlungsfelder/mobilitaet/", "/fortschritt/"):
        visit = Visit(browser, base_url + path, width)
        page = visit.page
        try:
            overview = page.locator("article table").filter(has_text="Stand der Umsetzung").first
            assert overview.is_visible()
            assert "Meilensteine erreicht" in overview.inner_text()
            assert "Ausgaben (Ist)" in overview.inner_text()
            # the feed: in the head of every page and as a visible link in the footer
            head = page.locator('link[rel~="alternate"][type="application/atom+xml"]')
            assert head.count() == 1
            feed = page.get_by_role("link", name="Atom-Feed: Sachstand")
            feed.scroll_into_view_if_needed()
            assert feed.is_visible()
            href = feed.get_attribute("href")
            response = page.request.get(page.url.split("#")[0].rstrip("/") + "/" + href)
            assert response.ok and b"<feed" in response.body()
            assert visit.errors == [] and visit.external() == []
            assert visit.axe() == []
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        finally:
            visit.close()
    visit = Visit(browser, base_url + "/massnahme/M12/", width)
    page = visit.page
    try:
        charts = page.locator(".rek-indicator img")
        assert charts.count() == 2
        chart = charts.first
        chart.scroll_into_view_if_needed()
        assert chart.evaluate("i => i.decode().then(() => i.naturalWidth)") > 0  # loaded (lazily)
        assert chart.evaluate("i => i.currentSrc").endswith("ind-M12-1.svg")  # one drawing for every screen
        alt = chart.get_attribute("alt")
        assert "Messwerte 2023: 8.200" in alt and "Ziel 40.000 bis 2026" in alt
        # the drawing (320 units, 14-unit text) keeps its text at 12 px or more at the size it is shown
        box = chart.bounding_box()
        assert box["width"] / 320 * 14 >= 12
        table = page.locator(".rek-indicator-data table").first
        assert table.is_visible() and "24.600" in table.inner_text()
        # the data table beside the chart on a wide screen, below it on a phone
        tbox = table.bounding_box()
        if width < 720:
            assert tbox["y"] >= box["y"] + box["height"]
        else:
            assert tbox["x"] >= box["x"] + box["width"] and tbox["y"] < box["y"] + box["height"]
        assert page.get_by_text("Sachstand vom 31.12.2025").is_visible()
        assert page.locator(".rek-updates li").count() == 3
        assert visit.axe() == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        visit.close()


def test_catalogue_filters_measures_that_are_late(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    from rek import monitoring

    project = require_project(ROOT)
    day = dt.date.fromisoformat(REFERENCE_DAY)
    late = [m.id for m in project.measures if monitoring.judge_measure(m, day).state == monitoring.LATE]
    assert late  # the example has late measures
    visit = Visit(browser, base_url + "/massnahmen/?" + urlencode({"stand": monitoring.LATE}))
    page = visit.page
    try:
        assert page.get_by_label("Stand").input_value() == monitoring.LATE
        ids = page.locator(".rek-catalogue tbody tr:not([hidden]) td:first-child").all_inner_texts()
        assert ids == late
        # the option reads as the word, without the icon beside it in the table
        assert monitoring.LATE in page.get_by_label("Stand").locator("option").all_inner_texts()
        assert visit.axe() == []
    finally:
        visit.close()


@pytest.mark.parametrize("width", [320, 390, 1366])
def test_catalogue_filters_by_place(width: int, browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """A place: the measures there, in its Landkreis and in the whole region; as many rows as counted."""
    from rek.model import reach

    project = require_project(ROOT)
    places = project.strategy.places
    expected = [m.id for m in project.measures if "lk-holzminden" in reach(places, m.places)]
    assert 0 < len(expected) < len(project.measures)
    visit = Visit(browser, base_url + "/massnahmen/", width)
    page = visit.page
    try:
        place = page.get_by_label("Ort", exact=True)
        assert "Landkreis Holzminden" in place.locator("option").all_inner_texts()
        place.select_option(label="Landkreis Holzminden")  # operated by hand
        ids = page.locator(".rek-catalogue tbody tr:not([hidden]) td:first-child").all_text_contents()
        assert ids == expected
        assert page.evaluate(VISIBLE_ROWS) == len(expected)
        total = len(project.measures)
        assert page.locator(".rek-count").inner_text() == f"{len(expected)} von {total} Maßnahmen angezeigt"
        assert "ort=lk-holzminden" in page.url  # a link to share
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert visit.errors == [] and visit.external() == []
        assert visit.axe() == []
    finally:
        visit.close()
    # the shared link opens the same selection; the place page lists the same measures
    visit = Visit(browser, base_url + "/massnahmen/?ort=lk-holzminden", width)
    try:
        assert visit.page.locator(".rek-count").inner_text().startswith(f"{len(expected)} von ")
        assert visit.page.evaluate(VISIBLE_ROWS) == len(expected)
    finally:
        visit.close()
    visit = Visit(browser, base_url + "/ort/lk-holzminden/", width)
    try:
        links = visit.page.locator("article table tbody td:first-child a").all_inner_texts()
        assert [t.split(" ")[0] for t in links] == expected
        assert visit.page.evaluate("document.documentElement.scrollWidth") <= width
        assert visit.axe() == []
    finally:
        visit.close()


@pytest.mark.parametrize("width", [320, 390, 1366])
def test_progress_page_is_a_summary_first_with_details_to_open(width: int, browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    visit = Visit(browser, base_url + "/fortschritt/", width)
    page = visit.page
    try:
        glance = page.locator(".rek-glance").first
        assert glance.is_visible()
        # every status has an icon and a word: never colour alone
        for badge in glance.locator(".rek-state").all():
            assert badge.locator("[aria-hidden=true]").inner_text().strip()
            assert badge.inner_text().split(maxsplit=1)[1] in (
                "im Plan",
                "gefährdet",
                "verzögert",
                "abgeschlossen",
                "nicht begonnen",
            )
        details = page.locator("details.rek-details")
        assert details.count() >= 5
        assert page.locator("details.rek-details[open]").count() == 0  # closed: a short page
        closed = page.evaluate("document.documentElement.scrollHeight")
        measures = details.filter(has_text="Maßnahmen mit Stand und Grund")
        assert not measures.locator("table").is_visible()
        measures.locator("summary").click()
        assert measures.locator("table").is_visible()
        assert page.evaluate("document.documentElement.scrollHeight") > closed
        if width < 960:
            assert closed < 9000, f"the closed progress page is {closed} px long"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert visit.axe() == []
    finally:
        visit.close()


# --- every device, every input (issue 22) -------------------------------------------------------------
ALL_WIDTHS = [320, 390, 1366]  # a small phone, a phone, a laptop
VISIBLE_ROWS = (
    "Array.from(document.querySelectorAll('.rek-catalogue tbody tr')).filter(r => r.checkVisibility()).length"
)


@pytest.mark.parametrize("width", ALL_WIDTHS)
def test_catalogue_shows_as_many_rows_as_it_counts(width: int, browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """The filter hides rows in the table and in the card layout alike: what is shown is what is counted."""
    project = require_project(ROOT)
    in_progress = [m for m in project.measures if m.status == Status.in_progress]
    query = urlencode({"status": STATUS_LABELS[Status.in_progress]})
    visit = Visit(browser, f"{base_url}/massnahmen/?{query}", width)  # a shared link
    page = visit.page
    total = len(project.measures)
    try:
        assert page.evaluate(VISIBLE_ROWS) == len(in_progress)
        assert (
            page.locator(".rek-count").inner_text() == f"{len(in_progress)} von {total} Maßnahmen angezeigt"
        )
        page.get_by_label("Priorität").select_option("Hoch")  # operated by hand
        shown = page.locator(".rek-catalogue tbody tr:not([hidden])").count()
        assert 0 < shown < len(in_progress)
        assert page.evaluate(VISIBLE_ROWS) == shown
        assert page.locator(".rek-count").inner_text() == f"{shown} von {total} Maßnahmen angezeigt"
        page.get_by_role("button", name="Filter zurücksetzen").click()
        assert page.evaluate(VISIBLE_ROWS) == total
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        visit.close()


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    x, y = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (x + 0.05) / (y + 0.05)


FOCUS_RING = """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
  const header = document.querySelector('.md-header').getBoundingClientRect();
  const rgb = s => (s.match(/[0-9.]+/g) || []).map(Number);
  let bg = null;
  for (let n = e.parentElement; n; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { bg = c.slice(0, 3); break; }
  }
  const style = getComputedStyle(e);
  return {tag: e.tagName, text: (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40),
          top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height,
          header: header.bottom, inHeader: !!e.closest('.md-header'), bg: bg || [255, 255, 255],
          onTop: (() => { const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
                          return !!hit && (hit === e || e.contains(hit) || hit.contains(e)); })(),
          outline: rgb(style.outlineColor), outlineWidth: parseFloat(style.outlineWidth), outlineStyle: style.outlineStyle,
          ring: rgb(style.boxShadow)}; }"""


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("name", ["start", "catalogue"])
def test_every_focus_stop_is_seen(name: str, width: int, browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """The first 60 tab stops: a box on the screen, not under the sticky header, with a focus ring that
    reaches 3:1 against the background it is drawn on (header, page, footer) in one of its two colours."""
    visit = Visit(browser, base_url + PAGES[name], width)
    page = visit.page
    page.add_style_tag(content=SETTLED)
    try:
        stops = []
        for _ in range(60):
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS_RING)
            if focus["tag"] == "BODY":
                break
            stops.append(focus)
        assert len(stops) >= 10
        for f in stops:
            where = f"{f['tag']} {f['text']!r}"
            assert f["width"] > 0 and f["height"] > 0, where
            assert f["left"] >= 0 and f["right"] <= width and f["top"] >= 0 and f["bottom"] <= 900, where
            assert f["onTop"], f"{where} is hidden under another element (the sticky header)"
            assert f["outlineStyle"] != "none" and f["outlineWidth"] >= 2, where
            best = max(contrast(f["outline"], f["bg"]), contrast(f["ring"][:3], f["bg"]))
            assert best >= 3, f"{where}: focus ring {best:.2f}:1 on {f['bg']}"
    finally:
        visit.close()


def _site_pages(site: Path) -> list[str]:
    return sorted(
        "/" + p.relative_to(site).as_posix().removesuffix("index.html") for p in site.rglob("*.html")
    )


@pytest.mark.parametrize("width", ALL_WIDTHS)
def test_every_page_fits_the_screen_and_passes_axe(
    width: int, browser, base_url: str, built_embedded: Path
) -> None:  # type: ignore[no-untyped-def]
    """Every page of the site: no sideways scrolling of the page at 320 px (WCAG 1.4.10), no table cut off
    in its box, and no axe-core violation, best practices included."""
    context = browser.new_context(locale="de-DE", viewport={"width": width, "height": 900})
    page = context.new_page()
    found: dict[str, object] = {}
    try:
        for path in _site_pages(built_embedded / "site"):
            page.goto(base_url + path, wait_until="networkidle")
            wide = page.evaluate("document.documentElement.scrollWidth")
            cut = page.evaluate(
                """() => Array.from(document.querySelectorAll('.md-typeset__scrollwrap, .md-typeset table'))
                     .filter(e => e.checkVisibility() && e.scrollWidth > e.clientWidth + 1)
                     .map(e => e.textContent.trim().slice(0, 30))"""
            )
            page.add_style_tag(content=SETTLED)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
            )
            violations = [v["id"] for v in result["violations"]]
            if wide > width or (cut and width >= 1366) or violations:
                found[path] = {"width": wide, "cut": cut, "axe": violations}
        assert found == {}
    finally:
        context.close()


def _search_results(browser, base_url: str, query: str) -> str:  # type: ignore[no-untyped-def]
    visit = Visit(browser, base_url + "/")
    page = visit.page
    try:
        page.keyboard.press("s")  # Material's search shortcut
        page.locator("input.md-search__input").press_sequentially(query, delay=20)
        results = page.locator(".md-search-result__item")
        results.first.wait_for(timeout=10_000)
        assert visit.errors == [] and visit.external() == []
        return page.locator(".md-search-result").inner_text()
    finally:
        visit.close()


@pytest.mark.parametrize(
    ("query", "found"),
    [("Bus", "Rufbus"), ("Plattform", "Beteiligungsplattform"), ("Mobilität", "Mobilität")],
)
def test_search_finds_german_compounds_by_their_parts(browser, base_url: str, query: str, found: str) -> None:  # type: ignore[no-untyped-def]
    assert found in _search_results(browser, base_url, query)


def test_plain_language_page_is_set_in_larger_type(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """Leichte Sprache asks for large type (at least 14 pt in print): larger than the other pages."""

    def paragraph_px(name: str) -> float:
        visit = Visit(browser, base_url + PAGES[name], 390)
        try:
            return visit.page.evaluate(
                "parseFloat(getComputedStyle(document.querySelector('.md-content__inner p')).fontSize)"
            )
        finally:
            visit.close()

    assert paragraph_px("plain language") >= 18.5 > paragraph_px("measure")
