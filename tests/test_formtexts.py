"""The portal's form texts (projekttexte.txt) are the application: every paragraph, in the document's order,
tables as readable lines, each field with its count and limit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import ROOT
from rek import formatting as fmt
from rek.application.document import Application, render
from rek.application.formtexts import RULE, form_fields, form_texts
from rek.model import PRIORITY_LABELS
from rek.plan import resolve
from rek.project import require_project
from rek.textlength import plain_text


@pytest.fixture(scope="module")
def app() -> Application:
    return render(resolve(require_project(ROOT)))


def flat(text: str) -> str:
    """Whitespace normalised (line breaks, non-breaking spaces and runs of spaces become one space)."""
    return " ".join(text.split())


def document_paragraphs(markdown: str) -> list[str]:
    """The headings, paragraphs and list items of a section's Markdown (not its tables), in order."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    inside_table = False
    out = []
    for token in tokens:
        if token.type == "table_open":
            inside_table = True
        elif token.type == "table_close":
            inside_table = False
        elif token.type == "inline" and not inside_table:
            text = flat(plain_text(token.content))
            if text and not re.fullmatch(r"!\[.*\]\(.*\)", token.content.strip()):  # a figure: not a text
                out.append(text)
    return out


def test_every_paragraph_of_the_strategy_stands_in_its_sections_field(app: Application) -> None:
    fields = form_fields(app)
    assert [f.plan.section.title for f in fields] == [s.section.title for s in app.sections]
    checked = 0
    for field in fields:
        body = flat(field.text)
        for text in field.plan.texts:  # the strategy's own prose of the section (what the plan counts)
            for paragraph in plain_text(text.text).split("\n\n"):
                assert flat(paragraph) in body, (field.plan.section.title, text.label, paragraph[:60])
                checked += 1
    assert checked > 100


def test_fields_follow_the_documents_order(app: Application) -> None:
    # the sections: the order of the chapters in antrag.md (the Markdown that PDF and DOCX are set from)
    chapters = [line[2:] for line in app.markdown.splitlines() if line.startswith("# ")]
    text = form_texts(app)
    titles = re.findall(rf"^{RULE}\n\d+\. (.+)\n", text, re.M)
    assert titles == chapters == [s.title for s in app.call.sections]
    # within each field: every heading, paragraph and list item of the section, in the document's order
    for field, rendered in zip(form_fields(app), app.sections, strict=True):
        body, at = flat(field.text), 0
        paragraphs = document_paragraphs(rendered.markdown)[1:]  # without the section's own title
        for paragraph in paragraphs:
            found = body.find(paragraph, at)
            assert found >= 0, (field.plan.section.title, paragraph[:60], body[at : at + 80])
            at = found + len(paragraph)


def test_work_plan_is_a_line_per_measure_with_dates_and_milestones(app: Application) -> None:
    field = next(f for f in form_fields(app) if f.plan.section.title == "Zeit- und Arbeitsplan")
    lines = field.text.split("\n")
    for mp in app.measures:
        line = next(x for x in lines if x.startswith(f"{mp.id}:"))
        assert f"Beginn {fmt.date(mp.m.start)}, Ende {fmt.date(mp.m.end)}" in line
        for ms in mp.m.milestones:
            assert f"{fmt.date(ms.date)}: {ms.title}" in line
    assert field.chars > 0 and field.chars == len(field.text)


def test_risks_keep_title_rating_and_response(app: Application) -> None:
    field = next(f for f in form_fields(app) if f.plan.section.title == "Risiken und Gegenmaßnahmen")
    risks = app.plan.project.strategy.risks
    assert len(risks) == len(field.text.split("\n"))
    for risk, line in zip(risks, field.text.split("\n"), strict=True):
        assert line == (
            f"{risk.title}: Wahrscheinlichkeit {PRIORITY_LABELS[risk.likelihood]}, "
            f"Auswirkung {PRIORITY_LABELS[risk.impact]}, Gegenmaßnahme {flat(risk.mitigation)}"
        )


def test_financing_field_has_the_totals(app: Application) -> None:
    field = next(f for f in form_fields(app) if f.plan.section.title == "Kosten- und Finanzierungsplan")
    total = app.plan.application.total
    euro = lambda value: fmt.euro(value, True).replace("\u00a0", " ")  # noqa: E731
    assert (
        f"Summe: Kosten {euro(total.cost)}, förderfähig {euro(total.eligible)}, Zuwendung {euro(total.grant)}, "
        f"Drittmittel {euro(total.third_party)}, Eigenanteil {euro(total.own)}"
    ) in field.text.split("\n")
    assert f"Zuwendung (beantragt): Betrag {euro(total.grant)}" in field.text


def test_each_count_is_the_length_of_the_text_below_it(app: Application) -> None:
    text = form_texts(app)
    blocks = re.split(rf"^{RULE}\n", text, flags=re.M)[1:]
    fields = form_fields(app)
    assert len(blocks) == 2 * len(fields)
    for field, head, body in zip(fields, blocks[0::2], blocks[1::2], strict=True):
        count = head.rstrip("\n").split("\n")[1]
        assert count.startswith(f"{fmt.number(len(body.rstrip(chr(10))))} "), field.plan.section.title
        limit = field.limit
        assert (f"von {fmt.number(limit)} Zeichen" in count) if limit else "keine Grenze" in count


def test_a_field_too_long_with_its_tables_is_a_warning_at_its_limit(embedded: Path, run) -> None:
    fields = form_fields(render(resolve(require_project(embedded))))
    risks = next(f for f in fields if f.plan.section.title == "Risiken und Gegenmaßnahmen")
    assert 0 < risks.plan.chars < risks.chars  # the risk table makes the field longer than the prose
    limit = (risks.plan.chars + risks.chars) // 2
    call = embedded / "strategy" / "calls" / "mpsc-2021.yaml"
    lines = call.read_text(encoding="utf-8").split("\n")
    at = lines.index("    max_chars: 4000", lines.index("  - id: risiken"))
    lines[at] = f"    max_chars: {limit}"
    call.write_text("\n".join(lines), encoding="utf-8")
    result = run("check", cwd=embedded)
    assert result.code == 0, result.err
    assert (
        f"strategy/calls/mpsc-2021.yaml:{at + 1}:16: warning: Abschnitt 'Risiken und Gegenmaßnahmen': das "
        f"Formularfeld (Text und Tabellen als Zeilen, wie in projekttexte.txt) hat {fmt.number(risks.chars)} "
        f"Zeichen, erlaubt sind {fmt.number(limit)}\n    Hinweis: Der Fließtext allein hat "
        f"{fmt.number(risks.plan.chars)} Zeichen"
    ) in result.out
    assert (
        f"  Risiken und Gegenmaßnahmen: {fmt.number(risks.chars)} von {fmt.number(limit)} Zeichen – zu lang"
        in (result.out)
    )
    # a limit the prose alone exceeds stays the formal check's error, not a second warning
    lines[at] = f"    max_chars: {risks.plan.chars - 1}"
    call.write_text("\n".join(lines), encoding="utf-8")
    again = run("check", cwd=embedded)
    assert again.code == 1
    assert "Risiken und Gegenmaßnahmen': der Abschnitt ist zu lang" in again.err
    assert "Abschnitt 'Risiken und Gegenmaßnahmen': das Formularfeld" not in again.out + again.err
