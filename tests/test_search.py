"""Search that works for German: a compound is found by its part ("Bus" finds "Rufbus"), and a word
typed without umlauts finds it with ("Mobilitat" finds "Mobilität") — in headless Chromium, offline."""

from __future__ import annotations

import pytest

from test_browser import Visit, base_url, browser  # noqa: F401 (fixtures; skipped without Chromium)

pytestmark = pytest.mark.browser


def _results(browser, base_url: str, query: str) -> str:  # type: ignore[no-untyped-def]
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
    [("Bus", "Rufbus"), ("Mobilitat", "Mobilität"), ("Plattform", "Beteiligungsplattform")],
)
def test_search_finds_german_compounds_and_words_without_umlauts(browser, base_url: str, query: str, found: str) -> None:  # type: ignore[no-untyped-def]
    assert found in _results(browser, base_url, query)


def test_separator_splits_before_compound_parts_only_inside_words() -> None:
    import re

    from conftest import ROOT
    from rek.project import require_project
    from rek.site.config import compound_tails, search_settings

    tails = compound_tails(["Der Rufbus fährt.", "Ein Bus kommt.", "Die Beteiligungsplattform und die Plattform."])
    assert tails == ["plattform", "bus"]
    separator = search_settings(require_project(ROOT))["separator"]
    js_like = re.compile(separator.replace("(?!\\b)", "(?<=[a-z])"))  # Python's \b knows umlauts; close enough
    assert [t for t in js_like.split("Rufbus und Bus") if t] == ["Ruf", "bus", "und", "Bus"]
