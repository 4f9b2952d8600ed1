"""`rek report --year J`: the numerical proof of use (Verwendungsnachweis) adds up.

Every table of the report's money sections ends in a sum row that is the sum of the rows above it, and
every figure the text states is the figure of a sum row; the receipts are the embedded example receipts.
Read from the rendered Markdown, as a reviewer reads the document.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from rek.plan import Plan, resolve
from rek.project import require_project
from rek.report import render

EURO = re.compile(r"^(-?[0-9.]+,[0-9]{2})\u00a0€$")


def euro(cell: str) -> Decimal | None:
    """A cell like '1.234,56 €' as a number; 'keine Meldung' counts 0; anything else None."""
    if cell == "keine Meldung":
        return Decimal(0)
    found = EURO.match(cell)
    return Decimal(found.group(1).replace(".", "").replace(",", ".")) if found else None


def sections(markdown: str) -> dict[str, str]:
    """Heading text -> the text up to the next heading."""
    parts = re.split(r"^(#{1,3} .+)$", markdown, flags=re.M)
    return {parts[i].lstrip("#").strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def table(text: str) -> list[list[str]]:
    """The rows of the first pipe table in text (without header and rule)."""
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("| "):
            lines.append(line)
        elif lines:
            break
    assert len(lines) > 2, text[:300]
    return [[c.strip() for c in line.strip()[2:-2].split(" | ")] for line in lines[2:]]


def assert_sum_row(rows: list[list[str]], label: str = "Summe") -> list[Decimal | None]:
    """The last row is labelled ``label`` and holds, in each money column, the sum of the rows above
    (rows labelled '– davon …' are parts of the row before them and left out); returns the sum row."""
    *body, last = rows
    assert last[0] == label
    parts = [r for r in body if not r[0].startswith("– davon")]
    assert parts
    checked = 0
    for column in range(1, len(last)):
        total = euro(last[column])
        if total is None:
            continue
        values = [euro(r[column]) for r in parts]
        assert None not in values, (column, [r[column] for r in parts])
        assert sum(values, Decimal(0)) == total, (label, column)
        checked += 1
    assert checked >= 1
    return [euro(c) for c in last]


@pytest.fixture(scope="module")
def plan() -> Plan:
    from conftest import ROOT

    return resolve(require_project(ROOT), today=dt.date(2026, 12, 2))


@pytest.fixture(scope="module")
def report(plan: Plan) -> dict[str, str]:
    markdown, _ = render(plan, 2025)
    return sections(markdown)


def figures(sentence: str) -> list[Decimal]:
    return [
        Decimal(x.replace(".", "").replace(",", "."))
        for x in re.findall(r"(-?[0-9][0-9.]*,[0-9]{2})\u00a0€", sentence)
    ]


def test_soll_ist_summary_is_the_sum_row_of_each_of_its_tables(report: dict[str, str]) -> None:
    by_year = assert_sum_row(table(report["Nach Jahr"]), "Summe bis 2025")
    by_field = assert_sum_row(table(report["Nach Handlungsfeld (bis 2025)"]))
    measures = assert_sum_row(table(report["Maßnahmen im Jahr 2025"]))
    assert by_year[1:4] == by_field[1:4]
    # the measures of 2025 add up to the row of 2025 in the year table
    year_2025 = next(r for r in table(report["Nach Jahr"]) if r[0] == "2025")
    assert measures[1:4] == [euro(c) for c in year_2025[1:4]]
    # M17 is paused and reported nothing for 2025: its plan counts, its spending is shown as missing
    assert ["M17", "36.000,00\u00a0€", "keine Meldung", "-36.000,00\u00a0€", "–"] in table(
        report["Maßnahmen im Jahr 2025"]
    )
    planned_until, spent_until, planned_year, spent_year = figures(report["Ausgaben: Soll und Ist"])
    assert [planned_until, spent_until] == by_year[1:3]
    assert [planned_year, spent_year] == measures[1:3]
    overview = dict((r[0], r[1]) for r in table(report["Zusammenfassung"]))
    assert euro(overview["Geplante Kosten bis 2025 (Soll)"]) == planned_until
    assert euro(overview["Ausgaben bis 2025 (Ist)"]) == spent_until


def test_proof_of_use_tables_add_up_and_the_text_states_their_sums(report: dict[str, str]) -> None:
    categories = assert_sum_row(table(report["Ausgaben 2025 nach Kostenart"]))
    to_date = assert_sum_row(table(report["Ausgaben 2022 bis 2025 nach Kostenart"]))
    by_year = assert_sum_row(table(report["Ausgaben nach Jahr"]), "Summe bis 2025")
    assert to_date == [None, *by_year[1:]]
    year_2025 = next(r for r in table(report["Ausgaben nach Jahr"]) if r[0] == "2025")
    assert categories[1:] == [euro(c) for c in year_2025[1:]]
    financing = assert_sum_row(table(report["Finanzierung 2025: geplant und eingegangen"]))
    financing_to_date = assert_sum_row(table(report["Finanzierung 2022 bis 2025"]))
    # the plan's financing is its cost
    assert financing[1] == categories[1] and financing_to_date[1] == to_date[1]
    # the own shares per partner add up to the own-share row
    rows = table(report["Finanzierung 2025: geplant und eingegangen"])
    own = next(i for i, r in enumerate(rows) if r[0] == "Eigenanteile der Partner")
    parts = [r for r in rows[own + 1 :] if r[0].startswith("– davon")]
    assert len(parts) == 4
    for column in (1, 2, 3):
        assert sum((euro(r[column]) or Decimal(0) for r in parts), Decimal(0)) == euro(rows[own][column])

    text = report["Zahlenmäßiger Verwendungsnachweis"]
    year_line = next(line for line in text.splitlines() if line.startswith("Im Jahr 2025:"))
    planned, spent, eligible, ineligible, received, grant, own_paid, third = figures(year_line)
    assert [planned, spent, None, eligible, ineligible] == [
        categories[1],
        categories[2],
        None,
        *categories[4:],
    ]
    assert received == financing[2]
    received_rows = {r[0]: euro(r[2]) for r in rows}
    assert [grant, own_paid, third] == [
        received_rows["Zuwendung"],
        received_rows["Eigenanteile der Partner"],
        received_rows["Drittmittel"],
    ]
    until_line = next(line for line in text.splitlines() if line.startswith("Bis Ende 2025:"))
    planned, spent, eligible, ineligible, received, *_, balance = figures(until_line)
    assert [planned, spent, eligible, ineligible] == [to_date[1], to_date[2], *to_date[4:]]
    assert received == financing_to_date[2]
    assert balance == received - spent


def test_receipts_of_the_year_are_listed_and_add_up_to_their_sum(report: dict[str, str], plan: Plan) -> None:
    rows = table(report["Belegliste 2025"])
    total = assert_sum_row(rows)
    m14 = plan.project.measures_by_id["M14"]
    receipts = [r for r in m14.receipts if r.date.year == 2025]
    assert len(rows) - 1 == len(receipts) == 7
    assert total[5] == sum((r.amount for r in receipts), Decimal(0))
    # receipts of a year are that year's spending: here they equal the yearly entry
    assert total[5] == sum((s.amount for s in m14.spending if s.year == 2025), Decimal(0))
    assert rows[0][:6] == ["14.02.2025", "R-2025-011", "M14", "Investitionen", "ja", "118.400,00\u00a0€"]
    # the non-eligible receipt is counted as not eligible in the category table
    other = next(r for r in table(report["Ausgaben 2025 nach Kostenart"]) if r[0] == "Sonstige Ausgaben")
    assert other[2] == "1.200,00\u00a0€" and other[4] == "0,00\u00a0€" and other[5] == "1.200,00\u00a0€"
    assert "(Beispiel)" in rows[0][6]


def test_an_indicator_measured_in_an_earlier_year_shows_its_last_value_with_the_year(
    report: dict[str, str],
) -> None:
    rows = {r[0]: r for r in table(report["Indikatoren"])}
    # M03's indicators were measured in 2022 only
    row = rows["Von allen vier Kreistagen beschlossene Smart-Region-Strategie (\\*)"]
    assert row[3] == "4 (2022)"
    assert all(r[3] != "–" for r in rows.values() if r[5] != "keine Messwerte")


def test_receipts_replace_the_yearly_entry_and_the_plan_adds_the_same_figures(plan: Plan) -> None:
    budget = plan.application
    years = budget.actual_years(2025)
    total = budget.actuals(years)
    by_year = budget.actuals_by_year(2025)
    assert [r.key for r in by_year] == list(years) == [2022, 2023, 2024, 2025]
    for attr in ("planned", "planned_eligible", "spent", "spent_eligible"):
        assert getattr(total.total, attr) == sum((getattr(r, attr) for r in by_year), Decimal(0))
        assert getattr(total.total, attr) == sum((getattr(r, attr) for r in total.by_category), Decimal(0))
    assert total.financing_total.planned == total.total.planned
    m14 = plan.by_id["M14"]
    # 2025 comes from the receipts (with categories), 2024 from the yearly entry (without)
    assert {i.category for i in m14.actuals if i.year == 2025} == {
        "investment",
        "personnel",
        "material",
        "other",
    }
    assert [i.category for i in m14.actuals if i.year == 2024] == [None]
    assert m14.spent_by_year == {2024: Decimal(225000), 2025: Decimal(238500)}


def test_a_year_with_receipts_but_no_yearly_entry_reports_the_receipts(minimal: Path, run) -> None:
    measure = minimal / "measures" / "M01.yaml"
    text = measure.read_text(encoding="utf-8")
    measure.write_text(
        text
        + "receipts:\n"
        + "  - {date: 2027-03-01, amount: 1234.56, category: services, number: R-1}\n"
        + "  - {date: 2027-04-01, amount: 100, category: travel, eligible: false}\n"
        + "payments:\n"
        + "  - {date: 2027-05-01, kind: grant, amount: 1000}\n",
        encoding="utf-8",
    )
    assert run("check", cwd=minimal).code == 0
    project = require_project(minimal)
    plan = resolve(project, today=dt.date(2027, 12, 31))
    assert plan.by_id["M01"].spent_by_year == {2027: Decimal("1334.56")}
    sections_2027 = sections(render(plan, 2027)[0])
    rows = table(sections_2027["Belegliste 2027"])
    assert assert_sum_row(rows)[5] == Decimal("1334.56")
    categories = assert_sum_row(table(sections_2027["Ausgaben 2027 nach Kostenart"]))
    assert categories[2] == Decimal("1334.56") and categories[5] == Decimal(100)
    financing = table(sections_2027["Finanzierung 2027: geplant und eingegangen"])
    assert [financing[0][0], financing[0][2]] == ["Zuwendung", "1.000,00\u00a0€"]


def test_payments_and_receipts_are_checked_at_their_lines(embedded: Path, run) -> None:
    measure = embedded / "measures" / "M14.yaml"
    text = measure.read_text(encoding="utf-8")
    # hol bears no own share of M14; a receipt after the reference day
    text = text.replace("amount: 23625, partner: shg", "amount: 23625, partner: hol")
    text = text.replace("date: 2025-12-31, amount: 15000", "date: 2027-01-31, amount: 15000")
    measure.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    payment = next(i for i, line in enumerate(lines, 1) if "partner: hol" in line)
    receipt = next(i for i, line in enumerate(lines, 1) if "2027-01-31" in line)
    result = run("--stichtag", "2026-12-02", "check", cwd=embedded)
    assert result.code == 1
    assert (
        f"measures/M14.yaml:{payment}:" in result.err
        and "'hol' trägt laut 'funding.own_shares' keinen Eigenanteil an dieser Maßnahme" in result.err
    )
    # the receipt moved to 2027 no longer adds up to the yearly entry of 2025
    assert (
        "die Ausgaben 2025 ergeben 238.500,00\u00a0€, die Belege dieses Jahres (receipts) 223.500,00\u00a0€"
        in result.err
    )
    assert "Traceback" not in result.err
    text = text.replace("partner: hol", "partner: shg").replace(
        "  - {year: 2025, amount: 238500, example: true}\n",
        "  - {year: 2025, amount: 223500, example: true}\n",
    )
    measure.write_text(text, encoding="utf-8")
    result = run("--stichtag", "2026-12-02", "check", cwd=embedded)
    assert result.code == 0, result.err
    output = result.out + result.err
    assert f"measures/M14.yaml:{receipt}:" in output
    assert "warning: Feld 'receipts[6].date': 31.01.2027 liegt nach dem Stichtag 02.12.2026" in output
