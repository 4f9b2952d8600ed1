"""One clock: every output is computed for the reference day (Stichtag), never for the machine's date.

The suite pins the day (conftest.REFERENCE_DAY). These tests move the machine's clock far away (to
2027-06-01 and 2031-01-01, with time-machine) and show that checks, pages, the application and the drafts
stay the same for the same day, that two builds on different days with the same --stichtag are identical,
and that only ``rek.clock`` reads the machine's date.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest
import time_machine

from conftest import REFERENCE_DAY, ROOT
from rek import clock
from rek.application.document import render
from rek.application.drafts import render_drafts
from rek.checks import check_plan, monitoring_findings
from rek.diagnostics import RekError
from rek.plan import resolve
from rek.project import require_project
from rek.site.pages import SitePages

FAR_DAYS = ("2027-06-01 12:00:00", "2031-01-01 12:00:00")
SRC = ROOT / "src" / "rek"


def outputs(project_dir: Path) -> dict[str, str]:
    """Everything the day can change, rendered in memory: site pages, application, drafts, findings."""
    plan = resolve(require_project(project_dir))
    found = {f"site/{name}": text for name, text in SitePages(plan).files()}
    found["antrag.md"] = render(plan).markdown
    found.update({f"entwuerfe/{d.stem}.md": d.markdown for d in render_drafts(plan)})
    found["findings"] = "\n".join(d.format() for d in sorted(check_plan(plan) + monitoring_findings(plan)))
    return found


def test_the_outputs_do_not_depend_on_the_machines_date(embedded: Path) -> None:
    reference = outputs(embedded)
    assert reference["findings"], "the embedded strategy has monitoring warnings on the reference day"
    for day in FAR_DAYS:
        with time_machine.travel(day, tick=False):
            assert dt.date.today().isoformat() == day[:10]  # the machine's clock did move
            moved = outputs(embedded)
        assert moved.keys() == reference.keys()
        changed = [name for name in reference if moved[name] != reference[name]]
        assert changed == [], f"at {day}: {changed}"


def test_the_reference_day_changes_what_is_late(embedded: Path, run) -> None:
    """The day is not ignored: later, a milestone of M21 (due 30.11.2026) is overdue."""
    on_day = run("--stichtag", REFERENCE_DAY, "check", cwd=embedded)
    later = run("--stichtag", "2026-12-02", "check", cwd=embedded)
    assert on_day.code == later.code == 0, (on_day.err, later.err)
    assert "M21.yaml" not in on_day.out + on_day.err
    assert "measures/M21.yaml" in later.out + later.err
    assert "Meilenstein" in later.out + later.err


def test_the_reference_day_comes_from_the_option_then_the_environment_then_the_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REK_TODAY", "2030-02-03")
    assert clock.reference_day("2029-01-02") == dt.date(2029, 1, 2)
    assert clock.reference_day() == dt.date(2030, 2, 3)
    monkeypatch.delenv("REK_TODAY")
    with time_machine.travel("2031-01-01 12:00:00", tick=False):
        assert clock.reference_day() == dt.date(2031, 1, 1)
        assert resolve(require_project(ROOT)).today == dt.date(2031, 1, 1)


@pytest.mark.parametrize(
    ("args", "env", "origin"),
    [
        (["--stichtag", "31.12.2026"], None, "(--stichtag): '31.12.2026'"),
        ([], "2026-13-01", "(Umgebungsvariable REK_TODAY): '2026-13-01'"),
    ],
)
def test_an_invalid_reference_day_is_an_error_in_german(
    args: list[str], env: str | None, origin: str, minimal: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    if env is not None:
        monkeypatch.setenv("REK_TODAY", env)
    result = run(*args, "check", cwd=minimal)
    assert result.code == 1
    assert f"Ungültiger Stichtag {origin}; erwartet wird ein Datum JJJJ-MM-TT" in result.err
    assert "Traceback" not in result.err
    with pytest.raises(RekError):
        clock.parse_day("morgen", "(Test)")


def test_the_documents_carry_the_submission_date_else_the_reference_day(embedded: Path, run) -> None:
    """Cover and drafts carry the date of the submission to the call; without one, the reference day.
    The site says for which day it judged."""
    plan = resolve(require_project(embedded), today=dt.date(2031, 1, 1))
    assert "| Datum | 12.03.2021 (Beispielangabe) |" in render(plan).markdown
    councils = [d for d in render_drafts(plan) if d.stem.startswith("beschluss")]
    assert len(councils) == 4 and all("zum Antrag vom 12.03.2021" in d.markdown for d in councils)
    pages = dict(SitePages(plan).files())
    assert "Ausgewertet zum Stichtag 01.01.2031." in pages["index.md"]
    assert "Ausgewertet zum Stichtag 01.01.2031." in pages["fortschritt.md"]
    strategy = embedded / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    start = text.index("\nsubmissions:\n")
    strategy.write_text(text[:start] + text[text.index("\n\n", start + 1) :], encoding="utf-8")
    plan = resolve(require_project(embedded), today=dt.date(2031, 1, 1))
    assert "| Datum | 01.01.2031 |" in render(plan).markdown
    assert all(
        "zum Antrag vom 01.01.2031" in d.markdown
        for d in render_drafts(plan)
        if d.stem.startswith("beschluss")
    )


def _tree_digest(folder: Path, suffixes: tuple[str, ...]) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix in suffixes
    }


@pytest.mark.documents
@pytest.mark.slow
def test_two_builds_on_different_days_with_the_same_stichtag_are_identical(
    embedded: Path, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Markdown tree and site HTML byte for byte; with SOURCE_DATE_EPOCH also DOCX, XLSX and PDF."""
    shutil.copy(ROOT / "mkdocs.yml", embedded / "mkdocs.yml")
    monkeypatch.delenv("REK_TODAY")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01
    digests = []
    for number, day in enumerate(FAR_DAYS):
        out = tmp_path / f"out{number}"
        with time_machine.travel(day, tick=False):
            result = run("-q", "--stichtag", "2026-12-02", "build", "--out", str(out), cwd=embedded)
        assert result.code == 0, result.err
        digests.append(
            (
                _tree_digest(out / "mkdocs", (".md", ".yml", ".svg", ".json", ".csv")),
                _tree_digest(out / "site", (".html",)),
                _tree_digest(out / "antrag", (".md", ".txt", ".docx", ".xlsx", ".pdf")),
            )
        )
    first, second = digests
    for part, other in zip(first, second, strict=True):
        assert part and part == other, sorted(k for k in part if part.get(k) != other.get(k))
    assert any(name.endswith(".pdf") for name in first[2]) and any(n.endswith(".docx") for n in first[2])


# --- only rek.clock reads the machine's date --------------------------------------------------------
CLOCK_CALLS = {("date", "today"), ("datetime", "now"), ("datetime", "today"), ("datetime", "utcnow")}


def clock_reads(source: str) -> list[int]:
    """Lines that read the calendar date or time: date.today(), datetime.now() (also as dt.date.today())."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if (name, node.func.attr) in CLOCK_CALLS or (name == "time" and node.func.attr == "localtime"):
                lines.append(node.lineno)
    return lines


def test_only_the_clock_module_reads_the_machines_date() -> None:
    readers = {
        path.relative_to(SRC).as_posix(): clock_reads(path.read_text(encoding="utf-8"))
        for path in SRC.rglob("*.py")
    }
    assert {name: lines for name, lines in readers.items() if lines} == {"clock.py": [readers["clock.py"][0]]}


@pytest.mark.parametrize(
    "code",
    [
        "import datetime\ndatetime.date.today()",
        "import datetime as dt\ndt.date.today()",
        "from datetime import date\ndate.today()",
        "from datetime import datetime\ndatetime.now()",
        "import datetime as dt\ndt.datetime.utcnow()",
        "import time\ntime.localtime()",
    ],
)
def test_the_clock_guard_sees_every_spelling(code: str) -> None:
    assert clock_reads(code) == [2]
