"""Search settings for German: the separator splits a compound before a part that is a noun of its own
(the search itself, in Chromium: tests/test_browser.py)."""

from __future__ import annotations


def test_separator_splits_before_compound_parts_only_inside_words() -> None:
    import re

    from conftest import ROOT
    from rek.project import require_project
    from rek.site.config import compound_tails, search_settings

    tails = compound_tails(
        ["Der Rufbus fährt.", "Ein Bus kommt.", "Die Beteiligungsplattform und die Plattform."]
    )
    assert tails == ["plattform", "bus"]
    separator = search_settings(require_project(ROOT))["separator"]
    js_like = re.compile(
        separator.replace("(?!\\b)", "(?<=[a-z])")
    )  # Python's \b knows umlauts; close enough
    assert [t for t in js_like.split("Rufbus und Bus") if t] == ["Ruf", "bus", "und", "Bus"]
