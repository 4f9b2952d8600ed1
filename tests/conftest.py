from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from rek.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
INIT_TEMPLATE = ROOT / "src" / "rek" / "templates" / "init"
# The reference day (Stichtag) of every test: late measures, missed targets, deadlines and document dates
# are computed from it, never from the machine's clock (tests/test_clock.py runs them at other dates).
REFERENCE_DAY = "2026-11-25"


@pytest.fixture(scope="session", autouse=True)
def reference_day() -> Iterator[str]:
    """Pin the reference day for the whole session (in-process and for every rek subprocess)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REK_TODAY", REFERENCE_DAY)
        yield REFERENCE_DAY


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if ": error: " in line]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run the rek CLI in-process in a folder; return exit code, stdout, stderr."""

    def _run(*args: str, cwd: Path | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A fresh copy of the minimal valid project (the 'rek init' template)."""
    target = tmp_path / "region"
    shutil.copytree(INIT_TEMPLATE, target)
    return target


@pytest.fixture
def embedded(tmp_path: Path) -> Path:
    """A copy of the embedded Weserbergland strategy."""
    target = tmp_path / "weserbergland"
    target.mkdir()
    for name in ("strategy", "measures", "content", "templates"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, target / name)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    return target


@pytest.fixture(scope="session")
def built_embedded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded strategy built once per test session (site + application): returns the output folder."""
    from rek.build import build
    from rek.project import require_project

    work = tmp_path_factory.mktemp("embedded")
    project_dir = work / "weserbergland"
    project_dir.mkdir()
    for name in ("strategy", "measures", "content"):
        shutil.copytree(ROOT / name, project_dir / name)
    shutil.copy(ROOT / "mkdocs.yml", project_dir / "mkdocs.yml")
    project = require_project(project_dir)
    out = work / "out"
    build(project, out)
    return out


def with_call(project: Path) -> Path:
    """Choose the call mpsc-2021 in a copy of the minimal project (profiles from the embedded strategy)."""
    shutil.copytree(ROOT / "strategy" / "calls", project / "strategy" / "calls")
    strategy = project / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    text = re.sub(r"^# call: mpsc-2021.*$", "call: mpsc-2021", text, count=1, flags=re.M)
    assert "\ncall: mpsc-2021\n" in text
    # what the call asks for besides: committed own funds and the annexes (so the build may write it)
    text = text.replace("    role: Antragsteller\n", "    role: Antragsteller\n    own_funds: 1000000\n", 1)
    text += (
        "annexes:\n  - {id: ratsbeschluss, title: Ratsbeschluss, partner: lk}\n"
        "  - {id: absichtserklaerung, title: Absichtserklärung, partner: lk}\n"
        "  - {id: kosten-und-finanzierungsplan, title: Kosten- und Finanzierungsplan}\n"
        # the application is dated before the call's deadline (the reference day of the tests is after it)
        "submissions:\n  - {call: mpsc-2021, date: 2021-03-12}\n"
    )
    strategy.write_text(text, encoding="utf-8")
    return project


def overlay(fixture: Path, project: Path) -> None:
    """Copy a fixture's files (all but expected.txt) over a project."""
    for item in fixture.rglob("*"):
        if item.is_file() and item.name != "expected.txt":
            target = project / item.relative_to(fixture)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(item, target)
