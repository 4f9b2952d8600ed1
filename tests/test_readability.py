"""rek's own German sentences on every generated page stay readable: LIX below 50 (tests/readability.py
says how the user's own texts are left out)."""

from __future__ import annotations

from conftest import ROOT
from readability import lix, own_sentences, user_strings

# The legal pages' wording (impressum, datenschutz, barrierefreiheit: § references, legal terms) is still
# above 50; these ceilings are today's values, so the pages can only get easier.
LEGAL_CEILING = {"impressum.md": 56.0, "datenschutz.md": 53.5, "barrierefreiheit.md": 51.0}
MIN_SENTENCES = 5  # a page with fewer of rek's own sentences is judged only within the whole site


def _pages():  # type: ignore[no-untyped-def]
    from rek.plan import resolve
    from rek.project import require_project
    from rek.site.pages import SitePages

    project = require_project(ROOT)
    users = user_strings(project)
    return {
        rel: own_sentences(text, users)
        for rel, text in SitePages(resolve(project)).files()
        if rel.endswith(".md")
    }


def test_generated_sentences_stay_below_lix_50() -> None:
    pages = _pages()
    assert len(pages) > 40
    everything = [s for sentences in pages.values() for s in sentences]
    assert len(everything) > 100
    assert lix(everything) < 50, round(lix(everything), 1)
    judged = {rel: lix(s) for rel, s in pages.items() if len(s) >= MIN_SENTENCES}
    assert "datenschutz.md" in judged and "leichte-sprache.md" not in LEGAL_CEILING
    hard = {rel: round(v, 1) for rel, v in judged.items() if v >= LEGAL_CEILING.get(rel, 50.0)}
    assert hard == {}


def test_lix_tells_hard_from_easy_sentences() -> None:
    easy = ["Der Bus fährt jeden Tag.", "Sie bestellen ihn am Telefon.", "Er holt Sie zu Hause ab."]
    hard = [
        "Die bedarfsorientierte Verkehrsdienstleistungsplattform ermöglicht kreisübergreifende "
        "Dispositionsprozesse unter Berücksichtigung vorhandener Fahrplaninformationssysteme."
    ]
    assert lix(easy) < 30 < 70 < lix(hard)


def test_the_users_own_text_is_not_counted() -> None:
    page = "# T\n\nDie Verwaltungsdigitalisierungsstrategie ist beschlossen.\n\nrek schreibt diesen Satz selbst hin.\n"
    assert own_sentences(page, ["Die Verwaltungsdigitalisierungsstrategie ist beschlossen."]) == [
        "rek schreibt diesen Satz selbst hin."
    ]
