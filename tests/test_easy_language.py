"""The page in Leichte Sprache follows the rules of Leichte Sprache (Netzwerk Leichte Sprache; BITV 2.0
Anlage 2), checked on the page as the site shows it: content/leichte-sprache.md with what rek adds from
the data (the easy summary of each action field, the contact).

- one statement per sentence, each sentence on a line (paragraph or list item) of its own;
- short sentences (at most 15 words);
- no foreign words where a German one exists, no abbreviations;
- hard words are explained in a list "Schwere Wörter", and every word in that list occurs on the page.
"""

from __future__ import annotations

import re

from conftest import ROOT

MAX_WORDS = 15
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+(?:[-·][A-Za-zÄÖÜäöüß]+)*")
FOREIGN = {
    "Roadmap",
    "Download",
    "Downloads",
    "Link",
    "Links",
    "Website",
    "Homepage",
    "Online",
    "online",
    "Feed",
}
ABBREVIATIONS = re.compile(r"\b(?:z\.\s?B\.|bzw\.|usw\.|ca\.|etc\.|d\.\s?h\.|u\.\s?a\.|ggf\.)|%|§")
# words a reader of Leichte Sprache may not know: where one occurs, the list explains it
HARD = ("Digitalisierung", "Förderung", "Maßnahme", "Verweis", "Land·kreis", "Partner")


def _page() -> str:
    from rek.plan import resolve
    from rek.project import require_project
    from rek.site.pages import SitePages

    return dict(SitePages(resolve(require_project(ROOT))).files())["leichte-sprache.md"]


def _units(markdown: str) -> list[str]:
    """The page's lines as a reader sees them: paragraphs, list items and lines after a hard break."""
    out = []
    for block in re.split(r"\n\s*\n", markdown):
        block = block.strip()
        if not block or block.startswith("#"):
            continue
        for line in re.split(r"\n(?=\s*[-*+]\s)|  \n", block):
            line = re.sub(r"^\s*[-*+]\s+", "", line)
            line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line).replace("**", "")
            out.append(" ".join(line.split()))
    return out


def _sentences(unit: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])(?<!\b\w\.)\s+(?=[A-ZÄÖÜ])", unit) if s]


def test_one_short_sentence_per_line() -> None:
    units = _units(_page())
    assert len(units) > 60
    crowded = [u for u in units if len(_sentences(u)) > 1]
    long = [u for u in units if len(WORD.findall(u)) > MAX_WORDS]
    assert crowded == [] and long == []


def test_no_foreign_words_and_no_abbreviations() -> None:
    text = " ".join(_units(_page()))
    assert sorted(set(WORD.findall(text)) & FOREIGN) == []
    assert ABBREVIATIONS.findall(text) == []


def test_hard_words_are_explained_and_the_list_is_used() -> None:
    page = _page()
    section = page.split("## Schwere Wörter", 1)
    assert len(section) == 2, "no list of hard words"
    explained = re.findall(r"^-\s+\*\*([^*]+)\*\*:", section[1], re.M)
    assert len(explained) >= 5
    rest = section[0] + re.sub(r"(?s)\A.*?\n(?=## )", "", section[1])  # the page without the list itself
    unused = [w for w in explained if w not in rest]
    assert unused == []
    missing = [w for w in HARD if w in rest and w not in explained]
    assert missing == []


def test_every_action_field_has_an_easy_summary_on_the_page() -> None:
    from rek.project import require_project

    project = require_project(ROOT)
    page = _page()
    for f in project.action_fields:
        assert f.easy_summary, f.id
        for line in f.easy_summary.splitlines():
            assert line.strip() in page
    assert page.index("## Die Themen vom Plan") < page.index("## Sie haben eine Frage?")


def test_the_rules_catch_a_page_that_breaks_them() -> None:
    bad = "# X\n\nDer Plan ist gut. Er kostet Geld.\n\nDie Roadmap zeigt z. B. alle Maßnahmen, die die Landkreise bis zum Ende des Jahres 2026 umsetzen wollen.\n"
    units = _units(bad)
    assert [u for u in units if len(_sentences(u)) > 1] == ["Der Plan ist gut. Er kostet Geld."]
    assert [u for u in units if len(WORD.findall(u)) > MAX_WORDS] != []
    assert set(WORD.findall(" ".join(units))) & FOREIGN == {"Roadmap"}
    assert ABBREVIATIONS.findall(" ".join(units)) == ["z. B."]
